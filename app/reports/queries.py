"""The leader dashboard's figures: aggregate SQL over `human_task` and its report indexes (migration 0022).

Seed 003 Điều 13.2, seed 000 Điều 18, NĐ 30/2020 Phụ lục VI III.1.l–m: leaders follow the progress of the work and
act on what is late. A task is the unit of work with a deadline (`due_at`, computed on the working calendar when it
was created): open now, due today, overdue now; completed in the period on time (by its deadline) or late; its
handling time is the working minutes stored when it completed. Nothing here runs the calendar per row, except for
the page of overdue items shown (how late each is, in working time).
"""

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

import sqlalchemy as sa
from sqlalchemy.orm import selectinload

from app.core import clock
from app.core.clock import LOCAL_TZ
from app.core.db import db
from app.incoming.models import IncomingDocument
from app.org.models import Unit, User
from app.outgoing.models import OutgoingDocument
from app.reports.periods import Period, weeks
from app.reports.permissions import Scope
from app.reports.sql import local_date, percentile
from app.sla.calendar import calendar_for
from app.workflow.models import HumanTask, TaskState, Urgency

OPEN = (TaskState.READY, TaskState.CLAIMED)
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
    """Tasks whose document (văn bản đến or đi) is of the type: a semi-join per kind of document."""
    kinds = []
    for object_type, model in DOCUMENT_MODELS.items():
        ids = sa.select(sa.cast(model.id, sa.String)).where(model.agency_id == agency_id, model.type_name == type_name)
        kinds.append(sa.and_(HumanTask.object_type == object_type, HumanTask.object_id.in_(ids)))
    return sa.or_(*kinds)


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


def summary(filters: Filters, now: datetime | None = None) -> dict:
    """Open, due today and overdue now; completed on time and late in the period; average and p90 working time."""
    now = now or clock.now()
    today_start, today_end = _today(now)
    open_row = db.session.execute(
        sa.select(
            sa.func.count(),
            _count_if(HumanTask.due_sort < now),
            _count_if(sa.and_(HumanTask.due_sort >= today_start, HumanTask.due_sort < today_end)),
        ).where(*_conditions(filters), HumanTask.state.in_(OPEN))
    ).one()
    completed = _completed(filters)
    done_row = db.session.execute(
        sa.select(sa.func.count(), _count_if(_late()), sa.func.avg(HumanTask.working_minutes)).where(*completed)
    ).one()
    total, late = int(done_row[0]), int(done_row[1])
    return {
        "open": int(open_row[0]),
        "overdue": int(open_row[1]),
        "due_today": int(open_row[2]),
        "completed": total,
        "completed_on_time": total - late,
        "completed_late": late,
        "on_time_rate": round(100 * (total - late) / total, 1) if total else None,
        "avg_minutes": round(float(done_row[2]), 1) if done_row[2] is not None else None,
        "p90_minutes": percentile(HumanTask.working_minutes, completed),
    }


def _grouped(filters: Filters, key, now: datetime) -> dict:
    """Per value of `key` (unit or assignee): open, overdue, completed on time and late, average minutes."""
    rows: dict = {}
    open_query = (
        sa.select(key, sa.func.count(), _count_if(HumanTask.due_sort < now))
        .where(*_conditions(filters), HumanTask.state.in_(OPEN))
        .group_by(key)
    )
    for value, count, overdue in db.session.execute(open_query):
        rows[value] = {"open": int(count), "overdue": int(overdue)}
    done_query = (
        sa.select(key, sa.func.count(), _count_if(_late()), sa.func.avg(HumanTask.working_minutes))
        .where(*_completed(filters))
        .group_by(key)
    )
    for value, count, late, average in db.session.execute(done_query):
        row = rows.setdefault(value, {})
        row.update(
            completed_on_time=int(count) - int(late),
            completed_late=int(late),
            avg_minutes=round(float(average), 1) if average is not None else None,
        )
    for row in rows.values():
        for name in ("open", "overdue", "completed_on_time", "completed_late"):
            row.setdefault(name, 0)
        row.setdefault("avg_minutes", None)
    return rows


