"""The engine's consistency rule (`qlvb check`): each instance's serialized state and its human_task rows agree.

design.md §4: the state is saved after every step in the same transaction as the rows that mirror its ready user
tasks; a step cut short (a crash, a kill) must leave both as they were. A ready task with no open row is work
nobody sees; an open row with no ready task is work nobody can complete.
"""

from collections import defaultdict

import sqlalchemy as sa

from app.core.checks import Inconsistency
from app.core.db import db
from app.workflow import engine
from app.workflow.models import HumanTask, InstanceStatus, TaskState, WorkflowInstance

CLOSED = (InstanceStatus.COMPLETED, InstanceStatus.CANCELLED)


def open_tasks_by_instance() -> dict[int, set[str]]:
    rows = db.session.execute(
        sa.select(HumanTask.instance_id, HumanTask.spiff_task_id).where(
            HumanTask.state.in_([TaskState.READY, TaskState.CLAIMED])
        )
    )
    found: dict[int, set[str]] = defaultdict(set)
    for instance_id, spiff_task_id in rows:
        found[instance_id].add(spiff_task_id)
    return found


def tasks_match_state(batch: int = 200) -> list[Inconsistency]:
    open_rows = open_tasks_by_instance()
    problems = []
    last_id = 0
    while True:
        instances = db.session.scalars(
            sa.select(WorkflowInstance).where(WorkflowInstance.id > last_id).order_by(WorkflowInstance.id).limit(batch)
        ).all()
        if not instances:
            return problems
        for instance in instances:
            last_id = instance.id
            problems += _instance_problems(instance, open_rows.get(instance.id, set()))
        db.session.expunge_all()  # a long walk keeps no states in memory


def _instance_problems(instance: WorkflowInstance, open_ids: set[str]) -> list[Inconsistency]:
    subject = f"workflow_instance {instance.id} ({instance.object_type} {instance.object_id})"
    if instance.status in CLOSED:
        if open_ids:
            message = f"phiên đã {instance.status} nhưng còn {len(open_ids)} công việc mở"
            return [Inconsistency("workflow.tasks", subject, message)]
        return []
    try:
        workflow = engine.load_state(engine.bundle_for(instance.process_version), instance.state)
    except Exception as exc:  # any failure to read the state is the finding
        return [Inconsistency("workflow.state", subject, f"không đọc được trạng thái quy trình: {exc}")]
    ready = {str(task.id) for task in engine.ready_user_tasks(workflow)}
    problems = []
    if ready - open_ids:
        problems.append(
            Inconsistency("workflow.tasks", subject, f"{len(ready - open_ids)} bước sẵn sàng không có công việc")
        )
    if open_ids - ready:
        problems.append(
            Inconsistency("workflow.tasks", subject, f"{len(open_ids - ready)} công việc mở không còn trong quy trình")
        )
    if instance.status != InstanceStatus.ERROR:
        expected = (
            InstanceStatus.COMPLETED
            if workflow.is_completed()
            else InstanceStatus.RUNNING
            if ready
            else InstanceStatus.WAITING
        )
        if instance.status != expected:
            message = f"trạng thái phiên là {instance.status}, theo quy trình phải là {expected}"
            problems.append(Inconsistency("workflow.status", subject, message))
    return problems


CHECKS = [tasks_match_state]


def open_task_names(object_type: str) -> dict[str, set[str]]:
    """The BPMN ids of the open human tasks of each case of `object_type`, by object id: for the domain modules'
    rules on a document's status and its case (app.incoming.checks, app.outgoing.checks)."""
    rows = db.session.execute(
        sa.select(HumanTask.object_id, HumanTask.task_name).where(
            HumanTask.object_type == object_type, HumanTask.state.in_([TaskState.READY, TaskState.CLAIMED])
        )
    )
    found: dict[str, set[str]] = defaultdict(set)
    for object_id, task_name in rows:
        found[object_id].add(task_name)
    return found
