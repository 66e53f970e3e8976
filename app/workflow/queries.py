"""Inbox and task reads: plain indexed queries on human_task, never a deserialized workflow (design.md §4).

The inbox is the union of a few scopes (tasks assigned to me; unassigned tasks of each of my roles in my
agency and unit; the same for whoever delegated to me). Each scope is its own subquery that walks one index in
deadline order and stops at the page size; pages continue from a (due_sort, id) keyset, and counts are capped,
so a page costs the same at 1k or 100k open tasks.
"""

import dataclasses
import functools
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

import sqlalchemy as sa
from sqlalchemy.orm import defer, joinedload

from app.core import clock
from app.core.db import db
from app.org.models import User
from app.workflow.assignment import inbox_scopes
from app.workflow.models import HumanTask, TaskState, WorkflowInstance

COUNT_CAP = 1000
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
# "Mới": a task that reached the inbox within this window (the home page's "việc mới"; there is no per-person "opened"
# mark, and the last login is overwritten at sign-in, so a fixed window is the one rule both page and list share).
NEW_WINDOW = timedelta(hours=24)


def encode_cursor(task: HumanTask) -> str:
    """A URL-safe keyset cursor: priority, microseconds since the epoch of due_sort, and the id."""
    return f"{task.priority}_{(task.due_sort - _EPOCH) // timedelta(microseconds=1)}_{task.id}"


def decode_cursor(text: str | None) -> tuple[int, datetime, int] | None:
    """Parse a cursor; raise ValueError when it is malformed."""
    if not text:
        return None
    priority, micros, task_id = text.split("_", 2)
    return int(priority), _EPOCH + timedelta(microseconds=int(micros)), int(task_id)


@dataclass
class InboxFilter:
    process_id: str | None = None
    overdue: bool = False
    urgent: bool = False
    after: tuple[int, datetime, int] | None = None  # keyset cursor: (priority, due_sort, id) of the last row
    due_before: datetime | None = None  # only tasks due before this instant (the daily digest: by the end of today)
    due_today: bool = False  # not yet overdue, but due before the end of today (local time)
    new: bool = False  # arrived within NEW_WINDOW


def end_of_local_day(day: date) -> datetime:
    """Midnight after the local (Asia/Ho_Chi_Minh) date `day`: "due that day" is a deadline before it."""
    return datetime.combine(day + timedelta(days=1), time.min, tzinfo=clock.LOCAL_TZ)


def end_of_today(at: datetime) -> datetime:
    """Midnight after `at`, local time: "due today" is a deadline before it."""
    return end_of_local_day(clock.to_local(at).date())


# The inbox statements are built once per shape — which scopes, which filters, the limits — with every value a bound
# parameter, and kept: building a union of this size and computing its cache key cost more than running it.
_STATEMENTS_KEPT = 256


def _plan(user: User, flt: InboxFilter, at: datetime, scopes: list[dict] | None) -> tuple[tuple, dict]:
    """The shape of the inbox query (hashable: what the SQL looks like) and the values of its parameters."""
    shape, params = [], {}
    if flt.process_id:
        params["process_id"] = flt.process_id
    if flt.overdue or flt.due_today:
        params["at"] = at
    if flt.due_today:
        params["today_end"] = end_of_today(at)
    if flt.new:
        params["new_since"] = at - NEW_WINDOW
    if flt.after:
        params["after_priority"], params["after_due"], params["after_id"] = flt.after
    if flt.due_before:
        params["due_before"] = flt.due_before
    for n, scope in enumerate(scopes if scopes is not None else inbox_scopes(user, at)):
        has_processes = bool(scope.get("process_ids"))
        if has_processes:
            params[f"processes_{n}"] = list(scope["process_ids"])
        if "assignee_id" in scope:
            params[f"assignee_{n}"] = scope["assignee_id"]
            has_roles = bool(scope.get("roles"))
            if has_roles:
                params[f"roles_{n}"] = list(scope["roles"])
            for state in (TaskState.READY, TaskState.CLAIMED):
                shape.append(("assigned", n, state.value, has_roles, has_processes))
        else:
            params[f"agency_{n}"] = scope["agency_id"]
            has_unit = scope.get("unit_id") is not None
            if has_unit:
                params[f"unit_{n}"] = scope["unit_id"]
            for r, role in enumerate(scope["roles"]):
                params[f"role_{n}_{r}"] = role
                shape.append(("queue", n, r, has_unit, has_processes))
    filters = (bool(flt.process_id), flt.overdue, flt.urgent, bool(flt.after), bool(flt.due_before))
    filters += (flt.due_today, flt.new)
    return (filters, tuple(shape)), params


