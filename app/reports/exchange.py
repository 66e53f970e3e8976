"""Thống kê gửi, nhận văn bản điện tử: per agency, for a month, quarter, half-year or year.

Seed 002 Điều 17, seed 003 Điều 16.3 and 18.6, seed 004 Điều 15 and 17.4 ask for periodic reports of electronic
exchange; seed 004 Điều 16.8 for the documents not acknowledged within 3–4 working days. Per agency:

- sent: issued documents of the period with at least one electronic recipient (an agency of the deployment or an
  external one), the deliveries to those recipients, the share sealed with the agency's digital signature;
- received: incoming documents that arrived electronically in the period, the share whose main file carries a valid
  digital signature;
- refused and returned, with their reasons: recipients that answered 02 (Từ chối tiếp nhận) to our documents, and
  documents this agency returned to their sender;
- acknowledgement: the average time from dispatch to the recipient clerk's first answer (03 Đã tiếp nhận or 02 Từ
  chối; the 01 Đã đến that the receiving software sends by itself does not count, legal.md §4.5 — seed 004 Điều 16.8
  follows up what is "chưa được tiếp nhận"), and the recipients still without one 3 working days after dispatch.
"""

from datetime import datetime

import sqlalchemy as sa

from app.core import clock
from app.core.db import db, without_jit
from app.exchange.models import StatusCode
from app.incoming.models import Channel, IncomingDocument, IncomingFile, IncomingStatus
from app.org.models import Agency
from app.outgoing.acknowledgement import silent_before_each
from app.outgoing.models import (
    DeliveryState,
    OutgoingDocument,
    OutgoingRecipient,
    OutgoingVersion,
    RecipientKind,
    VersionStage,
)
from app.reports.periods import Period
from app.reports.sql import seconds_between

ELECTRONIC = (RecipientKind.AGENCY, RecipientKind.EXTERNAL)
SILENT_LISTED = 500  # silent deliveries listed by name (all are counted)
FIGURES = (
    "sent_documents",
    "sent_deliveries",
    "sent_signed",
    "received",
    "received_signed",
    "refused_by_recipients",
    "returned_to_senders",
    "acknowledged",
    "unacknowledged",
)


def _sum(condition):
    return sa.func.coalesce(sa.func.sum(sa.case((condition, 1), else_=0)), 0)


def _issued_in(agency_ids: list[int], period: Period) -> list:
    return [
        OutgoingDocument.agency_id.in_(agency_ids),
        OutgoingDocument.issued_at >= period.starts_at,
        OutgoingDocument.issued_at < period.ends_at,
    ]


def _sent(agency_ids: list[int], period: Period, rows: dict) -> None:
    electronic = sa.exists().where(
        OutgoingRecipient.document_id == OutgoingDocument.id, OutgoingRecipient.kind.in_(ELECTRONIC)
    )
    sealed = sa.exists().where(
        OutgoingVersion.document_id == OutgoingDocument.id,
        OutgoingVersion.stage == VersionStage.ISSUED,
        OutgoingVersion.credential_id.is_not(None),
    )
    query = (
        sa.select(OutgoingDocument.agency_id, sa.func.count(), _sum(sealed))
        .where(*_issued_in(agency_ids, period), electronic)
        .group_by(OutgoingDocument.agency_id)
    )
    for agency_id, count, signed in db.session.execute(query):
        rows[agency_id].update(sent_documents=int(count), sent_signed=int(signed))
    recipient = OutgoingRecipient
    ack_seconds = seconds_between(recipient.dispatched_at, recipient.acknowledged_at)
    query = (
        sa.select(
            OutgoingDocument.agency_id,
            _sum(recipient.dispatched_at.is_not(None)),
            _sum(recipient.status_code == StatusCode.REFUSED),
            _sum(recipient.acknowledged_at.is_not(None)),
            sa.func.avg(sa.case((recipient.acknowledged_at.is_not(None), ack_seconds))),
        )
        .join(recipient, recipient.document_id == OutgoingDocument.id)
        .where(*_issued_in(agency_ids, period), recipient.kind.in_(ELECTRONIC))
        .group_by(OutgoingDocument.agency_id)
    )
    for agency_id, deliveries, refused, acknowledged, average in db.session.execute(query):
        rows[agency_id].update(
            sent_deliveries=int(deliveries),
            refused_by_recipients=int(refused),
            acknowledged=int(acknowledged),
            avg_ack_minutes=round(float(average) / 60, 1) if average is not None else None,
        )


def _received(agency_ids: list[int], period: Period, rows: dict) -> None:
    signed = sa.exists().where(
        IncomingFile.document_id == IncomingDocument.id, IncomingFile.is_main, IncomingFile.signature_valid.is_(True)
    )
    query = (
        sa.select(
            IncomingDocument.agency_id,
            sa.func.count(),
            _sum(signed),
            _sum(IncomingDocument.status == IncomingStatus.RETURNED),
        )
        .where(
            IncomingDocument.agency_id.in_(agency_ids),
            IncomingDocument.arrived_at >= period.starts_at,
            IncomingDocument.arrived_at < period.ends_at,
            IncomingDocument.channel == Channel.ELECTRONIC,
        )
        .group_by(IncomingDocument.agency_id)
    )
    for agency_id, count, signed_count, returned in db.session.execute(query):
        rows[agency_id].update(
            received=int(count), received_signed=int(signed_count), returned_to_senders=int(returned)
        )


