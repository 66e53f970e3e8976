"""Use cases of the engine, each taking the acting user first: start, claim, complete, reassign, retry, wake.

One call = one step of one case; the caller's unit of work commits it. Domain modules start their processes
through `start_process(actor, process_id, object_type=…, object_id=…)`.
"""

import functools
import uuid
from typing import NamedTuple

import sqlalchemy as sa
from SpiffWorkflow.util.task import TaskState as SpiffState
from sqlalchemy.orm import joinedload
from sqlalchemy.orm.attributes import set_committed_value

from app.audit import services as audit
from app.core import clock
from app.core.db import db
from app.core.errors import Conflict, NotFound, PermissionDenied, ValidationError
from app.core.signals import task_reassigned
from app.org.models import Unit, User
from app.org.permissions import managed_agency_ids
from app.sla.calendar import working_minutes_between
from app.workflow import engine
from app.workflow.assignment import acting_for, candidates, mismatch
from app.workflow.definitions import newest_version
from app.workflow.forms import (
    attached_files,
    options_for,
    prefill,
    secret_fields,
    submission_problems,
)
from app.workflow.models import CaseFile, HumanTask, InstanceStatus, TaskState, WorkflowInstance
from app.workflow.permissions import can_act_on, can_start, can_view_task, may_override, may_reassign, start_role
from app.workflow.registry import INSTALLED, bound_object_type
from app.workflow.runtime import advance, lock_instance, lock_instance_of_task, running


def start_process(
    actor: User | None,
    process_id: str,
    *,
    agency_id: int | None = None,
    data: dict | None = None,
    object_type: str = "case",
    object_id: str | None = None,
    title: str | None = None,
    urgent: bool = False,
) -> WorkflowInstance:
    """Start the newest applicable version of `process_id` for one business object."""
    agency_id = agency_id or (actor.agency_id if actor else None)
    if agency_id is None:
        raise ValidationError("Thiếu cơ quan của hồ sơ.", code="agency_required")
    bound = bound_object_type(process_id)
    if bound is not None and bound != object_type:
        raise Conflict(
            "Quy trình này chỉ được khởi tạo cùng văn bản của nó (từ trang tiếp nhận hoặc soạn văn bản).",
            code="process_bound_to_object",
        )
    version = newest_version(process_id, agency_id)
    bundle = engine.bundle_for(version)
    if actor is not None and not can_start(actor, version):
        raise PermissionDenied(f"Quy trình “{version.name}” chỉ do {start_role(version).label} khởi tạo.")
    data = dict(data or {})
    if actor is not None:
        check_start_form(version, data, agency_id)
    title = (title or data.get("title") or version.name)[:500]
    # A business object has one case; an id made up here (a plain case) is new by construction.
    if object_id is not None and db.session.scalar(
        sa.select(WorkflowInstance.id).where(
            WorkflowInstance.object_type == object_type, WorkflowInstance.object_id == object_id
        )
    ):
        raise Conflict("Đối tượng này đã có quy trình xử lý.", code="instance_exists")
    object_id = object_id or uuid.uuid4().hex
    data.update(
        object_type=object_type, object_id=object_id, urgent=bool(urgent), started_by_id=actor.id if actor else None
    )
    instance = WorkflowInstance(
        process_version=version,
        process_id=process_id,
        agency_id=agency_id,
        object_type=object_type,
        object_id=object_id,
        title=title,
        status=InstanceStatus.RUNNING,
        is_urgent=bool(urgent),
        state=b"",
        started_by_id=actor.id if actor else None,
    )
    db.session.add(instance)
    db.session.flush()
    _keep_files(instance.id, data)
    with running(instance, actor):
        workflow = engine.new_workflow(bundle, data)
    audit.record(
        actor,
        "workflow.start",
        instance,
        summary=f"Khởi tạo quy trình {version.name}: {title}",
        changes={"process_id": process_id, "version": version.version},
    )
    advance(instance, workflow, actor, rebuild=lambda: engine.new_workflow(bundle, data), started=True)
    return instance


