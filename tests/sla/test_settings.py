"""Agency deadline settings: the service (checks, permissions, audit), the page with its preview, and the API."""

import re
from datetime import datetime
from pathlib import Path

import pytest
import sqlalchemy as sa
from flask import current_app

from app.audit.models import AuditEvent
from app.core.db import db
from app.core.errors import PermissionDenied, ValidationError
from app.sla import rules, settings
from app.sla.models import SlaSettings
from tests.conftest import csrf_token, login
from tests.sla.conftest import local

FRIDAY_16 = local(2026, 11, 27, 16, 0)


def events(action):
    return db.session.scalars(sa.select(AuditEvent).where(AuditEvent.action == action)).all()


# --- service ----------------------------------------------------------------------------------------------


def test_an_agency_without_settings_works_the_defaults(admin):
    values = settings.effective_settings(admin.agency_id)
    assert values["is_default"] is True and values["version"] == 0
    # NĐ 30/2020 Điều 4.2.c: Hỏa tốc and Thượng khẩn on the clock, Khẩn in working time.
    assert values["urgency"] == {
        "hoa_toc": {"basis": "calendar", "duration": "PT1H"},
        "thuong_khan": {"basis": "calendar", "duration": "PT2H"},
        "khan": {"basis": "working", "duration": "PT4H"},
    }
    # seed 001 QĐ 278 Điều 3.3: 2 working hours to handle an electronic arrival.
    assert values["rules"]["intake"] == "PT2H" and values["rules"]["assign"] == "next-morning"
    assert db.session.scalar(sa.select(sa.func.count()).select_from(SlaSettings)) == 0


def test_admin_changes_settings_partially_and_the_change_is_audited(admin, frozen_clock):
    values = settings.update_settings(
        admin, admin.agency_id, urgency={"khan": {"duration": "pt3h"}}, rules_values={"issue": "next-morning"}
    )
    assert values["urgency"]["khan"] == {"basis": "working", "duration": "PT3H"}  # basis kept, spec normalized
    assert values["urgency"]["hoa_toc"]["duration"] == "PT1H" and values["rules"]["issue"] == "next-morning"
    assert values["is_default"] is False and values["version"] == 1
    [event] = events("sla.update_settings")
    assert event.actor_id == admin.id and event.agency_id == admin.agency_id
    assert settings.update_settings(admin, admin.agency_id, rules_values={"issue": "next-morning"})["version"] == 1
    assert len(events("sla.update_settings")) == 1  # nothing changed, nothing recorded

    values = settings.reset_settings(admin, admin.agency_id)
    assert values["is_default"] is True and len(events("sla.reset_settings")) == 1


@pytest.mark.parametrize(
    ("urgency", "rules_values", "field", "words"),
    [
        ({"hoa_toc": {"duration": "2 giờ"}}, None, "urgency.hoa_toc.duration", "không hợp lệ"),
        ({"hoa_toc": {"basis": "sometimes"}}, None, "urgency.hoa_toc.basis", "giờ đồng hồ"),
        ({"hoa_toc": {"duration": "next-morning"}}, None, "urgency.hoa_toc.duration", "giờ đồng hồ chỉ dùng"),
        ({"binh_thuong": {"basis": "calendar"}}, None, "urgency.binh_thuong", "Không có mức độ khẩn"),
        ({"khan": "PT1H"}, None, "urgency.khan", "cách tính"),
        (None, {"intake": ""}, "rules.intake", "Nhập thời hạn"),
        (None, {"intake": "urgent"}, "rules.intake", "không nhập tên quy tắc"),
        (None, {"intake": "P1DT2H"}, "rules.intake", "kết hợp ngày với giờ"),
        (None, {"lunch": "PT1H"}, "rules.lunch", "Không có quy tắc"),
    ],
)
def test_bad_settings_are_refused_field_by_field_and_nothing_is_written(admin, urgency, rules_values, field, words):
    with pytest.raises(ValidationError) as err:
        settings.update_settings(admin, admin.agency_id, urgency=urgency, rules_values=rules_values)
    assert err.value.code == "invalid_sla_settings" and set(err.value.details) == {field}
    assert words in err.value.details[field]
    assert settings.find_settings(admin.agency_id) is None and events("sla.update_settings") == []


def test_only_the_agencys_administrators_change_its_settings(admin, child_admin, create_user, create_agency):
    clerk = create_user(roles=("van_thu",), agency=admin.agency)
    with pytest.raises(PermissionDenied):
        settings.update_settings(clerk, admin.agency_id, rules_values={"intake": "PT1H"})
    with pytest.raises(PermissionDenied):  # an administrator of another (here: a lower) agency
        settings.update_settings(child_admin, admin.agency_id, rules_values={"intake": "PT1H"})
    with pytest.raises(PermissionDenied):
        settings.reset_settings(clerk, admin.agency_id)
    # The administrator above manages the agency below, as for its calendar.
    assert settings.update_settings(admin, child_admin.agency_id, rules_values={"intake": "PT1H"})["rules"]["intake"]


# --- the pure computation ---------------------------------------------------------------------------------


