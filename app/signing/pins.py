"""Wrong PINs: every refusal is audited even though the action it broke rolls back, and too many lock the key.

Seed 000 Điều 21: the signer keeps the key's secret; a stored key must not be open to guessing.
"""

from __future__ import annotations

import logging
import math
from datetime import datetime, timedelta

import sqlalchemy as sa
from sqlalchemy import event
from sqlalchemy.orm import Session

from app.audit import services as audit
from app.audit.models import AuditEvent
from app.core import clock
from app.core.db import db
from app.org.models import User
from app.signing.errors import PinLocked
from app.signing.models import SigningCredential

log = logging.getLogger(__name__)

# A USB token blocks its PIN after a few wrong tries; a stored key gets the same protection against guessing: after
# PIN_MAX_ATTEMPTS refusals within PIN_LOCKOUT_MINUTES the key is not opened until the oldest of them is that old.
# The refusals are the audit trail's (they outlive the rolled-back attempts, see below).
PIN_MAX_ATTEMPTS = 5
PIN_LOCKOUT_MINUTES = 15


def recent_refusals(credential: SigningCredential) -> list[datetime]:
    since = clock.now() - timedelta(minutes=PIN_LOCKOUT_MINUTES)
    return list(
        db.session.scalars(
            sa.select(AuditEvent.occurred_at)
            .where(
                AuditEvent.action == "signing.pin_refused",
                AuditEvent.object_type == "signing_credential",
                AuditEvent.object_id == str(credential.id),
                AuditEvent.occurred_at >= since,
            )
            .order_by(AuditEvent.occurred_at)
        )
    )


def refuse_if_locked(credential: SigningCredential) -> None:
    recent = recent_refusals(credential)
    if len(recent) < PIN_MAX_ATTEMPTS:
        return
    until = recent[-PIN_MAX_ATTEMPTS] + timedelta(minutes=PIN_LOCKOUT_MINUTES)
    minutes = max(1, math.ceil((until - clock.now()).total_seconds() / 60))
    message = f"Mã PIN đã nhập sai {PIN_MAX_ATTEMPTS} lần; chữ ký số tạm khóa, thử lại sau {minutes} phút."
    raise PinLocked(message, details={"pin": message})


# --- auditing refused PINs ---------------------------------------------------------------------------------------
#
# A refused PIN raises, and raising rolls the unit of work back: an audit row written in it would vanish with it.
# So the refusal is remembered on the session and written when the outermost transaction ends: just before it
# commits (a caller caught the refusal and carried on), or in a transaction of its own right after it rolled back.


_PENDING = "qlvb.signing.refused_pins"


def remember_refusal(actor: User | None, credential: SigningCredential | None, agency_id: int, summary: str) -> None:
    db.session().info.setdefault(_PENDING, []).append(
        {
            "actor_id": actor.id if actor is not None else None,
            "credential_id": credential.id if credential is not None else None,
            "agency_id": agency_id,
            "summary": summary,
        }
    )


def _write_refusals(session: Session, pending: list[dict]) -> None:
    for item in pending:
        actor = session.get(User, item["actor_id"]) if item["actor_id"] is not None else None
        audit.record(
            actor,
            "signing.pin_refused",
            object_type="signing_credential",
            object_id=item["credential_id"],
            agency_id=item["agency_id"],
            summary=item["summary"],
        )


# insert=True: before the audit chain seals this transaction's events (app.audit.services._seal).
@event.listens_for(Session, "before_commit", insert=True)
def _refusals_before_commit(session: Session) -> None:
    if session.in_nested_transaction() or not session.info.get(_PENDING):
        return
    _write_refusals(session, session.info.pop(_PENDING))


@event.listens_for(Session, "after_soft_rollback")
def _refusals_after_rollback(session: Session, _previous) -> None:
    if session.in_transaction() or not session.info.get(_PENDING):
        return  # only a savepoint was rolled back: the refusal waits for the outermost transaction
    pending = session.info.pop(_PENDING)
    try:
        _write_refusals(session, pending)
        session.commit()
    except Exception:  # never let the audit write hide the refusal the user must see
        log.exception("could not audit %d refused PIN(s)", len(pending))
        session.rollback()
