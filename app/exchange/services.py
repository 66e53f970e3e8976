"""Record status messages for senders (delivery arrives with the outgoing and exchange issues)."""

import sqlalchemy as sa

from app.core import signals
from app.core.db import db
from app.exchange.models import STATUS_LABELS, StatusCode, StatusMessage


def record_status(
    *,
    from_agency_id: int,
    to_organ_id: str | None,
    to_organ_name: str,
    document_key: str | None,
    object_type: str,
    object_id,
    code: StatusCode,
    description: str | None = None,
    staff=None,
) -> StatusMessage:
    """Queue one status message for the sender, in the caller's transaction (so it exists iff the step does)."""
    message = StatusMessage(
        from_agency_id=from_agency_id,
        to_organ_id=to_organ_id,
        to_organ_name=to_organ_name[:200],
        document_key=document_key,
        object_type=object_type,
        object_id=str(object_id),
        code=code.value,
        description=(description or STATUS_LABELS[code])[:500],
        staff_name=getattr(staff, "full_name", None),
        staff_unit=getattr(getattr(staff, "unit", None), "name", None),
    )
    db.session.add(message)
    db.session.flush()
    # Listeners (the sending agency's tracking, when it is in this deployment) run in the same transaction.
    signals.status_recorded.send(message)
    return message


def statuses_for(object_type: str, object_id) -> list[StatusMessage]:
    return list(
        db.session.scalars(
            sa.select(StatusMessage)
            .where(StatusMessage.object_type == object_type, StatusMessage.object_id == str(object_id))
            .order_by(StatusMessage.id)
        )
    )
