from datetime import date

import pytest
import sqlalchemy as sa

from app.audit.models import AuditEvent
from app.core.db import db
from app.core.errors import PermissionDenied, ValidationError
from app.sla import queries, services
from app.sla.models import CalendarOverride

HOURS = [{"start": "07:30", "end": "11:30"}, {"start": "13:30", "end": "17:00"}]


def events(action):
    return list(db.session.scalars(sa.select(AuditEvent).where(AuditEvent.action == action)))


def test_top_level_admin_edits_default_and_the_change_is_audited(admin):
    version = queries.find_calendar(None).version
    row = services.update_hours(admin, None, sessions=[{"start": "7:00", "end": "11:30"}, ["13:30", "17:00"]])
    assert row.sessions == [{"start": "07:00", "end": "11:30"}, {"start": "13:30", "end": "17:00"}]
    assert row.version == version + 1 and row.updated_by_id == admin.id
    [event] = events("calendar.update_hours")
    assert event.actor_id == admin.id and event.object_type == "working_calendar"
    assert "07:00–11:30" in event.summary and event.changes["sessions"][1][0]["start"] == "07:00"


def test_the_audit_log_says_the_whole_timetable_changed(admin):
    summer = {
        "name": "Giờ mùa hè",
        "start": "16/04",
        "end": "15/10",
        "sessions": [["07:00", "11:00"], ["13:00", "17:00"]],
    }
    services.update_hours(admin, None, sessions=HOURS, weekdays=[1, 2, 3, 4, 5, 6], seasons=[summer])
    [event] = events("calendar.update_hours")
    assert event.summary.endswith(
        ": 07:30–11:30, 13:30–17:00, Thứ Hai–Thứ Bảy; Giờ mùa hè 16/04–15/10: 07:00–11:00, 13:00–17:00"
    ), event.summary
    services.update_hours(admin, None, sessions=HOURS, weekdays=[1, 3, 5])
    assert events("calendar.update_hours")[-1].summary.endswith(": 07:30–11:30, 13:30–17:00, Thứ Hai, Thứ Tư, Thứ Sáu")


def test_default_calendar_is_for_top_level_administrators_only(child_admin, create_user):
    with pytest.raises(PermissionDenied):
        services.update_hours(child_admin, None, sessions=HOURS)
    with pytest.raises(PermissionDenied):
        services.add_override(child_admin, None, day=date(2026, 12, 14), kind="off")
    services.update_hours(child_admin, child_admin.agency_id, sessions=HOURS)  # their own agency is fine


def test_non_admin_and_admin_of_another_agency_cannot_change_a_calendar(admin, create_user, create_agency):
    clerk = create_user(roles=("van_thu",), agency=admin.agency)
    with pytest.raises(PermissionDenied):
        services.add_override(clerk, admin.agency_id, day=date(2026, 12, 14), kind="off")
    stranger = create_user(roles=("quan_tri",), agency=create_agency())
    with pytest.raises(PermissionDenied):
        services.update_hours(stranger, admin.agency_id, sessions=HOURS)
    assert queries.find_calendar(admin.agency_id) is None


@pytest.mark.parametrize(
    ("sessions", "message"),
    [
        ([], "Cần ít nhất một buổi làm việc."),
        ([{"start": "7h30", "end": "11:30"}], "dạng HH:MM"),
        ([{"start": "11:30", "end": "07:30"}], "giờ bắt đầu phải trước giờ kết thúc"),
        ([{"start": "07:30", "end": "12:00"}, {"start": "11:00", "end": "17:00"}], "không được chồng lấn"),
    ],
)
def test_bad_sessions_are_refused_in_vietnamese(admin, sessions, message):
    with pytest.raises(ValidationError) as caught:
        services.update_hours(admin, None, sessions=sessions)
    assert message in caught.value.details["sessions"]
    assert events("calendar.update_hours") == []