def _branches(shape: tuple, limit: int) -> list[sa.Select]:
    (by_process, overdue, urgent, after, due_before, due_today, new), branches = shape
    columns = (HumanTask.id, HumanTask.priority, HumanTask.due_sort)
    selects = []
    for kind, n, detail, flag, has_processes in branches:
        base = []
        if by_process:
            base.append(HumanTask.process_id == sa.bindparam("process_id"))
        if has_processes:
            base.append(HumanTask.process_id.in_(sa.bindparam(f"processes_{n}", expanding=True)))
        if overdue:
            base.append(HumanTask.due_sort < sa.bindparam("at", type_=HumanTask.due_sort.type))
        if due_today:
            base.append(HumanTask.due_sort >= sa.bindparam("at", type_=HumanTask.due_sort.type))
            base.append(HumanTask.due_sort < sa.bindparam("today_end", type_=HumanTask.due_sort.type))
        if new:
            base.append(HumanTask.created_at >= sa.bindparam("new_since", type_=HumanTask.created_at.type))
        if urgent:
            base.append(HumanTask.urgency == "urgent")
        if due_before:
            base.append(HumanTask.due_sort < sa.bindparam("due_before", type_=HumanTask.due_sort.type))
        if after:
            cursor = (
                sa.bindparam("after_priority", type_=HumanTask.priority.type),
                sa.bindparam("after_due", type_=HumanTask.due_sort.type),
                sa.bindparam("after_id", type_=HumanTask.id.type),
            )
            base.append(sa.tuple_(HumanTask.priority, HumanTask.due_sort, HumanTask.id) > sa.tuple_(*cursor))
        if kind == "assigned":
            state, has_roles = detail, flag
            where = [HumanTask.assignee_id == sa.bindparam(f"assignee_{n}"), HumanTask.state == state, *base]
            if has_roles:
                where.append(HumanTask.role.in_(sa.bindparam(f"roles_{n}", expanding=True)))
        else:
            has_unit = flag
            where = [
                HumanTask.agency_id == sa.bindparam(f"agency_{n}"),
                HumanTask.role == sa.bindparam(f"role_{n}_{detail}"),
                HumanTask.state == TaskState.READY,
                HumanTask.assignee_id.is_(None),
                *base,
            ]
            where.append(
                sa.or_(HumanTask.unit_id.is_(None), HumanTask.unit_id == sa.bindparam(f"unit_{n}"))
                if has_unit
                else HumanTask.unit_id.is_(None)
            )
        selects.append(sa.select(*columns).where(*where))
    return [b.order_by(HumanTask.priority, HumanTask.due_sort, HumanTask.id).limit(limit) for b in selects]


def _union(branches: list[sa.Select]):
    # Each branch is wrapped so its own ORDER BY/LIMIT survive inside the UNION on SQLite and PostgreSQL. UNION, not
    # UNION ALL: a task reached twice (by one's own role and by a leader's delegation of the same role) is one task.
    parts = [sa.select(b.subquery().c) for b in branches]
    return sa.union(*parts).subquery() if len(parts) > 1 else parts[0].subquery()


@functools.lru_cache(maxsize=_STATEMENTS_KEPT)
def _page_statement(shape: tuple, limit: int) -> sa.Select:
    union = _union(_branches(shape, limit))
    page = sa.select(union.c.id).order_by(union.c.priority, union.c.due_sort, union.c.id).limit(limit).subquery()
    return _rows_of(page)


