"""When each level of one task's ladder is due, and who is told: pure rules over one task, read-only.

Thresholds are counted on the agency's working calendar (app.sla.calendar), from the task's `created_at` and
`due_at`:

- reminder: `reminder_percent` of the working time between creation and deadline (75 %); a deadline with no
  working time in between (an urgent step counted in clock time at night) takes the same share of clock time;
- overdue: the deadline itself;
- escalated: the deadline plus the policy's grace (`next-working-day`: closing time of the next working day);
- urgent unopened: creation plus the urgent SLA of the case's level (Hỏa tốc, Thượng khẩn, Khẩn; app.sla.settings),
  counted in clock or working time as the agency chose; only while nobody with the task has opened it;
- unactionable: at once, whenever nobody can act on the task (checked at every look).
"""

from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa

from app.core.db import db
from app.escalation.models import Level
from app.escalation.policy import Policy
from app.incoming.models import IncomingDocument
from app.org.models import Role, User, UserRole
from app.org.queries import holders_select
from app.outgoing.models import OutgoingDocument
from app.sla import rules as sla_rules
from app.sla.engine import WorkingCalendar
from app.sla.rules import Settings
from app.sla.settings import settings_for
from app.sla.spec import SlaSpec, SpecKind
from app.workflow.assignment import candidates
from app.workflow.models import HumanTask, Urgency

# The order a look fires levels in (the ladder's rungs, lowest first).
ORDER = (Level.UNACTIONABLE, Level.URGENT_UNOPENED, Level.REMINDER, Level.OVERDUE, Level.ESCALATED)


@dataclass(frozen=True)
class Thresholds:
    reminder: datetime | None
    overdue: datetime | None
    escalated: datetime | None
    urgent_unopened: datetime | None

    def of(self, level: Level) -> datetime | None:
        return getattr(self, level.value) if level is not Level.UNACTIONABLE else None


@dataclass(frozen=True)
class Context:
    """What a task's thresholds and notices depend on besides the task: its agency's policy, working calendar and
    SLA settings (read only for an urgent task), its document's urgency level (None: not urgent) and the holders of
    the ladder's roles (`role_holders`); read for a whole batch of looks at once (app.escalation.shared)."""

    policy: Policy
    calendar: WorkingCalendar
    settings: Settings | None
    urgency: str | None
    holders: "RoleHolders | None" = None


def urgency_level(task: HumanTask) -> str | None:
    """The urgency level (hoa_toc, thuong_khan, khan) of an urgent task's document; Khẩn when the case has none.

    The document's own field is what the clerk registered (and may correct); the task's `urgency` says the engine
    counted the step as urgent (app.workflow.runtime.urgency_level).
    """
    return urgency_levels([task]).get(task.id)


def urgency_levels(tasks) -> dict[int, str]:
    """`urgency_level` of many tasks (anything with id, urgency, object_type, object_id), one query per kind of
    document: task id → level, for the urgent ones only."""
    urgent = [task for task in tasks if task.urgency == Urgency.URGENT]
    stated: dict[tuple[str, int], str | None] = {}
    for object_type in {task.object_type for task in urgent}:
        model = _document_model(object_type)
        ids = {int(task.object_id) for task in urgent if task.object_type == object_type and _numeric(task.object_id)}
        if model is not None and ids:
            query = sa.select(model.id, model.urgency).where(model.id.in_(ids))
            stated |= {(object_type, doc_id): urgency for doc_id, urgency in db.session.execute(query)}
    found = {}
    for task in urgent:
        level = stated.get((task.object_type, int(task.object_id))) if _numeric(task.object_id) else None
        found[task.id] = level if level in sla_rules.URGENT_LEVELS else sla_rules.FALLBACK_LEVEL
    return found


def _numeric(object_id) -> bool:
    return str(object_id).isdigit()


def _document_model(object_type: str):
    return {"incoming": IncomingDocument, "outgoing": OutgoingDocument}.get(object_type)


def thresholds(task: HumanTask, context: Context) -> Thresholds:
    working, policy = context.calendar, context.policy
    reminder = overdue = escalated = urgent = None
    if task.due_at is not None:
        overdue = task.due_at
        escalated = working.due(task.due_at, policy.grace_spec)
        reminder = _share(working, task.created_at, task.due_at, policy.reminder_percent)
    if context.urgency is not None:
        setting = (context.settings or settings_for(task.agency_id)).urgency[context.urgency]
        if setting.basis is sla_rules.Basis.CALENDAR and setting.duration.kind in (
            SpecKind.WORKING_TIME,
            SpecKind.WORKING_DAYS,
        ):
            urgent = sla_rules.add_clock_time(task.created_at, setting.duration)
        else:
            urgent = working.due(task.created_at, setting.duration)
    return Thresholds(reminder, overdue, escalated, urgent)


