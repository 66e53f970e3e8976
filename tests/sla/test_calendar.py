"""due() on the database: which calendar an agency works, how overrides combine, and the cache."""

from datetime import date

import sqlalchemy as sa

from app.core.clock import to_local
from app.core.db import db
from app.sla import calendar, services
from app.sla.models import Calendar
from tests.conftest import login
from tests.sla.conftest import local
from tests.workflow.test_request_statements import counted

MONDAY_EARLY = local(2026, 12, 14, 6, 0)  # 06:00 + PT1H: 08:30 with the default hours


def due_local(start, spec, agency_id=None):
    return to_local(calendar.due(start, spec, agency_id))


def test_default_calendar_exists_after_migration_with_built_in_hours(db_session):
    row = db.session.scalar(sa.select(Calendar).where(Calendar.agency_id.is_(None)))
    assert row is not None and row.sessions is None and row.version >= 1
    assert due_local(local(2026, 11, 23, 8, 0), "PT1H") == local(2026, 11, 23, 9, 0)


def test_agency_without_calendar_works_default_hours_and_overrides(create_agency, frozen_clock):
    agency = create_agency()
    services.update_hours(None, None, sessions=[{"start": "08:00", "end": "12:00"}, {"start": "13:00", "end": "17:00"}])
    services.add_override(None, None, day=date(2026, 12, 14), kind="off", note="Nghỉ hoán đổi")
    assert due_local(local(2026, 12, 11, 10, 0), "P1D", agency.id) == local(2026, 12, 15, 17, 0)
    assert due_local(local(2026, 12, 15, 6, 0), "PT1H", agency.id) == local(2026, 12, 15, 9, 0)


def test_agency_override_wins_over_default_override_for_the_same_date(create_agency, frozen_clock):
    keeps_working, other = create_agency(), create_agency()
    services.add_override(None, None, day=date(2026, 12, 14), kind="off", note="Nghỉ chung")
    services.add_override(None, keeps_working.id, day=date(2026, 12, 14), kind="work", note="Trực")
    assert due_local(local(2026, 12, 11, 10, 0), "P1D", keeps_working.id) == local(2026, 12, 14, 17, 0)
    assert due_local(local(2026, 12, 11, 10, 0), "P1D", other.id) == local(2026, 12, 15, 17, 0)
    assert due_local(local(2026, 12, 11, 10, 0), "P1D") == local(2026, 12, 15, 17, 0)


def test_agency_with_own_hours_keeps_default_overrides_and_can_go_back(create_agency, frozen_clock):
    agency = create_agency()
    services.add_override(None, None, day=date(2026, 12, 14), kind="off")
    services.update_hours(
        None,
        agency.id,
        sessions=[{"start": "07:00", "end": "11:00"}, {"start": "13:00", "end": "16:30"}],
        weekdays=[1, 2, 3, 4, 5, 6],  # a một cửa office open on Saturdays
    )
    assert due_local(MONDAY_EARLY, "PT1H", agency.id) == local(2026, 12, 15, 8, 0)  # 14/12 still off
    assert due_local(local(2026, 12, 18, 16, 0), "PT1H", agency.id) == local(2026, 12, 19, 7, 30)  # Saturday
    assert due_local(MONDAY_EARLY, "PT1H") == local(2026, 12, 15, 8, 30)  # the default is unchanged
    services.use_default_hours(None, agency.id)
    assert due_local(local(2026, 12, 18, 16, 30), "PT1H", agency.id) == local(2026, 12, 21, 8, 0)


def test_calendar_is_built_once_and_reused(create_agency):
    agency = create_agency()
    for _ in range(3):
        calendar.due(MONDAY_EARLY, "PT1H", agency.id)
    assert calendar.cache.loads == 1


def test_admin_change_through_the_api_is_seen_at_once(client, admin, api_token):
    assert due_local(MONDAY_EARLY, "PT1H", admin.agency_id) == local(2026, 12, 14, 8, 30)
    assert calendar.cache.loads == 1
    response = client.put(
        "/api/v1/calendars",
        headers=api_token(admin),
        json={"agency_id": None, "sessions": [{"start": "08:00", "end": "12:00"}, {"start": "13:00", "end": "17:00"}]},
    )
    assert response.status_code == 200, response.json
    assert due_local(MONDAY_EARLY, "PT1H", admin.agency_id) == local(2026, 12, 14, 9, 0)
    assert calendar.cache.loads == 2


def test_change_made_by_another_process_is_seen_after_the_recheck_interval(db_session, monkeypatch):
    ticks = [1000.0]
    monkeypatch.setattr(calendar.cache, "_monotonic", lambda: ticks[0])
    assert due_local(MONDAY_EARLY, "PT1H") == local(2026, 12, 14, 8, 30)
    # Another worker changed the default: only the row (and its version) changed, not this process's cache.
    db.session.execute(
        sa.update(Calendar)
        .where(Calendar.agency_id.is_(None))
        .values(sessions=[{"start": "09:00", "end": "17:00"}], weekdays=[1, 2, 3, 4, 5], version=Calendar.version + 1)
    )
    ticks[0] += 1  # within the interval: the cached calendar is trusted, no query
    assert due_local(MONDAY_EARLY, "PT1H") == local(2026, 12, 14, 8, 30)
    ticks[0] += calendar.DEFAULT_RECHECK_SECONDS
    assert due_local(MONDAY_EARLY, "PT1H") == local(2026, 12, 14, 10, 0)
    loads = calendar.cache.loads
    ticks[0] += calendar.DEFAULT_RECHECK_SECONDS  # rechecked, same version: kept
    assert due_local(MONDAY_EARLY, "PT1H") == local(2026, 12, 14, 10, 0) and calendar.cache.loads == loads


