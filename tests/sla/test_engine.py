"""The pure calendar core, with the default office hours 07:30–11:30, 13:30–17:00, Monday–Friday.

Dates checked against the `holidays` package (0.109) for VN; the first test pins the ones relied on here.
"""

from datetime import UTC, date, time, timedelta

import pytest

from app.core.clock import to_local
from app.core.errors import ValidationError
from app.sla.engine import CalendarConfig, DayOverride, Season, WorkingCalendar, WorkSession, public_holidays
from tests.sla.conftest import local

CAL = WorkingCalendar()


def due(start, spec, cal=CAL):
    return to_local(cal.due(start, spec))


def test_holidays_package_gives_the_dates_these_tests_rely_on():
    names, _ = public_holidays(2027)
    # Tết Đinh Mùi 2027: 29 Tết (Thu 4/2) … mùng 5 (Wed 10/2); the weekend days are given back around it.
    assert sorted(d for d in names if d.month == 2) == [date(2027, 2, d) for d in range(4, 11)]
    assert names[date(2027, 4, 16)] == "Ngày Giỗ Tổ Hùng Vương"  # 10/3 âm lịch
    assert {date(2027, 9, 2), date(2027, 9, 3)} <= set(names)  # Quốc khánh + one adjacent day
    names_2026, worked_2026 = public_holidays(2026)
    assert date(2026, 4, 27) in names_2026  # Giỗ Tổ on Sunday 26/4 → nghỉ bù Monday (BLLĐ 2019 Điều 111.3)
    assert date(2026, 8, 31) in names_2026 and date(2026, 8, 22) in worked_2026  # the Government's swap
    assert names_2026[date(2026, 11, 24)] == "Ngày Văn hóa Việt Nam"


# --- working time -------------------------------------------------------------------------------------


def test_working_time_inside_a_morning():
    assert due(local(2026, 11, 23, 9, 0), "PT2H") == local(2026, 11, 23, 11, 0)


def test_lunch_break_does_not_count():
    assert due(local(2026, 11, 23, 10, 30), "PT2H") == local(2026, 11, 23, 14, 30)


def test_one_hour_from_sixteen_ends_at_closing_the_same_day():
    assert due(local(2026, 11, 23, 16, 0), "PT1H") == local(2026, 11, 23, 17, 0)


def test_after_closing_time_continues_next_working_morning():
    assert due(local(2026, 11, 19, 16, 30), "PT1H") == local(2026, 11, 20, 8, 0)


def test_start_before_opening_counts_from_opening():
    assert due(local(2026, 11, 23, 6, 0), "PT1H") == local(2026, 11, 23, 8, 30)


def test_start_at_lunch_counts_from_afternoon_session():
    assert due(local(2026, 11, 23, 12, 0), "PT30M") == local(2026, 11, 23, 14, 0)


def test_weekend_does_not_count():
    assert due(local(2026, 11, 20, 16, 30), "PT1H") == local(2026, 11, 23, 8, 0)  # Friday → Monday
    assert due(local(2026, 11, 21, 10, 0), "PT2H") == local(2026, 11, 23, 9, 30)  # Saturday start


def test_many_hours_span_days():
    # Monday 09:00: 2.5 h + 3.5 h left on Monday; Tuesday 24/11/2026 is a holiday; Wednesday 07:30 + 1 h.
    assert due(local(2026, 11, 23, 9, 0), "PT7H") == local(2026, 11, 25, 8, 30)


def test_result_is_utc_and_always_plus_seven_in_viet_nam():
    result = CAL.due(local(2027, 7, 5, 8, 0), "PT1H")
    assert result.tzinfo is UTC and result == local(2027, 7, 5, 9, 0)
    for month in (1, 7):  # no daylight saving: the same offset in winter and in summer
        shown = to_local(CAL.due(local(2027, month, 5, 8, 0), "PT1H"))
        assert shown.utcoffset() == timedelta(hours=7) and shown.isoformat().endswith("+07:00")


def test_naive_start_is_refused():
    with pytest.raises(ValueError, match="naive"):
        CAL.due(local(2026, 11, 23, 8, 0).replace(tzinfo=None), "PT1H")


# --- working days and rules ---------------------------------------------------------------------------


