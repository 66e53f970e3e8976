"""One scan of the ladder: select the watched tasks whose next look is due, and look at each in its own unit of work.

A batch of due looks first reads what they share — their agencies' policies, calendars and SLA settings, the
holders of the roles the ladder tells, their documents' urgency (app.escalation.shared) — in a few statements,
however many looks. A look (`look_at`) then
claims the task's schedule row (FOR UPDATE SKIP LOCKED on PostgreSQL: a second scheduler skips it; SQLite has one
writer at a time), reading with it the task, its holder and unit and the levels already fired; fires every level
whose time has come and that has not fired yet — each claimed by inserting its unique (task, level) row, its
notices written in the same transaction — and moves the row to the next threshold (or drops it when nothing is
left). Fired rows, notices and the moved schedule commit together: a crash loses the look in progress, never half
of it, and a re-run finds the levels already fired.
"""

import logging
from dataclasses import dataclass, field
from datetime import datetime, timedelta

import sqlalchemy as sa
from sqlalchemy.orm import joinedload

from app.core import clock
from app.core.db import db
from app.core.transaction import unit_of_work
from app.escalation import ladder, messages
from app.escalation.models import Escalation, EscalationWatch, Level
from app.escalation.shared import Shared
from app.notifications.services import notify
from app.org.models import User
from app.workflow.models import HumanTask

log = logging.getLogger(__name__)

BATCH = 500
RETRY_AFTER = timedelta(minutes=5)  # a look that failed is tried again then, not in a loop


@dataclass(frozen=True)
class Fired:
    task_id: int
    level: Level
    title: str
    recipients: tuple[str, ...]


@dataclass
class ScanResult:
    looked: int = 0
    fired: list[Fired] = field(default_factory=list)
    failed: list[int] = field(default_factory=list)


def due_task_ids(now: datetime, limit: int = BATCH) -> list[int]:
    """The watched tasks whose look is due: one range of the `next_at` index, however many tasks are open."""
    query = (
        sa.select(EscalationWatch.task_id)
        .where(EscalationWatch.next_at <= now)
        .order_by(EscalationWatch.next_at)
        .limit(limit)
    )
    return list(db.session.scalars(query))


def due(now: datetime, limit: int = BATCH) -> tuple[list[int], Shared]:
    """The due looks of one batch (the same range as `due_task_ids`, with each task's agency and urgency) and
    what they share, read in a few statements."""
    query = (
        sa.select(
            EscalationWatch.task_id,
            HumanTask.id,
            HumanTask.agency_id,
            HumanTask.urgency,
            HumanTask.object_type,
            HumanTask.object_id,
        )
        .outerjoin(HumanTask, HumanTask.id == EscalationWatch.task_id)
        .where(EscalationWatch.next_at <= now)
        .order_by(EscalationWatch.next_at)
        .limit(limit)
    )
    rows = db.session.execute(query).all()
    return [row.task_id for row in rows], Shared.read([row for row in rows if row.id is not None])


def _claim(task_id: int, now: datetime) -> tuple[EscalationWatch, HumanTask | None, str | None] | None:
    """Lock the task's schedule row and read in the same statement the task, its holder and unit (who is told, what
    they read) and the levels it has fired (comma-separated): one round trip. The holder's roles are not read (the
    recipients are found by role: app.escalation.ladder.Recipients)."""
    done = (
        sa.select(sa.func.aggregate_strings(Escalation.level, ","))
        .where(Escalation.task_id == EscalationWatch.task_id)
        .scalar_subquery()
    )
    query = (
        sa.select(EscalationWatch, HumanTask, done)
        .outerjoin(HumanTask, HumanTask.id == EscalationWatch.task_id)
        .where(EscalationWatch.task_id == task_id, EscalationWatch.next_at <= now)
        .options(
            joinedload(HumanTask.assignee).lazyload(User.role_rows),
            joinedload(HumanTask.unit),
        )
        .with_for_update(of=EscalationWatch, skip_locked=True)
    )
    return db.session.execute(query, execution_options={"populate_existing": True}).first()


