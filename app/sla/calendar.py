"""The one place deadlines are computed: `due(start, spec, agency_id)` and its companions.

Calendars are built from the database once and kept per process, keyed by agency. A cached calendar is
trusted for `SLA_CALENDAR_RECHECK_SECONDS` (default 5); after that one small query compares the `version`
of the default and the agency row with the cached ones and rebuilds on a difference. Services that change a
calendar bump its version and drop the local cache at once (and again after commit), so the process that
made a change sees it immediately and the other workers/scheduler within the recheck interval.
A transaction that has changed a calendar but not committed yet computes with a fresh, uncached calendar,
so uncommitted data never enters the cache. `calendars_for` reads (or rechecks) many agencies' calendars in the
same few queries, for reports and jobs over a province; agencies loaded together that keep the default calendar
share one WorkingCalendar and its memoized days.
"""

import threading
import time as _time
from dataclasses import dataclass
from datetime import date, datetime

import sqlalchemy as sa
from flask import current_app, has_app_context
from sqlalchemy import event
from sqlalchemy.orm import Session

from app.core import clock
from app.core.clock import LOCAL_TZ
from app.core.db import db
from app.core.errors import ValidationError
from app.sla import hours
from app.sla.engine import CalendarConfig, DayOverride, SpecialDay, WorkingCalendar, to_local_naive
from app.sla.models import Calendar, CalendarOverride, OverrideKind
from app.sla.spec import SlaSpec, parse_spec, spec_problem

__all__ = [
    "SlaSpec",
    "calendar_for",
    "calendars_for",
    "due",
    "due_from_now",
    "invalidate",
    "is_working_time",
    "parse_instant",
    "parse_spec",
    "spec_problem",
    "special_days",
    "working_minutes_between",
]

DIRTY = "qlvb.sla.calendar_changed"
DEFAULT_RECHECK_SECONDS = 5.0


# --- loading ------------------------------------------------------------------------------------------


def _rows(agency_ids: list[int | None], *columns) -> tuple:
    """The default row (None when absent) and the given agencies' own rows by agency id, as plain rows in one query.

    Plain rows, not ORM objects: an object already in the session's identity map would keep an older version.
    """
    condition = Calendar.agency_id.is_(None)
    wanted = [agency_id for agency_id in agency_ids if agency_id is not None]
    if wanted:
        condition = sa.or_(condition, Calendar.agency_id.in_(wanted))
    default, agencies = None, {}
    for row in db.session.execute(sa.select(Calendar.agency_id, Calendar.version, *columns).where(condition)):
        if row.agency_id is None:
            default = row
        else:
            agencies[row.agency_id] = row
    return default, agencies


def _stamp(default, agency) -> tuple[int, int]:
    return (default.version if default else 0, agency.version if agency else 0)


def _stamps(agency_ids: list[int | None]) -> dict[int | None, tuple[int, int]]:
    default, agencies = _rows(agency_ids)
    return {agency_id: _stamp(default, agencies.get(agency_id)) for agency_id in agency_ids}


def load_configs(agency_ids: list[int | None]) -> dict[int | None, tuple[CalendarConfig, tuple[int, int]]]:
    """Read agencies' effective calendars in two queries, however many: each agency's own hours or the default's;
    default overrides under its own. Agencies with nothing of their own share one config object (the default's)."""
    default, agencies = _rows(agency_ids, Calendar.id, Calendar.sessions, Calendar.weekdays, Calendar.seasons)
    # The versions are read before the overrides: a change in between only causes a reload.
    overrides: dict[int | None, dict] = {None: {}}
    calendar_ids = [r.id for r in (default, *agencies.values()) if r is not None]
    if calendar_ids:
        query = (
            sa.select(CalendarOverride.day, CalendarOverride.kind, CalendarOverride.note, Calendar.agency_id)
            .join(Calendar)
            .where(CalendarOverride.calendar_id.in_(calendar_ids))
        )
        for day, kind, note, owner in db.session.execute(query):
            source = "agency" if owner is not None else "default"
            overrides.setdefault(owner, {})[day] = DayOverride(kind == OverrideKind.WORK, note or "", source)

    def config(agency) -> CalendarConfig:
        source = agency if agency is not None and agency.sessions is not None else default
        if source is not None and source.sessions is None:
            source = None  # the default row without its own hours: the built-in ones
        # An agency's override of a date replaces the default's.
        own = overrides.get(agency.agency_id, {}) if agency is not None else {}
        return CalendarConfig(
            sessions=hours.to_sessions(source.sessions if source else None),
            weekdays=hours.to_weekdays(source.weekdays if source else None),
            seasons=hours.to_seasons(source.seasons if source else None),
            overrides=overrides[None] | own,
        )

    shared = config(None)
    found = {}
    for agency_id in agency_ids:
        agency = agencies.get(agency_id)
        found[agency_id] = (config(agency) if agency is not None else shared, _stamp(default, agency))
    return found


