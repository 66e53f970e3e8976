"""Properties of the working calendar (app.sla.engine), over random office hours, weekdays, overrides and instants.

Deadlines decide who is overdue and who gets escalated, so the arithmetic must hold whatever an agency
configures: adding working time and measuring it agree to the second, deadlines never move backwards, and a
calendar with no working day fails clearly instead of looping (legal.md §6: working time of the agency).
"""

from datetime import UTC, date, datetime, time, timedelta, timezone

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from app.core.errors import ValidationError
from app.sla.engine import MAX_IDLE_DAYS, CalendarConfig, DayOverride, WorkingCalendar, WorkSession, to_local_naive
from tests.property.strategies import examples


@st.composite
def sessions(draw) -> tuple[WorkSession, ...]:
    """One to three non-overlapping buổi làm việc at minute precision, e.g. 07:30–11:30, 13:30–17:00."""
    count = draw(st.integers(1, 3))
    marks = sorted(draw(st.sets(st.integers(0, 24 * 60 - 1), min_size=2 * count, max_size=2 * count)))
    as_time = lambda minute: time(minute // 60, minute % 60)  # noqa: E731
    return tuple(WorkSession(as_time(marks[i]), as_time(marks[i + 1])) for i in range(0, len(marks), 2))


DAYS = st.dates(date(2024, 1, 1), date(2032, 12, 31))


@st.composite
def calendars(draw) -> WorkingCalendar:
    overrides = draw(st.dictionaries(DAYS, st.builds(DayOverride, st.booleans()), max_size=20))
    return WorkingCalendar(
        CalendarConfig(
            sessions=draw(sessions()),
            weekdays=frozenset(draw(st.sets(st.integers(1, 7), min_size=1))),
            overrides=overrides,
            public_holidays=draw(st.booleans()),
        )
    )


# Instants in any offset (Việt Nam keeps +07:00; a client may send UTC or another zone), to the microsecond.
ZONES = st.sampled_from(
    [UTC, timezone(timedelta(hours=7)), timezone(timedelta(hours=-5)), timezone(timedelta(hours=13))]
)
INSTANTS = st.builds(
    lambda naive, zone: naive.replace(tzinfo=UTC).astimezone(zone),
    st.datetimes(datetime(2025, 1, 1), datetime(2031, 12, 31)),
    ZONES,
)
MINUTES = st.integers(0, 60 * 24 * 20)  # up to 20 days' worth of working minutes


def _close(a: float, b: float) -> bool:
    return abs(a - b) < 1e-6


@examples(150)
@given(calendars(), INSTANTS, MINUTES)
def test_adding_working_time_and_measuring_it_agree(calendar, start, minutes):
    end = calendar.add_working_time(start, minutes)
    assert end.tzinfo is not None and end >= start
    assert _close(calendar.working_minutes_between(start, end), minutes)
    assert _close(calendar.working_minutes_between(end, start), -minutes)
    if minutes:
        # The deadline falls inside office hours: the last instant before it was working time.
        assert calendar.is_working_time(end - timedelta(microseconds=1))


@examples(100)
@given(calendars(), INSTANTS, st.integers(1, 5000), st.integers(1, 5000))
def test_working_time_adds_up_in_steps(calendar, start, a, b):
    # Escalating in two steps lands where one step of the sum does, even when the first ends at closing time.
    assert calendar.add_working_time(calendar.add_working_time(start, a), b) == calendar.add_working_time(start, a + b)


@examples(100)
@given(calendars(), INSTANTS, MINUTES, MINUTES)
def test_more_working_time_is_never_an_earlier_deadline(calendar, start, a, b):
    assume(a != b)
    low, high = sorted((a, b))
    assert calendar.add_working_time(start, low) < calendar.add_working_time(start, high)


@examples(100)
@given(calendars(), INSTANTS, MINUTES, ZONES)
def test_the_time_zone_of_the_input_does_not_change_the_deadline(calendar, start, minutes, zone):
    assert calendar.add_working_time(start.astimezone(zone), minutes) == calendar.add_working_time(start, minutes)


@examples(100)
@given(calendars(), INSTANTS, st.integers(1, 30))
def test_n_working_days_end_at_the_closing_time_of_a_later_working_day(calendar, start, n):
    deadline = calendar.end_of_working_day(start, n)
    day = to_local_naive(deadline).date()
    assert day > to_local_naive(start).date()
    assert calendar.is_working_day(day) and to_local_naive(deadline) == calendar.intervals(day)[-1][1]
    working_days_between = sum(
        calendar.is_working_day(to_local_naive(start).date() + timedelta(days=i))
        for i in range(1, (day - to_local_naive(start).date()).days + 1)
    )
    assert working_days_between == n
    assert calendar.due(start, f"P{n}D") == deadline
    if n > 1:
        assert calendar.end_of_working_day(start, n - 1) < deadline


@examples(100)
@given(calendars(), INSTANTS)
def test_the_next_morning_ends_on_the_next_working_day_by_noon_or_its_first_session(calendar, start):
    deadline = to_local_naive(calendar.end_of_next_morning(start))
    day = deadline.date()
    assert day > to_local_naive(start).date() and calendar.is_working_day(day)
    first_start, first_end = calendar.intervals(day)[0]
    assert first_start < deadline and (deadline.time() <= time(12, 0) or deadline == first_end)


@examples(100)
@given(calendars(), INSTANTS, INSTANTS)
def test_working_minutes_are_antisymmetric_and_bounded_by_wall_time(calendar, a, b):
    forward = calendar.working_minutes_between(a, b)
    assert _close(forward, -calendar.working_minutes_between(b, a))
    assert abs(forward) <= abs((b - a).total_seconds()) / 60 + 1e-6


@examples(30)
@given(sessions(), INSTANTS, st.integers(1, 10_000))
def test_a_calendar_without_any_working_day_fails_clearly_instead_of_looping(office_hours, start, minutes):
    # No working weekday and no holiday swaps: an administrator's mistake must not hang the scheduler's scan.
    calendar = WorkingCalendar(CalendarConfig(sessions=office_hours, weekdays=frozenset(), public_holidays=False))
    with pytest.raises(ValidationError) as refused:
        calendar.add_working_time(start, minutes)
    assert refused.value.code == "calendar_without_working_days"
    assert MAX_IDLE_DAYS >= 366  # a whole year of days off (e.g. a long override run) is still searched through
