"""Escalation fixtures: the shipped processes and an office (tests/incoming), a scan at a frozen instant."""

from datetime import datetime

import sqlalchemy as sa

from app.core import clock
from app.core.clock import LOCAL_TZ
from app.core.db import db
from app.escalation.models import Escalation
from app.escalation.scan import escalate
from app.notifications.models import Notification
from tests.incoming.conftest import incoming_office, pki, signed_pdf, trusted  # noqa: F401  (fixtures)
from tests.workflow.conftest import deploy_process, office  # noqa: F401  (fixtures)


def local(*args) -> datetime:
    return datetime(*args, tzinfo=LOCAL_TZ)


def scan(at: datetime):
    """One scan at `at`, the clock frozen there as the scheduler's would be."""
    with clock.frozen(at):
        return escalate(at)


def fired(task_id: int | None = None) -> list[tuple[int, str]]:
    query = sa.select(Escalation.task_id, Escalation.level).order_by(Escalation.id)
    if task_id is not None:
        query = query.where(Escalation.task_id == task_id)
    return [tuple(row) for row in db.session.execute(query)]


def notices(kind: str | None = None) -> list[tuple[str, str]]:
    """(username, kind) of every notice, in order."""
    from app.org.models import User

    query = sa.select(User.username, Notification.kind).join(User, User.id == Notification.user_id)
    if kind is not None:
        query = query.where(Notification.kind == kind)
    return [tuple(row) for row in db.session.execute(query.order_by(Notification.id))]
