"""Write and verify the audit chain.

Each row's `hash` is HMAC-SHA256(key, previous hash + the row's canonical JSON), the key kept outside the database
(`QLVB_AUDIT_KEY`, instance/audit.key): editing a row, or rewriting it and recomputing its hash, is caught without
the key. Deleting the newest rows leaves a shorter chain that links up, so the head of the chain (seq, hash) is
also written outside the database after every commit that extends it (`QLVB_AUDIT_CHECKPOINTS`, HMAC-signed):
`verify_chain` compares the two (Alfresco / DoD 5015.2-style tamper evidence).

Rows are sealed — given their place in the chain — just before their transaction commits, under a lock held
only for that moment (a PostgreSQL advisory lock; SQLite has one writer at a time anyway). Work on unrelated
cases therefore never waits on the audit chain while it runs, only for the few milliseconds of a commit.
"""

import fcntl
import functools
import hashlib
import hmac
import json
import logging
import os
import weakref
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from flask import current_app
from sqlalchemy import event as sa_event
from sqlalchemy.orm import Session
from sqlalchemy.sql.util import find_tables

from app.audit.access_warnings import is_access_change
from app.audit.context import current_origin
from app.audit.models import SYSTEM_NAME, AccessChangeWarning, AuditEvent
from app.core import clock
from app.core.db import db

log = logging.getLogger(__name__)

GENESIS = "0" * 64
# Any fixed 64-bit number: the advisory lock that serialises the sealing of the chain on PostgreSQL.
CHAIN_LOCK_KEY = 0x716C76622D617564  # "qlvb-aud"

_UNSEALED = "qlvb.audit.unsealed"  # session.info: this transaction's events, waiting for their place
_HEAD = "qlvb.audit.head"  # session.info: the head this transaction sealed, to checkpoint after commit


def canonical_json(event) -> str:
    """The bytes a row's hash covers: every field but the hash, in a fixed, stable form."""
    body = {
        "seq": event.seq,
        "occurred_at": event.occurred_at.isoformat(timespec="microseconds"),
        "actor_id": event.actor_id,
        "actor_name": event.actor_name,
        "agency_id": event.agency_id,
        "action": event.action,
        "object_type": event.object_type,
        "object_id": event.object_id,
        "summary": event.summary,
        "changes": event.changes or {},
        "ip": event.ip,
        "user_agent": event.user_agent,
    }
    return json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=str)


def chain_key() -> bytes:
    return current_app.config["AUDIT_KEY"].encode()


def chain_hash(prev_hash: str, event, key: bytes | None = None) -> str:
    """The keyed link of `event` after `prev_hash`."""
    message = (prev_hash + canonical_json(event)).encode()
    return hmac.new(key if key is not None else chain_key(), message, hashlib.sha256).hexdigest()


@functools.cache
def _tail_query() -> sa.Select:
    # The head of the chain, asked at every commit that audits: built once, so SQLAlchemy keys it once.
    return (
        sa.select(AuditEvent.seq, AuditEvent.hash)
        .where(AuditEvent.seq.is_not(None))
        .order_by(AuditEvent.seq.desc())
        .limit(1)
    )


def _lock_chain(session: Session) -> None:
    if session.get_bind().dialect.name == "postgresql":
        session.execute(sa.select(sa.func.pg_advisory_xact_lock(CHAIN_LOCK_KEY)))


