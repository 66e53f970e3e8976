"""The leader dashboard's figures: aggregate SQL over `human_task` and its report indexes (migration 0022).

Seed 003 Điều 13.2, seed 000 Điều 18, NĐ 30/2020 Phụ lục VI III.1.l–m: leaders follow the progress of the work and
act on what is late. A task is the unit of work with a deadline (`due_at`, computed on the working calendar when it
was created): open now, due today, overdue now; completed in the period on time (by its deadline) or late; its
handling time is the working minutes stored when it completed. Nothing here runs the calendar per row, except for
the page of overdue items shown (how late each is, in working time).
"""

from dataclasses import dataclass
from datetime import datetime, time, timedelta

import sqlalchemy as sa

from app.core import clock
from app.core.clock import LOCAL_TZ
from app.core.db import UTCDateTime, db, without_jit
from app.incoming.models import IncomingDocument
from app.org.models import Unit, User
from app.outgoing.models import OutgoingDocument
from app.reports.periods import Period, weeks
from app.reports.permissions import Scope
from app.reports.sql import percentile, weeks_since
from app.sla.calendar import calendar_for
from app.workflow.models import HumanTask, TaskState, Urgency

OPEN = (TaskState.READY, TaskState.CLAIMED)
AGENCY_LEVEL = "Cấp cơ quan (lãnh đạo, việc chưa có người nhận)"  # the row of work no unit holds
OVERDUE_PAGE = 100  # overdue items listed on the dashboard (the total is counted in full)
DOCUMENT_MODELS = {"incoming": IncomingDocument, "outgoing": OutgoingDocument}


@dataclass(frozen=True)
class Filters:
    """The dashboard's filters: a scope (agency, unit), a period and optional process, document type, urgency."""

    scope: Scope
    period: Period
    process_id: str | None = None
    type_name: str | None = None
    urgency: str | None = None


def _conditions(filters: Filters) -> list:
    """WHERE clauses on HumanTask for everything but the period and the state."""
    scope = filters.scope
    found = [HumanTask.agency_id == scope.agency_id]
    if scope.unit_id is not None:
        # A unit's work: tasks offered to the unit, and those its people hold (a designated lead specialist).
        members = sa.select(User.id).where(User.unit_id == scope.unit_id)
        found.append(sa.or_(HumanTask.unit_id == scope.unit_id, HumanTask.assignee_id.in_(members)))
    if filters.process_id:
        found.append(HumanTask.process_id == filters.process_id)
    if filters.urgency in (Urgency.URGENT, Urgency.NORMAL):
        found.append(HumanTask.urgency == filters.urgency)
    if filters.type_name:
        found.append(_of_document_type(scope.agency_id, filters.type_name))
    return found


def _of_document_type(agency_id: int, type_name: str):
    """Tasks whose document (văn bản đến or đi) is of the type: one semi-join on (object type, object id).

    A row-value IN lets PostgreSQL hash the documents once; an OR of two IN lists would be re-scanned per task."""
    kinds = [
        sa.select(sa.literal(object_type), sa.cast(model.id, sa.String)).where(
            model.agency_id == agency_id, model.type_name == type_name
        )
        for object_type, model in DOCUMENT_MODELS.items()
    ]
    return sa.tuple_(HumanTask.object_type, HumanTask.object_id).in_(sa.union_all(*kinds))


def _today(now: datetime) -> tuple[datetime, datetime]:
    day = clock.to_local(now).date()
    start = datetime.combine(day, time(), LOCAL_TZ)
    return clock.ensure_aware(start), clock.ensure_aware(start + timedelta(days=1))


def _completed(filters: Filters) -> list:
    period = filters.period
    return [
        *_conditions(filters),
        HumanTask.completed_at >= period.starts_at,
        HumanTask.completed_at < period.ends_at,
        HumanTask.state == TaskState.COMPLETED,
    ]


def _late():
    return sa.and_(HumanTask.due_at.is_not(None), HumanTask.completed_at > HumanTask.due_at)


def _count_if(condition):
    return sa.func.coalesce(sa.func.sum(sa.case((condition, 1), else_=0)), 0)


@dataclass
class _Work:
    """Counters of one (unit, assignee) pair: open work now, and work completed in the period."""

    open: int = 0
    overdue: int = 0
    due_today: int = 0
    completed: int = 0
    late: int = 0
    minutes: float = 0.0  # sum of the working minutes known
    timed: int = 0  # how many completed tasks have working minutes

    def add(self, other: "_Work") -> None:
        for name in vars(self):
            setattr(self, name, getattr(self, name) + getattr(other, name))

    @property
    def average(self) -> float | None:
        return round(self.minutes / self.timed, 1) if self.timed else None