@functools.lru_cache(maxsize=_STATEMENTS_KEPT)
def _page_and_count_statement(shape: tuple, limit: int, cap: int) -> sa.Select:
    union = _union(_branches(shape, cap))
    capped = (
        sa.select(union.c.id, union.c.priority, union.c.due_sort)
        .order_by(union.c.priority, union.c.due_sort, union.c.id)
        .limit(cap)
        .subquery()
    )
    page = (
        sa.select(capped.c.id, sa.func.count().over().label("total"))
        .order_by(capped.c.priority, capped.c.due_sort, capped.c.id)
        .limit(limit)
        .subquery()
    )
    return _rows_of(page, page.c.total)


@functools.lru_cache(maxsize=_STATEMENTS_KEPT)
def _count_statement(shape: tuple, cap: int) -> sa.Select:
    capped = sa.select(_union(_branches(shape, cap)).c.id).limit(cap).subquery()
    return sa.select(sa.func.count()).select_from(capped)


def inbox_page(
    user: User, flt: InboxFilter | None = None, limit: int = 50, scopes: list[dict] | None = None
) -> list[HumanTask]:
    """One page of `user`'s open tasks: urgent ones first, then the earliest deadline first.

    `scopes` (app.workflow.assignment.inbox_scopes) may be passed when the caller also counts: read once."""
    flt, at = flt or InboxFilter(), clock.now()
    shape, params = _plan(user, flt, at, scopes)
    if not shape[1]:
        return []
    return list(db.session.scalars(_page_statement(shape, limit), params))


def _rows_of(page, *extra):
    """The page's tasks in one query, with their assignees and units (many-to-one: joined, no query per row).

    Not the assignees' roles (User.role_rows loads by "selectin", a second query): a list shows names only."""
    return (
        sa.select(HumanTask, *extra)
        .join(page, page.c.id == HumanTask.id)
        .options(
            joinedload(HumanTask.assignee).lazyload(User.role_rows),
            joinedload(HumanTask.unit),
            defer(HumanTask.submitted),
        )
        .order_by(HumanTask.priority, HumanTask.due_sort, HumanTask.id)
    )


def inbox_page_and_count(
    user: User, flt: InboxFilter, limit: int = 50, scopes: list[dict] | None = None
) -> tuple[list[HumanTask], int]:
    """A page of the inbox and the capped count of the whole inbox (same filter, without the cursor).

    The first page — what nearly every visit asks for — is one query: the count is a window over the same
    capped union the page is cut from.
    """
    scopes = scopes if scopes is not None else inbox_scopes(user)
    if flt.after is not None:
        unpaged = dataclasses.replace(flt, after=None)
        return inbox_page(user, flt, limit, scopes), inbox_count(user, unpaged, scopes)
    shape, params = _plan(user, flt, clock.now(), scopes)
    if not shape[1]:
        return [], 0
    rows = db.session.execute(_page_and_count_statement(shape, limit, COUNT_CAP), params).all()
    return [row[0] for row in rows], (rows[0][1] if rows else 0)


def inbox_count(user: User, flt: InboxFilter | None = None, scopes: list[dict] | None = None) -> int:
    """Open tasks in the inbox, counted up to COUNT_CAP (shown as "1000+"): never a count of everything."""
    flt, at = flt or InboxFilter(), clock.now()
    shape, params = _plan(user, flt, at, scopes)
    if not shape[1]:
        return 0
    return db.session.scalar(_count_statement(shape, COUNT_CAP), params)


@functools.cache
def _history_query() -> sa.Select:
    return (
        sa.select(HumanTask)
        .where(HumanTask.instance_id == sa.bindparam("instance_id"))
        .order_by(HumanTask.created_at, HumanTask.id)
    )


def task_history(instance_id: int) -> list[HumanTask]:
    """Every human task of a case, oldest first: the timeline shown on the task page."""
    return list(db.session.scalars(_history_query(), {"instance_id": instance_id}))


def instances_in_error(agency_ids: set[int]) -> list[WorkflowInstance]:
    return list(
        db.session.scalars(
            sa.select(WorkflowInstance)
            .where(WorkflowInstance.status == "error", WorkflowInstance.agency_id.in_(agency_ids))
            .order_by(WorkflowInstance.updated_at.desc())
            .limit(200)
        )
    )


