"""Reading the audit log (newest first, keyset-paged by seq)."""

import sqlalchemy as sa

from app.audit.models import AuditEvent
from app.core.db import db


def recent_events(
    agency_ids: set[int], *, before_seq: int | None = None, action: str | None = None, limit: int = 100
) -> list[AuditEvent]:
    query = sa.select(AuditEvent).where(AuditEvent.agency_id.in_(agency_ids))
    if before_seq:
        query = query.where(AuditEvent.seq < before_seq)
    if action:
        query = query.where(AuditEvent.action == action)
    return list(db.session.scalars(query.order_by(AuditEvent.seq.desc()).limit(limit)))


def latest_event(object_type: str, object_id, action: str) -> AuditEvent | None:
    """The last time `action` was done to the object: who did it, when, with what — the audit chain is the record
    of an act the object keeps no copy of (who cancelled a document, who entered a recall request)."""
    return db.session.scalar(
        sa.select(AuditEvent)
        .where(
            AuditEvent.object_type == object_type,
            AuditEvent.object_id == str(object_id),
            AuditEvent.action == action,
        )
        .order_by(AuditEvent.id.desc())
        .limit(1)
    )


def events_for(object_type: str, object_id, limit: int = 50) -> list[AuditEvent]:
    return list(
        db.session.scalars(
            sa.select(AuditEvent)
            .where(AuditEvent.object_type == object_type, AuditEvent.object_id == str(object_id))
            .order_by(AuditEvent.seq.desc())
            .limit(limit)
        )
    )
