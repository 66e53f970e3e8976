import re
from datetime import date

import sqlalchemy as sa

from app.audit.models import AuditEvent
from app.core.db import db
from app.sla import calendar, queries
from tests.conftest import csrf_token, login
from tests.sla.conftest import local


def test_admin_sees_calendar_with_holidays_in_vietnamese(client, admin):
    login(client, "admin1")
    response = client.get("/admin/calendars?year=2027")
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and response.content_type == "text/html; charset=utf-8"
    assert "Lịch làm việc" in html and "07:30–11:30, 13:30–17:00" in html
    assert "06/02/2027" in html and "Tết Nguyên Đán" in html and "Ngày Giỗ Tổ Hùng Vương" in html
    # The deadline tester offers the same values, with their meanings, as the deadline settings do
    assert 'list="due-choices"' in html and '<datalist id="due-choices"><option value="PT2H">2 giờ làm việc' in html
    assert 'href="/admin/calendars"' in client.get("/admin").get_data(as_text=True)  # on the administration hub


def test_non_admin_is_refused(client, create_user):
    create_user(username="chuyenvien")
    login(client, "chuyenvien")
    assert client.get("/admin/calendars").status_code == 403
    assert 'href="/admin/calendars"' not in client.get("/").get_data(as_text=True)


def test_admin_adds_and_removes_an_override_through_the_page(client, admin, frozen_clock):
    login(client, "admin1")
    scope = f"/admin/calendars?scope={admin.agency_id}"
    response = client.post(
        f"/admin/calendars/overrides?scope={admin.agency_id}",
        data={"day": "2026-12-19", "kind": "work", "note": "Làm bù cho 14/12", "csrf_token": csrf_token(client, scope)},
    )
    assert response.status_code == 302
    [override] = queries.list_overrides(admin.agency_id, 2026)
    assert override.kind == "work" and override.created_by_id == admin.id
    assert calendar.due(local(2026, 12, 18, 10, 0), "P1D", admin.agency_id) == local(2026, 12, 19, 17, 0)
    assert "Làm bù cho 14/12" in client.get(scope + "&year=2026").get_data(as_text=True)

    again = client.post(
        f"/admin/calendars/overrides?scope={admin.agency_id}",
        data={"day": "2026-12-19", "kind": "off", "csrf_token": csrf_token(client, scope)},
    )
    assert again.status_code == 422 and "đã có điều chỉnh" in again.get_data(as_text=True)

    removed = client.post(
        f"/admin/calendars/overrides/{override.id}/delete", data={"csrf_token": csrf_token(client, scope)}
    )
    assert removed.status_code == 302 and queries.list_overrides(admin.agency_id) == []
    actions = db.session.scalars(sa.select(AuditEvent.action).where(AuditEvent.actor_id == admin.id))
    assert {"calendar.add_override", "calendar.remove_override"} <= set(actions)


def test_admin_edits_hours_with_errors_then_valid_values(client, admin):
    login(client, "admin1")
    form = {
        "sessions": "07:30-12:00, 11:00-17:00",
        "weekdays": ["1", "2", "3", "4", "5"],
        "seasons": "",
        "csrf_token": csrf_token(client, "/admin/calendars/hours?scope=default"),
    }
    bad = client.post("/admin/calendars/hours?scope=default", data=form)
    assert bad.status_code == 422 and "Các buổi làm việc không được chồng lấn nhau." in bad.get_data(as_text=True)

    form.update(sessions="07:30-11:30, 13:30-17:00", seasons="Giờ mùa hè; 16/04-15/10; 07:00-11:30, 13:30-17:00")
    good = client.post("/admin/calendars/hours?scope=default", data=form)
    assert good.status_code == 302
    assert queries.find_calendar(None).seasons[0]["start"] == "04-16"
    assert calendar.due(local(2027, 7, 5, 6, 0), "PT1H") == local(2027, 7, 5, 8, 0)  # summer: from 07:00
    page = client.get("/admin/calendars?scope=default").get_data(as_text=True)
    assert "Giờ mùa hè" in page and "16/04 – 15/10" in page


def test_refused_override_shows_why_on_its_field_and_keeps_the_typed_note(client, admin, frozen_clock):
    login(client, "admin1")
    scope = f"/admin/calendars?scope={admin.agency_id}"
    assert 'maxlength="255"' not in client.get(scope).get_data(as_text=True)  # a browser would cut a paste silently
    long_note = "Thông báo nghỉ " + "x" * 985
    sunday = client.post(
        f"/admin/calendars/overrides?scope={admin.agency_id}",
        data={"day": "2026-12-13", "kind": "off", "note": long_note, "csrf_token": csrf_token(client, scope)},
    )
    html = sunday.get_data(as_text=True)
    assert sunday.status_code == 422 and queries.list_overrides(admin.agency_id, 2026) == []
    assert 'id="day-err">Ngày 13/12/2026 đã là ngày nghỉ trong lịch này (Chủ nhật)' in html
    assert 'id="note-err">Căn cứ / ghi chú tối đa 255 ký tự' in html and f'value="{long_note}"' in html