def test_clock_time_counts_nights_and_holidays(admin):
    # NĐ 30/2020 Điều 4.2.c: Hỏa tốc at once — 31/12 23:30 plus one clock hour is 01/01 00:30 (a holiday).
    start = local(2026, 12, 31, 23, 30)
    due = settings.step_due(start, sla="intake", urgent_sla="urgent", agency_id=admin.agency_id, level="hoa_toc")
    assert due == local(2027, 1, 1, 0, 30)
    # P1D on the clock is 24 hours, not the end of the next working day.
    settings.update_settings(None, admin.agency_id, urgency={"thuong_khan": {"duration": "P1D"}})
    due = settings.step_due(FRIDAY_16, sla="P5D", urgent_sla="urgent", agency_id=admin.agency_id, level="thuong_khan")
    assert due == local(2026, 11, 28, 16, 0)


def test_a_step_without_a_deadline_has_none_and_an_unknown_level_is_khan(admin):
    assert settings.step_due(FRIDAY_16, sla=None, urgent_sla=None, agency_id=admin.agency_id, level="hoa_toc") is None
    due = settings.step_due(FRIDAY_16, sla=None, urgent_sla="urgent", agency_id=admin.agency_id, level="sieu_toc")
    assert due == local(2026, 11, 30, 10, 30)  # Khẩn: 4 working hours


def test_bpmn_values_are_checked_against_rule_names():
    assert rules.bpmn_spec_problem("intake") is None and rules.bpmn_spec_problem(" Intake ") is None
    assert rules.bpmn_spec_problem("urgent", property_name="urgent_sla") is None
    assert "urgent_sla" in rules.bpmn_spec_problem("urgent")
    assert rules.bpmn_spec_problem("PT2H") is None and rules.bpmn_spec_problem("next-morning") is None
    assert "intake" in rules.bpmn_spec_problem("nhanh")


# --- page ---------------------------------------------------------------------------------------------------


def test_admin_sees_the_settings_page_with_a_preview(client, admin, frozen_clock):
    frozen_clock.set(FRIDAY_16)
    login(client, "admin1")
    response = client.get("/admin/calendars/deadlines")
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and "Thời hạn xử lý" in html and "Theo thiết lập mặc định" in html
    assert 'name="hoa_toc_basis"' in html and 'value="PT2H"' in html  # the intake rule's value
    # The preview: a Hỏa tốc document arriving now (Friday 16:00) is due at 17:00; an ordinary one on Monday.
    assert "Văn bản Hỏa tốc</span><strong>17:00 27/11/2026" in html
    assert "Văn bản Thường</span><strong>08:30 30/11/2026" in html
    assert 'href="/admin/calendars/deadlines"' in client.get("/admin/calendars").get_data(as_text=True)


def form_data(client, **changes) -> dict:
    data = {
        "hoa_toc_basis": "calendar",
        "hoa_toc_duration": "PT1H",
        "thuong_khan_basis": "calendar",
        "thuong_khan_duration": "PT2H",
        "khan_basis": "working",
        "khan_duration": "PT4H",
        **{f"rule_{name}": rule.default for name, rule in rules.RULES.items()},
        "csrf_token": csrf_token(client, "/admin/calendars/deadlines"),
    }
    return data | changes


def test_admin_saves_settings_on_the_page_after_an_error(client, admin, frozen_clock):
    frozen_clock.set(FRIDAY_16)
    login(client, "admin1")
    bad = client.post("/admin/calendars/deadlines", data=form_data(client, hoa_toc_duration="next-morning"))
    html = bad.get_data(as_text=True)
    assert bad.status_code == 422 and "Tính theo giờ đồng hồ chỉ dùng PTnHnM" in html
    assert 'id="hoa_toc_duration-err"' in html and settings.find_settings(admin.agency_id) is None

    good = client.post(
        "/admin/calendars/deadlines", data=form_data(client, hoa_toc_duration="PT30M", rule_intake="PT1H")
    )
    assert good.status_code == 302
    values = settings.effective_settings(admin.agency_id)
    assert values["urgency"]["hoa_toc"]["duration"] == "PT30M" and values["rules"]["intake"] == "PT1H"
    page = client.get(good.headers["Location"]).get_data(as_text=True)
    assert "Văn bản Hỏa tốc</span><strong>16:30 27/11/2026" in page  # the preview follows the saved settings

    reset = client.post(
        f"/admin/calendars/deadlines/reset?scope={admin.agency_id}",
        data={"csrf_token": csrf_token(client, "/admin/calendars/deadlines")},
    )
    assert reset.status_code == 302 and settings.find_settings(admin.agency_id) is None


def test_non_admin_is_refused_on_the_page(client, admin, create_user):
    create_user(roles=("van_thu",), agency=admin.agency, username="vanthu")
    login(client, "vanthu")
    assert client.get("/admin/calendars/deadlines").status_code == 403


def test_another_agencys_settings_page_is_not_found(client, admin, create_agency):
    login(client, "admin1")
    assert client.get(f"/admin/calendars/deadlines?scope={create_agency().id}").status_code == 404


# --- API ----------------------------------------------------------------------------------------------------


