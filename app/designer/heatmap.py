"""The bottleneck heatmap (bản đồ điểm nghẽn): where a process's time goes, per user task, from `human_task`.

A task of the history counts in a period when it was completed in it (`completed_at` within the period's local days);
its duration is the working time stored when it completed (`working_minutes`, on the agency's calendar), so nothing
here runs the calendar per row except for the 20 slowest cases shown (how late each was, in working time).

Per user task: how many were completed, the median and the 90th percentile of their working time (nearest rank, as
the leaders' reports compute it: the value at rank ⌈f·n⌉ of the sorted durations), how many were completed after
their deadline, and how many are open now past their deadline. The overdue rate is
(completed late + open past due now) / (completed + open past due now): a step where work piles up unfinished is a
bottleneck even before anything completes late.

The figures are for the asking person's agency only; the caller checks `can_read_process_statistics` first.
"""

import math
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa

from app.core import clock
from app.core.db import db, without_jit
from app.core.errors import PermissionDenied
from app.core.numbers import decimal
from app.designer.periods import Period
from app.designer.permissions import can_read_process_statistics
from app.org.models import User
from app.sla.calendar import calendar_for
from app.workflow import engine
from app.workflow.definitions import newest_version
from app.workflow.models import HumanTask, ProcessVersion, TaskState

OPEN = (TaskState.READY, TaskState.CLAIMED)
SLOWEST = 20  # slowest cases listed for a task
BPMN_NS = "{http://www.omg.org/spec/BPMN/20100524/MODEL}"
METRICS = {"median": "Trung vị thời gian xử lý", "p90": "90% số việc xong trong", "overdue": "Tỷ lệ quá hạn"}


@dataclass(frozen=True)
class UserTask:
    """A user task of the diagram, with the deadline properties the what-if starts from."""

    task_name: str  # the BPMN id
    title: str
    sla: str | None
    urgent_sla: str | None
    has_own_due: bool  # `due`: a deadline the case sets (e.g. the leader's), which wins over `sla`


@dataclass
class TaskStats:
    task_name: str
    title: str
    in_diagram: bool = True  # False: a task of an older version, no longer in the current diagram
    sla: str | None = None
    completed: int = 0
    late: int = 0  # completed in the period after their deadline
    open: int = 0  # open now
    open_overdue: int = 0  # open now and past their deadline
    median_minutes: int | None = None
    p90_minutes: int | None = None

    @property
    def overdue_rate(self) -> float | None:
        """Percent of the period's work that was or is late (see the module docstring); None without work."""
        total = self.completed + self.open_overdue
        return round(100 * (self.late + self.open_overdue) / total, 1) if total else None

    def as_dict(self) -> dict:
        return {**vars(self), "overdue_rate": self.overdue_rate}


def require_reader(actor: User) -> User:
    """The actor, when they may read their agency's process statistics (designers, leaders, administrators)."""
    if not can_read_process_statistics(actor):
        raise PermissionDenied("Chỉ người thiết kế quy trình, lãnh đạo và quản trị cơ quan được xem điểm nghẽn.")
    return actor


def current_version(process_id: str, agency_id: int) -> ProcessVersion:
    """The version new cases of the agency start on (NotFound `process_not_found` for an unknown process)."""
    return newest_version(process_id, agency_id)


def user_tasks(version: ProcessVersion) -> list[UserTask]:
    """The user tasks of a version's diagram, in document order, with their `sla`/`urgent_sla`/`due` properties."""
    props = engine.bundle_for(version).task_props
    root = ET.fromstring(version.bpmn_xml.encode())
    found = []
    for process in root.iter(f"{BPMN_NS}process"):
        if process.get("id") != version.process_id:
            continue
        for element in process.iter(f"{BPMN_NS}userTask"):
            task_id = element.get("id")
            own = props.get(task_id, {})
            found.append(
                UserTask(
                    task_id,
                    element.get("name") or task_id,
                    own.get("sla") or None,
                    own.get("urgent_sla") or None,
                    bool(own.get("due")),
                )
            )
    return found


def _scope(agency_id: int, process_id: str) -> list:
    return [HumanTask.agency_id == agency_id, HumanTask.process_id == process_id]


