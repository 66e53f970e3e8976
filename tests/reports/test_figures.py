"""The reports' figures against the hand-built month (tests/reports/conftest.py): on time and late in working hours
across a weekend and a day off, percentiles, scopes, filters."""

from datetime import date

import pytest

from app.core.db import db
from app.core.errors import NotFound, PermissionDenied
from app.reports import services
from app.reports.handling import COLUMNS
from app.reports.periods import make_period
from app.reports.queries import AGENCY_LEVEL
from app.workflow.models import NO_DEADLINE
from tests.reports.conftest import PERIOD

NOVEMBER = make_period(PERIOD["start"], PERIOD["end"])


def test_dashboard_counts_work_open_due_today_overdue_and_completed_on_time_or_late(month):
    data = services.dashboard(month.office.leader, NOVEMBER)
    assert data["summary"] == {
        "open": 3,  # t4, t5, t6
        "overdue": 1,  # t4: due on the day off
        "due_today": 1,  # t5: due 16:00 today
        "completed": 3,  # t1, t2, t3 (t7 completed in October)
        "completed_on_time": 2,  # t1 finished Monday 08:00 before its 08:30 deadline, 4 calendar days after it began
        "completed_late": 1,  # t2
        "on_time_rate": 66.7,
        "avg_minutes": 240.0,  # (90 + 510 + 120) / 3 working minutes
        "p90_minutes": 510.0,  # nearest rank: the 3rd of 3
    }


def test_handling_time_is_stored_in_working_minutes_across_the_weekend_and_the_day_off(month):
    t = month.tasks
    # Thursday 16:00 → Monday 08:00 is 88 hours on the clock, 90 minutes of office time (Friday was given off).
    assert (t.t1.working_minutes, t.t2.working_minutes, t.t3.working_minutes) == (90, 510, 120)


def test_dashboard_by_unit_and_by_person(month):
    office = month.office
    data = services.dashboard(office.leader, NOVEMBER)
    units = {r["name"]: r for r in data["by_unit"]}
    assert units["Phòng Tổng hợp"] == {
        "unit_id": office.unit_a.id,
        "name": "Phòng Tổng hợp",
        "open": 1,
        "overdue": 0,
        "completed_on_time": 2,
        "completed_late": 1,
        "avg_minutes": 240.0,
    }
    assert (units["Phòng Kinh tế"]["open"], units["Phòng Kinh tế"]["overdue"]) == (1, 1)
    assert units[AGENCY_LEVEL]["open"] == 1  # the leader's own task, no unit
    people = {r["name"]: r for r in data["by_person"]}
    assert (people["Võ Quốc Bảo"]["completed_on_time"], people["Võ Quốc Bảo"]["completed_late"]) == (1, 1)
    assert people["Võ Quốc Bảo"]["avg_minutes"] == 300.0  # (90 + 510) / 2
    assert people["Lý Thị Mỹ Duyên"]["overdue"] == 1
    assert people["Chưa có người nhận"]["open"] == 1  # t5 waits in unit A's queue
    assert data["by_person"][0]["name"] == "Lý Thị Mỹ Duyên"  # most overdue first


def test_work_given_to_a_person_by_name_counts_for_that_persons_unit(month):
    # The leader named Võ Quốc Bảo (Phòng Tổng hợp) lead: his step has no unit of its own. It is Phòng Tổng hợp's
    # work in the table by unit, as in the dashboard filtered on Phòng Tổng hợp — never the agency level's.
    office, b = month.office, month.tasks.t1
    named = b.__class__(
        instance_id=b.instance_id,
        spiff_task_id="named",
        task_name="handle",
        title="Giải quyết văn bản",
        process_id=b.process_id,
        object_type=b.object_type,
        object_id=b.object_id,
        object_title=b.object_title,
        agency_id=b.agency_id,
        assignee_id=b.assignee_id,
        state="claimed",
        created_at=b.created_at,
        due_sort=NO_DEADLINE,
    )
    db.session.add(named)
    db.session.flush()
    units = {r["name"]: r["open"] for r in services.dashboard(office.leader, NOVEMBER)["by_unit"]}
    assert (
        units["Phòng Tổng hợp"] == 2 and units["Cấp cơ quan (lãnh đạo, việc chưa có người nhận)"] == 1
    )  # only the leader's own
    filtered = services.dashboard(office.leader, NOVEMBER, unit_id=office.unit_a.id)
    assert [(r["name"], r["open"]) for r in filtered["by_unit"]] == [("Phòng Tổng hợp", 2)]


def test_weekly_trend_counts_received_and_completed_per_week(month):
    trend = services.dashboard(month.office.leader, NOVEMBER)["trend"]
    assert [w["week"] for w in trend] == [
        date(2026, 10, 26),
        date(2026, 11, 2),
        date(2026, 11, 9),
        date(2026, 11, 16),
        date(2026, 11, 23),
        date(2026, 11, 30),
    ]
    week_16, week_23 = trend[3], trend[4]
    assert week_16 == {"week": date(2026, 11, 16), "received": 5, "on_time": 1, "late": 1}
    assert week_23 == {"week": date(2026, 11, 23), "received": 1, "on_time": 1, "late": 0}


def test_overdue_list_says_how_late_in_working_time_with_direction_and_assignee(month):
    [item] = services.dashboard(month.office.leader, NOVEMBER)["overdue"]
    assert item["task_id"] == month.tasks.t4.id
    assert item["late_minutes"] == 90  # Friday 17:00 → Monday 09:00: only Monday 07:30–09:00 counts
    assert item["direction"] == "Phòng Kinh tế chủ trì, báo cáo trước ngày 20/11."
    assert item["assignee"] == "Lý Thị Mỹ Duyên"
    assert (item["object_type"], item["object_id"]) == ("incoming", str(month.d4.id))


