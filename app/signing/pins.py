"""Wrong PINs: every refusal is audited even though the action it broke rolls back, and too many lock the key.

Seed 000 Điều 21: the signer keeps the key's secret; a stored key must not be open to guessing.
"""

from __future__ import annotations

import logging
import math
from datetime import datetime, timedelta

import sqlalchemy as sa

from app.audit.models import AuditEvent
from app.audit.refusals import remember_refusal as remember
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


def remember_refusal(actor: User | None, credential: SigningCredential | None, agency_id: int, summary: str) -> None:
    """A refused PIN raises and rolls its unit of work back; its audit row is written all the same."""
    remember(
        actor,
        "signing.pin_refused",
        object_type="signing_credential",
        object_id=credential.id if credential is not None else None,
        agency_id=agency_id,
        summary=summary,
    )
