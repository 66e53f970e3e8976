"""Reading the outbox of the connector (hàng đợi gửi liên thông) for the clerks and administrators who follow it.

The connector (app.exchange.outbox) writes the rows; this only lists them, each person seeing the sending agencies
app.exchange.permissions.outbox_agency_ids gives them."""

import sqlalchemy as sa

from app.core.db import db
from app.core.errors import NotFound
from app.exchange.models import OutboxMessage, OutboxState
from app.exchange.permissions import outbox_agency_ids

STATE_LABELS = {
    OutboxState.PENDING.value: "Đang chờ gửi",
    OutboxState.FAILED.value: "Bị từ chối",
    OutboxState.SENT.value: "Đã gửi",
}
# What a clerk sees (docs/lien-thong.md §3, §4): a pending row whose last attempt failed (no connection, 5xx) is
# "Chưa gửi được (sẽ thử lại)", one not tried yet "Đang chờ gửi"; a refused one (4xx, FAILED) "Bị từ chối". The
# badge, the tab and its count all use these, so a row is counted under the name it shows.
RETRYING = "retrying"
WAITING = "waiting"
VIEW_LABELS = {
    WAITING: "Đang chờ gửi",
    RETRYING: "Chưa gửi được (sẽ thử lại)",
    OutboxState.FAILED.value: "Bị từ chối",
    OutboxState.SENT.value: "Đã gửi",
}


def view_state(row: OutboxMessage) -> str:
    if row.state == OutboxState.PENDING:
        return RETRYING if row.last_error else WAITING
    return row.state


def _view_filter(view: str):
    if view == WAITING:
        return sa.and_(OutboxMessage.state == OutboxState.PENDING, OutboxMessage.last_error.is_(None))
    if view == RETRYING:
        return sa.and_(OutboxMessage.state == OutboxState.PENDING, OutboxMessage.last_error.is_not(None))
    return OutboxMessage.state == view


KIND_LABELS = {"edoc": "Văn bản", "status": "Trạng thái xử lý"}
PAGE_SIZE = 100


def _visible(actor) -> sa.Select:
    query = sa.select(OutboxMessage)
    agency_ids = outbox_agency_ids(actor)
    if agency_ids is not None:
        query = query.where(OutboxMessage.agency_id.in_(agency_ids or {-1}))
    return query


def list_outbox(actor, *, state: str | None = None, limit: int = PAGE_SIZE, offset: int = 0) -> list[OutboxMessage]:
    """Newest first; what still waits or failed is what a clerk acts on, so `state` filters it: a stored state
    (pending, sent, failed) or a tab of the page (waiting, retrying)."""
    query = _visible(actor)
    if state in STATE_LABELS or state in VIEW_LABELS:
        query = query.where(_view_filter(state))
    query = query.order_by(OutboxMessage.created_at.desc(), OutboxMessage.id.desc()).limit(limit).offset(offset)
    return list(db.session.scalars(query))


def count_by_state(actor) -> dict[str, int]:
    """How many rows each tab of the page lists (VIEW_LABELS keys)."""
    retrying = sa.case((OutboxMessage.last_error.is_(None), False), else_=True)
    query = (
        _visible(actor)
        .with_only_columns(OutboxMessage.state, retrying, sa.func.count())
        .group_by(OutboxMessage.state, retrying)
    )
    found = dict.fromkeys(VIEW_LABELS, 0)
    for state, has_error, n in db.session.execute(query):
        key = (RETRYING if has_error else WAITING) if state == OutboxState.PENDING else state
        found[key] = found.get(key, 0) + int(n)
    return found


def get_visible(actor, message_id: int) -> OutboxMessage:
    row = db.session.get(OutboxMessage, message_id)
    agency_ids = outbox_agency_ids(actor)
    if row is None or (agency_ids is not None and row.agency_id not in agency_ids):
        raise NotFound("Không tìm thấy thông điệp trong hàng đợi gửi.", code="outbox_message_not_found")
    return row


def retry(actor, message_id: int) -> OutboxMessage:
    """ "Gửi lại ngay": the connector's retry_now (it checks, audits `exchange.retry` and schedules the send)."""
    row = get_visible(actor, message_id)
    # Imported here: the connector's outbox is another part of issue 14 and sits beside this module.
    from app.exchange.outbox import retry_now

    result = retry_now(actor, row.id)
    return result if isinstance(result, OutboxMessage) else row
