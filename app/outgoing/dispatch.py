"""Phát hành: deliver an issued document to its recipients and keep track of each delivery (design.md §7).

- An agency of this deployment receives an edXML package through the very path an external document takes
  (`exchange.delivery.deliver_package`), under the recipient's message id (delivered once, however often retried).
  Each delivery runs in its own SAVEPOINT: one failing recipient is marked `pending` with its error, retried by
  the scheduler (`jobs.py`), and never undoes the issue or the other deliveries.
- An internal unit receives it for information (the document is visible to the unit's people once issued).
- An agency outside the deployment that a connector peer reaches gets its package through the outbox
  (`app.outgoing.connector`); one no peer reaches gets a package to download (`external_package`), `exported`.
"""

import logging
from contextlib import contextmanager
from datetime import timedelta

import sqlalchemy as sa

from app.audit import services as audit
from app.core import clock
from app.core.db import db
from app.core.errors import Conflict, ValidationError
from app.core.locking import lock_row
from app.core.transaction import in_unit_of_work, unit_of_work
from app.exchange.delivery import deliver_package
from app.exchange.models import StatusCode
from app.exchange.services import record_status
from app.org.models import Agency, User
from app.outgoing import connector
from app.outgoing.models import (
    DeliveryState,
    OutgoingDocument,
    OutgoingRecipient,
    OutgoingStatus,
    RecipientKind,
)
from app.outgoing.packages import new_message_id, package_for

log = logging.getLogger(__name__)

MAX_BACKOFF = timedelta(hours=6)


@contextmanager
def savepoint():
    """A nested unit of work inside the caller's, or a bare SAVEPOINT when the caller manages the transaction."""
    if in_unit_of_work():
        with unit_of_work():
            yield
    else:
        with db.session.begin_nested():
            yield


def check_recipient_agencies(document: OutgoingDocument) -> None:
    """Every agency recipient is still an active agency of the deployment (checked at draft time too)."""
    unknown = []
    for recipient in document.recipients:
        if recipient.kind == RecipientKind.AGENCY:
            agency = db.session.get(Agency, recipient.agency_id) if recipient.agency_id else None
            if agency is None or not agency.is_active or agency.code != recipient.code:
                unknown.append(recipient.code or recipient.name)
    if unknown:
        message = f"Không có cơ quan nhận với mã định danh: {', '.join(unknown)}."
        raise ValidationError(message, code="unknown_recipient", details={"recipient_agency_codes": message})


def dispatch_document(document: OutgoingDocument, *, actor: User | None) -> dict:
    """Deliver an issued document to every recipient; returns counts by delivery state."""
    if document.status != OutgoingStatus.ISSUED:
        raise ValidationError("Chỉ phát hành được văn bản đã cấp số và ký số.", code="outgoing_not_issued")
    check_recipient_agencies(document)
    now = clock.now()
    for recipient in document.recipients:
        if recipient.delivery is not None:
            continue  # already dispatched (a retried engine step)
        recipient.dispatched_at = now
        if recipient.kind == RecipientKind.AGENCY:
            recipient.message_id = new_message_id(recipient)
            db.session.flush()
            deliver(recipient)
        elif recipient.kind == RecipientKind.UNIT:
            recipient.delivery = DeliveryState.DELIVERED
        elif (route := connector.route_of(recipient)) is not None:
            connector.send_through_peer(recipient, route)  # queued in this transaction; the outbox sends it
        else:
            recipient.delivery = DeliveryState.EXPORTED
    db.session.flush()
    counts: dict[str, int] = {}
    for recipient in document.recipients:
        counts[recipient.delivery] = counts.get(recipient.delivery, 0) + 1
    audit.record(
        actor,
        "outgoing.dispatch",
        document,
        summary=f"Gửi văn bản {document.symbol} đến {len(document.recipients)} nơi nhận",
        changes=counts,
    )
    return counts


