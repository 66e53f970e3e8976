"""A case drawn on its own process version: the path it took, where it stands, and who did each step when.

The engine's task tree says which BPMN elements ran (and how often: loops) and which wait now; the human task
rows say who completed a user task and when, and who holds an open one. Both are read, neither is changed.
"""

from dataclasses import dataclass, field
from datetime import datetime

import sqlalchemy as sa
from lxml import etree
from SpiffWorkflow.util.task import TaskState as SpiffState

from app.core import clock
from app.core.db import db
from app.core.errors import NotFound
from app.org.models import Role, User
from app.workflow import engine
from app.workflow.models import HumanTask, TaskState, WorkflowInstance
from app.workflow.permissions import can_view_case
from app.workflow.validation import NS

# What an element shows, strongest first: a step still open outranks its earlier completed runs (a loop).
CURRENT, WAITING, ERROR, COMPLETED = "current", "waiting", "error", "completed"
SKIPPED = "skipped"  # a user task the engine passed with nobody to ask (a multi-instance over nobody: "Để biết")
_RANK = {CURRENT: 0, WAITING: 1, ERROR: 2, COMPLETED: 3, SKIPPED: 4}
_SPIFF_STATES = {
    SpiffState.READY: CURRENT,
    SpiffState.STARTED: CURRENT,
    SpiffState.WAITING: WAITING,
    SpiffState.ERROR: ERROR,
    SpiffState.COMPLETED: COMPLETED,
}


@dataclass
class ElementPath:
    state: str
    count: int = 0  # completed runs
    actors: list[dict] = field(default_factory=list)  # oldest first: {name, at, at_label, state, outcome}


@dataclass
class CasePath:
    instance: WorkflowInstance
    bpmn_xml: str
    elements: dict[str, ElementPath]
    flows: list[str]  # ids of the sequence flows taken


def case_path_for(actor: User, instance_id: int) -> CasePath:
    """The path of a case its viewer may see (app.workflow.permissions.can_view_case); NotFound otherwise."""
    instance = db.session.get(WorkflowInstance, instance_id)
    if instance is None or not can_view_case(actor, instance):
        raise NotFound("Không tìm thấy hồ sơ.", code="instance_not_found")
    return case_path(instance)


def case_path(instance: WorkflowInstance) -> CasePath:
    version = instance.process_version
    workflow = engine.load_state(engine.bundle_for(version), instance.state)
    elements: dict[str, ElementPath] = {}
    pairs: set[tuple[str, str]] = set()
    for task in engine.all_tasks(workflow):
        bpmn_id = task.task_spec.bpmn_id
        state = _SPIFF_STATES.get(task.state)
        if bpmn_id is None or state is None:
            continue
        parent = _bpmn_parent(task)
        # A multi-instance task is a wrapper and its children under one bpmn id: count the wrapper's runs only.
        repeat = parent is not None and parent.task_spec.bpmn_id == bpmn_id
        element = elements.setdefault(bpmn_id, ElementPath(state))
        if _RANK[state] < _RANK[element.state]:
            element.state = state
        if state == COMPLETED and not repeat:
            element.count += 1
        if parent is not None and not repeat and parent.state == SpiffState.COMPLETED:
            pairs.add((parent.task_spec.bpmn_id, bpmn_id))
    _add_actors(instance, elements)
    root = etree.fromstring(version.bpmn_xml.encode())
    for bpmn_id in root.xpath("//bpmn:userTask/@id", namespaces=NS):
        element = elements.get(bpmn_id)
        if element is not None and element.state == COMPLETED and not element.actors:
            element.state, element.count = SKIPPED, 0  # shown apart, not as a step somebody did
    flows = _flow_ids(root, instance.process_id, pairs)
    return CasePath(instance, _with_role_labels(root), elements, flows)


def _bpmn_parent(task):
    """The nearest ancestor that is a BPMN element (the engine inserts joins and splits of its own)."""
    parent = task.parent
    while parent is not None and parent.task_spec.bpmn_id is None:
        parent = parent.parent
    return parent


def _add_actors(instance: WorkflowInstance, elements: dict[str, ElementPath]) -> None:
    rows = db.session.scalars(
        sa.select(HumanTask).where(HumanTask.instance_id == instance.id).order_by(HumanTask.created_at, HumanTask.id)
    )
    for row in rows:
        if row.state == TaskState.CANCELLED:
            continue
        element = elements.setdefault(row.task_name, ElementPath(COMPLETED if not row.is_open else CURRENT))
        if row.state == TaskState.COMPLETED:
            person, at = row.completed_by, row.completed_at
        else:
            person, at = row.assignee, row.created_at
        name = person.full_name if person is not None else _role_label(row.role)
        element.actors.append(
            {
                "name": name,
                "at": at.isoformat() if at else None,
                "at_label": short_time(at),
                "state": "completed" if row.state == TaskState.COMPLETED else "open",
                "outcome": row.outcome_label,
                "due_at": row.due_at.isoformat() if row.due_at and row.is_open else None,
            }
        )


def _role_label(role: str | None) -> str:
    try:
        return Role(role).label
    except ValueError:
        return role or ""


def short_time(at: datetime | None) -> str:
    """ "14:05 03/12": the overlay on a diagram element (local time)."""
    return clock.to_local(at).strftime("%H:%M %d/%m") if at else ""


def _with_role_labels(root) -> str:
    """The diagram as people read it: a lane named by a role's code ("lanh_dao") shows the role's name ("Lãnh đạo
    cơ quan"). Only the copy shown; the version's BPMN keeps the codes the engine assigns by."""
    for lane in root.xpath("//bpmn:lane[@name]", namespaces=NS):
        lane.set("name", _role_label(lane.get("name")))
    return etree.tostring(root, encoding="unicode")


def _flow_ids(root, process_id: str, pairs: set[tuple[str, str]]) -> list[str]:
    """The sequence flows joining each (source, target) pair that ran, read from the version's BPMN."""
    flows = root.xpath("//bpmn:process[@id=$pid]//bpmn:sequenceFlow", namespaces=NS, pid=process_id)
    return sorted(flow.get("id") for flow in flows if (flow.get("sourceRef"), flow.get("targetRef")) in pairs)


def as_json(path: CasePath) -> dict:
    """The diagram endpoint's body (page and REST API alike)."""
    return {
        "instance_id": path.instance.id,
        "process_id": path.instance.process_id,
        "version": path.instance.process_version.version,
        "bpmn_xml": path.bpmn_xml,
        "elements": {
            bpmn_id: {"state": e.state, "count": e.count, "actors": e.actors} for bpmn_id, e in path.elements.items()
        },
        "flows": path.flows,
    }
