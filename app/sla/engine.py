"""The pure working-calendar core: no database, no Flask, so it can be cached and called on hot paths.

Times are computed on Asia/Ho_Chi_Minh wall-clock times. Việt Nam has kept +07:00 without daylight saving
since 1975, so wall-clock arithmetic is exact; instants come in and go out timezone-aware (UTC out).

A day is a working day when, in this order of precedence:
1. an administrator's override for that date says so (agency override over deployment-default override);
2. otherwise it is not a public holiday of the `holidays` package (VN), which includes the lunar Tết days,
   Giỗ Tổ Hùng Vương, the days given in lieu when a holiday falls on a weekend (BLLĐ 2019 Điều 111.3) and the
   Government's announced swaps it knows of; a weekend day the package lists as worked in a swap
   (`weekend_workdays`, e.g. Saturday 22/08/2026) is a working day;
3. otherwise its weekday is one of the calendar's working weekdays (QĐ 188/1999/QĐ-TTg: Monday–Friday).

What `holidays` (0.109) returns for VN, checked: Tết as 5 days (giao thừa … mùng 4) with the weekend days
inside it given back before/after (2027: 29 Tết Thu 4/2 … mùng 5 Wed 10/2); Giỗ Tổ (10/3 âm lịch) with a
day in lieu when on a weekend (Mon 27/4/2026); 30/4, 1/5 (in lieu: Mon 3/5/2027); Quốc khánh 2/9 + one
adjacent day; the announced swaps it knows (2/5/2025 for Sat 26/4/2025, 31/8/2026 for Sat 22/8/2026); and
from 2026 "Ngày Văn hóa Việt Nam" 24/11 (Nghị quyết 80-NQ/TW; legal.md §6.2 could not confirm it). Swaps
announced after the package release, and any date it gets wrong, are entered as overrides by administrators.
"""

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from functools import lru_cache

import holidays

from app.core.clock import LOCAL_TZ
from app.core.errors import ValidationError
from app.sla.spec import SlaSpec, SpecKind, parse_spec

Interval = tuple[datetime, datetime]  # naive local wall-clock times, start < end

NOON = time(12, 0)
# A calendar with no working day in this many consecutive days is broken; stop instead of looping forever.
MAX_IDLE_DAYS = 400


@dataclass(frozen=True)
class WorkSession:
    """One buổi làm việc, e.g. 07:30–11:30."""

    start: time
    end: time


@dataclass(frozen=True)
class Season:
    """Office hours for a range of month/day that recurs every year, e.g. summer 16/04–15/10.

    A range whose end comes before its start wraps over the new year (winter 16/10–15/04).
    """

    name: str
    start: tuple[int, int]  # (month, day)
    end: tuple[int, int]
    sessions: tuple[WorkSession, ...]

    def contains(self, day: date) -> bool:
        key = (day.month, day.day)
        if self.start <= self.end:
            return self.start <= key <= self.end
        return key >= self.start or key <= self.end


@dataclass(frozen=True)
class DayOverride:
    """An administrator's decision for one date: a day off or a working day, and its basis."""

    is_working: bool
    note: str = ""
    source: str = "default"  # "default" (deployment default calendar) or "agency"


# Office hours common in provincial regulations (legal.md §6.1); every agency can change them.
DEFAULT_SESSIONS = (WorkSession(time(7, 30), time(11, 30)), WorkSession(time(13, 30), time(17, 0)))
DEFAULT_WEEKDAYS = frozenset({1, 2, 3, 4, 5})  # ISO weekday numbers; QĐ 188/1999/QĐ-TTg: Saturday, Sunday off


@dataclass(frozen=True)
class CalendarConfig:
    """Everything a WorkingCalendar needs, read from the database once and then cached."""

    sessions: tuple[WorkSession, ...] = DEFAULT_SESSIONS
    weekdays: frozenset[int] = DEFAULT_WEEKDAYS
    seasons: tuple[Season, ...] = ()
    overrides: Mapping[date, DayOverride] = field(default_factory=dict)
    public_holidays: bool = True


