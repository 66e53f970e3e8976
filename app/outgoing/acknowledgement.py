"""The 3-working-day acknowledgement rule (seed 004 Điều 16.8): a recipient that has not acknowledged a document
("chưa được tiếp nhận") within 3 working days of its dispatch is followed up by the sender.

One rule for the two that use it: the hourly job that flags the late deliveries to the sending agency
(app.outgoing.jobs.flag_unacknowledged) and the exchange statistics (app.reports.exchange). The deadline is counted
on the sending agency's working calendar (app.sla.calendar: holidays, make-up days)."""

import logging
from dataclasses import dataclass, field
from datetime import datetime, time, timedelta

import sqlalchemy as sa

from app.core import clock
from app.core.clock import LOCAL_TZ
from app.core.db import db
from app.org.models import Role, User, UserRole
from app.outgoing.models import DeliveryState, OutgoingDocument, OutgoingRecipient, OutgoingStatus, RecipientKind
from app.sla.calendar import calendars_for
from app.sla.engine import WorkingCalendar
from app.sla.spec import parse_spec

log = logging.getLogger(__name__)

ACK_SPEC = parse_spec("P3D")  # seed 004 Điều 16.8: "chưa được tiếp nhận trong thời gian 3-4 ngày làm việc"
ELECTRONIC = (RecipientKind.AGENCY, RecipientKind.EXTERNAL)
NOTICE_KIND = "outgoing_unacknowledged"
LATE_LABEL = "Quá 3 ngày làm việc chưa tiếp nhận"


def silent_before(agency_id: int, now: datetime) -> datetime:
    """The instant before which a delivery still unanswered is late: 3 working days have passed since its dispatch
    day. The deadline depends only on the local date of the dispatch, so one cut-off serves a whole SQL filter."""
    return silent_before_each([agency_id], now)[agency_id]


def silent_before_each(agency_ids, now: datetime) -> dict[int, datetime]:
    """`silent_before` of many agencies: their calendars read together, one cut-off per distinct calendar (agencies
    that keep the default calendar share it)."""
    calendars = calendars_for(agency_ids)
    cutoffs: dict[int, datetime] = {}
    for calendar in calendars.values():
        if id(calendar) not in cutoffs:
            cutoffs[id(calendar)] = _cutoff(calendar, now)
    return {agency_id: cutoffs[id(calendar)] for agency_id, calendar in calendars.items()}


def _cutoff(calendar: WorkingCalendar, now: datetime) -> datetime:
    day = clock.to_local(now).date()
    while calendar.due(clock.ensure_aware(datetime.combine(day, time(12), LOCAL_TZ)), ACK_SPEC) > now:
        day -= timedelta(days=1)
    return clock.ensure_aware(datetime.combine(day + timedelta(days=1), time(), LOCAL_TZ))


def awaiting_acknowledgement():
    """The deliveries that still owe an acknowledgement: in the recipient's hands electronically (an agency of the
    deployment, or an outside one through a connector), of an issued document, unanswered and not yet flagged.
    A package exported for manual sending is followed up by hand, not flagged."""
    return sa.and_(
        OutgoingRecipient.kind.in_(ELECTRONIC),
        OutgoingRecipient.delivery == DeliveryState.DELIVERED,
        OutgoingRecipient.dispatched_at.is_not(None),
        OutgoingRecipient.acknowledged_at.is_(None),
        OutgoingRecipient.ack_flagged_at.is_(None),
    )


def due_for_flag(now: datetime | None = None) -> list[int]:
    """Ids of the deliveries past their 3 working days, oldest first. The SQL reads only the unflagged, unanswered
    deliveries dispatched over 2 calendar days ago (a safe bound: 3 working days from a dispatch day end at the
    earliest at noon 3 days later): the partial index ix_outgoing_recipient_unacknowledged (dispatched_at, only
    delivered, unanswered, unflagged rows) keeps that to the few candidates; each sending agency's calendar then
    decides."""
    now = now or clock.now()
    query = (
        sa.select(OutgoingRecipient.id, OutgoingRecipient.dispatched_at, OutgoingDocument.agency_id)
        .join(OutgoingDocument, OutgoingRecipient.document_id == OutgoingDocument.id)
        .where(
            awaiting_acknowledgement(),
            OutgoingRecipient.dispatched_at < now - timedelta(days=2),
            OutgoingDocument.status == OutgoingStatus.ISSUED,
        )
        .order_by(OutgoingRecipient.dispatched_at, OutgoingRecipient.id)
    )
    rows = db.session.execute(query).all()
    cutoffs = silent_before_each({agency_id for _id, _at, agency_id in rows}, now)
    return [recipient_id for recipient_id, at, agency_id in rows if clock.ensure_aware(at) < cutoffs[agency_id]]


def _clerks(agency_id: int) -> list[int]:
    return list(
        db.session.scalars(
            sa.select(User.id).where(
                User.agency_id == agency_id,
                User.is_active.is_(True),
                User.id.in_(sa.select(UserRole.user_id).where(UserRole.role == Role.CLERK)),
            )
        )
    )


@dataclass
class FlagResult:
    flagged: list[int] = field(default_factory=list)
    failed: list[int] = field(default_factory=list)


def flag_one(recipient_id: int, now: datetime | None = None) -> bool:
    """Flag one late delivery and tell the sending agency's clerks and the drafter, in the caller's unit of work.
    False when it no longer qualifies (acknowledged, or flagged, since it was listed)."""
    from app.notifications.services import notify

    now = now or clock.now()
    recipient = db.session.get(OutgoingRecipient, recipient_id)
    if recipient is None or recipient.ack_flagged_at is not None or recipient.acknowledged_at is not None:
        return False
    document = recipient.document
    if document.status != OutgoingStatus.ISSUED or recipient.delivery != DeliveryState.DELIVERED:
        return False
    recipient.ack_flagged_at = now
    dispatched = clock.to_local(recipient.dispatched_at)
    title = f"{LATE_LABEL}: {recipient.name} — văn bản {document.symbol or ''}".strip()
    notify(
        [*_clerks(document.agency_id), document.drafter_id],
        kind=NOTICE_KIND,
        title=title,
        body=(
            f"{recipient.name} chưa tiếp nhận văn bản {document.symbol or ''} ({document.subject}) gửi ngày "
            f"{dispatched:%d/%m/%Y %H:%M}, đã quá 3 ngày làm việc: đề nghị liên hệ nơi nhận (Điều 16.8)."
        ),
        url=f"/outgoing/{document.id}",
        dedupe_key=f"outgoing-unacknowledged:{recipient.id}",
        object_type="outgoing_document",
        object_id=document.id,
    )
    return True
