"""Inside one engine step: lock the instance, load its workflow, advance it, mirror its user tasks, save.

Every function here runs inside the caller's unit of work; the workflow state, the human task rows, the
operations' domain changes and the audit events commit together or not at all (design.md §4).
"""

import functools
import logging
from collections.abc import Callable
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta

import sqlalchemy as sa

from app.audit import services as audit
from app.core import clock
from app.core.db import db
from app.core.errors import Conflict
from app.core.locking import lock_row, row_lock_statement, take_row_lock
from app.core.signals import signals, tasks_created
from app.org.models import Unit, User
from app.workflow import engine
from app.workflow.forms import form_key_for
from app.workflow.models import NO_DEADLINE, HumanTask, InstanceStatus, TaskState, Urgency, WorkflowInstance
from app.workflow.registry import RunContext, current_run
from app.workflow.validation import role_for_lane

log = logging.getLogger(__name__)

# Sent once when a case's workflow completes (sender: its object type, "incoming"; `object_id`, `agency_id`,
# `instance`, `data`: the workflow's final data), inside the step's unit of work and savepoint: a receiver's
# failure leaves the case in `error` with its last good state, like a failed operation. The dossiers module files
# the finished document and its processing history (seed 000 Điều 19.2.b) without the engine knowing of dossiers.
case_completed = signals.signal("case-completed")


def lock_instance(instance_id: int) -> WorkflowInstance:
    """Serialize work on one instance: its row, locked to commit (app.core.locking)."""
    busy = Conflict("Hồ sơ đang được người khác xử lý, vui lòng thử lại.", code="instance_busy")
    instance = lock_row(WorkflowInstance, instance_id, busy=busy, touch="updated_at")
    if instance is None:
        raise Conflict("Không tìm thấy phiên quy trình.", code="instance_not_found")
    return instance


def lock_instance_of_task(task_id: int) -> bool:
    """Lock the case a task belongs to (as lock_instance does), found from the task in the same statement; whether
    the task exists. Read the task afterwards: it is then what others committed before the lock."""
    busy = Conflict("Hồ sơ đang được người khác xử lý, vui lòng thử lại.", code="instance_busy")
    statement = _lock_case_of_task(db.session.get_bind().dialect.name == "postgresql")
    return take_row_lock(statement, {"task_id": task_id}, busy=busy)


@functools.cache
def _lock_case_of_task(postgresql: bool) -> sa.Executable:
    case = sa.select(HumanTask.instance_id).where(HumanTask.id == sa.bindparam("task_id")).scalar_subquery()
    return row_lock_statement(WorkflowInstance, case, touch="updated_at", postgresql=postgresql)


@contextmanager
def running(instance: WorkflowInstance, actor: User | None):
    """Let scripts and operations know which case and agency they work for."""
    token = current_run.set(
        RunContext(
            instance.id, instance.agency_id, instance.object_type, instance.object_id, actor.id if actor else None
        )
    )
    try:
        yield
    finally:
        current_run.reset(token)


def advance(
    instance: WorkflowInstance, workflow, actor: User | None, rebuild: Callable[[], object], *, started: bool = False
) -> None:
    """Run the engine, then mirror tasks and save; if an operation fails, keep the last good state as `error`.

    The engine runs in a SAVEPOINT: an operation's half-done domain writes vanish with it. The last good state
    (the user's own step applied, nothing after it) is rebuilt by `rebuild()` only when something failed, so the
    common path serializes the workflow once. `started`: the case was created in this transaction (no tasks yet).
    """
    try:
        with db.session.begin_nested(), running(instance, actor):
            engine.run_engine(workflow)
            sync_tasks(instance, workflow, started=started)
            save(instance, workflow)
    except Exception as exc:
        log.warning("workflow instance %s failed: %s", instance.id, exc, exc_info=True)
        with running(instance, actor):
            instance.state, instance.state_size = engine.dump_state(rebuild())
        instance.status = InstanceStatus.ERROR
        instance.error_message = _describe(exc)
        instance.error_task = getattr(exc, "qlvb_task", None) or _failed_task_name(workflow)
        instance.updated_at = clock.now()
        db.session.flush()
        audit.record(
            actor,
            "workflow.error",
            instance,
            summary=f"Lỗi quy trình: {instance.error_message[:300]}",
            changes={"task": instance.error_task},
        )