@dataclass(frozen=True)
class SpecialDay:
    """A date that differs from the weekly rhythm (for listings): a holiday, a swap, an override."""

    day: date
    is_working: bool
    label: str
    source: str  # "holiday" (the holidays package), "default" or "agency" (overrides)


@lru_cache(maxsize=128)
def public_holidays(year: int) -> tuple[dict[date, str], frozenset[date]]:
    """Vietnamese public holidays of `year` (name in Vietnamese) and the weekend days worked in swaps.

    The package is asked for the following year as well because a swap for a holiday early in the year can
    fall on a Saturday of December (27/12/2014 was worked for Friday 02/01/2015).
    """
    source = holidays.country_holidays("VN", years=(year, year + 1), language="vi")
    names = {day: name for day, name in source.items() if day.year == year}
    worked = frozenset(day for day in source.weekend_workdays if day.year == year)
    return names, worked


def to_local_naive(instant: datetime) -> datetime:
    if instant.tzinfo is None or instant.utcoffset() is None:
        raise ValueError(f"naive datetime {instant!r}: give a timezone")
    return instant.astimezone(LOCAL_TZ).replace(tzinfo=None)


def to_utc(local: datetime) -> datetime:
    return local.replace(tzinfo=LOCAL_TZ).astimezone(UTC)


