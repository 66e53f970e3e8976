"""What the looks of one scan batch share, read once before them: a few statements however many looks.

A minute's looks are spread over a province's agencies, so reading each look's policy, calendar version and SLA
settings anew cost three statements a look (a calendar cached for a few seconds is re-checked at almost every
look), and finding the clerks and leaders to tell one or two more. A batch reads each agency's policy (one query),
working calendar (`calendars_for`: at most three), the active holders of the roles the ladder tells (one), and, for
its urgent tasks, SLA settings (one) and their documents' urgency levels (one per kind of document).

These are read in the batch's own short transaction, a moment before each look claims its task: a policy, calendar
or role changed in between applies from the next batch (a cached calendar is trusted for seconds anyway; someone
deactivated meanwhile is still not told: `notify` tells active people only). A look whose task is not in the batch's
reading — a test's single look, a task that became urgent meanwhile — reads what is missing itself.
"""

from collections.abc import Sequence
from dataclasses import dataclass, field

from app.escalation import ladder
from app.escalation.policy import Policy, policies_for
from app.sla import calendar as sla_calendar
from app.sla.engine import WorkingCalendar
from app.sla.rules import Settings
from app.sla.settings import settings_for_many
from app.workflow.models import HumanTask, Urgency


@dataclass
class Shared:
    policies: dict[int, Policy] = field(default_factory=dict)
    calendars: dict[int, WorkingCalendar] = field(default_factory=dict)
    settings: dict[int, Settings] = field(default_factory=dict)
    urgency: dict[int, str] = field(default_factory=dict)  # task id → its document's urgency level (urgent ones)
    holders: ladder.RoleHolders = field(default_factory=dict)  # the ladder's roles' active holders per agency

    @classmethod
    def read(cls, tasks: Sequence) -> "Shared":
        """For `tasks` (anything with id, agency_id, urgency, object_type, object_id), in a few statements."""
        agencies = list(dict.fromkeys(task.agency_id for task in tasks))
        urgent = [task for task in tasks if task.urgency == Urgency.URGENT]
        return cls(
            policies=policies_for(agencies) if agencies else {},
            calendars=sla_calendar.calendars_for(agencies) if agencies else {},
            settings=settings_for_many(list(dict.fromkeys(task.agency_id for task in urgent))) if urgent else {},
            urgency=ladder.urgency_levels(urgent),
            holders=ladder.role_holders(agencies, ladder.LADDER_ROLES) if agencies else {},
        )

    def context(self, task: HumanTask) -> ladder.Context:
        """The task's context: from the batch, what the batch did not read read now (and kept for the next)."""
        agency_id = task.agency_id
        if agency_id not in self.policies or agency_id not in self.calendars:
            self._add(Shared.read([task]))
        level = None
        if task.urgency == Urgency.URGENT:
            if task.id not in self.urgency or agency_id not in self.settings:
                self._add(Shared.read([task]))
            level = self.urgency[task.id]
        settings = self.settings[agency_id] if level is not None else None
        return ladder.Context(self.policies[agency_id], self.calendars[agency_id], settings, level, self.holders)

    def _add(self, other: "Shared") -> None:
        self.policies |= other.policies
        self.calendars |= other.calendars
        self.settings |= other.settings
        self.urgency |= other.urgency
        self.holders |= other.holders