def check_start_form(version, data: dict, agency_id: int) -> None:
    """A person's start of a case with a start form: the same checks for the page and the API (deadlines, schema,
    choices, the form's validators)."""
    form = version.forms.get(f"{version.process_id}/start")
    if form is None:
        return
    problems = submission_problems(form, data, None, agency_id)
    if problems:
        raise ValidationError("Biểu mẫu còn lỗi, vui lòng kiểm tra lại.", details=problems)


def _keep_files(instance_id: int, data: dict) -> None:
    """Name the files a form put into the case (CaseFile): the blob store keeps what a row names."""
    for digest, name in attached_files(data).items():
        known = sa.select(CaseFile.id).where(CaseFile.instance_id == instance_id, CaseFile.sha256 == digest)
        if db.session.scalar(known) is None:
            db.session.add(CaseFile(instance_id=instance_id, sha256=digest, name=name))


@functools.cache
def _task_query() -> sa.Select:
    # The case and its process version with it: every caller goes on to read both. Built once, the id bound.
    return (
        sa.select(HumanTask)
        .where(HumanTask.id == sa.bindparam("task_id"))
        .options(joinedload(HumanTask.instance).joinedload(WorkflowInstance.process_version))
    )


def get_task(actor: User, task_id: int, *, fresh: bool = False) -> HumanTask:
    """A task the actor may see: one they can act on, or one of their agency's cases (404 otherwise).

    `fresh`: read from the database even when already loaded (after taking the case's lock)."""
    options = {"populate_existing": True} if fresh else {}
    task = db.session.scalar(_task_query(), {"task_id": task_id}, execution_options=options)
    if task is None or not can_view_task(actor, task):
        raise NotFound("Không tìm thấy công việc.", code="task_not_found")
    return task


def mark_opened(actor: User, task: HumanTask) -> None:
    """Record the first time someone who may act on the task opens it (page or API): an urgent document's step
    not opened in time is escalated (app.escalation). A plain UPDATE guarded by `opened_at IS NULL`, so two first
    openings at once write one instant and nothing waits on the case's lock."""
    if task.opened_at is not None or not can_act_on(actor, task):
        return
    now = clock.now()
    db.session.execute(
        sa.update(HumanTask).where(HumanTask.id == task.id, HumanTask.opened_at.is_(None)).values(opened_at=now),
        execution_options={"synchronize_session": False},
    )
    set_committed_value(task, "opened_at", now)  # what the UPDATE wrote, without a second write at flush


def _open_task_locked(actor: User, task_id: int) -> HumanTask:
    # The case is locked first, so the task, its case and their state are read once, as others committed them.
    lock_instance_of_task(task_id)
    task = get_task(actor, task_id, fresh=True)
    if task.state == TaskState.COMPLETED:
        who = task.completed_by.full_name if task.completed_by else "người khác"
        raise Conflict(f"Công việc đã được {who} hoàn thành.", code="task_already_completed")
    if task.state != TaskState.READY and task.state != TaskState.CLAIMED:
        raise Conflict("Công việc không còn ở trạng thái chờ xử lý.", code="task_not_open")
    return task


def claim_task(actor: User, task_id: int) -> HumanTask:
    """Take an unassigned task of one's role (or of someone who delegated to us)."""
    task = _open_task_locked(actor, task_id)
    if task.assignee_id == actor.id:
        return task
    if task.assignee_id is not None:
        raise Conflict(f"Công việc đã do {task.assignee.full_name} nhận.", code="task_claimed_by_other")
    if acting_for(actor, task) is None:
        raise PermissionDenied("Công việc này không thuộc vai trò của bạn.", code="not_a_candidate")
    task.assignee_id, task.state, task.claimed_at = actor.id, TaskState.CLAIMED, clock.now()
    db.session.flush()
    audit.record(actor, "task.claim", task, summary=f"Nhận việc “{task.title}”: {task.object_title}")
    return task


def unclaim_task(actor: User, task_id: int) -> HumanTask:
    """Give a claimed task back to its queue (not one the process designated to a person)."""
    task = _open_task_locked(actor, task_id)
    if task.assignee_id != actor.id:
        raise PermissionDenied("Bạn không giữ công việc này.", code="not_assignee")
    if task.is_designated:
        raise Conflict(
            "Công việc được giao đích danh, hãy chuyển cho người khác thay vì trả lại.", code="task_designated"
        )
    task.assignee_id, task.state, task.claimed_at = None, TaskState.READY, None
    db.session.flush()
    audit.record(actor, "task.unclaim", task, summary=f"Trả lại việc “{task.title}”")
    return task


