"""Write and verify the audit chain."""

import hashlib
import json
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa

from app.audit.context import current_origin
from app.audit.models import AuditEvent
from app.core import clock
from app.core.db import db

GENESIS = "0" * 64
# Any fixed 64-bit number: the advisory lock that serialises writers of the chain on PostgreSQL.
CHAIN_LOCK_KEY = 0x716C76622D617564  # "qlvb-aud"


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


def chain_hash(prev_hash: str, event) -> str:
    return hashlib.sha256((prev_hash + canonical_json(event)).encode()).hexdigest()


def lock_chain() -> None:
    """Take the audit chain's lock now (PostgreSQL; held to commit, re-entrant).

    record() takes it anyway. A unit of work that will row-lock something (a workflow instance, a register
    counter) and then audit calls this first, so every transaction takes the two in the same order: the audit
    lock, then rows. Otherwise one holding a row and waiting for the audit lock deadlocks with one holding the
    audit lock and waiting for that row.
    """
    session = db.session
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
) -> AuditEvent:
    """Append one event to the chain inside the caller's transaction.

    `actor` is a User or None for the system. The chain's tail is read under a transaction-scoped lock on
    PostgreSQL (held to commit), so concurrent writers append one after another; the unique `seq`
    protects SQLite and any path that skipped the lock.
    """
    session = db.session
    lock_chain()
    session.flush()
    tail = session.execute(sa.select(AuditEvent.seq, AuditEvent.hash).order_by(AuditEvent.seq.desc()).limit(1)).first()
    prev_seq, prev_hash = (tail.seq, tail.hash) if tail else (0, GENESIS)

    origin = current_origin()
    if obj is not None:
        object_type = object_type or obj.__tablename__
        object_id = object_id if object_id is not None else getattr(obj, "id", None)
    if agency_id is None:
        agency_id = getattr(obj, "agency_id", None) or (actor.agency_id if actor is not None else None)
    event = AuditEvent(
        seq=prev_seq + 1,
        occurred_at=clock.now(),
        actor_id=actor.id if actor is not None else None,
        actor_name=actor.username if actor is not None else "system",
        agency_id=agency_id,
        action=action,
        object_type=object_type or "system",
        object_id=str(object_id) if object_id is not None else None,
        summary=summary[:500],
        changes=_jsonable(changes or {}),
        ip=origin.ip,
        user_agent=origin.user_agent,
        prev_hash=prev_hash,
    )
    event.hash = chain_hash(prev_hash, event)
    session.add(event)
    session.flush()
    return event


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
    """Walk the chain in order and report the first broken link (edited, deleted or reordered row)."""
    prev_hash, expected_seq, checked = GENESIS, 1, 0
    last_seq = 0
    while True:
        # Plain rows, not ORM objects: nothing lands in the session's identity map, however long the log.
        rows = db.session.execute(
            sa.select(*AuditEvent.__table__.c).where(AuditEvent.seq > last_seq).order_by(AuditEvent.seq).limit(batch)
        ).all()
        if not rows:
            return VerifyResult(checked)
        for event in rows:
            if event.seq != expected_seq:
                return VerifyResult(checked, expected_seq, f"thiếu sự kiện số {expected_seq} (đã bị xóa?)")
            if event.prev_hash != prev_hash:
                return VerifyResult(checked, event.seq, "mã băm của sự kiện trước không khớp")
            if chain_hash(prev_hash, event) != event.hash:
                return VerifyResult(checked, event.seq, "nội dung sự kiện đã bị sửa đổi")
            prev_hash, expected_seq, checked = event.hash, expected_seq + 1, checked + 1
            last_seq = event.seq