def _completed(agency_id: int, process_id: str, period: Period) -> list:
    return [
        *_scope(agency_id, process_id),
        HumanTask.completed_at >= period.starts_at,
        HumanTask.completed_at < period.ends_at,
        HumanTask.state == TaskState.COMPLETED,
    ]


def _count_if(condition):
    return sa.func.coalesce(sa.func.sum(sa.case((condition, 1), else_=0)), 0)


def _completed_figures(conditions: list) -> dict[str, tuple[int, int, int | None, int | None]]:
    """task_name → (completed, late, median, p90 working minutes): nearest-rank percentiles, as app.reports has them.

    PostgreSQL computes all four in one grouped index-only scan (ix_human_task_process_step, already in step order;
    percentile_disc is nearest rank). SQLite has no percentile aggregate: the counts are grouped, and each row's rank
    within its step is numbered by a window function to read the rows at rank ⌈f·n⌉.
    """
    late = _count_if(sa.and_(HumanTask.due_at.is_not(None), HumanTask.completed_at > HumanTask.due_at))
    minutes = HumanTask.working_minutes
    if db.session.get_bind().dialect.name == "postgresql":
        query = (
            sa.select(
                HumanTask.task_name,
                sa.func.count(),
                late,
                sa.func.percentile_disc(0.5).within_group(minutes),
                sa.func.percentile_disc(0.9).within_group(minutes),
            )
            .where(*conditions)
            .group_by(HumanTask.task_name)
        )
        return {
            name: (int(count), int(overdue), None if p50 is None else int(p50), None if p90 is None else int(p90))
            for name, count, overdue, p50, p90 in db.session.execute(query)
        }
    counts = sa.select(HumanTask.task_name, sa.func.count(), late).where(*conditions).group_by(HumanTask.task_name)
    found = {name: [int(count), int(overdue), None, None] for name, count, overdue in db.session.execute(counts)}
    ranked = (
        sa.select(
            HumanTask.task_name.label("task_name"),
            minutes.label("minutes"),
            sa.func.row_number().over(partition_by=HumanTask.task_name, order_by=minutes).label("rank"),
            sa.func.count().over(partition_by=HumanTask.task_name).label("total"),
        )
        .where(*conditions, minutes.is_not(None))
        .subquery()
    )
    for name, value, rank, total in db.session.execute(sa.select(ranked)):
        for i, fraction in ((2, 0.5), (3, 0.9)):
            if rank == max(math.ceil(fraction * total), 1):
                found[name][i] = int(value)
    return {name: tuple(values) for name, values in found.items()}


def _titles(agency_id: int, process_id: str, names: list[str]) -> dict[str, str]:
    """The shown names of steps no longer in the diagram, from one of their rows each."""
    return {
        name: db.session.scalar(
            sa.select(HumanTask.title).where(*_scope(agency_id, process_id), HumanTask.task_name == name).limit(1)
        )
        for name in names
    }


def task_stats(agency_id: int, process_id: str, period: Period, now: datetime | None = None) -> list[TaskStats]:
    """One row per user task of the current diagram (in diagram order), then tasks of older versions with history."""
    now = now or clock.now()
    without_jit()
    version = current_version(process_id, agency_id)
    stats = {t.task_name: TaskStats(t.task_name, t.title, sla=t.sla) for t in user_tasks(version)}
    found: dict[str, TaskStats] = {}

    def row(name: str) -> TaskStats:
        if name not in stats:
            found[name] = stats[name] = TaskStats(name, name, in_diagram=False)
        return stats[name]

    figures = _completed_figures(_completed(agency_id, process_id, period))
    for name, (count, late, median, p90) in figures.items():
        task = row(name)
        task.completed, task.late, task.median_minutes, task.p90_minutes = count, late, median, p90
    pending = (
        sa.select(HumanTask.task_name, sa.func.count(), _count_if(HumanTask.due_sort < now))
        .where(*_scope(agency_id, process_id), HumanTask.state.in_(OPEN))
        .group_by(HumanTask.task_name)
    )
    for name, count, overdue in db.session.execute(pending):
        task = row(name)
        task.open, task.open_overdue = int(count), int(overdue)
    for name, title in _titles(agency_id, process_id, list(found)).items():
        found[name].title = title or name
    return list(stats.values())