def work(filters: Filters, now: datetime | None = None) -> dict[tuple, _Work]:
    """Per (unit, assignee): two grouped scans of the report indexes, one over the open work, one over the work
    completed in the period; the summary, the unit and the person tables are sums of these rows."""
    now = now or clock.now()
    today_start, today_end = _today(now)
    found: dict[tuple, _Work] = {}
    keys = (HumanTask.unit_id, HumanTask.assignee_id)
    open_query = (
        sa.select(
            *keys,
            sa.func.count(),
            _count_if(HumanTask.due_sort < now),
            _count_if(sa.and_(HumanTask.due_sort >= today_start, HumanTask.due_sort < today_end)),
        )
        .where(*_conditions(filters), HumanTask.state.in_(OPEN))
        .group_by(*keys)
    )
    for unit_id, assignee_id, count, overdue, due_today in db.session.execute(open_query):
        found[unit_id, assignee_id] = _Work(open=int(count), overdue=int(overdue), due_today=int(due_today))
    done_query = (
        sa.select(
            *keys,
            sa.func.count(),
            _count_if(_late()),
            sa.func.sum(HumanTask.working_minutes),
            sa.func.count(HumanTask.working_minutes),
        )
        .where(*_completed(filters))
        .group_by(*keys)
    )
    for unit_id, assignee_id, count, late, minutes, timed in db.session.execute(done_query):
        row = found.setdefault((unit_id, assignee_id), _Work())
        row.completed, row.late, row.minutes, row.timed = int(count), int(late), float(minutes or 0), int(timed)
    return _in_the_holders_units(found)


def _in_the_holders_units(found: dict[tuple, _Work]) -> dict[tuple, _Work]:
    """Work given to a person by name (a step with no unit: the leader named the lead specialist, the clerk's and
    leaders' own steps) counts for the unit that person belongs to — as the unit filter already counts it (the
    work its people hold) — not for the agency level: the table by unit and the unit filter then agree. Done on
    the grouped rows (a few dozen people), so the two scans keep to their indexes."""
    people = [assignee for unit, assignee in found if unit is None and assignee is not None]
    if not people:
        return found
    units = dict(db.session.execute(sa.select(User.id, User.unit_id).where(User.id.in_(people))).all())
    moved: dict[tuple, _Work] = {}
    for (unit, assignee), row in found.items():
        key = (units.get(assignee) if unit is None and assignee is not None else unit, assignee)
        moved.setdefault(key, _Work()).add(row)
    return moved


def summary(filters: Filters, now: datetime | None = None, rows: dict | None = None) -> dict:
    """Open, due today and overdue now; completed on time and late in the period; average and p90 working time."""
    total = _Work()
    for row in (rows if rows is not None else work(filters, now)).values():
        total.add(row)
    return {
        "open": total.open,
        "overdue": total.overdue,
        "due_today": total.due_today,
        "completed": total.completed,
        "completed_on_time": total.completed - total.late,
        "completed_late": total.late,
        "on_time_rate": round(100 * (total.completed - total.late) / total.completed, 1) if total.completed else None,
        "avg_minutes": total.average,
        "p90_minutes": percentile(HumanTask.working_minutes, _completed(filters)),
    }


def _grouped(rows: dict[tuple, _Work], position: int) -> dict:
    merged: dict = {}
    for key, row in rows.items():
        merged.setdefault(key[position], _Work()).add(row)
    return {
        key: {
            "open": row.open,
            "overdue": row.overdue,
            "completed_on_time": row.completed - row.late,
            "completed_late": row.late,
            "avg_minutes": row.average,
        }
        for key, row in merged.items()
    }


def by_unit(filters: Filters, now: datetime | None = None, rows: dict | None = None) -> list[dict]:
    """One row per unit the work was offered to or whose person holds it; the rest (open work of the agency's own
    lanes nobody has taken, people outside any unit) is the agency level's."""
    grouped = _grouped(rows if rows is not None else work(filters, now), 0)
    names = _names(Unit, Unit.name, [k for k in grouped if k is not None])
    found = [
        {"unit_id": k, "name": names.get(k, "Cấp cơ quan (lãnh đạo, việc chưa có người nhận)"), **v}
        for k, v in grouped.items()
    ]
    return sorted(found, key=lambda r: (r["unit_id"] is None, r["name"]))


def by_person(filters: Filters, now: datetime | None = None, rows: dict | None = None) -> list[dict]:
    """One row per assignee; open work nobody has taken yet is one row of its own."""
    grouped = _grouped(rows if rows is not None else work(filters, now), 1)
    names = _names(User, User.full_name, [k for k in grouped if k is not None])
    found = [{"user_id": k, "name": names.get(k, "Chưa có người nhận"), **v} for k, v in grouped.items()]
    return sorted(found, key=lambda r: (r["user_id"] is None, -r["overdue"], r["name"]))


def _names(model, column, ids: list[int]) -> dict[int, str]:
    if not ids:
        return {}
    return dict(db.session.execute(sa.select(model.id, column).where(model.id.in_(ids))).all())