def test_api_reads_and_changes_settings(client, admin, api_token, frozen_clock):
    frozen_clock.set(FRIDAY_16)
    headers = api_token(admin)
    got = client.get("/api/v1/sla-settings", headers=headers)
    assert got.status_code == 200 and got.json["agency_id"] == admin.agency_id and got.json["is_default"] is True
    preview = {line["level"]: line["due"] for line in got.json["preview"]}
    assert preview["hoa_toc"] == "2026-11-27T17:00:00+07:00" and preview["thuong"] == "2026-11-30T08:30:00+07:00"

    put = client.put(
        "/api/v1/sla-settings",
        headers=headers,
        json={"urgency": {"thuong_khan": {"basis": "working"}}, "rules": {"intake": "PT1H"}},
    )
    assert put.status_code == 200 and put.json["urgency"]["thuong_khan"] == {"basis": "working", "duration": "PT2H"}
    assert put.json["rules"]["intake"] == "PT1H" and put.json["version"] == 1

    deleted = client.delete("/api/v1/sla-settings", headers=headers)
    assert deleted.status_code == 200 and deleted.json["is_default"] is True


def test_api_refuses_bad_values_with_field_details(client, admin, api_token):
    response = client.put(
        "/api/v1/sla-settings",
        headers=api_token(admin),
        json={"urgency": {"hoa_toc": {"duration": "2h"}}, "rules": {"intake": 5}},
    )
    assert response.status_code == 422 and response.json["code"] == "invalid_sla_settings"
    assert set(response.json["details"]) == {"urgency.hoa_toc.duration", "rules.intake"}
    assert settings.find_settings(admin.agency_id) is None


def test_api_only_the_agencys_admin_changes_and_other_agencies_are_not_found(
    client, admin, create_user, create_agency, api_token
):
    clerk = create_user(roles=("van_thu",), agency=admin.agency)
    assert client.get("/api/v1/sla-settings", headers=api_token(clerk)).status_code == 200  # staff may read
    refused = client.put("/api/v1/sla-settings", headers=api_token(clerk), json={"rules": {"intake": "PT1H"}})
    assert refused.status_code == 403 and refused.json["code"] == "permission_denied"
    other = create_agency()
    hidden = client.get("/api/v1/sla-settings", headers=api_token(admin), query_string={"agency_id": other.id})
    assert hidden.status_code == 404 and hidden.json["code"] == "agency_not_found"


def test_preview_lists_every_level_most_urgent_first(admin):
    lines = settings.preview(admin.agency_id, FRIDAY_16)
    assert [line["level"] for line in lines] == ["hoa_toc", "thuong_khan", "khan", "thuong"]
    assert all(isinstance(line["due"], datetime) for line in lines)


def test_the_due_api_and_tester_resolve_the_agencys_rule_names(client, admin, api_token):
    # seed 001 QĐ 278 Điều 3.3: the intake rule, as this agency set it.
    settings.update_settings(admin, admin.agency_id, rules_values={"intake": "PT3H"})
    response = client.get(
        "/api/v1/calendars/due", headers=api_token(admin), query_string={"start": "2026-11-23T08:00", "spec": "intake"}
    )
    assert response.status_code == 200 and response.json["spec"] == "PT3H"
    assert response.json["due"] == "2026-11-23T11:00:00+07:00"
    login(client, "admin1")
    page = client.get(f"/admin/calendars?scope={admin.agency_id}&start=2026-11-23T08:00&spec=intake")
    assert "11:00 Thứ Hai, 23/11/2026" in page.get_data(as_text=True)


def test_the_settings_page_stays_readable_and_explains_the_durations(client, admin, frozen_clock):
    frozen_clock.set(FRIDAY_16)
    login(client, "admin1")
    bad = client.post("/admin/calendars/deadlines", data=form_data(client, hoa_toc_duration="next-morning"))
    html = bad.get_data(as_text=True)
    # The error on its own row under the level, not in the cell beside "Cách tính" (it squeezed the select).
    assert re.search(r'<td colspan="3"[^>]*>\s*<div class="invalid-feedback d-block" id="hoa_toc_duration-err">', html)
    assert 'class="form-select form-select-sm sla-basis"' in html
    css = (Path(current_app.static_folder) / "css" / "app.css").read_text()
    assert re.search(r"select\.sla-basis \{ min-width: \d+rem; \}", css)
    # What the ISO codes mean, next to the fields, and common values to pick.
    for hint in (
        "PT2H = 2 giờ",
        "P3D = 3 ngày làm việc",
        "next-working-day = hết ngày làm việc tiếp theo",
        "next-morning = hết buổi sáng ngày làm việc tiếp theo",
    ):
        assert html.count(hint) >= len(rules.RULES), hint
    assert 'list="sla-rule-durations"' in html and '<datalist id="sla-rule-durations">' in html
    assert 'id="hoa_toc_duration-hint">PT30M = 30 phút' in html
    # processes/incoming.bpmn check_document: every incoming document, paper or electronic, is checked.
    assert "Tiếp nhận văn bản đến (kiểm tra)" in html and "Tiếp nhận văn bản điện tử đến" not in html