def test_hours_form_reports_every_problem_at_once(client, admin):
    login(client, "admin1")
    version = queries.find_calendar(None).version
    bad = client.post(
        "/admin/calendars/hours?scope=default",
        data={
            "sessions": "07:30-25:00",
            "seasons": "Giờ mùa hè 16/04-15/10\nGiờ mùa đông; 16/10-15/04; 07:30-11:30, 13:00-16:30\nGiờ Tết",
            "csrf_token": csrf_token(client, "/admin/calendars/hours?scope=default"),
        },
    )
    html = bad.get_data(as_text=True)
    assert bad.status_code == 422
    assert "Dòng 1, 3: cần ba phần cách nhau bởi dấu chấm phẩy" in html  # each season line that cannot be read
    assert "Giờ “07:30–25:00” không hợp lệ" in html  # and, with it, the sessions
    assert "Cần chọn ít nhất một ngày làm việc trong tuần." in html  # and the weekdays
    assert queries.find_calendar(None).version == version  # nothing saved


def test_agency_goes_back_to_default_hours(client, admin):
    login(client, "admin1")
    url = f"/admin/calendars/hours?scope={admin.agency_id}"
    data = {"sessions": "08:00-12:00", "weekdays": ["1", "2", "3", "4", "5"], "csrf_token": csrf_token(client, url)}
    assert client.post(url, data=data).status_code == 302
    assert queries.find_calendar(admin.agency_id).has_own_hours
    data.update(use_default="y", csrf_token=csrf_token(client, url))
    assert client.post(url, data=data).status_code == 302
    assert not queries.find_calendar(admin.agency_id).has_own_hours


def test_hours_typed_while_the_default_stays_ticked_are_refused_not_dropped(client, admin):
    login(client, "admin1")
    url = f"/admin/calendars/hours?scope={admin.agency_id}"
    shown = client.get(url).get_data(as_text=True)
    assert re.search(r'<input[^>]*checked[^>]*name="use_default"|<input[^>]*name="use_default"[^>]*checked', shown)
    data = {
        "use_default": "y",
        "sessions": "07:30-11:30, 13:30-17:00",
        "weekdays": ["1", "2", "3", "4", "5"],
        "seasons": "Giờ mùa hè; 16/04-15/10; 07:00-11:00, 13:30-17:00",
        "csrf_token": csrf_token(client, url),
    }
    refused = client.post(url, data=data)
    assert refused.status_code == 422
    html = refused.get_data(as_text=True)
    assert "giờ vừa sửa sẽ không được lưu" in html and "Giờ mùa hè; 16/04-15/10" in html  # said, and kept
    calendar = queries.find_calendar(admin.agency_id)
    assert calendar is None or not calendar.has_own_hours  # nothing saved


def test_an_unreadable_season_line_and_a_bad_season_are_said_together(client, admin):
    login(client, "admin1")
    url = "/admin/calendars/hours?scope=default"
    data = {
        "sessions": "07:30-11:30, 13:30-17:00",
        "weekdays": ["1", "2", "3", "4", "5"],
        "seasons": "Giờ mùa hè 16/04-15/10\nGiờ mùa đông; 32/10-15/04; 07:30-11:30, 13:00-16:30",
        "csrf_token": csrf_token(client, url),
    }
    html = client.post(url, data=data).get_data(as_text=True)
    assert "Dòng 1: cần ba phần" in html and "Giai đoạn “Giờ mùa đông”: ngày bắt đầu/kết thúc" in html


def test_child_admin_reads_default_calendar_but_cannot_edit_it(client, child_admin):
    login(client, "qtsonoivu")
    page = client.get("/admin/calendars?scope=default").get_data(as_text=True)
    assert "Chỉ quản trị hệ thống của cơ quan cấp cao nhất" in page and "/admin/calendars/hours" not in page
    assert client.get("/admin/calendars/hours?scope=default").status_code == 403
    assert f"scope={child_admin.agency_id}" in client.get("/admin/calendars").get_data(as_text=True)


def test_calendar_of_an_agency_one_does_not_manage_is_not_found(client, admin, create_agency, frozen_clock):
    from app.sla import services

    other = create_agency()
    override = services.add_override(None, other.id, day=date(2026, 12, 14), kind="off")
    login(client, "admin1")
    assert client.get(f"/admin/calendars?scope={other.id}").status_code == 404
    token = csrf_token(client, "/admin/calendars")
    assert (
        client.post(f"/admin/calendars/overrides/{override.id}/delete", data={"csrf_token": token}).status_code == 404
    )


def test_deadline_tester_shows_the_result_or_the_problem(client, admin):
    login(client, "admin1")
    ok = client.get("/admin/calendars", query_string={"start": "2026-11-23T08:00", "spec": "PT1H"})
    assert "2026-11-23T09:00:00+07:00" in ok.get_data(as_text=True)
    bad = client.get("/admin/calendars", query_string={"start": "2026-11-23T08:00", "spec": "2 giờ"})
    assert "Thời hạn “2 giờ” không hợp lệ" in bad.get_data(as_text=True)
