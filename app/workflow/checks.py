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
from app.workflow.models import HumanTask, InstanceStatus, ProcessVersion, TaskState, WorkflowInstance

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
    # Plain rows, not ORM objects: a long walk keeps no states in the session (nor touches the caller's objects).
    columns = [WorkflowInstance.__table__.c[name] for name in ("id", "process_version_id", "status", "state")]
    columns += [WorkflowInstance.object_type, WorkflowInstance.object_id]
    while True:
        rows = db.session.execute(
            sa.select(*columns).where(WorkflowInstance.id > last_id).order_by(WorkflowInstance.id).limit(batch)
        ).all()
        if not rows:
            return problems
        for row in rows:
            last_id = row.id
            problems += _instance_problems(row, open_rows.get(row.id, set()))


def _instance_problems(row, open_ids: set[str]) -> list[Inconsistency]:
    subject = f"workflow_instance {row.id} ({row.object_type} {row.object_id})"
    if row.status in CLOSED:
        if open_ids:
            message = f"phiên đã {row.status} nhưng còn {len(open_ids)} công việc mở"
            return [Inconsistency("workflow.tasks", subject, message)]
        return []
    try:
        version = db.session.get(ProcessVersion, row.process_version_id)
        workflow = engine.load_state(engine.bundle_for(version), row.state)
    except Exception as exc:  # any failure to read the state is the finding
        return [Inconsistency("workflow.state", subject, f"không đọc được trạng thái quy trình: {exc}")]
    ready = {str(task.id) for task in engine.ready_user_tasks(workflow)}
    problems = []
    if ready - open_ids:
        message = f"{len(ready - open_ids)} bước sẵn sàng không có công việc"
        problems.append(Inconsistency("workflow.tasks", subject, message))
    if open_ids - ready:
        message = f"{len(open_ids - ready)} công việc mở không còn trong quy trình"
        problems.append(Inconsistency("workflow.tasks", subject, message))
    if row.status != InstanceStatus.ERROR:
        expected = (
            InstanceStatus.COMPLETED
            if workflow.is_completed()
            else InstanceStatus.RUNNING
            if ready
            else InstanceStatus.WAITING
        )
        if row.status != expected:
            message = f"trạng thái phiên là {row.status}, theo quy trình phải là {expected}"
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