def test_uncommitted_change_is_used_by_its_transaction_but_never_cached(db_session, frozen_clock, monkeypatch):
    monkeypatch.setattr(calendar.cache, "_monotonic", lambda: 1000.0)  # a cached calendar would be trusted as is
    savepoint = db.session.begin_nested()
    services.add_override(None, None, day=date(2026, 12, 14), kind="off")
    assert due_local(MONDAY_EARLY, "PT1H") == local(2026, 12, 15, 8, 30)  # its own transaction sees it
    savepoint.rollback()
    db.session.rollback()  # the whole transaction gives up: the override never existed
    assert due_local(MONDAY_EARLY, "PT1H") == local(2026, 12, 14, 8, 30)


def test_page_and_api_compute_with_the_same_function(client, admin, api_token):
    login(client, "admin1")
    page = client.get("/admin/calendars", query_string={"start": "2026-11-23T16:30", "spec": "PT1H"})
    api = client.get(
        "/api/v1/calendars/due", headers=api_token(admin), query_string={"start": "2026-11-23T16:30", "spec": "PT1H"}
    )
    expected = due_local(local(2026, 11, 23, 16, 30), "PT1H", admin.agency_id).isoformat()
    assert expected == "2026-11-25T08:00:00+07:00"  # Tuesday 24/11/2026 is Ngày Văn hóa Việt Nam
    html = page.get_data(as_text=True)
    assert f'data-due="{expected}"' in html and api.json["due"] == expected
    assert "<strong>08:00 Thứ Tư, 25/11/2026</strong>" in html  # read as people read a date, not ISO 8601


def test_many_agencies_calendars_are_read_together_and_the_default_is_shared(create_agency, monkeypatch):
    ticks = [1000.0]
    monkeypatch.setattr(calendar.cache, "_monotonic", lambda: ticks[0])
    plain, other, own = create_agency(), create_agency(), create_agency()
    services.add_override(None, None, day=date(2026, 12, 14), kind="off", note="Nghỉ chung")
    services.add_override(None, own.id, day=date(2026, 12, 15), kind="off", note="Nghỉ riêng")
    ids = [plain.id, other.id, own.id]
    db.session.flush()
    db.session.info.pop(calendar.DIRTY)  # as after the commit: the calendars may be cached
    with counted() as statements:
        found = calendar.calendars_for(ids)
    assert len(statements) == 2  # the calendar rows, then every override: not two per agency
    assert found[plain.id] is found[other.id] is not found[own.id]  # one memo of days for the default's agencies
    start = local(2026, 12, 11, 10, 0)  # Friday: + P1D skips the common day off, and the agency's own
    assert to_local(found[plain.id].due(start, "P1D")) == local(2026, 12, 15, 17, 0)
    assert to_local(found[own.id].due(start, "P1D")) == local(2026, 12, 16, 17, 0)
    assert found[own.id] is calendar.calendar_for(own.id)  # cached like one agency's
    ticks[0] += calendar.DEFAULT_RECHECK_SECONDS
    with counted() as statements:
        assert calendar.calendars_for(ids) == found
    assert len(statements) == 1  # due for a recheck: one query of the versions, nothing changed


def test_how_late_reads_in_working_time_and_a_deadline_just_passed_is_not_zero_minutes():
    from app.sla.hours import late_label

    assert late_label(90) == "1 giờ 30 phút" and late_label(120) == "2 giờ" and late_label(5) == "5 phút"
    assert late_label(0) == "vừa quá hạn"  # 17:00 → 17:30: no working minute has passed since the deadline


def test_a_deadline_of_today_is_refused_once_the_working_day_is_over(db_session, frozen_clock):
    # Monday 23/11/2026: at 16:00 today is still a deadline one can meet; at 17:30 the step would be born overdue.
    from app.sla.calendar import deadline_problem

    frozen_clock.set(local(2026, 11, 23, 16, 0))
    assert deadline_problem(date(2026, 11, 23)) is None
    frozen_clock.set(local(2026, 11, 23, 17, 30))
    assert deadline_problem(date(2026, 11, 23)) == (
        "Hạn giải quyết là hôm nay (23/11/2026) nhưng đã hết giờ làm việc lúc 17:00: chọn một ngày làm việc từ "
        "25/11/2026."  # Tuesday 24/11/2026 is Ngày Văn hóa Việt Nam in the shipped calendar
    )
    assert deadline_problem(date(2026, 11, 25)) is None