def _share(working, start: datetime, end: datetime, percent: int) -> datetime | None:
    if end <= start:
        return None
    minutes = working.working_minutes_between(start, end)
    if minutes >= 1:
        return working.due(start, SlaSpec(SpecKind.WORKING_TIME, minutes=max(1, int(minutes * percent / 100))))
    return start + (end - start) * percent / 100


# --- who is told -------------------------------------------------------------------------------------------


# The roles the ladder tells whatever the task (clerks, leaders, administrators): a scan batch reads their holders in
# all its agencies at once (app.escalation.shared).
LADDER_ROLES = (Role.CLERK.value, Role.AGENCY_LEADER.value, Role.UNIT_LEADER.value, Role.ADMIN.value)

RoleHolders = dict[tuple[int, str], list[tuple[int, str, int | None]]]  # (agency, role) → [(id, full name, unit)]


def role_holders(agency_ids, roles, unit_id: int | None = None) -> RoleHolders:
    """Active holders of `roles` in the agencies (or one unit), in id order, in one query."""
    columns = (User.agency_id, UserRole.role, User.id, User.full_name, User.unit_id)
    query = holders_select(*columns, agency_ids=agency_ids, roles=roles, unit_id=unit_id).order_by(User.id)
    found: RoleHolders = {(agency_id, role): [] for agency_id in agency_ids for role in roles}
    for agency_id, role, user_id, name, unit in db.session.execute(query):
        found[agency_id, role].append((user_id, name, unit))
    return found


def people_with_role(agency_id: int, role: str, unit_id: int | None = None, known: RoleHolders | None = None):
    """Active holders of a role in an agency (or one of its units): id → full name, in id order; from `known` when
    they were read with it (a scan batch's), else read."""
    found = (known or {}).get((agency_id, role))
    if found is None:
        found = role_holders([agency_id], [role], unit_id)[agency_id, role]
    return {user_id: name for user_id, name, unit in found if unit_id is None or unit == unit_id}


def follow_unit_id(task: HumanTask) -> int | None:
    """The unit whose leader follows the task: the task's own, else its assignee's."""
    if task.unit_id is not None:
        return task.unit_id
    return task.assignee.unit_id if task.assignee is not None else None


def escalation_role(task: HumanTask, policy: Policy) -> str:
    return task.escalate_to or policy.escalate_to


class Recipients:
    """Who each level of one task tells (id → name), each group read once per look."""

    def __init__(self, task: HumanTask, policy: Policy, known: RoleHolders | None = None) -> None:
        self.task, self.policy, self.known, self._kept = task, policy, known, {}

    def _once(self, key: str, read) -> dict[int, str]:
        if key not in self._kept:
            self._kept[key] = read()
        return self._kept[key]

    def holders(self) -> dict[int, str]:
        """The assignee when there is one (even inactive: `notify` skips them), else whoever may take the task
        (app.org.queries.holders_select: the active holders of the step's role in its agency and unit, which
        the batch has already read when the role is one of the ladder's)."""
        task = self.task
        if task.assignee_id is not None:
            return {task.assignee.id: task.assignee.full_name}
        if task.role and (task.agency_id, task.role) in (self.known or {}):
            return self.role(task.role, task.unit_id)
        return self._once("holders", lambda: {u.id: u.full_name for u in candidates(task)})

    def can_act(self) -> bool:
        """Someone active can act on it: its active assignee, or at least one active candidate."""
        if self.task.assignee_id is not None:
            return bool(self.task.assignee and self.task.assignee.is_active)
        return bool(self.holders())

    def role(self, role: str, unit_id: int | None = None) -> dict[int, str]:
        read = self.known
        return self._once(f"{role}:{unit_id}", lambda: people_with_role(self.task.agency_id, role, unit_id, read))

    def unit_leaders(self) -> dict[int, str]:
        unit_id = follow_unit_id(self.task)
        return self.role(Role.UNIT_LEADER.value, unit_id) if unit_id else {}

    def escalated_to(self) -> dict[int, str]:
        """The `escalate_to` role: a unit leader role means the task's unit's leaders (the agency's leaders when
        that unit has none); any other role, its holders in the agency."""
        role = escalation_role(self.task, self.policy)
        if role == Role.UNIT_LEADER.value:
            return self.unit_leaders() or self.role(Role.AGENCY_LEADER.value)
        return self.role(role)

    def of(self, level: Level) -> dict[int, str]:
        if level is Level.REMINDER:
            return self.holders()
        if level is Level.OVERDUE:
            return self.holders() | self.unit_leaders()
        if level is Level.ESCALATED:
            # Not the step's own holder (a leader holding it): the overdue notice told them; this one is for above.
            holders = self.holders()
            return {user_id: name for user_id, name in self.escalated_to().items() if user_id not in holders}
        clerks = self.role(Role.CLERK.value)
        if level is Level.URGENT_UNOPENED:
            return clerks | self.role(Role.AGENCY_LEADER.value)
        return clerks | self.role(Role.ADMIN.value)
