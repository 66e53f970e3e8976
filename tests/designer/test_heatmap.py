"""The bottleneck heatmap's figures per task, from the `human_task` history of tests/designer/heatmap_history."""

from datetime import date

from app.designer import heatmap, periods
from app.designer.periods import Period
from tests.designer.heatmap_history import history_fixture  # noqa: F401  (the `history` fixture)


def stats_of(office, period=None):
    period = period or periods.default_period()
    return {t.task_name: t for t in heatmap.task_stats(office.agency.id, "incoming", period)}


def test_default_period_is_the_last_90_days_to_today(design_office):
    assert periods.default_period() == Period(date(2026, 8, 26), date(2026, 11, 23))


def test_figures_per_task(history):
    stats = stats_of(history.office)
    check = stats["check_document"]
    # 30, 60, 90, 120, 120, 180, 210, 390: nearest rank ⌈0,5·8⌉ = 4th and ⌈0,9·8⌉ = 8th.
    assert (check.completed, check.median_minutes, check.p90_minutes) == (8, 120, 390)
    assert (check.late, check.open, check.open_overdue) == (3, 2, 1)
    assert check.overdue_rate == 44.4  # (3 late + 1 open past due) / (8 + 1)
    assert check.sla == "intake" and check.in_diagram
    register = stats["register_document"]
    assert (register.completed, register.median_minutes, register.p90_minutes, register.overdue_rate) == (2, 60, 810, 0)
    direct = stats["direct_handling"]
    assert (direct.completed, direct.median_minutes, direct.overdue_rate) == (0, None, None)
    assert not stats["old_step"].in_diagram and stats["old_step"].title == "Bước cũ"
    # Diagram order first, then the older version's step.
    assert list(stats)[:3] == ["check_document", "register_document", "direct_handling"]
    assert list(stats)[-1] == "old_step"


def test_the_period_bounds_are_local_days(history):
    only_16th = stats_of(history.office, Period(date(2026, 11, 16), date(2026, 11, 16)))
    assert only_16th["check_document"].completed == 3  # c1, c2, c10
    assert only_16th["check_document"].median_minutes == 60


def test_another_agency_sees_only_its_own(history):
    assert stats_of(history.office)["check_document"].completed == 8  # the other agency's two rows left out
    theirs = {t.task_name: t for t in heatmap.task_stats(history.other.id, "incoming", periods.default_period())}
    assert theirs["check_document"].completed == 2 and theirs["check_document"].late == 2
    assert theirs["register_document"].completed == 0


def test_colours_and_badges(history):
    tasks = heatmap.task_stats(history.office.agency.id, "incoming", periods.default_period())
    colours = heatmap.heat(tasks, "median")
    # Median 120 is the slowest (red), 60 half way (yellow); no figure, no colour.
    assert colours["check_document"]["colour"] == "hsl(0, 75%, 70%)"
    assert colours["register_document"]["colour"] == "hsl(60, 75%, 70%)"
    assert colours["direct_handling"]["colour"] is None
    overdue = heatmap.heat(tasks, "overdue")
    assert overdue["check_document"]["fraction"] == 0.888  # 44,4 % of the 50 % scale
    badge = {t["task_name"]: t for t in heatmap.for_diagram(tasks, colours)}["check_document"]["lines"]
    assert badge == ["8 việc · quá hạn 44,4%", "Trung vị 2 giờ làm việc", "90%: 6,5 giờ làm việc"]


def test_working_time_labels():
    assert heatmap.working_time_label(45) == "45 phút làm việc"
    assert heatmap.working_time_label(210) == "3,5 giờ làm việc"
    assert heatmap.working_time_label(840) == "14 giờ làm việc"
    assert heatmap.working_time_label(945) == "2,1 ngày làm việc"
    assert heatmap.working_time_label(None) == "—"


def test_slowest_cases(history):
    cases = heatmap.slowest(history.office.agency.id, "incoming", "check_document", periods.default_period())
    assert [c.working_minutes for c in cases] == [390, 210, 180, 120, 120, 90, 60, 30]
    first = cases[0]
    assert first.object_title == "Tờ trình chậm nhất" and first.completed_by == "Nguyễn Thị Thu Hà"
    assert first.late_minutes == 270  # Thu 11:00–11:30, 13:30–17:00, Mon 07:30–08:00 (Friday off)
    assert cases[1].late_minutes is None  # the urgent one, in time
    assert cases[2].late_minutes == 60  # due 14:00, completed 15:00
    assert (
        len(heatmap.slowest(history.office.agency.id, "incoming", "check_document", periods.default_period(), 3)) == 3
    )
