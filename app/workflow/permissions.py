"""Who may see and act on the engine's tasks and cases: one predicate per rule, asked by the pages, the API and
the services alike (and by other modules' pages that link a task or a case)."""

import sqlalchemy as sa

from app.core.db import db
from app.org.models import Role, User
from app.org.permissions import managed_agency_ids
from app.workflow import engine
from app.workflow.assignment import OPEN_STATES, acting_for, qualifies
from app.workflow.models import HumanTask, ProcessVersion, WorkflowInstance
from app.workflow.validation import role_for_lane

# Who oversees an agency's work: they may hand any open task of it to any active member, even one outside the
# task's role or unit (a task stranded with nobody to take it, an absence) — audited as an override.
OVERSEERS = frozenset({Role.AGENCY_LEADER, Role.CLERK})


def can_view_task(actor: User, task: HumanTask) -> bool:
    """Candidates (still after a colleague claimed it, to learn who has it), whoever works or worked on the case,
    the agency's leaders, unit leaders and clerks, and administrators of the agency."""
    if acting_for(actor, task) is not None or qualifies(actor, task) or task.completed_by_id == actor.id:
        return True
    overseers = OVERSEERS | {Role.UNIT_LEADER}  # leaders and clerks follow the agency's work (and hand it on)
    if (task.agency_id == actor.agency_id and actor.roles & overseers) or task.agency_id in managed_agency_ids(actor):
        return True
    return _worked_on(actor, task.instance_id)


def can_view_case(actor: User, instance: WorkflowInstance) -> bool:
    """Administrators of the case's agency, who started it, and who may see any of its tasks."""
    if instance.agency_id in managed_agency_ids(actor) or instance.started_by_id == actor.id:
        return True
    if _worked_on(actor, instance.id):
        return True
    tasks = db.session.scalars(sa.select(HumanTask).where(HumanTask.instance_id == instance.id))
    return any(can_view_task(actor, task) for task in tasks)


def _worked_on(actor: User, instance_id: int) -> bool:
    """The actor completed a step of the case, or holds one of its open steps: the lead handler reads the
    coordinators' finished steps while still handling (not only after finishing their own)."""
    mine = sa.or_(
        HumanTask.completed_by_id == actor.id,
        sa.and_(HumanTask.assignee_id == actor.id, HumanTask.state.in_(OPEN_STATES)),
    )
    query = sa.select(HumanTask.id).where(HumanTask.instance_id == instance_id, mine)
    return db.session.scalar(query.limit(1)) is not None


def can_act_on(actor: User, task: HumanTask) -> bool:
    """The actor may complete this open task now: it is theirs or unclaimed, for them or whoever they stand in for."""
    on_behalf = acting_for(actor, task) if task.is_open else None
    return on_behalf is not None and task.assignee_id in (None, actor.id, on_behalf.id)


def may_reassign(actor: User, task: HumanTask) -> bool:
    """The holder, the agency's leaders and clerks, unit leaders, and administrators of the agency."""
    if not task.is_open:
        return False
    if task.assignee_id == actor.id or task.agency_id in managed_agency_ids(actor):
        return True
    return actor.agency_id == task.agency_id and bool(actor.roles & (OVERSEERS | {Role.UNIT_LEADER}))


def may_override(actor: User, task: HumanTask) -> bool:
    """May hand the task to someone outside its role and unit (see OVERSEERS)."""
    if task.agency_id in managed_agency_ids(actor):
        return True
    return actor.agency_id == task.agency_id and bool(actor.roles & OVERSEERS)


def start_role(version: ProcessVersion) -> Role | None:
    """The role of the process's start lane: only its holders start a case (None: anyone of the agency)."""
    return role_for_lane(engine.bundle_for(version).start_lane)


def can_start(actor: User, version: ProcessVersion) -> bool:
    role = start_role(version)
    return role is None or actor.has_role(role)


def can_migrate_case(actor: User, instance: WorkflowInstance) -> bool:
    """Designers move their own agency's running cases to a newer version (app.workflow.migration)."""
    return actor.is_active and actor.has_role(Role.DESIGNER) and instance.agency_id == actor.agency_id