class WorkingCalendar:
    """Working days and hours of one agency (or the deployment default), and deadlines computed on them.

    Instances are immutable in behaviour (the config is frozen); the per-day table is memoized, so one
    instance should be kept and reused (app.sla.calendar caches one per agency).
    """

    def __init__(self, config: CalendarConfig | None = None) -> None:
        self.config = config or CalendarConfig()
        self._days: dict[date, tuple[Interval, ...]] = {}

    # --- days ---------------------------------------------------------------------------------------

    def day_status(self, day: date) -> tuple[bool, str]:
        """Whether `day` is a working day, and why (a Vietnamese label; empty for an ordinary day)."""
        override = self.config.overrides.get(day)
        if override is not None:
            return override.is_working, override.note or ("Ngày làm việc bù" if override.is_working else "Ngày nghỉ")
        if self.config.public_holidays:
            names, worked = public_holidays(day.year)
            if day in names:
                return False, names[day]
            if day in worked:
                return True, "Ngày làm việc bù (hoán đổi ngày nghỉ lễ)"
        return day.isoweekday() in self.config.weekdays, ""

    def is_working_day(self, day: date) -> bool:
        return bool(self.intervals(day))

    def next_working_day(self, day: date) -> date:
        """`day` when it is a working day, else the first working day after it."""
        return day if self.is_working_day(day) else next(self._working_days_after(day))[0]

    def working_day_after(self, day: date) -> date:
        """The first working day after `day` (whatever `day` is)."""
        return next(self._working_days_after(day))[0]

    def sessions_on(self, day: date) -> tuple[WorkSession, ...]:
        """The office hours in force on `day` (its season's, else the calendar's), working day or not."""
        for season in self.config.seasons:
            if season.contains(day):
                return season.sessions
        return self.config.sessions

    def intervals(self, day: date) -> tuple[Interval, ...]:
        """The working intervals of `day` as naive local datetimes; empty on a day off."""
        cached = self._days.get(day)
        if cached is None:
            if self.day_status(day)[0]:
                cached = tuple(
                    (datetime.combine(day, s.start), datetime.combine(day, s.end)) for s in self.sessions_on(day)
                )
            else:
                cached = ()
            self._days[day] = cached
        return cached

    def special_days(self, year: int) -> list[SpecialDay]:
        """Holidays, swaps and overrides of `year`, in date order (ordinary weekends are not listed)."""
        names, worked = public_holidays(year) if self.config.public_holidays else ({}, frozenset())
        found: dict[date, SpecialDay] = {}
        for day, name in names.items():
            found[day] = SpecialDay(day, False, name, "holiday")
        for day in worked:
            found[day] = SpecialDay(day, True, "Ngày làm việc bù (hoán đổi ngày nghỉ lễ)", "holiday")
        for day, override in self.config.overrides.items():
            if day.year == year:
                working, label = self.day_status(day)
                found[day] = SpecialDay(day, working, label, override.source)
        return [found[day] for day in sorted(found)]

    def _working_days_after(self, day: date):
        """Yield the working days after `day`, in order, each with its intervals."""
        idle = 0
        while True:
            day += timedelta(days=1)
            intervals = self.intervals(day)
            if intervals:
                idle = 0
                yield day, intervals
            else:
                idle += 1
                if idle > MAX_IDLE_DAYS:
                    raise ValidationError(
                        f"Lịch làm việc không có ngày làm việc nào trong {MAX_IDLE_DAYS} ngày liên tiếp.",
                        code="calendar_without_working_days",
                    )

    # --- instants -----------------------------------------------------------------------------------

    def is_working_time(self, instant: datetime) -> bool:
        local = to_local_naive(instant)
        return any(start <= local < end for start, end in self.intervals(local.date()))

    def add_working_time(self, start: datetime, minutes: int) -> datetime:
        """The earliest instant by which `minutes` of working time have passed since `start` (UTC out).

        A start outside office hours counts from the next opening; ending exactly at closing time stays on
        that day (16:00 + 1 h = 17:00, not the next morning).
        """
        cursor = to_local_naive(start)
        remaining = timedelta(minutes=minutes)
        for start_at, end_at in self.intervals(cursor.date()):
            if end_at > cursor:
                begin = max(start_at, cursor)
                if remaining <= end_at - begin:
                    return to_utc(begin + remaining)
                remaining -= end_at - begin
        for _day, intervals in self._working_days_after(cursor.date()):
            for start_at, end_at in intervals:
                if remaining <= end_at - start_at:
                    return to_utc(start_at + remaining)
                remaining -= end_at - start_at
        raise AssertionError("unreachable: _working_days_after never ends")

    def end_of_working_day(self, start: datetime, n: int = 1) -> datetime:
        """Closing time of the n-th working day after the start's (local) date."""
        for count, (_day, intervals) in enumerate(self._working_days_after(to_local_naive(start).date()), 1):
            if count == n:
                return to_utc(intervals[-1][1])
        raise AssertionError("unreachable")

    def end_of_next_morning(self, start: datetime) -> datetime:
        """End of the morning session of the next working day after the start's date.

        The morning is the last session that begins before noon, cut at noon if it runs through lunch (a
        continuous timetable); a day that only works afternoons ends its "morning" with its first session.
        """
        _day, intervals = next(self._working_days_after(to_local_naive(start).date()))
        morning = [(s, e) for s, e in intervals if s.time() < NOON]
        if not morning:
            return to_utc(intervals[0][1])
        start_at, end_at = morning[-1]
        return to_utc(min(end_at, datetime.combine(start_at.date(), NOON)))

    def due(self, start: datetime, spec: "str | SlaSpec") -> datetime:
        """The deadline of `spec` counted from `start`, as an aware UTC datetime."""
        parsed = parse_spec(spec)
        if parsed.kind is SpecKind.WORKING_TIME:
            return self.add_working_time(start, parsed.minutes)
        if parsed.kind is SpecKind.WORKING_DAYS:
            return self.end_of_working_day(start, parsed.days)
        if parsed.kind is SpecKind.NEXT_WORKING_DAY:
            return self.end_of_working_day(start, 1)
        return self.end_of_next_morning(start)

    def working_minutes_between(self, a: datetime, b: datetime) -> float:
        """Working minutes from `a` to `b` (negative when b is before a), e.g. how late an overdue task is."""
        if b < a:
            return -self.working_minutes_between(b, a)
        start, end = to_local_naive(a), to_local_naive(b)
        total = timedelta()
        day = start.date()
        while day <= end.date():
            for start_at, end_at in self.intervals(day):
                overlap = min(end_at, end) - max(start_at, start)
                if overlap > timedelta():
                    total += overlap
            day += timedelta(days=1)
        return total.total_seconds() / 60
