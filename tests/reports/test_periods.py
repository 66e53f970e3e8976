"""Report periods: standard periods, and refusals of an empty, malformed, reversed or too long period."""

from datetime import date

import pytest

from app.core.errors import ValidationError
from app.reports.periods import MAX_PERIOD_DAYS, from_args, make_period, standard_period, this_month


@pytest.mark.parametrize(
    ("kind", "number", "first", "last"),
    [
        ("month", 2, date(2028, 2, 1), date(2028, 2, 29)),
        ("quarter", 4, date(2028, 10, 1), date(2028, 12, 31)),
        ("half", 1, date(2028, 1, 1), date(2028, 6, 30)),
        ("year", 1, date(2028, 1, 1), date(2028, 12, 31)),
    ],
)
def test_standard_periods(kind, number, first, last):
    period = standard_period(kind, 2028, number)
    assert (period.start, period.end) == (first, last)


def test_a_period_is_whole_local_days():
    period = make_period("2026-11-23", "23/11/2026")
    assert period.days == 1
    assert period.starts_at.isoformat() == "2026-11-22T17:00:00+00:00"  # local midnight, UTC+7
    assert period.ends_at.isoformat() == "2026-11-23T17:00:00+00:00"


@pytest.mark.parametrize(
    ("args", "code"),
    [
        ({"start": "", "end": "2026-11-30"}, "period_missing"),
        ({"start": "2026-11-01"}, "period_missing"),
        ({"start": "2026-13-01", "end": "2026-11-30"}, "period_invalid"),
        ({"start": "2026-11-30", "end": "2026-11-01"}, "period_reversed"),
        ({"start": "2020-01-01", "end": "2026-11-30"}, "period_too_long"),
        ({"kind": "week", "year": "2026"}, "period_invalid"),
        ({"kind": "quarter", "year": "2026", "number": "5"}, "period_invalid"),
    ],
)
def test_bad_periods_are_refused_with_a_stable_code_and_a_vietnamese_message(args, code):
    with pytest.raises(ValidationError) as refused:
        from_args(args)
    assert refused.value.code == code
    assert refused.value.message and refused.value.details


def test_the_longest_period_allowed_is_the_constant():
    first = date(2021, 1, 1)
    assert make_period(first, date.fromordinal(first.toordinal() + MAX_PERIOD_DAYS - 1)).days == MAX_PERIOD_DAYS
    with pytest.raises(ValidationError):
        make_period(first, date.fromordinal(first.toordinal() + MAX_PERIOD_DAYS))


def test_pages_default_to_this_month_but_the_api_never_guesses(frozen_clock):
    assert from_args({}) == this_month() == make_period("2026-11-01", "2026-11-23")
    with pytest.raises(ValidationError) as refused:
        from_args({}, default=False)
    assert refused.value.code == "period_missing"
