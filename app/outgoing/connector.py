"""Văn bản đi to agencies another deployment serves: through the connector's outbox (app.exchange.outbox).

An EXTERNAL recipient whose code a peer reaches (`exchange.directory.peer_route`) gets its package signed with the
agency's exchange credential and queued in the issue's own transaction (delivery PENDING, "đang gửi"); the outbox
tells us each outcome (`outbox_settled`): DELIVERED once the peer took it, PENDING with "Chưa gửi được: <lý do>"
while it is retried, or — refused for good — PENDING with the reason and no retry time, which the clerk's
"Gửi lại" answers with a new message id. The peer's statuses come back through `status_arrived` and are recorded
on the recipient exactly like those of an agency of this deployment (`handlers.apply_status`). Recalling the
document sends each such recipient a BussinessDocType 1 package (NĐ 30/2020 Điều 18.4).
"""

import sqlalchemy as sa

from app.core import clock
from app.core.db import db
from app.exchange import outbox
from app.exchange.directory import Route, peer_route
from app.exchange.edxml import build_package
from app.exchange.models import OutboxMessage, OutboxState, StatusCode
from app.exchange.outbox import enqueue
from app.exchange.xmldsig import sign_package
from app.outgoing.models import DeliveryState, OutgoingDocument, OutgoingRecipient, RecipientKind
from app.outgoing.packages import new_message_id, package_files, package_metadata

DELIVERY_TYPE = "outgoing_recipient"  # the outbox rows of a recipient's package (their outcome is its delivery)
RECALL_TYPE = "outgoing_recall"  # the outbox rows of a recall (BussinessDocType 1)


def route_of(recipient: OutgoingRecipient) -> Route | None:
    """The peer that reaches an external recipient, None when only a package file can (or it is not external)."""
    if recipient.kind != RecipientKind.EXTERNAL or not recipient.code:
        return None
    return peer_route(recipient.code)


def edoc_key(document_key: str, business_type: int, message_id: str) -> str:
    """The idempotency key of a package (protocol qlvb-peer/1): one per document, business type and delivery."""
    return f"{document_key}|edoc{business_type}|{message_id}"


def send_through_peer(recipient: OutgoingRecipient, route: Route) -> OutboxMessage:
    """Queue the recipient's package for its peer under a new message id (the caller's transaction)."""
    document = recipient.document
    recipient.message_id = new_message_id(recipient)
    recipient.delivery, recipient.delivery_error, recipient.next_attempt_at = DeliveryState.PENDING, None, None
    db.session.flush()
    metadata = package_metadata(document, recipient)
    data = sign_package(build_package(metadata, package_files(document)), document.agency_id)
    return enqueue(
        peer_id=route.peer_id,
        agency_id=document.agency_id,
        to_code=route.code,
        kind="edoc",
        key=edoc_key(metadata["document_id"] or "", int(metadata.get("business_type") or 0), recipient.message_id),
        body=data,
        object_type=DELIVERY_TYPE,
        object_id=recipient.id,
    )


def resend_through_peer(recipient: OutgoingRecipient) -> OutboxMessage:
    """Gửi lại after a refusal (02) or a package the outbox gave up on: a new message id, awaited afresh."""
    route = route_of(recipient)
    recipient.status_code = recipient.status_note = recipient.status_at = recipient.acknowledged_at = None
    recipient.dispatched_at = clock.now()
    return send_through_peer(recipient, route)


def send_recall(recipient: OutgoingRecipient, route: Route, *, reason: str) -> OutboxMessage:
    """Queue a BussinessDocType 1 (thu hồi) package naming the recalled document (legal.md §4.4)."""
    document = recipient.document
    metadata = package_metadata(document, recipient)
    metadata.update(business_type=1, business_document_id=document.document_key, business_reason=reason[:500])
    data = sign_package(build_package(metadata, []), document.agency_id)
    return enqueue(
        peer_id=route.peer_id,
        agency_id=document.agency_id,
        to_code=route.code,
        kind="edoc",
        key=edoc_key(document.document_key or "", 1, recipient.message_id or str(recipient.id)),
        body=data,
        object_type=RECALL_TYPE,
        object_id=recipient.id,
    )


def cancel_delivery(recipient: OutgoingRecipient) -> None:
    """The document was recalled while its package still waited in the outbox: it is not sent any more."""
    latest = latest_delivery(recipient)
    reason = "Văn bản đã thu hồi trước khi gửi được."
    if latest is not None and outbox.cancel(latest.id, reason=reason):
        recipient.delivery_error, recipient.next_attempt_at = f"Chưa gửi được: {reason}", None
        db.session.flush()


def latest_delivery(recipient: OutgoingRecipient) -> OutboxMessage | None:
    return db.session.scalar(
        sa.select(OutboxMessage)
        .where(OutboxMessage.object_type == DELIVERY_TYPE, OutboxMessage.object_id == str(recipient.id))
        .order_by(OutboxMessage.id.desc())
        .limit(1)
    )


def may_resend(recipient: OutgoingRecipient) -> bool:
    """Gửi lại through the peer: after a refusal (02), or once the outbox gave up on the package (failed for
    good); never while the package is still queued (it would arrive twice, under two message ids)."""
    if route_of(recipient) is None:
        return False
    if recipient.status_code == StatusCode.REFUSED:
        return True
    latest = latest_delivery(recipient)
    return recipient.delivery == DeliveryState.PENDING and (latest is None or latest.state == OutboxState.FAILED)


def delivery_settled(message: OutboxMessage, **_extra) -> None:
    """The outbox settled a package of ours: the recipient's delivery shows it (app.exchange.delivery)."""
    if message.object_type not in (DELIVERY_TYPE, RECALL_TYPE) or not message.object_id:
        return
    recipient = db.session.get(OutgoingRecipient, int(message.object_id))
    if recipient is None:
        return
    if message.object_type == RECALL_TYPE:
        if message.state != OutboxState.SENT:
            recipient.delivery_error = f"Chưa gửi được yêu cầu thu hồi: {message.last_error or ''}"[:1000]
        db.session.flush()
        return
    if message.id != getattr(latest_delivery(recipient), "id", None):
        return  # an older package, replaced by a resend
    recipient.attempts = message.attempts
    if message.state == OutboxState.SENT:
        recipient.delivery, recipient.delivery_error, recipient.next_attempt_at = DeliveryState.DELIVERED, None, None
    else:
        recipient.delivery = DeliveryState.PENDING
        recipient.delivery_error = f"Chưa gửi được: {message.last_error or ''}"[:1000]
        recipient.next_attempt_at = message.next_attempt_at if message.state == OutboxState.PENDING else None
    db.session.flush()


def recipient_for_status(data, agency_id: int | None = None) -> OutgoingRecipient | None:
    """The external recipient a peer's status answers: the document by its mã định danh (of `agency_id` when
    given), the recipient by the answering agency's code."""
    query = (
        sa.select(OutgoingRecipient)
        .join(OutgoingDocument, OutgoingDocument.id == OutgoingRecipient.document_id)
        .where(
            OutgoingDocument.document_key == data.response_for_key,
            OutgoingRecipient.kind == RecipientKind.EXTERNAL,
            OutgoingRecipient.code == data.from_code,
        )
    )
    if agency_id is not None:
        query = query.where(OutgoingDocument.agency_id == agency_id)
    return db.session.scalar(query.order_by(OutgoingRecipient.id).limit(1))