def _reasons(agency_ids: list[int], period: Period) -> dict[int, list[dict]]:
    """Per agency: why recipients refused its documents, and why it returned documents to their senders."""
    found: dict[int, list[dict]] = {agency_id: [] for agency_id in agency_ids}
    refused = (
        sa.select(OutgoingDocument.agency_id, OutgoingRecipient.status_note, sa.func.count())
        .join(OutgoingRecipient, OutgoingRecipient.document_id == OutgoingDocument.id)
        .where(*_issued_in(agency_ids, period), OutgoingRecipient.status_code == StatusCode.REFUSED)
        .group_by(OutgoingDocument.agency_id, OutgoingRecipient.status_note)
    )
    for agency_id, reason, count in db.session.execute(refused):
        found[agency_id].append({"direction": "refused", "reason": reason or "(không ghi lý do)", "count": int(count)})
    returned = (
        sa.select(IncomingDocument.agency_id, IncomingDocument.returned_reason, sa.func.count())
        .where(
            IncomingDocument.agency_id.in_(agency_ids),
            IncomingDocument.arrived_at >= period.starts_at,
            IncomingDocument.arrived_at < period.ends_at,
            IncomingDocument.channel == Channel.ELECTRONIC,
            IncomingDocument.status == IncomingStatus.RETURNED,
        )
        .group_by(IncomingDocument.agency_id, IncomingDocument.returned_reason)
    )
    for agency_id, reason, count in db.session.execute(returned):
        found[agency_id].append({"direction": "returned", "reason": reason or "(không ghi lý do)", "count": int(count)})
    for reasons in found.values():
        reasons.sort(key=lambda r: (r["direction"], -r["count"], r["reason"]))
    return found


def _silent(agency_ids: list[int], period: Period, now: datetime) -> list:
    """The deliveries still silent 3 working days after dispatch: one cut-off per distinct calendar, so a province
    whose agencies keep the default calendar is one condition, not one per agency."""
    conditions = [
        OutgoingRecipient.kind == RecipientKind.AGENCY,
        OutgoingRecipient.delivery == DeliveryState.DELIVERED,
        OutgoingRecipient.acknowledged_at.is_(None),
    ]
    by_cutoff: dict[datetime, list[int]] = {}
    for agency_id, cutoff in silent_before_each(agency_ids, now).items():
        by_cutoff.setdefault(cutoff, []).append(agency_id)
    per_cutoff = [
        sa.and_(OutgoingDocument.agency_id.in_(ids), OutgoingRecipient.dispatched_at < cutoff)
        for cutoff, ids in by_cutoff.items()
    ]
    return [*_issued_in(agency_ids, period), *conditions, sa.or_(sa.false(), *per_cutoff)]


def unacknowledged(
    agency_ids: list[int], period: Period, now: datetime | None = None, limit: int = SILENT_LISTED
) -> list:
    """Deliveries to agencies of the deployment not accepted (nor refused) 3 working days after dispatch, oldest
    first."""
    return _unacknowledged(_silent(agency_ids, period, now or clock.now()), limit)


def _unacknowledged(silent: list, limit: int) -> list:
    query = (
        sa.select(
            OutgoingDocument.agency_id,
            OutgoingDocument.id,
            OutgoingDocument.symbol,
            OutgoingDocument.subject,
            OutgoingRecipient.name,
            OutgoingRecipient.code,
            OutgoingRecipient.dispatched_at,
        )
        .select_from(OutgoingRecipient)
        .join(OutgoingDocument, OutgoingRecipient.document_id == OutgoingDocument.id)
        .where(*silent)
        .order_by(OutgoingRecipient.dispatched_at, OutgoingRecipient.id)
        .limit(limit)
    )
    names = ("agency_id", "document_id", "symbol", "subject", "recipient", "recipient_code", "dispatched_at")
    return [dict(zip(names, row, strict=True)) for row in db.session.execute(query)]


def _count_silent(silent: list, rows: dict) -> None:
    query = (
        sa.select(OutgoingDocument.agency_id, sa.func.count())
        .select_from(OutgoingRecipient)
        .join(OutgoingDocument, OutgoingRecipient.document_id == OutgoingDocument.id)
        .where(*silent)
        .group_by(OutgoingDocument.agency_id)
    )
    for agency_id, count in db.session.execute(query):
        rows[agency_id]["unacknowledged"] = int(count)


def exchange_report(agency_ids: list[int], period: Period, now: datetime | None = None) -> dict:
    """One row per agency (by name) with its figures and reasons, the total, and the silent recipients."""
    without_jit()
    names = dict(db.session.execute(sa.select(Agency.id, Agency.name).where(Agency.id.in_(agency_ids))).all())
    rows = {agency_id: dict.fromkeys(FIGURES, 0) | {"avg_ack_minutes": None} for agency_id in names}
    ids = list(names)
    _sent(ids, period, rows)
    _received(ids, period, rows)
    silent_condition = _silent(ids, period, now or clock.now())
    _count_silent(silent_condition, rows)
    silent = _unacknowledged(silent_condition, SILENT_LISTED)
    reasons = _reasons(ids, period)
    listed = [
        {"agency_id": agency_id, "name": names[agency_id], **figures, "reasons": reasons[agency_id]}
        for agency_id, figures in rows.items()
    ]
    listed.sort(key=lambda r: r["name"])
    total = {name: sum(r[name] for r in listed) for name in FIGURES}
    acknowledged = [(r["avg_ack_minutes"], r["acknowledged"]) for r in listed if r["avg_ack_minutes"] is not None]
    weight = sum(count for _avg, count in acknowledged)
    total["avg_ack_minutes"] = round(sum(a * c for a, c in acknowledged) / weight, 1) if weight else None
    return {"rows": listed, "total": total, "unacknowledged": silent}


def share(part: int, whole: int) -> float | None:
    """A percentage with one decimal, None for nothing to divide."""
    return round(100 * part / whole, 1) if whole else None