def record(
    actor,
    action: str,
    obj: Any = None,
    *,
    summary: str,
    changes: dict | None = None,
    object_type: str | None = None,
    object_id: Any = None,
    agency_id: int | None = None,
    actor_name: str | None = None,
) -> AuditEvent:
    """Add one event to the caller's transaction; it takes its place in the chain when the transaction commits.

    `actor` is a User or None for the system. Rolled back with the transaction (or the savepoint) it was
    recorded in, like everything else. `actor_name` names an actor who is neither (someone not signed in).
    """
    session = db.session()
    origin = current_origin()
    if obj is not None:
        object_type = object_type or obj.__tablename__
        object_id = object_id if object_id is not None else getattr(obj, "id", None)
    if agency_id is None:
        agency_id = getattr(obj, "agency_id", None) or (actor.agency_id if actor is not None else None)
    event = AuditEvent(
        occurred_at=clock.now(),
        actor_id=actor.id if actor is not None else None,
        actor_name=actor.username if actor is not None else (actor_name or SYSTEM_NAME),
        agency_id=agency_id,
        action=action,
        object_type=object_type or "system",
        object_id=str(object_id) if object_id is not None else None,
        summary=summary[:500],
        changes=_jsonable(changes or {}),
        ip=origin.ip,
        user_agent=origin.user_agent,
    )
    # Kept out of the session until the commit seals it and inserts it once (_seal): in the session, the next flush
    # (a savepoint's, an operation's) would insert it unsealed and the seal would update it — a statement and a
    # unit of work more on every audited request (bench/inprocess.py). Its transaction is noted for a rollback.
    transaction = session.get_nested_transaction() or session.get_transaction()
    session.info.setdefault(_UNSEALED, []).append((event, transaction))
    if is_access_change(action, changes, actor):
        _enter_unsealed(session)  # with the warning that names it, in the order they were recorded
        session.add(AccessChangeWarning(event=event, agency_id=event.agency_id))
    return event


def _enter_unsealed(session: Session) -> None:
    """Put this transaction's events not yet in the session into it, in the order they were recorded (their ids
    follow that order, as the chain does)."""
    session.add_all([event for event, _ in session.info.get(_UNSEALED, []) if sa.inspect(event).transient])


# One look at a document is one event: its page, then the PDF the page's viewer fetches, then a reload a minute
# later, are the same reading. A later look, or another person's, is a new event.
VIEW_WINDOW = timedelta(minutes=10)


def record_view(actor, action: str, obj: Any, *, summary: str) -> AuditEvent | None:
    """Audit that `actor` viewed `obj`, unless they already did within VIEW_WINDOW."""
    if actor is not None:
        since = clock.now() - VIEW_WINDOW
        seen = db.session.scalar(
            sa.select(AuditEvent.id)
            .where(
                AuditEvent.object_type == obj.__tablename__,
                AuditEvent.object_id == str(obj.id),
                AuditEvent.actor_id == actor.id,
                AuditEvent.action == action,
                AuditEvent.occurred_at >= since,
            )
            .limit(1)
        )
        if seen is not None:
            return None
    return record(actor, action, obj, summary=summary)


@sa_event.listens_for(Session, "do_orm_execute")
def _show_unsealed(state) -> None:
    """A query of the audit log in the transaction that recorded events sees them, as it sees any row it wrote:
    they join the session now, its autoflush writes them unsealed and the seal gives them their places."""
    unsealed = state.session.info.get(_UNSEALED)
    if unsealed and state.is_select and _reads_audit_log(state.statement):
        _enter_unsealed(state.session)


_READS_AUDIT_LOG = weakref.WeakKeyDictionary()  # statement → whether it reads audit_event (the hot ones are reused)


def _reads_audit_log(statement) -> bool:
    known = _READS_AUDIT_LOG.get(statement)
    if known is None:
        known = _READS_AUDIT_LOG[statement] = AuditEvent.__table__ in find_tables(statement, include_joins=True)
    return known


@sa_event.listens_for(Session, "before_commit")
def _seal(session: Session) -> None:
    """Give this transaction's events their places in the chain, under the chain lock, right before commit.

    The lock is taken last: a transaction holding it only seals and commits, it never waits for a row lock, so
    no deadlock with the row locks other transactions hold (they may only queue behind it for a moment).
    """
    if session.in_nested_transaction():
        return
    events = [event for event, _transaction in session.info.pop(_UNSEALED, [])]  # rolled-back ones are gone
    if not events:
        return
    _lock_chain(session)
    with session.no_autoflush:  # the pending events are inserted once, sealed, below
        tail = session.execute(_tail_query()).first()
    prev_seq, prev_hash = (tail.seq, tail.hash) if tail else (0, GENESIS)
    key = chain_key()
    for event in events:  # in the order they were recorded
        prev_seq += 1
        event.seq, event.prev_hash = prev_seq, prev_hash
        event.hash = prev_hash = chain_hash(prev_hash, event, key)
    session.add_all([event for event in events if sa.inspect(event).transient])  # in the order recorded
    session.flush()
    session.info[_HEAD] = (prev_seq, prev_hash)


