"""The outbound queue of the connector (hộp thư đi liên thông): packages and status messages waiting for a peer.

`enqueue` runs in the caller's unit of work, so a message exists iff the step that queued it committed; its
idempotency key is unique: queuing twice (a retried step) returns the first row. The signed edXML goes into the
blob store (the row keeps its digest; MODULE.blobs keeps it from the orphan sweep).

`send_due` (the job `exchange.send_outbox`, and a background kick after the commit that queued something) works
the queue like the e-mail sender (app.notifications.email): each row is claimed under its row lock in a short unit
of work of its own, which moves `next_attempt_at` a lease ahead; the HTTP call runs outside any transaction (a slow
peer never holds a database lock); the outcome is recorded under the row lock again in another unit of work, with
`outbox_settled` sent in it so the module that queued the message updates what the clerk sees. All state is in the
database: after a crash the lease expires and the row is sent again — harmless, because the receiver answers a
repeated key with its first answer. Failures: transient (down, timeout, 5xx) → retried after 1, 2, 4 … minutes,
at most 6 hours apart, without end; permanent (4xx) → FAILED with the reason, until a clerk retries it.
"""

import logging
from dataclasses import dataclass
from datetime import timedelta

import sqlalchemy as sa
from flask import current_app

from app.audit import services as audit
from app.core import clock
from app.core.background import BackgroundSender
from app.core.db import db
from app.core.errors import Conflict, NotFound, PermissionDenied
from app.core.locking import lock_row
from app.core.transaction import after_commit, in_unit_of_work, unit_of_work
from app.exchange.adapters import Outbound, PermanentFailure, TransientFailure, adapter_for
from app.exchange.delivery import outbox_settled
from app.exchange.models import ExchangePeer, OutboxMessage, OutboxState
from app.org.models import Role, User

log = logging.getLogger(__name__)

BACKOFF_FIRST = timedelta(minutes=1)
BACKOFF_MAX = timedelta(hours=6)
# A claimed row is the claimer's for this long: beyond one HTTP exchange (connect 5 s + read 60 s).
CLAIM_LEASE = timedelta(minutes=5)
KINDS = frozenset({"edoc", "status"})


def backoff(attempts: int) -> timedelta:
    """The wait after `attempts` failed tries: 1, 2, 4 … minutes, at most 6 hours."""
    return min(BACKOFF_FIRST * (2 ** min(max(attempts - 1, 0), 16)), BACKOFF_MAX)


def enqueue(
    *,
    peer_id: int,
    agency_id: int,
    to_code: str,
    kind: str,
    key: str,
    body: bytes,
    object_type: str | None = None,
    object_id=None,
) -> OutboxMessage:
    """Queue one message for a peer in the caller's transaction; the row already queued under `key` if any."""
    if kind not in KINDS:
        raise ValueError(f"unknown outbox kind {kind!r}")
    existing = by_key(key)
    if existing is not None:
        return existing
    digest = current_app.extensions["qlvb.blobs"].put(body)
    message = OutboxMessage(
        peer_id=peer_id,
        agency_id=agency_id,
        to_code=to_code,
        kind=kind,
        idempotency_key=key[:255],
        body_sha256=digest,
        body_size=len(body),
        object_type=object_type,
        object_id=str(object_id) if object_id is not None else None,
        state=OutboxState.PENDING,
        next_attempt_at=clock.now(),
    )
    try:
        with db.session.begin_nested():  # a concurrent step queuing the same key committed first
            db.session.add(message)
            db.session.flush()
    except sa.exc.IntegrityError:
        return by_key(key)
    if in_unit_of_work() and current_app.config.get("EXCHANGE_SEND_AFTER_COMMIT"):
        after_commit(kick_sender)
    return message


def by_key(key: str) -> OutboxMessage | None:
    return db.session.scalar(sa.select(OutboxMessage).where(OutboxMessage.idempotency_key == key[:255]))


def message_id_of(message: OutboxMessage) -> str | None:
    """An edoc's message id at the receiver: the last part of its key ("{DocumentId}|edoc{type}|{message_id}")."""
    if message.kind != "edoc" or "|" not in message.idempotency_key:
        return None
    return message.idempotency_key.rsplit("|", 1)[1] or None


@dataclass
class SendReport:
    sent: int = 0
    retried: int = 0
    failed: int = 0


def due_ids(now=None, limit: int = 100) -> list[int]:
    now = now or clock.now()
    return list(
        db.session.scalars(
            sa.select(OutboxMessage.id)
            .where(OutboxMessage.state == OutboxState.PENDING, OutboxMessage.next_attempt_at <= now)
            .order_by(OutboxMessage.next_attempt_at, OutboxMessage.id)
            .limit(limit)
        )
    )


def send_due(limit: int = 100) -> SendReport:
    """Send every due message once (each claimed, sent and recorded on its own). Returns the counts."""
    report = SendReport()
    with unit_of_work():
        ids = due_ids(limit=limit)
    for message_id in ids:
        try:
            send_one(message_id, report)
        except Exception:  # one broken row must not stop the others
            log.exception("sending outbox message %s failed", message_id)
    return report


def _busy() -> Conflict:
    return Conflict("Thông điệp đang được gửi.", code="outbox_busy")