@pytest.mark.parametrize(
    ("filters", "expected"),
    [
        ({"urgency": "urgent"}, (1, 1, 0)),  # t4 only
        ({"process_id": "outgoing"}, (1, 0, 0)),  # t6 only
        ({"type_name": "Quyết định"}, (1, 1, 0)),  # d4's task
        ({"process_id": "dossier"}, (0, 0, 0)),  # a process with no work yet
    ],
)
def test_dashboard_filters(month, filters, expected):
    summary = services.dashboard(month.office.leader, NOVEMBER, **filters)["summary"]
    assert (summary["open"], summary["overdue"], summary["completed"]) == expected


def test_a_unit_leader_sees_only_their_unit(month):
    office = month.office
    data = services.dashboard(office.unit_leader, NOVEMBER)
    assert data["scope"].unit_id == office.unit_a.id
    assert (data["summary"]["open"], data["summary"]["completed"], data["summary"]["overdue"]) == (1, 3, 0)
    assert {r["name"] for r in data["by_unit"]} == {"Phòng Tổng hợp"}
    with pytest.raises(PermissionDenied) as refused:
        services.dashboard(office.unit_leader, NOVEMBER, unit_id=office.unit_b.id)
    assert refused.value.code == "other_unit"


def test_another_agency_sees_nothing_of_this_one(month):
    data = services.dashboard(month.other_leader, NOVEMBER)
    assert data["summary"]["open"] == data["summary"]["completed"] == 0 and data["overdue"] == []
    with pytest.raises(NotFound):
        services.dashboard(month.other_leader, NOVEMBER, unit_id=month.office.unit_a.id)
    with pytest.raises(NotFound):
        services.exchange_report(month.other_leader, NOVEMBER, agency_id=month.office.agency.id)


def test_specialists_have_no_reports(month):
    with pytest.raises(PermissionDenied):
        services.dashboard(month.office.spec_a1, NOVEMBER)
    with pytest.raises(PermissionDenied):
        services.exchange_report(month.office.spec_a1, NOVEMBER)


def test_incoming_handling_report_per_lead_unit(month):
    report = services.handling_report(month.office.leader, "incoming", NOVEMBER)
    rows = [(r["name"], *(r[c] for c in COLUMNS)) for r in report["rows"]]
    assert rows == [
        ("Phòng Kinh tế", 1, 0, 0, 0, 0, 1),  # d4: deadline 20/11 passed
        ("Phòng Tổng hợp", 3, 1, 1, 1, 0, 0),  # d1 on its deadline's day; d2 at 00:30 the day after (UTC: same day)
        ("Chưa giao đơn vị", 1, 0, 0, 0, 1, 0),  # registered, not yet directed: no deadline yet, not "in time"
    ]
    assert report["total"] == dict(zip(COLUMNS, (5, 1, 1, 1, 1, 1), strict=True))


def test_outgoing_handling_report_per_drafting_unit(month):
    report = services.handling_report(month.office.leader, "outgoing", NOVEMBER)
    rows = [(r["name"], *(r[c] for c in COLUMNS)) for r in report["rows"]]
    assert rows == [
        ("Phòng Kinh tế", 1, 0, 0, 0, 0, 1),
        ("Phòng Tổng hợp", 4, 3, 0, 0, 1, 0),
    ]  # the cancelled draft: out


def test_unit_leader_handling_report_is_their_unit(month):
    report = services.handling_report(month.office.unit_leader, "incoming", NOVEMBER)
    assert [r["name"] for r in report["rows"]] == ["Phòng Tổng hợp"]


def test_exchange_statistics_of_the_agency(month):
    office = month.office
    report = services.exchange_report(office.leader, NOVEMBER, agency_id=office.agency.id)
    [row] = report["rows"]
    assert {
        k: row[k]
        for k in (
            "sent_documents",
            "sent_deliveries",
            "sent_signed",
            "received",
            "received_signed",
            "refused_by_recipients",
            "returned_to_senders",
            "acknowledged",
            "unacknowledged",
            "avg_ack_minutes",
        )
    } == {
        "sent_documents": 3,
        "sent_deliveries": 5,
        "sent_signed": 1,
        "received": 3,
        "received_signed": 1,
        "refused_by_recipients": 1,
        "returned_to_senders": 1,
        "acknowledged": 2,
        "unacknowledged": 1,
        "avg_ack_minutes": 60.0,
    }
    assert row["reasons"] == [
        {"direction": "refused", "reason": "Sai nơi nhận", "count": 1},
        {"direction": "returned", "reason": "Không đúng thẩm quyền", "count": 1},
    ]
    # Dispatched Monday 16/11: 3 working days ended Thursday 19/11. The one sent on the day off (20/11) counts
    # from Monday 23/11, and Tuesday 24/11 is a public holiday: it is not late yet.
    [silent] = report["unacknowledged"]
    assert (silent["symbol"], silent["recipient"]) == ("11/UBND-TH", "Sở Tài chính")


def test_province_view_for_administrators_covers_the_agencies_they_manage(month):
    office = month.office
    report = services.exchange_report(office.admin, NOVEMBER)
    assert [r["name"] for r in report["rows"]] == ["Sở Tài chính", office.agency.name]  # not Sở Y tế
    assert report["total"]["sent_deliveries"] == 5 and report["total"]["avg_ack_minutes"] == 60.0
    with pytest.raises(NotFound):
        services.exchange_report(office.admin, NOVEMBER, agency_id=month.third.id)