def _describe(exc: Exception) -> str:
    inner = getattr(exc, "exception", None) or exc.__cause__ or exc
    return f"{type(inner).__name__}: {inner}" if inner is not exc else f"{type(exc).__name__}: {exc}"


def _failed_task_name(workflow) -> str | None:
    from SpiffWorkflow.util.task import TaskState as SpiffState

    for task in engine.all_tasks(workflow):
        if task.state == SpiffState.ERROR:
            return task.task_spec.bpmn_id
    return None


def save(instance: WorkflowInstance, workflow) -> None:
    instance.state, instance.state_size = engine.dump_state(workflow)
    instance.next_timer_at = engine.next_timer_at(workflow)
    instance.error_message = instance.error_task = None
    finished = False
    if workflow.is_completed():
        finished = instance.status != InstanceStatus.COMPLETED
        instance.status = InstanceStatus.COMPLETED
        instance.completed_at = clock.now()
    elif engine.ready_user_tasks(workflow):
        instance.status = InstanceStatus.RUNNING
    else:
        instance.status = InstanceStatus.WAITING
    instance.updated_at = clock.now()
    db.session.flush()
    if finished:
        case_completed.send(
            instance.object_type,
            object_id=instance.object_id,
            agency_id=instance.agency_id,
            instance=instance,
            data=dict(workflow.data or {}),
        )


def sync_tasks(instance: WorkflowInstance, workflow, *, started: bool = False) -> None:
    """Mirror the ready user tasks into human_task: new ones appear, vanished ones are withdrawn.

    `started`: the case was created in this transaction, so it has no rows to look up yet. The rows are flushed
    with the case's new state by `save`, in one flush."""
    ready = {str(t.id): t for t in engine.ready_user_tasks(workflow)}
    open_rows = [] if started else db.session.scalars(_open_tasks_query(), {"instance_id": instance.id}).all()
    known = {row.spiff_task_id for row in open_rows}
    now = clock.now()
    for row in open_rows:
        if row.spiff_task_id not in ready:  # e.g. an interrupting timer took the path away
            row.state = TaskState.CANCELLED
            row.completed_at = now
    bundle = engine.bundle_for(instance.process_version)
    created = [_new_human_task(instance, bundle, task, now) for task_id, task in ready.items() if task_id not in known]
    db.session.add_all(created)
    if created and tasks_created.receivers:
        tasks_created.send(instance.object_type, tasks=created)


@functools.cache
def _open_tasks_query() -> sa.Select:
    return sa.select(HumanTask).where(
        HumanTask.instance_id == sa.bindparam("instance_id"), HumanTask.state.in_([TaskState.READY, TaskState.CLAIMED])
    )


def _new_human_task(instance: WorkflowInstance, bundle, task, now: datetime) -> HumanTask:
    spec = task.task_spec
    props = bundle.task_props.get(spec.bpmn_id, {})
    role = role_for_lane(spec.lane)
    assignee = _designated_user(instance, task, props.get("assignee"))
    level = urgency_level(instance, task)
    due_at = _due(instance, task, props, now, level)
    return HumanTask(
        instance_id=instance.id,
        spiff_task_id=str(task.id),
        task_name=spec.bpmn_id,
        title=spec.bpmn_name or spec.bpmn_id,
        process_id=instance.process_id,
        object_type=instance.object_type,
        object_id=instance.object_id,
        object_title=instance.title,
        role=role.value if role else None,
        agency_id=instance.agency_id,
        unit_id=_designated_unit(instance, task, props.get("unit")),
        assignee_id=assignee.id if assignee else None,
        is_designated=assignee is not None,
        state=TaskState.CLAIMED if assignee else TaskState.READY,
        claimed_at=now if assignee else None,
        form_key=form_key_for(instance.process_id, props["form"]) if props.get("form") else None,
        due_at=due_at,
        due_sort=due_at or NO_DEADLINE,
        escalate_to=props.get("escalate_to") or None,
        urgency=Urgency.URGENT if level else Urgency.NORMAL,
        priority=0 if level else 1,
        created_at=now,
    )