def by_unit(filters: Filters, now: datetime | None = None) -> list[dict]:
    """One row per unit the work was offered to; work of the agency's own lanes (clerk, leaders) has no unit."""
    rows = _grouped(filters, HumanTask.unit_id, now or clock.now())
    names = _names(Unit, Unit.name, [k for k in rows if k is not None])
    found = [{"unit_id": k, "name": names.get(k, "Cấp cơ quan (văn thư, lãnh đạo)"), **v} for k, v in rows.items()]
    return sorted(found, key=lambda r: (r["unit_id"] is None, r["name"]))


def by_person(filters: Filters, now: datetime | None = None) -> list[dict]:
    """One row per assignee; open work nobody has taken yet is one row of its own."""
    rows = _grouped(filters, HumanTask.assignee_id, now or clock.now())
    names = _names(User, User.full_name, [k for k in rows if k is not None])
    found = [{"user_id": k, "name": names.get(k, "Chưa có người nhận"), **v} for k, v in rows.items()]
    return sorted(found, key=lambda r: (r["user_id"] is None, -r["overdue"], r["name"]))


def _names(model, column, ids: list[int]) -> dict[int, str]:
    if not ids:
        return {}
    return dict(db.session.execute(sa.select(model.id, column).where(model.id.in_(ids))).all())


def weekly_trend(filters: Filters) -> list[dict]:
    """Per week of the period (Monday first): tasks received, completed on time, completed late."""
    period = filters.period
    buckets = {monday: {"week": monday, "received": 0, "on_time": 0, "late": 0} for monday in weeks(period)}

    def bucket(day) -> dict | None:
        day = day if isinstance(day, date) else date.fromisoformat(day)
        return buckets.get(day - timedelta(days=day.weekday()))

    created_day = local_date(HumanTask.created_at)
    received = (
        sa.select(created_day, sa.func.count())
        .where(*_conditions(filters), HumanTask.created_at >= period.starts_at, HumanTask.created_at < period.ends_at)
        .group_by(created_day)
    )
    for day, count in db.session.execute(received):
        if (row := bucket(day)) is not None:
            row["received"] += int(count)
    done_day = local_date(HumanTask.completed_at)
    done = sa.select(done_day, sa.func.count(), _count_if(_late())).where(*_completed(filters)).group_by(done_day)
    for day, count, late in db.session.execute(done):
        if (row := bucket(day)) is not None:
            row["on_time"] += int(count) - int(late)
            row["late"] += int(late)
    return list(buckets.values())


def overdue_items(filters: Filters, now: datetime | None = None, limit: int = OVERDUE_PAGE) -> list[dict]:
    """The open tasks past their deadline, latest deadline last, each with how late it is in working minutes, the
    leader's direction (văn bản đến) and who holds it."""
    now = now or clock.now()
    query = (
        sa.select(HumanTask)
        .where(*_conditions(filters), HumanTask.state.in_(OPEN), HumanTask.due_sort < now)
        .order_by(HumanTask.due_sort, HumanTask.id)
        .limit(limit)
        .options(selectinload(HumanTask.assignee), selectinload(HumanTask.unit))
    )
    tasks = db.session.scalars(query).all()
    directions = _directions([t for t in tasks if t.object_type == "incoming"])
    late = _late_minutes(filters.scope.agency_id, [t.due_at for t in tasks], now)
    return [
        {
            "task_id": t.id,
            "title": t.title,
            "object_type": t.object_type,
            "object_id": t.object_id,
            "object_title": t.object_title,
            "process_id": t.process_id,
            "urgency": t.urgency,
            "due_at": t.due_at,
            "late_minutes": late[i],
            "assignee": t.assignee.full_name if t.assignee is not None else None,
            "unit": t.unit.name if t.unit is not None else None,
            "role": t.role,
            "direction": directions.get(t.object_id),
        }
        for i, t in enumerate(tasks)
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


def _directions(tasks: list[HumanTask]) -> dict[str, str | None]:
    ids = {int(t.object_id) for t in tasks if t.object_id.isdigit()}
    if not ids:
        return {}
    query = sa.select(IncomingDocument.id, IncomingDocument.direction).where(IncomingDocument.id.in_(ids))
    return {str(key): direction for key, direction in db.session.execute(query)}


def dashboard(filters: Filters, now: datetime | None = None) -> dict:
    """Everything the dashboard page and its API show, at one instant."""
    now = now or clock.now()
    return {
        "summary": summary(filters, now),
        "by_unit": by_unit(filters, now),
        "by_person": by_person(filters, now),
        "trend": weekly_trend(filters),
        "overdue": overdue_items(filters, now),
    }
