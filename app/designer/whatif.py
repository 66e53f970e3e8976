"""SLA what-if (thử thời hạn): how many of a period's completions of a task would have been late under another SLA.

Each task completed in the period gets the deadline it would have had: the new SLA counted from its `created_at` on
the agency's working calendar, as the engine computes it at task creation (app.sla.settings.step_due). Late means
completed after that deadline, the same test the reports use with the stored `due_at` ("A/Y hiện nay").

Computing every deadline runs the calendar once per row; most of that is avoidable, exactly:

- An ordinary case with a working-time SLA (`PTnHnM`, M minutes): its deadline is the first instant at which M working
  minutes have passed since `created_at`, so it was late exactly when more than M working minutes passed before
  `completed_at`. The row stores those minutes rounded (`working_minutes`, |stored − exact| ≤ ½): stored ≥ M + 1 is
  late and stored ≤ M − 1 is in time, counted in SQL; only rows that stored exactly M (a completion at the deadline,
  or after it outside office hours with no working time between) or none are computed one by one.
- An ordinary case with a day-based SLA (`PnD`, next-working-day, next-morning, or a rule naming one): the deadline
  depends only on the local day the task was created, so it is computed once per day of the period.
- An urgent case: the urgent value (the `urgent_sla` typed for the what-if, else the diagram's, else the new SLA)
  counted the way the agency's setting for Khẩn says, and the earlier of it and the ordinary deadline
  (rules.step_due). The row keeps only "urgent", not the level, so the Khẩn setting stands for all levels. When both
  are working time, the earlier is the smaller number of working minutes (counted in SQL as above); when both are
  day-based on the working calendar, it is computed once per day; otherwise (a clock-time urgent setting) once per
  row. The result says how many cases were urgent, since the new SLA alone does not decide them.

At most MAX_COMPUTED rows of a request are computed one by one (per-day deadlines are few and not capped); a period
needing more is refused (choose a shorter one), so a request never runs the calendar a million times. The stored
minutes were counted on the calendar of their day; the deadlines computed here use the calendar as it is now.

A task whose diagram sets `due` (a deadline the case gives, e.g. the leader's) used it instead of the SLA where the
case gave one: the result then says so (`has_own_due`).
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa

from app.core import clock
from app.core.db import db, without_jit
from app.core.errors import NotFound, ValidationError
from app.core.numbers import decimal
from app.designer.heatmap import current_version, user_tasks
from app.designer.periods import Period
from app.sla import rules
from app.sla.calendar import calendar_for
from app.sla.settings import settings_for
from app.sla.spec import SpecKind
from app.workflow.models import HumanTask, TaskState, Urgency
from app.workflow.validation import sla_problem

MAX_COMPUTED = 20_000


@dataclass(frozen=True)
class WhatIf:
    task_name: str
    title: str
    sla: str  # as typed (a rule name stays a name)
    current_sla: str | None
    total: int  # Y: completed in the period
    overdue_now: int  # A: completed after their actual deadline
    overdue_new: int  # X: would have been completed after the new deadline
    computed: int  # rows whose deadline was computed one by one (the rest were counted in SQL)
    has_own_due: bool
    urgent_total: int = 0  # of `total`, urgent (Khẩn) cases: measured against the urgent deadline, not the new SLA
    urgent_sla: str | None = None  # the urgent value used (typed, else the diagram's; None: the new SLA as urgent)
    urgent_sla_typed: bool = False

    @staticmethod
    def _rate(count: int, total: int) -> float | None:
        return round(100 * count / total, 1) if total else None

    @property
    def rate_now(self) -> float | None:
        return self._rate(self.overdue_now, self.total)

    @property
    def rate_new(self) -> float | None:
        return self._rate(self.overdue_new, self.total)

    @property
    def sentence(self) -> str:
        if not self.total:
            return "Trong kỳ chưa có việc nào của bước này hoàn thành."
        rate = decimal(self.rate_new)
        return (
            f"Trong kỳ, {self.overdue_new}/{self.total} việc ({rate}%) sẽ quá hạn với thời hạn mới, "
            f"so với {self.overdue_now}/{self.total} hiện nay."
        )

    @property
    def urgent_note(self) -> str:
        """Urgent cases never follow the new SLA alone (rules.step_due): say so, with how many there were."""
        if not self.urgent_total:
            return ""
        value = f"thời hạn khẩn “{self.urgent_sla}”" if self.urgent_sla else "thời hạn mới"
        source = " vừa nhập" if self.urgent_sla_typed else (" trên sơ đồ" if self.urgent_sla else "")
        return (
            f"Việc khẩn (K) — {self.urgent_total} trong {self.total} việc — vẫn tính theo hạn khẩn: {value}{source}, "
            "đếm theo cách tính cho văn bản khẩn của cơ quan, lấy hạn sớm hơn nếu hạn thường đến trước."
        )

    def as_dict(self) -> dict:
        return {
            **vars(self),
            "rate_now": self.rate_now,
            "rate_new": self.rate_new,
            "sentence": self.sentence,
            "urgent_note": self.urgent_note,
        }


def _refuse(message: str, code: str) -> ValidationError:
    return ValidationError(message, code=code, details={"sla": message})


DAY_KINDS = (SpecKind.WORKING_DAYS, SpecKind.NEXT_WORKING_DAY, SpecKind.NEXT_MORNING)


@dataclass(frozen=True)
class _Rule:
    """How the deadline of one group of rows (ordinary, urgent) is found: `minutes` when it is that much working time
    from `created_at` (counted in SQL), `by_day` when it depends only on the local day of `created_at`."""

    deadline: Callable[[datetime], datetime | None]
    minutes: int | None = None
    by_day: bool = False


def _rules_for(text: str, urgent_text: str | None, agency_id: int) -> tuple[_Rule, _Rule]:
    settings = settings_for(agency_id)
    working = calendar_for(agency_id)
    ordinary = rules.resolve(text, None, settings)

    def urgent_deadline(created: datetime) -> datetime | None:
        return rules.step_due(
            working.due,
            created,
            sla=text,
            urgent_sla=urgent_text,
            level=rules.FALLBACK_LEVEL,
            settings=lambda: settings,
        )

    plain = _Rule(
        lambda created: working.due(created, ordinary),
        minutes=ordinary.minutes if ordinary.kind is SpecKind.WORKING_TIME else None,
        by_day=ordinary.kind in DAY_KINDS,
    )
    # Urgent: the earlier of the ordinary deadline and the urgent value. When both are working time (the urgent one
    # counted in working time), that is the smaller number of working minutes; when both are day-based on the working
    # calendar, it still depends only on the day.
    spec = rules.resolve(urgent_text or text, rules.FALLBACK_LEVEL, settings)
    working_basis = settings.urgency[rules.FALLBACK_LEVEL].basis is rules.Basis.WORKING or spec.kind not in (
        SpecKind.WORKING_TIME,
        SpecKind.WORKING_DAYS,
    )
    both_time = spec.kind is SpecKind.WORKING_TIME and plain.minutes is not None
    urgent = _Rule(
        urgent_deadline,
        minutes=min(plain.minutes, spec.minutes) if working_basis and both_time else None,
        by_day=working_basis and plain.by_day and spec.kind in DAY_KINDS,
    )
    return plain, urgent


def _late(conditions: list, rule: _Rule, budget: int) -> tuple[int, int]:
    """(late, deadlines computed) for the rows matching `conditions` under `rule` (see the module docstring)."""
    late, rows = 0, sa.select(HumanTask.created_at, HumanTask.completed_at)
    minutes = HumanTask.working_minutes
    if rule.minutes is not None:
        late += db.session.scalar(sa.select(sa.func.count()).where(*conditions, minutes >= rule.minutes + 1))
        conditions = [*conditions, sa.or_(minutes.is_(None), minutes == rule.minutes)]
    if not rule.by_day and db.session.scalar(sa.select(sa.func.count()).where(*conditions)) > budget:
        raise _refuse(
            "Kỳ đã chọn có quá nhiều việc cần tính lại từng việc; hãy chọn kỳ ngắn hơn.", "whatif_period_too_large"
        )
    deadlines: dict = {}
    for created, done in db.session.execute(rows.where(*conditions)):
        key = clock.to_local(created).date() if rule.by_day else created
        if key not in deadlines:
            deadlines[key] = rule.deadline(created)
        due = deadlines[key]
        late += due is not None and done > due
    return late, len(deadlines)


def _count_where(condition):
    return sa.func.coalesce(sa.func.sum(sa.case((condition, 1), else_=0)), 0)


def what_if(
    agency_id: int, process_id: str, task_name: str, sla: str, period: Period, urgent_sla: str | None = None
) -> WhatIf:
    """`urgent_sla`, when given, stands for the diagram's urgent_sla of the step (its deadline for urgent cases)."""
    text = (sla or "").strip()
    if problem := sla_problem(text):
        raise _refuse(f"Thời hạn chưa hợp lệ: {problem}", "invalid_sla")
    urgent_typed = (urgent_sla or "").strip() or None
    if urgent_typed and (problem := sla_problem(urgent_typed, "urgent_sla")):
        message = f"Thời hạn khẩn chưa hợp lệ: {problem}"
        raise ValidationError(message, code="invalid_urgent_sla", details={"urgent_sla": message})
    task = next((t for t in user_tasks(current_version(process_id, agency_id)) if t.task_name == task_name), None)
    if task is None:
        raise NotFound("Bước này không có trong phiên bản hiện hành của quy trình.", code="task_not_found")
    without_jit()
    completed = [
        HumanTask.agency_id == agency_id,
        HumanTask.process_id == process_id,
        HumanTask.task_name == task_name,
        HumanTask.completed_at >= period.starts_at,
        HumanTask.completed_at < period.ends_at,
        HumanTask.state == TaskState.COMPLETED,
    ]
    late_now = sa.and_(HumanTask.due_at.is_not(None), HumanTask.completed_at > HumanTask.due_at)
    total, overdue_now, urgent_total = db.session.execute(
        sa.select(sa.func.count(), _count_where(late_now), _count_where(HumanTask.urgency == Urgency.URGENT)).where(
            *completed
        )
    ).one()
    urgent_text = urgent_typed or task.urgent_sla
    plain, urgent = _rules_for(text, urgent_text, agency_id)
    late, computed = _late([*completed, HumanTask.urgency != Urgency.URGENT], plain, MAX_COMPUTED)
    urgent_late, urgent_computed = _late(
        [*completed, HumanTask.urgency == Urgency.URGENT], urgent, MAX_COMPUTED - computed
    )
    return WhatIf(
        task_name,
        task.title,
        text,
        task.sla,
        int(total),
        int(overdue_now),
        late + urgent_late,
        computed + urgent_computed,
        task.has_own_due,
        int(urgent_total),
        urgent_text,
        urgent_typed is not None,
    )