# --- the per-process cache ----------------------------------------------------------------------------


@dataclass
class _Entry:
    calendar: WorkingCalendar
    stamp: tuple[int, int]
    checked_at: float


class CalendarCache:
    """WorkingCalendars per agency id, revalidated against the rows' versions at most every `recheck` s."""

    def __init__(self, monotonic=_time.monotonic) -> None:
        self._entries: dict[int | None, _Entry] = {}
        self._lock = threading.Lock()
        self._monotonic = monotonic
        self.loads = 0  # how many times a calendar was built from the database (tests and benchmarks read it)

    def recheck_seconds(self) -> float:
        if has_app_context():
            return float(current_app.config.get("SLA_CALENDAR_RECHECK_SECONDS", DEFAULT_RECHECK_SECONDS))
        return DEFAULT_RECHECK_SECONDS

    def get(self, agency_id: int | None) -> WorkingCalendar:
        return self.get_many([agency_id])[agency_id]

    def get_many(self, agency_ids) -> dict[int | None, WorkingCalendar]:
        """The calendars of many agencies: those due for a recheck are checked in one query, those missing or
        changed are loaded in two more, however many agencies (a province-wide report asks for hundreds)."""
        agency_ids = list(dict.fromkeys(agency_ids))
        if db.session.info.get(DIRTY):
            self.loads += len(agency_ids)
            return _calendars(load_configs(agency_ids))
        now, recheck = self._monotonic(), self.recheck_seconds()
        found, stale = {}, []
        for agency_id in agency_ids:
            entry = self._entries.get(agency_id)
            if entry is not None and now - entry.checked_at < recheck:
                found[agency_id] = entry.calendar
            else:
                stale.append(agency_id)
        if not stale:
            return found
        cached = [agency_id for agency_id in stale if agency_id in self._entries]
        stamps = _stamps(cached) if cached else {}
        missing = []
        for agency_id in stale:
            entry = self._entries.get(agency_id)
            if entry is not None and stamps.get(agency_id) == entry.stamp:
                entry.checked_at = now
                found[agency_id] = entry.calendar
            else:
                missing.append(agency_id)
        if missing:
            loaded = load_configs(missing)
            self.loads += len(missing)
            calendars = _calendars(loaded)
            with self._lock:
                for agency_id, calendar in calendars.items():
                    self._entries[agency_id] = _Entry(calendar, loaded[agency_id][1], now)
            found |= calendars
        return found

    def invalidate(self, agency_id: int | None = None, *, everything: bool = False) -> None:
        """Forget an agency's calendar; a change of the default (agency_id None) affects every agency."""
        with self._lock:
            if everything or agency_id is None:
                self._entries.clear()
            else:
                self._entries.pop(agency_id, None)


def _calendars(loaded: dict) -> dict[int | None, WorkingCalendar]:
    """One WorkingCalendar per distinct config: agencies that share the default's share its memoized days."""
    built: dict[int, WorkingCalendar] = {}
    found = {}
    for agency_id, (config, _) in loaded.items():
        if id(config) not in built:
            built[id(config)] = WorkingCalendar(config)
        found[agency_id] = built[id(config)]
    return found


cache = CalendarCache()


def invalidate(agency_id: int | None = None, *, everything: bool = False) -> None:
    cache.invalidate(agency_id, everything=everything)


def mark_changed(session: Session) -> None:
    """Called by services after changing a calendar: bypass the cache until this transaction ends."""
    session.info[DIRTY] = True


@event.listens_for(Session, "after_commit")
@event.listens_for(Session, "after_rollback")
def _transaction_ended(session: Session) -> None:
    session.info.pop(DIRTY, None)


# --- the public functions -----------------------------------------------------------------------------