@dataclass(frozen=True)
class SlowCase:
    task_id: int
    instance_id: int
    object_title: str
    completed_by: str | None
    created_at: datetime
    completed_at: datetime
    due_at: datetime | None
    working_minutes: int | None
    late_minutes: int | None  # working minutes past the deadline; None when done in time or without one


def slowest(agency_id: int, process_id: str, task_name: str, period: Period, limit: int = SLOWEST) -> list[SlowCase]:
    """The task's completions of the period that took the most working time, slowest first."""
    rows = db.session.execute(
        sa.select(HumanTask, User.full_name)
        .outerjoin(User, User.id == HumanTask.completed_by_id)
        .where(*_completed(agency_id, process_id, period), HumanTask.task_name == task_name)
        .order_by(HumanTask.working_minutes.desc().nulls_last(), HumanTask.id)
        .limit(limit)
    ).all()
    working = calendar_for(agency_id)
    found = []
    for task, name in rows:
        late = None
        if task.due_at is not None and task.completed_at > task.due_at:
            late = round(working.working_minutes_between(task.due_at, task.completed_at))
        found.append(
            SlowCase(
                task.id,
                task.instance_id,
                task.object_title,
                name,
                task.created_at,
                task.completed_at,
                task.due_at,
                task.working_minutes,
                late,
            )
        )
    return found


WORKING_DAY_HOURS = 7.5  # the shipped calendar's day (07:30–11:30, 13:30–17:00): only for the label


def _decimal(value: float) -> str:
    return decimal(value, trim=True)


def working_time_label(minutes: float | None) -> str:
    """ "45 phút làm việc", "3,5 giờ làm việc", from two working days "2,1 ngày làm việc" (the figures stay minutes)."""
    if minutes is None:
        return "—"
    if minutes < 60:
        return f"{round(minutes)} phút làm việc"
    hours = minutes / 60
    if hours < 2 * WORKING_DAY_HOURS:
        return _decimal(hours) + " giờ làm việc"
    return _decimal(hours / WORKING_DAY_HOURS) + " ngày làm việc"


# --- colours -------------------------------------------------------------------------------------------------

OVERDUE_RED = 50.0  # an overdue rate from this percent on is full red


def metric_value(stats: TaskStats, metric: str) -> float | None:
    if metric == "overdue":
        return stats.overdue_rate
    return stats.p90_minutes if metric == "p90" else stats.median_minutes


def heat(tasks: list[TaskStats], metric: str) -> dict[str, dict]:
    """task_name → the chosen metric's value, its place on the scale (0 green … 1 red) and its colour.

    Durations are placed against the slowest task of the diagram (where the time goes, relative to the rest); the
    overdue rate on a fixed scale, 0 % green to OVERDUE_RED % and more red. A task with no figure has no colour."""
    values = {t.task_name: metric_value(t, metric) for t in tasks}
    known = [v for v in values.values() if v is not None]
    top = OVERDUE_RED if metric == "overdue" else max(known, default=0)
    found = {}
    for name, value in values.items():
        if value is None:
            found[name] = {"value": None, "fraction": None, "colour": None}
            continue
        fraction = min(value / top, 1.0) if top else 0.0
        found[name] = {"value": value, "fraction": round(fraction, 3), "colour": colour(fraction)}
    return found


def colour(fraction: float) -> str:
    """Green (hue 120) through yellow (60) to red (0), light enough for the task's label to stay readable."""
    return f"hsl({round(120 * (1 - fraction))}, 75%, 70%)"


def for_diagram(tasks: list[TaskStats], colours: dict[str, dict]) -> list[dict]:
    """What the page's script draws on each task of the diagram: its colour and the badge's lines."""
    found = []
    for t in tasks:
        rate = "—" if t.overdue_rate is None else decimal(t.overdue_rate) + "%"
        lines = [
            f"{t.completed} việc · quá hạn {rate}",
            f"Trung vị {working_time_label(t.median_minutes)}",
            f"90%: {working_time_label(t.p90_minutes)}",
        ]
        found.append(
            {
                "task_name": t.task_name,
                "title": t.title,
                "in_diagram": t.in_diagram,
                "colour": colours[t.task_name]["colour"],
                "lines": lines if t.completed or t.open else ["Chưa có số liệu"],
            }
        )
    return found