class ReassignChoice(NamedTuple):
    user: User
    label: str  # User.post_label: a clerk tells apart two people of one name by their post and unit


def reassign_choices(actor: User, task: HumanTask) -> list[ReassignChoice]:
    """Who the actor may hand the task to, each with the label a list shows: the task's candidates, or for
    overseers every active member of the agency."""
    if not may_reassign(actor, task):
        return []
    if may_override(actor, task):
        query = sa.select(User).where(User.agency_id == task.agency_id, User.is_active.is_(True))
        people = list(db.session.scalars(query.order_by(User.full_name)))
    else:
        people = candidates(task)
    # Their units in one query: each `user.unit` is then found in the session, not loaded one by one.
    unit_ids = {u.unit_id for u in people if u.unit_id is not None}
    if unit_ids:
        db.session.scalars(sa.select(Unit).where(Unit.id.in_(unit_ids))).all()
    return [ReassignChoice(u, u.post_label) for u in people]


def reassign_task(actor: User, task_id: int, user_id: int) -> HumanTask:
    """Hand a task to another person (may_reassign, reassign_choices): audited, with the override marked."""
    task = _open_task_locked(actor, task_id)
    if not may_reassign(actor, task):
        raise PermissionDenied("Bạn không được chuyển công việc này.", code="cannot_reassign")
    target = db.session.get(User, user_id)
    if target is None or target.id not in {c.user.id for c in reassign_choices(actor, task)}:
        raise ValidationError(
            "Người nhận không thuộc đối tượng được giao công việc này.",
            code="not_a_candidate",
            details={"user_id": "Chọn người có vai trò và đơn vị phù hợp, đang hoạt động."},
        )
    outside = mismatch(target, task)  # handed outside the step's role or unit: an override, said as such
    override = outside is not None
    previous = task.assignee_id
    task.assignee_id, task.state, task.claimed_at = target.id, TaskState.CLAIMED, clock.now()
    db.session.flush()
    audit.record(
        actor,
        "task.reassign",
        task,
        summary=f"Chuyển việc “{task.title}” cho {target.full_name}"
        + (f" (ngoài {outside} của bước)" if override else ""),
        changes={"assignee_id": [previous, target.id], **({"override": True} if override else {})},
    )
    task_reassigned.send(task, previous_id=previous, target=target)
    return task


def complete_task(
    actor: User, task_id: int, data: dict | None = None, *, outcome: str | None = None, comment: str | None = None
) -> HumanTask:
    """Submit a task's form; the case moves on to its next steps in the same transaction."""
    task = _open_task_locked(actor, task_id)
    on_behalf = acting_for(actor, task)
    if on_behalf is None:
        raise PermissionDenied("Công việc này không giao cho bạn.", code="not_a_candidate")
    if task.assignee_id not in (None, actor.id, on_behalf.id):
        raise Conflict(f"Công việc đã do {task.assignee.full_name} nhận.", code="task_claimed_by_other")
    return _complete(actor, task, on_behalf, data, outcome, comment)


def complete_for_action(
    actor: User | None, task_id: int, *, outcome: str, comment: str | None = None
) -> HumanTask | None:
    """Complete an open task because the domain action it stands for was done on the object's own page (a
    dossier closed on its page completes the case's "Lập hồ sơ" step): the domain service already checked the
    actor's right to act, so the task's candidates are not asked. Inside the action's unit of work; None when the
    task is no longer open (someone completed it meanwhile)."""
    lock_instance_of_task(task_id)
    task = db.session.scalar(_task_query(), {"task_id": task_id}, execution_options={"populate_existing": True})
    if task is None or not task.is_open:
        return None
    on_behalf = (acting_for(actor, task) if actor is not None else None) or actor
    return _complete(actor, task, on_behalf, {}, outcome, comment)