def weekly_trend(filters: Filters) -> list[dict]:
    """Per week of the period (Monday first): tasks received, completed on time, completed late.

    Rows are counted per week number since the first Monday (plain arithmetic on the instant, no time-zone
    conversion per row)."""
    period = filters.period
    mondays = weeks(period)
    buckets = [{"week": monday, "received": 0, "on_time": 0, "late": 0} for monday in mondays]
    origin = sa.literal(clock.ensure_aware(datetime.combine(mondays[0], time(), LOCAL_TZ)), UTCDateTime())
    created_week = weeks_since(HumanTask.created_at, origin)
    received = (
        sa.select(created_week, sa.func.count())
        .where(*_conditions(filters), HumanTask.created_at >= period.starts_at, HumanTask.created_at < period.ends_at)
        .group_by(created_week)
    )
    for index, count in db.session.execute(received):
        buckets[int(index)]["received"] += int(count)
    done_week = weeks_since(HumanTask.completed_at, origin)
    done = sa.select(done_week, sa.func.count(), _count_if(_late())).where(*_completed(filters)).group_by(done_week)
    for index, count, late in db.session.execute(done):
        buckets[int(index)]["on_time"] += int(count) - int(late)
        buckets[int(index)]["late"] += int(late)
    return buckets


def overdue_items(filters: Filters, now: datetime | None = None, limit: int = OVERDUE_PAGE) -> list[dict]:
    """The open tasks past their deadline, latest deadline last, each with how late it is in working minutes, the
    leader's direction (văn bản đến) and who holds it."""
    now = now or clock.now()
    # One ordered, limited index range per open state, merged: `state IN (…)` would sort every overdue task.
    parts = [
        sa.select(HumanTask.id, HumanTask.due_sort)
        .where(*_conditions(filters), HumanTask.state == state, HumanTask.due_sort < now)
        .order_by(HumanTask.due_sort, HumanTask.id)
        .limit(limit)
        .subquery()
        for state in OPEN
    ]
    merged = sa.union_all(*(sa.select(part.c.id, part.c.due_sort) for part in parts)).subquery()
    page = sa.select(merged.c.id, merged.c.due_sort).order_by(merged.c.due_sort, merged.c.id).limit(limit).subquery()
    # The page's rows with their holder's and unit's names in the same statement: no objects, no lazy loads.
    query = (
        sa.select(
            HumanTask.id,
            HumanTask.title,
            HumanTask.object_type,
            HumanTask.object_id,
            HumanTask.object_title,
            HumanTask.process_id,
            HumanTask.urgency,
            HumanTask.due_at,
            HumanTask.role,
            User.full_name,
            Unit.name,
        )
        .join(page, page.c.id == HumanTask.id)
        .outerjoin(User, User.id == HumanTask.assignee_id)
        .outerjoin(Unit, Unit.id == HumanTask.unit_id)
        .order_by(page.c.due_sort, page.c.id)
    )
    rows = db.session.execute(query).all()
    directions = _directions([row.object_id for row in rows if row.object_type == "incoming"])
    late = _late_minutes(filters.scope.agency_id, [row.due_at for row in rows], now)
    return [
        {
            "task_id": row.id,
            "title": row.title,
            "object_type": row.object_type,
            "object_id": row.object_id,
            "object_title": row.object_title,
            "process_id": row.process_id,
            "urgency": row.urgency,
            "due_at": row.due_at,
            "late_minutes": late[i],
            "assignee": row.full_name,
            "unit": row.name,
            "role": row.role,
            "direction": directions.get(row.object_id),
        }
        for i, row in enumerate(rows)
    ]


def _late_minutes(agency_id: int, dues: list[datetime], now: datetime) -> list[int]:
    """Working minutes from each deadline (oldest first) to now, walking the calendar once over the whole span: the
    minutes after a deadline are those after the next one plus those between the two (a year-old item would
    otherwise cost a year of calendar days for every row)."""
    calendar = calendar_for(agency_id)
    found, after, later = [0] * len(dues), 0.0, now
    for i in range(len(dues) - 1, -1, -1):
        after += calendar.working_minutes_between(dues[i], later)
        found[i], later = round(after), dues[i]
    return found


def _directions(object_ids: list[str]) -> dict[str, str | None]:
    ids = {int(object_id) for object_id in object_ids if object_id.isdigit()}
    if not ids:
        return {}
    query = sa.select(IncomingDocument.id, IncomingDocument.direction).where(IncomingDocument.id.in_(ids))
    return {str(key): direction for key, direction in db.session.execute(query)}


def dashboard(filters: Filters, now: datetime | None = None) -> dict:
    """Everything the dashboard page and its API show, at one instant."""
    now = now or clock.now()
    without_jit()
    rows = work(filters, now)
    return {
        "summary": summary(filters, now, rows),
        "by_unit": by_unit(filters, now, rows),
        "by_person": by_person(filters, now, rows),
        "trend": weekly_trend(filters),
        "overdue": overdue_items(filters, now),
    }