@sa_event.listens_for(Session, "after_commit")
def _checkpoint_after_commit(session: Session) -> None:
    head = session.info.pop(_HEAD, None)
    if head is None or not current_app.config.get("AUDIT_CHECKPOINTS"):
        return
    try:
        write_checkpoint(*head)
    except OSError:  # the data is committed; a missed checkpoint is caught by the next one
        log.exception("could not write the audit checkpoint")


@sa_event.listens_for(Session, "after_soft_rollback")
def _forget_after_rollback(session: Session, previous) -> None:
    """Drop the events recorded inside the savepoint that was rolled back (and inside the savepoints it held):
    they never happened."""
    if unsealed := session.info.get(_UNSEALED):
        unsealed[:] = [(event, t) for event, t in unsealed if not _within(t, previous)]
    if not session.in_transaction():
        session.info.pop(_HEAD, None)


@sa_event.listens_for(Session, "after_transaction_end")
def _forget_unsealed(session: Session, transaction) -> None:
    if transaction.parent is None:  # committed (and sealed), rolled back or closed: nothing is left to seal
        session.info.pop(_UNSEALED, None)


def _within(transaction, outer) -> bool:
    while transaction is not None:
        if transaction is outer:
            return True
        transaction = transaction.parent
    return False


# --- checkpoints of the head, outside the database -----------------------------------------------------------


def _checkpoint_mac(seq: int, head_hash: str, at: str) -> str:
    return hmac.new(chain_key(), f"qlvb-audit-head:{seq}:{head_hash}:{at}".encode(), hashlib.sha256).hexdigest()


# One record: its JSON (about 200 ASCII characters) padded with spaces, so a newer record covers an older one.
CHECKPOINT_WIDTH = 255


def write_checkpoint(seq: int, head_hash: str) -> None:
    """Record (seq, hash) as the newest known head, unless a newer one is recorded already (other workers)."""
    path = Path(current_app.config["AUDIT_CHECKPOINTS"])
    path.parent.mkdir(parents=True, exist_ok=True)
    # Read and written in place (not "a+": appending mode would add each record after the last).
    with open(os.open(path, os.O_RDWR | os.O_CREAT, 0o666), "r+", encoding="utf-8") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)  # workers and hosts sharing the folder write one after another
        handle.seek(0)
        current_text = handle.read()
        current = _parse_checkpoint(current_text)
        if current is not None and current["seq"] >= seq:
            return
        at = clock.now().isoformat(timespec="seconds")
        line = json.dumps({"seq": seq, "hash": head_hash, "at": at, "mac": _checkpoint_mac(seq, head_hash, at)})
        # Written over the old one in place, padded to a fixed width: emptying the file first (truncate to 0) makes
        # ext4 write it out at close (auto_da_alloc), a millisecond or more on every request that audits.
        # No fsync: a checkpoint lost in a crash leaves an older one, still true.
        record = line.ljust(CHECKPOINT_WIDTH) + "\n"
        handle.seek(0)
        handle.write(record)
        if handle.tell() < len(current_text):
            handle.truncate()  # the file held more than one record (edited by hand, or garbage): cut it


def _parse_checkpoint(text: str) -> dict | None:
    text = text.strip()
    if not text:
        return None
    try:
        data = json.loads(text)
        return {"seq": int(data["seq"]), "hash": str(data["hash"]), "at": str(data["at"]), "mac": str(data["mac"])}
    except (ValueError, KeyError, TypeError):
        return {"seq": -1, "hash": "", "at": "", "mac": ""}  # unreadable: reported as not genuine


