"""The leaders' overdue list ("Việc quá hạn"): escalated tasks still open, with how late each is in working time."""

from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import joinedload

from app.core.db import db
from app.escalation.models import Escalation, Level
from app.escalation.permissions import overdue_filter
from app.org.models import User
from app.sla import calendar as sla_calendar
from app.sla.hours import late_label
from app.workflow.models import HumanTask, TaskState

OPEN = (TaskState.READY.value, TaskState.CLAIMED.value)
PAGE_SIZE = 100


@dataclass(frozen=True)
class OverdueItem:
    escalation: Escalation
    task: HumanTask
    late_minutes: int  # working minutes since the deadline

    @property
    def late_label(self) -> str:
        return late_label(self.late_minutes)


def overdue_items(user: User, now: datetime, *, limit: int = PAGE_SIZE, offset: int = 0) -> tuple[list, int]:
    """The open tasks escalated to `user` (their scope, permissions.overdue_filter), latest deadline last; total."""
    base = (
        sa.select(Escalation)
        .join(HumanTask, HumanTask.id == Escalation.task_id)
        .where(Escalation.level == Level.ESCALATED.value, HumanTask.state.in_(OPEN), overdue_filter(user))
    )
    total = db.session.scalar(sa.select(sa.func.count()).select_from(base.subquery()))
    rows = db.session.scalars(
        base.options(
            joinedload(Escalation.task).joinedload(HumanTask.assignee),
            joinedload(Escalation.task).joinedload(HumanTask.unit),
        )
        .order_by(HumanTask.due_at, Escalation.id)
        .limit(limit)
        .offset(offset)
    ).all()
    items = []
    for row in rows:
        due = row.task.due_at or row.due_at
        late = sla_calendar.working_minutes_between(due, now, row.agency_id) if due else 0
        items.append(OverdueItem(row, row.task, int(late)))
    return items, total


def task_escalations(task_id: int) -> list[Escalation]:
    """What fired for one task, in order."""
    return list(
        db.session.scalars(sa.select(Escalation).where(Escalation.task_id == task_id).order_by(Escalation.fired_at))
    )


def overdue_count(user: User) -> int:
    base = (
        sa.select(sa.func.count())
        .select_from(Escalation)
        .join(HumanTask, HumanTask.id == Escalation.task_id)
        .where(Escalation.level == Level.ESCALATED.value, HumanTask.state.in_(OPEN), overdue_filter(user))
    )
    return db.session.scalar(base) or 0


def overdue_badge(user: User) -> str:
    """The count beside "Việc quá hạn" in the menu (empty for none)."""
    count = overdue_count(user)
    return str(count) if count else ""
