"""Move running cases to a newer version of their process (chuyển hồ sơ đang xử lý sang phiên bản mới).

A case may move when every step it stands at now (ready, started or waiting) exists in the target version under
the same BPMN id, and every step it has passed still exists there (the saved state names each step it ran).
SpiffWorkflow's diff aligns the old spec with the new one; `migrate_workflow` swaps the specs and re-predicts what
comes after the current steps, so a step added after them is reached. Each case moves in its own savepoint: one
that fails stays exactly as it was, the others move.
"""

import logging
from dataclasses import dataclass, field

from SpiffWorkflow.bpmn.util.diff import diff_workflow, migrate_workflow
from SpiffWorkflow.util.task import TaskState as SpiffState

from app.audit import services as audit
from app.core.db import db
from app.core.errors import DomainError
from app.org.models import User
from app.workflow import engine, runtime
from app.workflow.forms import form_key_for
from app.workflow.models import HumanTask, InstanceStatus, ProcessVersion, TaskState, WorkflowInstance
from app.workflow.permissions import can_migrate_case
from app.workflow.validation import role_for_lane

log = logging.getLogger(__name__)

MOVABLE = (InstanceStatus.RUNNING, InstanceStatus.WAITING)
_CURRENT = SpiffState.READY | SpiffState.STARTED | SpiffState.WAITING


@dataclass(frozen=True)
class CaseCheck:
    """Whether one case can move to the target version, and if not, why (shown case by case)."""

    instance: WorkflowInstance
    reason: str | None = None
    current_steps: tuple[str, ...] = ()  # names of the steps it stands at

    @property
    def ok(self) -> bool:
        return self.reason is None


@dataclass
class MigrationResult:
    target: ProcessVersion
    migrated: list[WorkflowInstance] = field(default_factory=list)
    refused: list[CaseCheck] = field(default_factory=list)
    missing: list[int] = field(default_factory=list)  # ids asked for that name no case


def check(instance: WorkflowInstance, target: ProcessVersion) -> CaseCheck:
    """Can `instance` move to `target`? Reads only; the same rules `migrate` applies."""
    return _prepare(instance, target)[0]


def migrate(actor: User, instances: list[WorkflowInstance], target: ProcessVersion) -> MigrationResult:
    """Move each case the actor may migrate and that passes `check`; audit each move (`process.migrate_case`)."""
    result = MigrationResult(target)
    for candidate in instances:
        if not can_migrate_case(actor, candidate):
            result.refused.append(CaseCheck(candidate, "Hồ sơ không thuộc cơ quan của người thiết kế."))
            continue
        try:
            instance = runtime.lock_instance(candidate.id)
        except DomainError as exc:
            result.refused.append(CaseCheck(candidate, exc.message))
            continue
        verdict, workflow = _prepare(instance, target)
        if not verdict.ok:
            result.refused.append(verdict)
            continue
        source = instance.process_version
        try:
            with db.session.begin_nested():
                _move(actor, instance, workflow, source, target)
        except Exception as exc:  # the savepoint is gone: the case keeps its version and state
            log.warning("migrating instance %s to version %s failed", instance.id, target.id, exc_info=True)
            db.session.refresh(instance)
            result.refused.append(CaseCheck(instance, f"Lỗi khi chuyển: {exc}", verdict.current_steps))
            continue
        result.migrated.append(instance)
    return result


def _prepare(instance: WorkflowInstance, target: ProcessVersion) -> tuple[CaseCheck, object]:
    """The verdict and, when the case can move, its workflow already migrated in memory (nothing stored)."""
    source = instance.process_version
    if instance.status not in MOVABLE:
        return CaseCheck(instance, "Hồ sơ không còn đang xử lý."), None
    if target.process_id != instance.process_id:
        return CaseCheck(instance, "Phiên bản đích thuộc quy trình khác."), None
    if target.agency_id not in (None, instance.agency_id):
        return CaseCheck(instance, "Phiên bản đích thuộc cơ quan khác."), None
    if target.id <= source.id:  # ids grow with each deploy: a later deploy of the process is the newer version
        return CaseCheck(instance, "Phiên bản đích không mới hơn phiên bản của hồ sơ."), None
    old, new = engine.bundle_for(source), engine.bundle_for(target)
    workflow = engine.load_state(old, instance.state)
    current = [t for t in engine.all_tasks(workflow) if t.state & _CURRENT and t.task_spec.bpmn_id]
    names = tuple(dict.fromkeys(t.task_spec.bpmn_name or t.task_spec.bpmn_id for t in current if t.task_spec.manual))
    known = _bpmn_ids(new)
    for task in current:
        if task.task_spec.bpmn_id not in known:
            label = task.task_spec.bpmn_name or task.task_spec.bpmn_id
            return CaseCheck(instance, f"bước “{label}” không có trong phiên bản đích.", names), None
    try:
        _migrate_in_memory(workflow, new)
        blob, _size = engine.dump_state(workflow)
        engine.load_state(new, blob)  # every step the case ran must still be named in the target
    except _Missing as missing:
        return CaseCheck(instance, f"bước đã qua “{missing}” không có trong phiên bản đích.", names), None
    except Exception as exc:
        log.info("instance %s cannot move to version %s: %s", instance.id, target.id, exc, exc_info=True)
        return CaseCheck(instance, f"Không chuyển được trạng thái hồ sơ ({type(exc).__name__}).", names), None
    return CaseCheck(instance, None, names), workflow


