"""Audit a refusal that rolls its own unit of work back: a wrong PIN, an infected file.

A refusal raises, and raising rolls the unit of work back: an audit row written in it would vanish with it. So the
refusal is remembered on the session (plain values, no ORM objects that the rollback expires) and written when the
outermost transaction ends: just before it commits (a caller caught the refusal and carried on), or in a
transaction of its own right after it rolled back. One place for every module that needs it.
"""

import logging

from sqlalchemy import event
from sqlalchemy.orm import Session

from app.audit import services as audit
from app.core.db import db

log = logging.getLogger(__name__)

_PENDING = "qlvb.audit.refusals"


def remember_refusal(
    actor,
    action: str,
    *,
    object_type: str,
    object_id: object,
    agency_id: int | None,
    summary: str,
    changes: dict | None = None,
) -> None:
    """Record `action` in the audit log whether or not the current unit of work commits."""
    actor = getattr(actor, "_get_current_object", lambda: actor)()  # flask_login's current_user is a proxy
    db.session().info.setdefault(_PENDING, []).append(
        {
            # The actor's class and id, not the object: the rollback expires it (and audit sits below org).
            "actor": (type(actor), actor.id) if actor is not None else None,
            "action": action,
            "object_type": object_type,
            "object_id": object_id,
            "agency_id": agency_id,
            "summary": summary,
            "changes": changes,
        }
    )


def _write(session: Session, pending: list[dict]) -> None:
    for item in pending:
        actor = session.get(*item["actor"]) if item["actor"] is not None else None
        audit.record(
            actor,
            item["action"],
            object_type=item["object_type"],
            object_id=item["object_id"],
            agency_id=item["agency_id"],
            summary=item["summary"],
            changes=item["changes"],
        )


# insert=True: before the audit chain seals this transaction's events (app.audit.services._seal).
@event.listens_for(Session, "before_commit", insert=True)
def _before_commit(session: Session) -> None:
    if session.in_nested_transaction() or not session.info.get(_PENDING):
        return
    _write(session, session.info.pop(_PENDING))


@event.listens_for(Session, "after_soft_rollback")
def _after_rollback(session: Session, _previous) -> None:
    if session.in_transaction() or not session.info.get(_PENDING):
        return  # only a savepoint was rolled back: the refusal waits for the outermost transaction
    pending = session.info.pop(_PENDING)
    try:
        _write(session, pending)
        session.commit()
    except Exception:  # never let the audit write hide the refusal the person must see
        log.exception("could not audit %d refusal(s)", len(pending))
        session.rollback()