def _value(task, expression: str | None):
    if not expression:
        return None
    try:
        return engine.evaluate(task, expression)
    except Exception:  # missing data: the task falls back to its lane's queue
        log.info("expression %r on %s gave no value", expression, task.task_spec.bpmn_id)
        return None


def _designated_user(instance, task, expression) -> User | None:
    value = _value(task, expression)
    if value in (None, ""):
        return None
    user = db.session.get(User, int(value)) if str(value).isdigit() else None
    # Never route work to a deactivated account or outside the case's agency: back to the lane's queue.
    if user is None or not user.is_active or user.agency_id != instance.agency_id:
        return None
    return user


def _designated_unit(instance, task, expression) -> int | None:
    value = _value(task, expression)
    if value in (None, "") or not str(value).isdigit():
        return None
    unit = db.session.get(Unit, int(value))
    return unit.id if unit is not None and unit.agency_id == instance.agency_id else None


def _instant(instance, text) -> datetime | None:
    """A date (the end of office hours on that day, or the last working day before it) or an instant."""
    from app.sla.calendar import calendar_for

    try:
        value = datetime.fromisoformat(str(text))
    except ValueError:
        return None
    if len(str(text)) <= 10:
        day_before = value.replace(hour=12, tzinfo=clock.LOCAL_TZ) - timedelta(days=1)
        return calendar_for(instance.agency_id).end_of_working_day(day_before, 1)
    if value.tzinfo is None:
        value = value.replace(tzinfo=clock.LOCAL_TZ)
    return value.astimezone(UTC)


def planned_due(instance: WorkflowInstance, task_name: str, now: datetime | None = None) -> datetime | None:
    """The deadline the step `task_name` of an ordinary case would get if it began now, from its `sla` (its `due`
    expression and the urgent levels aside): what a step decided ahead of it can promise — the leader's direction
    fixes the handling's deadline when it is given, not when a unit leader later passes the document on."""
    from app.sla.settings import step_due

    props = engine.bundle_for(instance.process_version).task_props.get(task_name) or {}
    if not props.get("sla"):
        return None
    return step_due(now or clock.now(), sla=props["sla"], urgent_sla=None, agency_id=instance.agency_id, level=None)


def urgency_level(instance: WorkflowInstance, task) -> str | None:
    """The case's urgency level (hoa_toc, thuong_khan, khan), or None for an ordinary case.

    A document's case carries its `urgency` in the data (incoming/outgoing workflow_data), kept current by the
    clerk's registration form: a Thường document corrected to Hỏa tốc is urgent from its next step on. A case
    started "urgent" without a level (a plain case) counts as Khẩn.
    """
    from app.sla.rules import FALLBACK_LEVEL, URGENT_LEVELS

    stated = task.data.get("urgency") if isinstance(task.data, dict) else None
    if stated in URGENT_LEVELS:
        return stated
    if stated == "thuong":
        return None
    return FALLBACK_LEVEL if instance.is_urgent else None


def _due(instance, task, props: dict, now: datetime, level: str | None) -> datetime | None:
    """`due` (an expression: the case's own deadline) wins; else `sla` / `urgent_sla` — a duration or a rule the
    agency's settings give the value of (app.sla.rules), counted in clock or working time as the agency set for
    the case's urgency level — but never later than `due_by` (an expression): a step on the way — the unit
    leader's assignment — cannot end after the deadline the leader set for the whole handling."""
    from app.sla.settings import step_due

    if (explicit := _value(task, props.get("due"))) and (value := _instant(instance, explicit)) is not None:
        return value
    computed = step_due(
        now, sla=props.get("sla"), urgent_sla=props.get("urgent_sla"), agency_id=instance.agency_id, level=level
    )
    if (limit := _value(task, props.get("due_by"))) and (cap := _instant(instance, limit)) is not None:
        return min(computed, cap) if computed is not None else cap
    return computed