def _complete(actor, task: HumanTask, on_behalf, data, outcome, comment) -> HumanTask:
    instance = task.instance
    if instance.status == InstanceStatus.ERROR:
        raise Conflict("Quy trình đang lỗi, chờ quản trị xử lý.", code="instance_in_error")
    form = instance.process_version.forms.get(task.form_key) if task.form_key else None
    data = dict(data or {})
    if form is not None:
        actor_id = actor.id if actor is not None else None
        problems = submission_problems(form, data, outcome, task.agency_id, task.unit_id, actor_id)
        outcomes = {o["value"] for o in form.get("outcomes", [])}
        if outcomes and outcome not in outcomes:
            problems["outcome"] = "Chọn một kết quả xử lý."
        if problems:
            raise ValidationError("Biểu mẫu còn lỗi, vui lòng kiểm tra lại.", details=problems)
        data = {k: v for k, v in data.items() if k in form["schema"].get("properties", {})}
        for name in form.get("actions", []):
            data.update(INSTALLED.form_actions[name](actor, task, data, outcome) or {})
        for name in secret_fields(form):
            data.pop(name, None)
    bundle, saved = engine.bundle_for(instance.process_version), instance.state
    values = {**data, "outcome": outcome, "comment": comment, "last_actor_id": actor.id if actor else None}

    def apply_step():
        workflow = engine.load_state(bundle, saved)
        spiff_task = engine.find_task(workflow, task.spiff_task_id)
        if spiff_task is None or not spiff_task.task_spec.manual or spiff_task.state != SpiffState.READY:
            raise Conflict("Công việc không còn sẵn sàng trong quy trình.", code="task_not_ready")
        spiff_task.data.update(values)
        spiff_task.run()  # postScripts run here: a failure refuses the step and changes nothing
        return workflow

    try:
        with running(instance, actor):
            workflow = apply_step()
    except Conflict:
        raise
    except Exception as exc:
        raise Conflict(f"Không hoàn thành được công việc do lỗi trong quy trình: {exc}", code="task_failed") from exc
    now = clock.now()
    task.state, task.completed_at = TaskState.COMPLETED, now
    task.completed_by_id = actor.id if actor is not None else None
    task.working_minutes = handling_minutes(task.created_at, now, task.agency_id)
    task.assignee_id = task.assignee_id or (on_behalf.id if on_behalf is not None else None)
    task.outcome, task.comment, task.submitted = outcome, comment, data
    _keep_files(instance.id, data)
    db.session.flush()
    stood_in = on_behalf is not None and actor is not None and on_behalf.id != actor.id
    note = f" (thay {on_behalf.full_name})" if stood_in else ""
    audit.record(
        actor,
        "task.complete",
        task,
        summary=f"Hoàn thành “{task.title}”{note}: {task.object_title}",
        changes={"outcome": outcome},
    )
    advance(instance, workflow, actor, rebuild=apply_step)
    return task


def retry_instance(actor: User | None, instance_id: int) -> WorkflowInstance:
    """Run a case in `error` again from its last good state (after the cause was fixed)."""
    instance = lock_instance(instance_id)
    if actor is not None and instance.agency_id not in managed_agency_ids(actor):
        raise NotFound("Không tìm thấy phiên quy trình.", code="instance_not_found")
    if instance.status != InstanceStatus.ERROR:
        raise Conflict("Phiên quy trình không ở trạng thái lỗi.", code="instance_not_in_error")
    bundle, saved = engine.bundle_for(instance.process_version), instance.state
    workflow = engine.load_state(bundle, saved)
    _reset_errored_tasks(workflow)
    audit.record(actor, "workflow.retry", instance, summary=f"Chạy lại quy trình: {instance.title}")
    advance(instance, workflow, actor, rebuild=lambda: engine.load_state(bundle, saved))
    return instance


def _reset_errored_tasks(workflow) -> None:
    """Run the failed steps again: SpiffWorkflow's public reset makes each runnable with its parent's data, as it
    was before the step first ran (what the step wrote was rolled back with its transaction)."""
    for task in [t for t in engine.all_tasks(workflow) if t.state == SpiffState.ERROR]:
        workflow.reset_from_task_id(task.id)