def deliver(recipient: OutgoingRecipient) -> bool:
    """One delivery attempt to an agency of the deployment; a failure leaves the recipient pending, never raises."""
    document = recipient.document
    recipient.attempts += 1
    try:
        with savepoint():
            deliver_package(
                package_for(document, recipient), agency_id=recipient.agency_id, message_id=recipient.message_id
            )
    except Exception as exc:  # the recipient's side refused or broke: retry later, keep the issue
        log.warning("delivery of outgoing %s to %s failed: %s", document.id, recipient.code, exc, exc_info=True)
        message = getattr(exc, "message", None) or f"{type(exc).__name__}: {exc}"
        details = getattr(exc, "details", None)
        if isinstance(details, dict) and details:
            message = f"{message} {' '.join(str(v) for v in details.values())}"
        recipient.delivery, recipient.delivery_error = DeliveryState.PENDING, str(message)[:1000]
        recipient.next_attempt_at = clock.now() + min(timedelta(minutes=2 ** min(recipient.attempts, 12)), MAX_BACKOFF)
        db.session.flush()
        return False
    recipient.delivery, recipient.delivery_error, recipient.next_attempt_at = DeliveryState.DELIVERED, None, None
    db.session.flush()
    return True


def redeliver(recipient: OutgoingRecipient, *, actor: User | None) -> bool:
    """Gửi lại after a refusal (02): a new message id, so the recipient gets it as a new arrival."""
    check_recipient_agencies(recipient.document)
    recipient.message_id = new_message_id(recipient)
    # A new delivery: its acknowledgement is awaited afresh (the refusal answered the one before).
    recipient.status_code = recipient.status_note = recipient.status_at = recipient.acknowledged_at = None
    recipient.ack_flagged_at = None  # and a late one is flagged afresh (seed 004 Điều 16.8)
    recipient.delivery, recipient.dispatched_at = None, clock.now()
    db.session.flush()
    return deliver(recipient)


def due_recipient_ids(now=None, limit: int = 200) -> list[int]:
    """Pending deliveries whose retry time has come: an indexed range, not a scan of every recipient."""
    now = now or clock.now()
    return list(
        db.session.scalars(
            sa.select(OutgoingRecipient.id)
            .join(OutgoingDocument, OutgoingDocument.id == OutgoingRecipient.document_id)
            .where(
                OutgoingRecipient.kind == RecipientKind.AGENCY,  # external ones are the outbox's (app.exchange)
                OutgoingRecipient.delivery == DeliveryState.PENDING,
                sa.or_(OutgoingRecipient.next_attempt_at.is_(None), OutgoingRecipient.next_attempt_at <= now),
                OutgoingDocument.status == OutgoingStatus.ISSUED,
            )
            .order_by(OutgoingRecipient.next_attempt_at)
            .limit(limit)
        )
    )


def retry_delivery(recipient_id: int) -> bool:
    """Try one pending delivery again under its own message id (a scheduler job item)."""
    busy = Conflict("Nơi nhận đang được xử lý.", code="recipient_busy")
    recipient = lock_row(OutgoingRecipient, recipient_id, busy=busy, touch="attempts")
    if recipient is None or recipient.delivery != DeliveryState.PENDING or recipient.kind != RecipientKind.AGENCY:
        return False
    if recipient.document.status != OutgoingStatus.ISSUED:
        return False
    delivered = deliver(recipient)
    audit.record(
        None,
        "outgoing.retry_delivery",
        recipient.document,
        summary=f"Gửi lại tự động cho {recipient.name}: {'thành công' if delivered else 'chưa được'}",
        changes={"recipient": recipient.id, "attempts": recipient.attempts},
    )
    return delivered


def record_recall_request(recipient: OutgoingRecipient, *, actor: User | None, note: str) -> None:
    """The 13 (Lấy lại) the sender sends, kept in the recipient's status history."""
    document = recipient.document
    message = record_status(
        from_agency_id=document.agency_id,
        to_organ_id=recipient.code,
        to_organ_name=recipient.name,
        document_key=None,
        object_type="outgoing_recipient",
        object_id=recipient.id,
        code=StatusCode.RECALL_REQUESTED,
        description=f"Thu hồi văn bản: {note}"[:500],
        staff=actor,
    )
    message.delivered_at = clock.now()
    recipient.status_code, recipient.status_note, recipient.status_at = message.code, message.description, clock.now()