def calendar_for(agency_id: int | None = None) -> WorkingCalendar:
    """The effective WorkingCalendar of an agency (None: the deployment default); keep it for a batch."""
    return cache.get(agency_id)


def calendars_for(agency_ids) -> dict[int | None, WorkingCalendar]:
    """`calendar_for` of many agencies at once, in at most three queries: for reports and jobs over many agencies."""
    return cache.get_many(agency_ids)


def due(start: datetime, spec: "str | SlaSpec", agency_id: int | None = None) -> datetime:
    """The deadline of `spec` counted from `start` on the agency's calendar, as an aware UTC datetime.

    Raises ValidationError(code="invalid_sla") for a bad spec and ValueError for a naive `start`.
    """
    return calendar_for(agency_id).due(start, parse_spec(spec))


def due_from_now(spec: "str | SlaSpec", agency_id: int | None = None) -> datetime:
    """`due(clock.now(), spec, agency_id)`: what a BPMN timer such as `working_due("PT2H")` needs."""
    return due(clock.now(), spec, agency_id)


def next_working_day(day: date, agency_id: int | None = None) -> date:
    """`day` when it is a working day, else the first working day after it: where a deadline that falls on a day off
    ends (Bộ luật Dân sự 2015 Điều 148.5), and how the engine reads a `due` date."""
    return calendar_for(agency_id).next_working_day(day)


def day_off_problem(day: date, agency_id: int | None = None, *, what: str = "Hạn giải quyết") -> str | None:
    """Why a deadline a person chose cannot be `day` (a weekend or holiday of the agency's calendar), naming the
    nearest working day after it; None for a working day. Asked by every form that takes a deadline date, so the
    date a page shows is the date the task is due (not a Saturday on the document and Monday in the inbox)."""
    calendar = calendar_for(agency_id)
    if calendar.is_working_day(day):
        return None
    _working, reason = calendar.day_status(day)
    why = reason or hours.WEEKDAY_LABELS[day.isoweekday()]
    return (
        f"{what} là {day:%d/%m/%Y}, ngày nghỉ ({why}): chọn một ngày làm việc, "
        f"gần nhất là {calendar.next_working_day(day):%d/%m/%Y}."
    )


def deadline_problem(day: date, agency_id: int | None = None, *, what: str = "Hạn giải quyết") -> str | None:
    """Why a person cannot set a deadline on `day`: in the past (Việt Nam's today), today once its working hours
    are over (the step would be overdue the moment it is given: it falls due at the day's close), or a day off
    (day_off_problem); None when it is a working day still ahead. The one rule of the forms that take a deadline."""
    today = clock.local_today()
    if day < today:
        return f"{what} không được ở trong quá khứ."
    if day == today:
        calendar = calendar_for(agency_id)
        sessions = calendar.intervals(day)
        closing = sessions[-1][1] if sessions else None
        if closing is not None and to_local_naive(clock.now()) >= closing:
            after = calendar.working_day_after(day)
            return (
                f"{what} là hôm nay ({day:%d/%m/%Y}) nhưng đã hết giờ làm việc lúc {closing:%H:%M}: chọn một ngày làm "
                f"việc từ {after:%d/%m/%Y}."
            )
    return day_off_problem(day, agency_id, what=what)


def is_working_time(instant: datetime, agency_id: int | None = None) -> bool:
    return calendar_for(agency_id).is_working_time(instant)


def working_minutes_between(a: datetime, b: datetime, agency_id: int | None = None) -> float:
    """Working minutes from a to b (negative when b < a): e.g. how late an overdue task is."""
    return calendar_for(agency_id).working_minutes_between(a, b)


def special_days(year: int, agency_id: int | None = None) -> list[SpecialDay]:
    """Holidays, government swaps and administrators' overrides of a year, for listings."""
    return calendar_for(agency_id).special_days(year)


def parse_instant(text: str) -> datetime:
    """An ISO 8601 instant from a person (CLI, tester, API); without an offset it is Việt Nam local time."""
    try:
        value = datetime.fromisoformat((text or "").strip())
    except ValueError:
        message = f"Thời điểm “{text}” không hợp lệ: dùng ISO 8601, ví dụ 2026-11-23T08:00 hoặc 2026-11-23T08:00+07:00."
        raise ValidationError(message, code="invalid_start", details={"start": message}) from None
    if value.tzinfo is None:
        value = value.replace(tzinfo=LOCAL_TZ)
    return clock.ensure_aware(value)