def cancel_instance(actor: User | None, instance_id: int, reason: str) -> WorkflowInstance:
    instance = lock_instance(instance_id)
    if actor is not None and instance.agency_id not in managed_agency_ids(actor):
        raise NotFound("Không tìm thấy phiên quy trình.", code="instance_not_found")
    if instance.status in (InstanceStatus.COMPLETED, InstanceStatus.CANCELLED):
        raise Conflict("Phiên quy trình đã kết thúc.", code="instance_finished")
    now = clock.now()
    for task in db.session.scalars(
        sa.select(HumanTask).where(
            HumanTask.instance_id == instance.id, HumanTask.state.in_([TaskState.READY, TaskState.CLAIMED])
        )
    ):
        task.state, task.completed_at = TaskState.CANCELLED, now
    instance.status, instance.next_timer_at, instance.completed_at = InstanceStatus.CANCELLED, None, now
    db.session.flush()
    audit.record(
        actor, "workflow.cancel", instance, summary=f"Hủy quy trình: {instance.title}", changes={"reason": reason}
    )
    return instance


def due_instance_ids(now=None, limit: int = 500) -> list[int]:
    """Instances whose next timer has come: an indexed range, never a scan of every waiting case."""
    now = now or clock.now()
    return list(
        db.session.scalars(
            sa.select(WorkflowInstance.id)
            .where(
                WorkflowInstance.next_timer_at <= now,
                WorkflowInstance.status.in_([InstanceStatus.RUNNING, InstanceStatus.WAITING]),
            )
            .order_by(WorkflowInstance.next_timer_at)
            .limit(limit)
        )
    )


def wake_instance(instance_id: int) -> bool:
    """Fire the due timers of one instance (a scheduler job item). Returns whether anything was due."""
    instance = lock_instance(instance_id)
    if (
        instance.status not in (InstanceStatus.RUNNING, InstanceStatus.WAITING)
        or instance.next_timer_at is None
        or instance.next_timer_at > clock.now()
    ):
        return False  # someone else woke it, or it moved on
    bundle, saved = engine.bundle_for(instance.process_version), instance.state
    advance(instance, engine.load_state(bundle, saved), None, rebuild=lambda: engine.load_state(bundle, saved))
    return True


def task_candidates(actor: User, task_id: int) -> list[ReassignChoice]:
    """The people the actor may hand this task to (empty when they may not reassign it)."""
    return reassign_choices(actor, get_task(actor, task_id))


def task_form(task: HumanTask) -> dict | None:
    return task.instance.process_version.forms.get(task.form_key) if task.form_key else None


def form_values(actor: User, task: HumanTask, known: dict | None = None) -> dict:
    """What the task's form opens with — the page and the API alike: once done, what was submitted; for who may
    act, what the case already knows under the form's field names; nothing for onlookers.

    Never a comment: each person's own words start empty (a comment is not case data).
    """
    form = task_form(task)
    if task.submitted:
        return dict(task.submitted)
    if form is None or not can_act_on(actor, task):
        return {}
    return prefill(form, known if known is not None else case_data(task), task.agency_id)


def field_choices(actor: User, task_id: int, field: str) -> list[tuple]:
    """The choices of one select/radio field of a task's form (a `source: users` / `units` field…), for whoever
    may see the task; an unknown field is not found."""
    task = get_task(actor, task_id)
    form = task_form(task)
    if form is None or field not in form["schema"].get("properties", {}):
        raise NotFound("Biểu mẫu không có trường này.", code="field_not_found")
    return options_for(form, field, task.agency_id, task.unit_id, actor.id)


def case_data(task: HumanTask) -> dict:
    """The data the case carries at this task (start form values, earlier decisions) for its summary card.

    One deserialization for one detail page; lists never do this (they read human_task only).
    """
    instance = task.instance
    workflow = engine.load_state(engine.bundle_for(instance.process_version), instance.state)
    spiff_task = engine.find_task(workflow, task.spiff_task_id)
    return dict(spiff_task.data) if spiff_task is not None else dict(workflow.data or {})


def handling_minutes(created_at, completed_at, agency_id: int) -> int:
    """Whole working minutes a task took, on its agency's calendar (stored on the row: HumanTask.working_minutes)."""
    return round(working_minutes_between(created_at, completed_at, agency_id))