class _Missing(Exception):
    """A step the case already passed has no counterpart in the target version."""


def _bpmn_ids(bundle) -> set[str]:
    ids = set()
    for spec in (bundle.spec, *bundle.subprocess_specs.values()):
        ids.update(ts.bpmn_id for ts in spec.task_specs.values() if ts.bpmn_id)
    return ids


def _migrate_in_memory(workflow, bundle) -> None:
    top, subprocess_diffs = diff_workflow(engine.SERIALIZER.registry, workflow, bundle.spec, bundle.subprocess_specs)
    for task in top.removed:
        if task.state == SpiffState.COMPLETED and task.task_spec.bpmn_id:
            raise _Missing(task.task_spec.bpmn_name or task.task_spec.bpmn_id)
    for sp_id, diff in subprocess_diffs.items():
        if diff is None:
            raise _Missing(workflow.subprocesses[sp_id].spec.name)
    # migrate_workflow resets the current steps to re-predict what follows them: keep their data and internal data
    # (a boundary timer's due instant lives there), so a migrated case does not restart its clocks.
    kept = {t.id: (dict(t.data), dict(t.internal_data)) for t in engine.all_tasks(workflow) if t.state & _CURRENT}
    migrate_workflow(top, workflow, bundle.spec)
    for sp_id, diff in subprocess_diffs.items():
        sub = workflow.subprocesses[sp_id]
        migrate_workflow(diff, sub, bundle.subprocess_specs[sub.spec.name])
    workflow.subprocess_specs = bundle.subprocess_specs
    for task in engine.all_tasks(workflow):
        if task.id in kept:
            task.data, task.internal_data = kept[task.id]


def _move(actor, instance: WorkflowInstance, workflow, source: ProcessVersion, target: ProcessVersion) -> None:
    instance.process_version_id = target.id
    instance.process_version = target
    with runtime.running(instance, actor):
        engine.run_engine(workflow)
        _resync_open_tasks(instance, workflow, engine.bundle_for(target))
        runtime.sync_tasks(instance, workflow)
        runtime.save(instance, workflow)
    audit.record(
        actor,
        "process.migrate_case",
        instance,
        agency_id=instance.agency_id,
        summary=f"Chuyển hồ sơ “{instance.title}” từ {source.display_name} sang {target.display_name}",
        changes={
            "process_id": instance.process_id,
            "from_version_id": source.id,
            "from_version": source.version,
            "to_version_id": target.id,
            "to_version": target.version,
        },
    )


def _resync_open_tasks(instance: WorkflowInstance, workflow, bundle) -> None:
    """Open tasks take the target version's title, form, lane and escalation; deadlines and holders stay."""
    ready = {str(t.id): t for t in engine.ready_user_tasks(workflow)}
    rows = db.session.query(HumanTask).filter(
        HumanTask.instance_id == instance.id, HumanTask.state.in_([TaskState.READY, TaskState.CLAIMED])
    )
    for row in rows:
        task = ready.get(row.spiff_task_id)
        if task is None:
            continue  # sync_tasks withdraws it
        spec = task.task_spec
        props = bundle.task_props.get(spec.bpmn_id, {})
        role = role_for_lane(spec.lane)
        row.task_name = spec.bpmn_id
        row.title = spec.bpmn_name or spec.bpmn_id
        row.form_key = form_key_for(instance.process_id, props["form"]) if props.get("form") else None
        row.role = role.value if role else None
        row.escalate_to = props.get("escalate_to") or None