def handovers(instance_id: int) -> dict[int, list]:
    """Who handed which task of a case to whom, and when (the audit trail's `task.reassign`), by task id."""
    from app.audit.models import AuditEvent

    task_ids = sa.select(sa.cast(HumanTask.id, sa.String)).where(HumanTask.instance_id == instance_id)
    events = db.session.scalars(
        sa.select(AuditEvent)
        .where(AuditEvent.object_type == "human_task", AuditEvent.object_id.in_(task_ids))
        .where(AuditEvent.action == "task.reassign")
        .order_by(AuditEvent.id)
    )
    found: dict[int, list] = {}
    for event in events:
        found.setdefault(int(event.object_id), []).append(event)
    return found


def inbox_badge(user: User) -> str:
    """The count shown beside "Việc cần làm" in the menu: empty for none, capped ("1000+")."""
    count = inbox_count(user)
    return f"{COUNT_CAP}+" if count >= COUNT_CAP else str(count) if count else ""


def instance_for(object_type: str, object_id) -> WorkflowInstance | None:
    """The case of a business object (an incoming document, an outgoing one), None before it has one."""
    return db.session.scalar(
        sa.select(WorkflowInstance).where(
            WorkflowInstance.object_type == object_type, WorkflowInstance.object_id == str(object_id)
        )
    )


def object_tasks(object_type: str, object_id) -> list[HumanTask]:
    """Every human task of a business object's case, in the order they arose (the document pages' timeline)."""
    case = sa.select(WorkflowInstance.id).where(
        WorkflowInstance.object_type == object_type, WorkflowInstance.object_id == str(object_id)
    )
    query = sa.select(HumanTask).where(HumanTask.instance_id.in_(case.scalar_subquery())).order_by(HumanTask.id)
    return list(db.session.scalars(query))


@dataclass
class WorkSummary:
    """The home page's "Việc của tôi": capped counts of the inbox under its filters, and its first few tasks."""

    total: int
    overdue: int
    due_today: int
    new: int
    first: list[HumanTask]


def work_summary(user: User, limit: int = 5) -> WorkSummary:
    """One read of the scopes, then one statement per count, each the inbox's own (so each figure is its list)."""
    scopes = inbox_scopes(user)
    first, total = inbox_page_and_count(user, InboxFilter(), limit=limit, scopes=scopes)
    if not total:  # nothing open: the filtered counts are zero too, spare their statement
        return WorkSummary(0, 0, 0, 0, [])
    overdue, due_today, new = inbox_counts(
        user, [InboxFilter(overdue=True), InboxFilter(due_today=True), InboxFilter(new=True)], scopes
    )
    return WorkSummary(total=total, overdue=overdue, due_today=due_today, new=new, first=first)


def inbox_counts(user: User, filters: list[InboxFilter], scopes: list[dict] | None = None) -> list[int]:
    """`inbox_count` under each filter, in one statement (one round trip): the filters' parameters have their own
    names (at, today_end, new_since …) and the scopes' are the same in each, so they merge into one set."""
    at, params, counts = clock.now(), {}, []
    scopes = scopes if scopes is not None else inbox_scopes(user, at)
    for flt in filters:
        shape, values = _plan(user, flt, at, scopes)
        if not shape[1]:
            return [0] * len(filters)
        params.update(values)
        counts.append(_count_statement(shape, COUNT_CAP).scalar_subquery())
    return list(db.session.execute(sa.select(*counts), params).one())


def _held_query(user_id: int) -> sa.Select:
    # Held = assigned to the person and still open: what a deactivation releases (app.workflow.handlers).
    return sa.select(HumanTask).where(
        HumanTask.assignee_id == user_id, HumanTask.state.in_([TaskState.READY, TaskState.CLAIMED])
    )


def held_open_tasks(user_id: int) -> list[HumanTask]:
    """The open tasks a person holds (claimed, or designated to them), soonest deadline first: the work their
    deactivation takes away from them (the administrator's user page warns with it)."""
    query = _held_query(user_id).order_by(HumanTask.due_at.is_(None), HumanTask.due_at, HumanTask.id)
    return list(db.session.scalars(query))


def held_open_task_count(user_id: int) -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(_held_query(user_id).subquery()))