def test_weekdays_and_seasons_are_checked(admin):
    with pytest.raises(ValidationError) as caught:
        services.update_hours(
            admin,
            None,
            sessions=HOURS,
            weekdays=[],
            seasons=[{"name": "Mùa hè", "start": "31/02", "end": "15/10", "sessions": HOURS}],
        )
    assert set(caught.value.details) == {"weekdays", "seasons"}
    assert "ngày có thật" in caught.value.details["seasons"]
    summer = {"name": "Mùa hè", "start": "16/04", "end": "15/10", "sessions": HOURS}
    spring = {"name": "Mùa xuân", "start": "01/02", "end": "20/04", "sessions": HOURS}
    with pytest.raises(ValidationError) as caught:
        services.update_hours(admin, None, sessions=HOURS, seasons=[summer, spring])
    assert "trùng ngày" in caught.value.details["seasons"]
    # Every season at fault said at once, not one per try
    nameless = {"name": "", "start": "01/01", "end": "31/01", "sessions": HOURS}
    bad_date = {"name": "Mùa mưa", "start": "32/05", "end": "15/10", "sessions": HOURS}
    with pytest.raises(ValidationError) as caught:
        services.update_hours(admin, None, sessions=HOURS, seasons=[nameless, bad_date, summer])
    assert "cần có tên" in caught.value.details["seasons"] and "“Mùa mưa”" in caught.value.details["seasons"]
    row = services.update_hours(admin, None, sessions=HOURS, seasons=[summer])
    assert row.seasons == [{"name": "Mùa hè", "start": "04-16", "end": "10-15", "sessions": HOURS}]


def test_override_is_added_once_per_date_and_audited(admin, frozen_clock):
    override = services.add_override(admin, admin.agency_id, day=date(2027, 2, 3), kind="off", note="Nghỉ Tết thêm")
    assert override.created_by_id == admin.id and queries.find_calendar(admin.agency_id).version == 1
    [event] = events("calendar.add_override")
    assert event.agency_id == admin.agency_id and "03/02/2027" in event.summary
    with pytest.raises(ValidationError) as caught:
        services.add_override(admin, admin.agency_id, day=date(2027, 2, 3), kind="work")
    assert "đã có điều chỉnh" in caught.value.details["day"]
    assert len(events("calendar.add_override")) == 1  # the refused one left nothing behind


def test_override_kind_and_year_are_checked(admin, frozen_clock):
    with pytest.raises(ValidationError) as caught:
        services.add_override(admin, None, day=date(2062, 2, 3), kind="holiday")
    assert set(caught.value.details) == {"day", "kind"}


def test_removing_an_override_is_audited_and_bumps_the_version(admin, frozen_clock):
    override = services.add_override(admin, None, day=date(2026, 12, 19), kind="work", note="Làm bù")
    version = queries.find_calendar(None).version
    services.remove_override(admin, override.id)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(CalendarOverride)) == 0
    assert queries.find_calendar(None).version == version + 1
    [event] = events("calendar.remove_override")
    assert event.changes == {"day": "2026-12-19", "kind": "work", "note": "Làm bù"}


def test_child_admin_cannot_remove_a_default_override(admin, child_admin, frozen_clock):
    override = services.add_override(admin, None, day=date(2026, 12, 19), kind="work")
    with pytest.raises(PermissionDenied):
        services.remove_override(child_admin, override.id)


def test_override_that_changes_nothing_is_refused_on_the_day(admin, frozen_clock):
    """A day off on a Sunday, a holiday or a day the default already gave off; a make-up day on a working day."""
    for day, kind, why in [
        (date(2026, 12, 13), "off", "đã là ngày nghỉ trong lịch này (Chủ nhật)"),
        (date(2027, 1, 1), "off", "đã là ngày nghỉ"),
        (date(2026, 12, 14), "work", "đã là ngày làm việc trong lịch này (Thứ Hai)"),
    ]:
        with pytest.raises(ValidationError) as caught:
            services.add_override(admin, admin.agency_id, day=day, kind=kind)
        assert why in caught.value.details["day"] and set(caught.value.details) == {"day"}
    services.add_override(admin, None, day=date(2026, 12, 14), kind="off", note="Nghỉ chung")
    with pytest.raises(ValidationError) as caught:
        services.add_override(admin, admin.agency_id, day=date(2026, 12, 14), kind="off")
    assert "đã là ngày nghỉ trong lịch này (Nghỉ chung)" in caught.value.details["day"]
    # What does change the day is still taken: working a day the default gave off, a Saturday made up.
    services.add_override(admin, admin.agency_id, day=date(2026, 12, 14), kind="work")
    services.add_override(admin, admin.agency_id, day=date(2026, 12, 19), kind="work")
    assert len(events("calendar.add_override")) == 3


def test_override_note_longer_than_its_column_is_refused_with_the_limit(admin, frozen_clock):
    with pytest.raises(ValidationError) as caught:
        services.add_override(admin, admin.agency_id, day=date(2026, 12, 14), kind="off", note="x" * 1000)
    assert "tối đa 255 ký tự" in caught.value.details["note"] and "đang có 1000 ký tự" in caught.value.details["note"]
    assert services.OVERRIDE_NOTE_MAX == CalendarOverride.__table__.c.note.type.length == 255