def _claim(message_id: int) -> tuple[Outbound, ExchangePeer] | None:
    with unit_of_work():
        message = lock_row(OutboxMessage, message_id, busy=_busy(), touch="attempts")
        now = clock.now()
        if message is None or message.state != OutboxState.PENDING:
            return None
        if message.next_attempt_at is not None and message.next_attempt_at > now:
            return None  # another sender claimed it a moment ago
        message.attempts += 1
        message.next_attempt_at = now + CLAIM_LEASE
        peer = db.session.get(ExchangePeer, message.peer_id)
        outbound = Outbound(
            kind=message.kind,
            key=message.idempotency_key,
            body=current_app.extensions["qlvb.blobs"].read(message.body_sha256),
            to_code=message.to_code,
            message_id=message_id_of(message),
        )
        db.session.refresh(peer)
        db.session.expunge(peer)  # used outside the transaction: keep its loaded values, never lazy-load
        return outbound, peer


def send_one(message_id: int, report: SendReport | None = None) -> str | None:
    """Claim, send and record one message; its new state, None when it was not due (or gone)."""
    report = report if report is not None else SendReport()
    claimed = _claim(message_id)
    if claimed is None:
        return None
    outbound, peer = claimed
    error: Exception | None = None
    answer = None
    try:
        if not peer.is_active:
            raise PermanentFailure(f"Hệ thống liên thông {peer.name} đang bị tạm ngừng.")
        answer = adapter_for(peer).send(outbound)
    except (TransientFailure, PermanentFailure) as exc:
        error = exc
    except Exception as exc:  # a bug or an unexpected library error: keep the row, retry later
        log.exception("outbox message %s: unexpected error while sending", message_id)
        error = TransientFailure(f"Lỗi khi gửi: {type(exc).__name__}")
    return _record(message_id, answer, error, report)


def _record(message_id: int, answer, error: Exception | None, report: SendReport) -> str:
    with unit_of_work():
        message = lock_row(OutboxMessage, message_id, busy=_busy(), touch="attempts")
        peer = db.session.get(ExchangePeer, message.peer_id)
        now = clock.now()
        if error is None:
            message.state, message.sent_at, message.last_error = OutboxState.SENT, now, None
            message.next_attempt_at = None
            message.response = f"{answer.result} {answer.reference or ''}".strip()[:1000]
            peer.last_success_at, peer.last_error = now, None
            report.sent += 1
        else:
            reason = getattr(error, "reason", None) or str(error)
            message.last_error = peer.last_error = reason[:1000]
            if isinstance(error, PermanentFailure):
                message.state, message.next_attempt_at = OutboxState.FAILED, None
                report.failed += 1
            else:
                message.next_attempt_at = now + backoff(message.attempts)
                report.retried += 1
        db.session.flush()
        outbox_settled.send(message)
        return message.state


def get_message(message_id: int) -> OutboxMessage:
    message = db.session.get(OutboxMessage, message_id)
    if message is None:
        raise NotFound("Không tìm thấy thông điệp liên thông.", code="outbox_message_not_found")
    return message


def may_retry(actor: User | None, message: OutboxMessage) -> bool:
    """An administrator, or a clerk of the sending agency (the one who sees "chưa gửi được")."""
    if actor is None or not actor.is_active:
        return False
    return actor.has_role(Role.ADMIN) or (actor.has_role(Role.CLERK) and actor.agency_id == message.agency_id)


def retry_now(actor: User, message_id: int) -> OutboxMessage:
    """Gửi lại ngay: a failed or waiting message becomes due now (sent by the next run, or the kick after commit)."""
    message = get_message(message_id)
    if not may_retry(actor, message):
        raise PermissionDenied("Chỉ văn thư của cơ quan gửi hoặc quản trị viên được gửi lại thông điệp liên thông.")
    message = lock_row(OutboxMessage, message_id, busy=_busy(), touch="attempts")
    if message.state == OutboxState.SENT:
        raise Conflict("Thông điệp đã được gửi.", code="outbox_already_sent")
    previous = message.state
    message.state, message.next_attempt_at = OutboxState.PENDING, clock.now()
    db.session.flush()
    audit.record(
        actor,
        "exchange.retry",
        message,
        summary=f"Gửi lại thông điệp liên thông {message.kind} đến {message.to_code}",
        changes={"state": [previous, OutboxState.PENDING.value], "last_error": message.last_error},
    )
    if in_unit_of_work() and current_app.config.get("EXCHANGE_SEND_AFTER_COMMIT"):
        after_commit(kick_sender)
    return message


def cancel(message_id: int, *, reason: str) -> bool:
    """Stop a message that is still waiting (its document was recalled before it could be sent): FAILED with the
    reason, in the caller's transaction. False when it was sent or stopped already."""
    message = lock_row(OutboxMessage, message_id, busy=_busy(), touch="attempts")
    if message is None or message.state != OutboxState.PENDING:
        return False
    message.state, message.next_attempt_at, message.last_error = OutboxState.FAILED, None, reason[:1000]
    db.session.flush()
    return True


# --- after the commit, in the background (never in a request's thread: a slow peer must not hold a page) -------

_background = BackgroundSender("qlvb-exchange", send_due)


def kick_sender() -> None:
    """Send what is due now in a background thread of this process (after a commit that queued packages or statuses)."""
    _background.kick()