def test_working_days_end_at_closing_time_and_skip_the_weekend():
    assert due(local(2026, 11, 20, 10, 0), "P1D") == local(2026, 11, 23, 17, 0)  # Friday → Monday
    assert due(local(2026, 11, 26, 10, 0), "P2D") == local(2026, 11, 30, 17, 0)


def test_working_days_skip_30_april_and_1_may():
    # Tuesday 28/4/2026 + 3: Wed 29/4, (Thu 30/4, Fri 1/5, weekend), Mon 4/5, Tue 5/5.
    assert due(local(2026, 4, 28, 10, 0), "P3D") == local(2026, 5, 5, 17, 0)
    assert due(local(2026, 4, 29, 16, 0), "PT2H") == local(2026, 5, 4, 8, 30)


def test_lunar_tet_is_skipped():
    assert due(local(2027, 2, 3, 10, 0), "P1D") == local(2027, 2, 11, 17, 0)
    assert due(local(2027, 2, 3, 10, 0), "next-working-day") == local(2027, 2, 11, 17, 0)
    # 5 h left on Wednesday 3/2, then Tết until Wednesday 10/2; 3 h on Thursday 11/2.
    assert due(local(2027, 2, 3, 10, 0), "PT8H") == local(2027, 2, 11, 10, 30)


def test_gio_to_hung_vuong_and_its_day_in_lieu_are_skipped():
    assert due(local(2027, 4, 15, 10, 0), "P1D") == local(2027, 4, 19, 17, 0)  # Friday 16/4/2027
    assert due(local(2026, 4, 24, 10, 0), "P1D") == local(2026, 4, 28, 17, 0)  # Sunday 26/4 → Monday 27/4 off


def test_quoc_khanh_and_the_government_swap_of_2026():
    assert due(local(2026, 8, 28, 10, 0), "P1D") == local(2026, 9, 3, 17, 0)  # Mon 31/8, 1/9, 2/9 off
    assert CAL.is_working_day(date(2026, 8, 22))  # the Saturday worked in exchange
    assert due(local(2026, 8, 21, 10, 0), "P1D") == local(2026, 8, 22, 17, 0)
    assert due(local(2027, 9, 1, 10, 0), "P1D") == local(2027, 9, 6, 17, 0)  # Thu 2/9, Fri 3/9/2027 off


def test_next_working_day_ends_at_closing_of_the_following_working_day():
    # NĐ 30/2020 Điều 23.1: "trong ngày, chậm nhất là trong ngày làm việc tiếp theo".
    assert due(local(2026, 11, 19, 8, 0), "next-working-day") == local(2026, 11, 20, 17, 0)
    assert due(local(2026, 11, 21, 10, 0), "next-working-day") == local(2026, 11, 23, 17, 0)  # from a Saturday


def test_next_morning_ends_with_the_morning_session_of_the_next_working_day():
    # QĐ 278/QĐ-UBND Kiên Giang Điều 3.3: "chậm nhất là trong buổi sáng ngày làm việc kế tiếp".
    assert due(local(2026, 11, 19, 16, 0), "next-morning") == local(2026, 11, 20, 11, 30)
    assert due(local(2026, 11, 20, 9, 0), "next-morning") == local(2026, 11, 23, 11, 30)


def test_next_morning_of_a_continuous_timetable_ends_at_noon():
    cal = WorkingCalendar(CalendarConfig(sessions=(WorkSession(time(7, 0), time(16, 0)),)))
    assert due(local(2026, 11, 19, 9, 0), "next-morning", cal) == local(2026, 11, 20, 12, 0)


# --- seasons and overrides ----------------------------------------------------------------------------

SUMMER = Season(
    "Giờ mùa hè", (4, 16), (10, 15), (WorkSession(time(7, 0), time(11, 30)), WorkSession(time(13, 30), time(17, 0)))
)
WINTER = Season(
    "Giờ mùa đông", (10, 16), (4, 15), (WorkSession(time(7, 30), time(12, 0)), WorkSession(time(13, 30), time(17, 0)))
)