def read_checkpoint() -> dict | None:
    """The recorded head, None when checkpoints are off or none was written yet."""
    setting = current_app.config.get("AUDIT_CHECKPOINTS")
    if not setting or not Path(setting).exists():
        return None
    return _parse_checkpoint(Path(setting).read_text(encoding="utf-8"))


def _jsonable(value: Any) -> Any:
    """Round-trip through JSON so the hash is computed over exactly what the database will return."""
    return json.loads(json.dumps(value, ensure_ascii=False, default=str))


@dataclass
class VerifyResult:
    checked: int
    broken_seq: int | None = None
    reason: str | None = None

    @property
    def ok(self) -> bool:
        return self.broken_seq is None


def verify_chain(batch: int = 1000) -> VerifyResult:
    """Walk the chain in order and report the first broken link (edited, deleted or reordered row), then compare
    its head with the checkpoint kept outside the database (newest rows deleted or rewritten)."""
    key = chain_key()
    prev_hash, expected_seq, checked = GENESIS, 1, 0
    last_seq = 0
    while True:
        # Plain rows, not ORM objects: nothing lands in the session's identity map, however long the log.
        rows = db.session.execute(
            sa.select(*AuditEvent.__table__.c).where(AuditEvent.seq > last_seq).order_by(AuditEvent.seq).limit(batch)
        ).all()
        if not rows:
            return _compare_with_checkpoint(checked, last_seq, prev_hash)
        for event in rows:
            if event.seq != expected_seq:
                return VerifyResult(checked, expected_seq, f"thiếu sự kiện số {expected_seq} (đã bị xóa?)")
            if event.prev_hash != prev_hash:
                return VerifyResult(checked, event.seq, "mã băm của sự kiện trước không khớp")
            if chain_hash(prev_hash, event, key) != event.hash:
                return VerifyResult(checked, event.seq, "nội dung sự kiện đã bị sửa đổi")
            prev_hash, expected_seq, checked = event.hash, expected_seq + 1, checked + 1
            last_seq = event.seq


def _compare_with_checkpoint(checked: int, head_seq: int, head_hash: str) -> VerifyResult:
    unsealed = db.session.scalar(sa.select(sa.func.count()).select_from(AuditEvent).where(AuditEvent.seq.is_(None)))
    if unsealed:
        return VerifyResult(
            checked, head_seq + 1, f"có {unsealed} sự kiện nằm ngoài chuỗi (được ghi không qua hệ thống)"
        )
    if not current_app.config.get("AUDIT_CHECKPOINTS"):
        return VerifyResult(checked)
    recorded = read_checkpoint()
    if recorded is None:
        if checked:
            return VerifyResult(checked, head_seq, "không tìm thấy điểm kiểm tra của chuỗi (tệp điểm kiểm tra bị xóa?)")
        return VerifyResult(checked)
    if not hmac.compare_digest(recorded["mac"], _checkpoint_mac(recorded["seq"], recorded["hash"], recorded["at"])):
        return VerifyResult(checked, max(recorded["seq"], 0), "điểm kiểm tra của chuỗi không đúng chữ ký (bị sửa?)")
    if recorded["seq"] > head_seq:
        return VerifyResult(
            checked, head_seq + 1, f"thiếu các sự kiện từ số {head_seq + 1} đến {recorded['seq']} (đã bị xóa?)"
        )
    row_hash = (
        head_hash
        if recorded["seq"] == head_seq
        else db.session.scalar(sa.select(AuditEvent.hash).where(AuditEvent.seq == recorded["seq"]))
    )
    if recorded["seq"] > 0 and row_hash != recorded["hash"]:
        return VerifyResult(checked, recorded["seq"], "sự kiện không khớp với điểm kiểm tra (đã bị sửa đổi)")
    return VerifyResult(checked)