def look_at(task_id: int, now: datetime, shared: Shared | None = None) -> list[Fired] | None:
    """Fire what is due for one task, inside the caller's unit of work; None when another scan has it. `shared`
    is what its batch read for it (`due`); without it the look reads its agency's policy and calendar itself."""
    claimed = _claim(task_id, now)
    if claimed is None:
        return None
    watch, task, done = claimed
    if task is None or not task.is_open:
        db.session.delete(watch)
        return []
    context = (shared if shared is not None else Shared()).context(task)
    done = set(done.split(",")) if done else set()
    limits = ladder.thresholds(task, context)
    people = ladder.Recipients(task, context.policy, context.holders)
    due_now, pending = [], []
    for level in ladder.ORDER:
        if level.value in done:
            continue
        if level is Level.UNACTIONABLE:
            if not people.can_act():
                due_now.append((level, True))
            continue
        at = limits.of(level)
        if at is None or (level is Level.URGENT_UNOPENED and task.opened_at is not None and task.opened_at <= at):
            continue
        if at > now:
            pending.append(at)
            continue
        # A reminder that comes due together with the deadline is superseded: recorded, nobody told twice.
        superseded = level is Level.REMINDER and limits.overdue is not None and limits.overdue <= now
        due_now.append((level, not superseded))
    # Deadline levels that come due in one look (a scan catching up) tell each person once, with the gravest.
    skip, told_by_graver = {}, set()
    for level, tell in reversed(due_now):
        if level in DEADLINE_LEVELS:
            skip[level] = set(told_by_graver)
            told_by_graver |= set(people.of(level)) if tell else set()
    fired = [
        _fire(task, level, context, people, now, tell=tell, skip=skip.get(level, set())) for level, tell in due_now
    ]
    if pending:
        watch.next_at = min(pending)
    else:
        db.session.delete(watch)
    # The rows of the levels fired go in with this flush: a (task, level) already there fails the whole look, retried
    # later, where it finds the level done. The lock prevents it, with one exception on PostgreSQL: another scan's
    # look committed and a change of the task moved the row back to now, both in the instant between the snapshot of
    # the claim (which reads the levels fired) and its lock on the row.
    db.session.flush()
    return fired


DEADLINE_LEVELS = (Level.REMINDER, Level.OVERDUE, Level.ESCALATED)  # in ladder.ORDER, the gravest last


def _fire(
    task: HumanTask, level: Level, context: ladder.Context, people, now: datetime, *, tell: bool, skip: set[int]
) -> Fired:
    role = ladder.escalation_role(task, context.policy) if level is Level.ESCALATED else None
    told = {user_id: name for user_id, name in people.of(level).items() if user_id not in skip} if tell else {}
    message = messages.compose(task, level, role, context.urgency)
    notices = []
    if told:
        notices = notify(
            list(told),
            kind=message.kind,
            title=message.title,
            body=message.body,
            url=f"/tasks/{task.id}",
            dedupe_key=f"escalation:{task.id}:{level.value}",
            object_type="human_task",
            object_id=task.id,
        )
    db.session.add(
        Escalation(
            task_id=task.id,
            level=level.value,
            agency_id=task.agency_id,
            unit_id=ladder.follow_unit_id(task),
            escalate_to=role,
            due_at=task.due_at,
            fired_at=now,
            recipient_ids=[notice.user_id for notice in notices],
        )
    )
    return Fired(task.id, level, message.title, tuple(told[notice.user_id] for notice in notices))


def escalate(now: datetime | None = None, *, batch: int = BATCH) -> ScanResult:
    """Run one scan at `now`: batches of due looks, each look its own unit of work."""
    now = now or clock.now()
    result = ScanResult()
    while True:
        with unit_of_work():
            ids, shared = due(now, batch)
        claimed = 0
        for task_id in ids:
            try:
                with unit_of_work():
                    fired = look_at(task_id, now, shared)
            except Exception:  # one broken task must not stop the others; its look is retried later
                log.exception("escalation look at task %s failed", task_id)
                result.failed.append(task_id)
                _postpone(task_id, now)
                continue
            if fired is not None:
                claimed += 1
                result.fired += fired
        result.looked += claimed
        if len(ids) < batch or not claimed:
            return result


def _postpone(task_id: int, now: datetime) -> None:
    try:
        with unit_of_work():
            db.session.execute(
                sa.update(EscalationWatch).where(EscalationWatch.task_id == task_id).values(next_at=now + RETRY_AFTER)
            )
    except Exception:
        log.exception("could not postpone the escalation look at task %s", task_id)
