"""Keep the scan's schedule in step with the tasks: written in the same transaction as the task itself.

An ORM listener (installed once, `install`) sees every flush of `HumanTask`: a new open task is put on the schedule
for a first look now; a change of what the ladder depends on (deadline — an approved extension, app/incoming/
handling.py —, assignee, unit, role, state) moves the task's look to now; a task that closes leaves the schedule.
"Now" means the next scan (within a minute): the look, not the listener, computes thresholds and fires, so a
flush stays one or two small statements. Bulk writes that bypass the ORM (none in qlvb; the benchmark's fixtures)
must add their rows themselves.
"""

import sqlalchemy as sa
from flask import Flask
from sqlalchemy import event
from sqlalchemy.orm import Session

from app.core import clock
from app.core.db import db
from app.escalation.models import EscalationWatch
from app.org.models import UserRole
from app.workflow.models import HumanTask, TaskState

# What a look depends on, besides the state: a change of any means the thresholds or the recipients may differ.
WATCHED = ("due_at", "assignee_id", "unit_id", "role", "urgency", "state")
OPEN = (TaskState.READY.value, TaskState.CLAIMED.value)


def _changed(task: HumanTask) -> bool:
    attrs = sa.inspect(task).attrs
    return any(attrs[name].history.has_changes() for name in WATCHED)


def _after_flush(session: Session, _context) -> None:
    new, changed, closed = [], [], []
    for obj in session.new:
        if isinstance(obj, HumanTask) and obj.is_open:
            new.append(obj.id)
    for obj in session.dirty:
        if isinstance(obj, HumanTask) and _changed(obj):
            (changed if obj.is_open else closed).append(obj.id)
    if new or changed or closed:
        look_again(session.connection(), changed, new=new, closed=closed)


def look_again(connection, task_ids: list[int], *, new: list[int] = (), closed: list[int] = ()) -> None:
    """Schedule a look at `task_ids` now (adding the rows that are missing) and at the `new` tasks (which have
    none yet); drop the rows of `closed`. One statement per kind of change, so a step costs one or two."""
    if closed:
        connection.execute(sa.delete(EscalationWatch).where(EscalationWatch.task_id.in_(closed)))
    now = clock.now()
    missing = list(new)
    if task_ids:
        known = set(connection.scalars(sa.select(EscalationWatch.task_id).where(EscalationWatch.task_id.in_(task_ids))))
        if known:
            connection.execute(sa.update(EscalationWatch).where(EscalationWatch.task_id.in_(known)).values(next_at=now))
        missing += [task_id for task_id in dict.fromkeys(task_ids) if task_id not in known]
    if missing:
        connection.execute(sa.insert(EscalationWatch), [{"task_id": task_id, "next_at": now} for task_id in missing])


def install(_app: Flask) -> None:
    """Listen to every session's flushes (once per process, however many apps are created)."""
    if not event.contains(Session, "after_flush", _after_flush):
        event.listen(Session, "after_flush", _after_flush)


def look_at_queue_of(user, **_extra) -> None:
    """A deactivated person may have been the last candidate of unassigned tasks: look at those again now.

    (Their own tasks go back to the queue through app.workflow.handlers, which the listener sees.)
    """
    roles = [row.role for row in db.session.scalars(sa.select(UserRole).where(UserRole.user_id == user.id))]
    if not roles:
        return
    query = sa.select(HumanTask.id).where(
        HumanTask.agency_id == user.agency_id,
        HumanTask.role.in_(roles),
        HumanTask.state.in_(OPEN),
        HumanTask.assignee_id.is_(None),
        sa.or_(HumanTask.unit_id.is_(None), HumanTask.unit_id == user.unit_id),
    )
    look_again(db.session.connection(), list(db.session.scalars(query)))