def test_seasonal_hours_apply_inside_their_dates_only():
    cal = WorkingCalendar(CalendarConfig(seasons=(SUMMER,)))
    assert due(local(2026, 7, 6, 6, 0), "PT1H", cal) == local(2026, 7, 6, 8, 0)  # summer opens at 07:00
    assert due(local(2026, 4, 16, 6, 0), "PT1H", cal) == local(2026, 4, 16, 8, 0)  # first day of summer
    assert due(local(2026, 10, 16, 6, 0), "PT1H", cal) == local(2026, 10, 16, 8, 30)  # back to 07:30


def test_a_season_may_wrap_over_the_new_year():
    cal = WorkingCalendar(CalendarConfig(seasons=(SUMMER, WINTER)))
    assert due(local(2027, 1, 6, 9, 0), "next-morning", cal) == local(2027, 1, 7, 12, 0)  # winter morning to 12:00
    assert due(local(2026, 12, 30, 9, 0), "next-morning", cal) == local(2026, 12, 31, 12, 0)
    assert due(local(2026, 6, 3, 9, 0), "next-morning", cal) == local(2026, 6, 4, 11, 30)


def test_override_day_off_and_make_up_saturday():
    cal = WorkingCalendar(
        CalendarConfig(
            overrides={
                date(2026, 12, 14): DayOverride(False, "Nghỉ hoán đổi"),
                date(2026, 12, 19): DayOverride(True, "Làm bù thứ Bảy"),
            }
        )
    )
    assert due(local(2026, 12, 11, 10, 0), "P1D", cal) == local(2026, 12, 15, 17, 0)  # Monday 14/12 off
    assert due(local(2026, 12, 18, 10, 0), "P1D", cal) == local(2026, 12, 19, 17, 0)  # Saturday 19/12 worked
    assert due(local(2026, 12, 18, 16, 30), "PT1H", cal) == local(2026, 12, 19, 8, 0)
    assert due(local(2026, 12, 11, 10, 0), "P1D") == local(2026, 12, 14, 17, 0)  # not in the plain calendar


def test_override_can_make_a_public_holiday_a_working_day():
    cal = WorkingCalendar(CalendarConfig(overrides={date(2026, 11, 24): DayOverride(True, "Trực")}))
    assert due(local(2026, 11, 23, 10, 0), "P1D", cal) == local(2026, 11, 24, 17, 0)


def test_a_calendar_without_working_days_is_refused_not_looped_forever():
    cal = WorkingCalendar(CalendarConfig(weekdays=frozenset()))
    with pytest.raises(ValidationError) as caught:
        cal.due(local(2026, 11, 23, 8, 0), "PT1H")
    assert caught.value.code == "calendar_without_working_days"


# --- instants and durations ---------------------------------------------------------------------------


def test_is_working_time_excludes_lunch_closing_and_holidays():
    assert CAL.is_working_time(local(2026, 11, 23, 7, 30))
    assert not CAL.is_working_time(local(2026, 11, 23, 11, 45))
    assert not CAL.is_working_time(local(2026, 11, 23, 17, 0))
    assert not CAL.is_working_time(local(2026, 11, 24, 9, 0))  # Ngày Văn hóa Việt Nam


def test_working_minutes_between_counts_office_hours_only():
    assert CAL.working_minutes_between(local(2026, 11, 23, 7, 0), local(2026, 11, 23, 12, 0)) == 240
    assert CAL.working_minutes_between(local(2026, 11, 23, 11, 0), local(2026, 11, 23, 14, 0)) == 60
    # Friday 16:00 → Monday 08:00: one hour on Friday, half an hour on Monday.
    assert CAL.working_minutes_between(local(2026, 11, 20, 16, 0), local(2026, 11, 23, 8, 0)) == 90
    assert CAL.working_minutes_between(local(2026, 11, 23, 8, 0), local(2026, 11, 20, 16, 0)) == -90


def test_special_days_list_holidays_swaps_and_overrides():
    cal = WorkingCalendar(CalendarConfig(overrides={date(2026, 12, 19): DayOverride(True, "Làm bù", "agency")}))
    days = {d.day: d for d in cal.special_days(2026)}
    assert not days[date(2026, 2, 17)].is_working and days[date(2026, 2, 17)].source == "holiday"
    assert days[date(2026, 8, 22)].is_working
    assert days[date(2026, 12, 19)].is_working and days[date(2026, 12, 19)].source == "agency"
    assert date(2026, 12, 20) not in days  # an ordinary Sunday is not listed
