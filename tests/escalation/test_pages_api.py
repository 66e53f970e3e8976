"""The policy page and API (administrators), the leaders' overdue list (page, API, menu), `qlvb escalate`."""

import pytest

from app.core import clock
from app.escalation import policy
from tests.conftest import csrf_token, login
from tests.escalation.conftest import fired, local, scan
from tests.incoming.conftest import instance_of, receive
from tests.workflow.conftest import open_tasks

MONDAY_9 = local(2026, 11, 23, 9, 0)
ESCALATED_AT = local(2026, 11, 25, 17, 0)  # intake 2 h → 11:00; the next working day (24/11 is a holiday)


@pytest.fixture
def escalated(incoming_office, signed_pdf):
    """An incoming document untouched since Monday 09:00, escalated to the agency's leader on Wednesday 17:00."""
    with clock.frozen(MONDAY_9):
        document = receive(incoming_office, signed_pdf)
    [task] = open_tasks(instance_of(document))
    scan(ESCALATED_AT)
    return document, task


# --- the overdue list ---------------------------------------------------------------------------------------


def test_the_leader_sees_the_escalated_document_with_its_working_lateness(client, incoming_office, escalated):
    document, _task = escalated
    login(client, incoming_office.leader.username)
    with clock.frozen(local(2026, 11, 26, 9, 0)):
        html = client.get("/escalation/overdue").get_data(as_text=True)
        menu = client.get("/").get_data(as_text=True)
    assert "Việc quá hạn" in html and document.subject in html and "Kiểm tra văn bản đến" in html
    assert f'href="/incoming/{document.id}"' in html
    # Monday 11:00→17:00 (4 h), Tuesday 24/11 Ngày Văn hóa Việt Nam (holiday), Wednesday 7 h 30, Thursday
    # 07:30→09:00 (1 h 30): 13 working hours.
    assert "13 giờ" in html
    assert 'href="/escalation/overdue"' in menu


def test_the_overdue_api_lists_the_same_items(client, incoming_office, escalated, api_token):
    _document, task = escalated
    with clock.frozen(local(2026, 11, 26, 9, 0)):
        body = client.get("/api/v1/escalations", headers=api_token(incoming_office.leader)).get_json()
    assert body["total"] == 1
    [item] = body["items"]
    assert (item["task_id"], item["escalate_to"], item["late_working_minutes"]) == (task.id, "lanh_dao", 13 * 60)
    assert item["assignee"] is None and item["role"] == "van_thu" and item["late"] == "13 giờ"


def test_the_list_is_for_leaders_and_scoped_to_the_unit_leader(client, incoming_office, escalated, api_token):
    office = incoming_office
    specialist = api_token(office.spec_a1)
    response = client.get("/api/v1/escalations", headers=specialist)
    assert response.status_code == 403 and response.get_json()["code"] == "permission_denied"
    # The clerk's step belongs to no unit: a unit leader does not see it, the agency's leader does.
    assert client.get("/api/v1/escalations", headers=api_token(office.unit_leader)).get_json()["total"] == 0
    login(client, office.spec_a1.username)
    assert client.get("/escalation/overdue").status_code == 403


def test_a_completed_task_leaves_the_list(incoming_office, escalated):
    from app.escalation import queries
    from app.workflow import services as wf

    _document, task = escalated
    with clock.frozen(local(2026, 11, 26, 8, 0)):
        wf.complete_task(incoming_office.clerk, task.id, {}, outcome="tiep_nhan")
    assert queries.overdue_items(incoming_office.leader, clock.now())[1] == 0


# --- the policy ---------------------------------------------------------------------------------------------


def test_the_policy_api_reads_defaults_and_refuses_bad_values_with_one_code(client, office, api_token):
    headers = api_token(office.admin)
    body = client.get("/api/v1/escalation-policy", headers=headers).get_json()
    assert body | {"updated_at": None} == {
        "agency_id": office.agency.id,
        "is_default": True,
        "reminder_percent": 75,
        "grace": "next-working-day",
        "escalate_to": "lanh_dao",
        "version": 0,
        "updated_at": None,
    }
    bad = {"reminder_percent": 150, "grace": "P1DT4H", "escalate_to": "giam_doc"}
    response = client.put("/api/v1/escalation-policy", json=bad, headers=headers)
    error = response.get_json()
    assert response.status_code == 422 and error["code"] == "invalid_escalation_policy"
    assert set(error["details"]) == {"reminder_percent", "grace", "escalate_to"}
    assert "từ 1 đến 99" in error["details"]["reminder_percent"]
    assert "kết hợp ngày với giờ" in error["details"]["grace"]
    assert "Lãnh đạo cơ quan" in error["details"]["escalate_to"]

    response = client.put("/api/v1/escalation-policy", json={"grace": "pt4h"}, headers=headers)
    assert response.status_code == 200
    assert response.get_json() | {"updated_at": None} == body | {"grace": "PT4H", "is_default": False, "version": 1}
    assert client.delete("/api/v1/escalation-policy", headers=headers).get_json()["is_default"] is True


def test_only_administrators_change_the_policy(client, office, api_token):
    response = client.put("/api/v1/escalation-policy", json={"grace": "PT4H"}, headers=api_token(office.leader))
    assert response.status_code == 403
    other = client.get("/api/v1/escalation-policy?agency_id=999999", headers=api_token(office.admin))
    assert other.status_code == 404 and other.get_json()["code"] == "agency_not_found"


def test_the_policy_page_saves_and_explains_mistakes_in_vietnamese(client, office):
    login(client, office.admin.username)
    page = client.get("/admin/escalation")
    assert page.status_code == 200 and "Nhắc việc và báo cáo quá hạn" in page.get_data(as_text=True)
    token = csrf_token(client, "/admin/escalation")
    response = client.post(
        "/admin/escalation",
        data={"reminder_percent": "abc", "grace": "ngày mai", "escalate_to": "lanh_dao", "csrf_token": token},
    )
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "Nhập một số nguyên từ 1 đến 99" in html and "Thời hạn “ngày mai” không hợp lệ" in html
    response = client.post(
        "/admin/escalation",
        data={"reminder_percent": "80", "grace": "next-morning", "escalate_to": "lanh_dao_don_vi", "csrf_token": token},
    )
    assert response.status_code == 302
    assert policy.policy_for(office.agency.id) == policy.Policy(80, "next-morning", "lanh_dao_don_vi")
    login_other = client.get("/admin/escalation")
    assert "Dùng lại thiết lập mặc định" in login_other.get_data(as_text=True)


def test_the_policy_page_is_for_administrators(client, office):
    login(client, office.leader.username)
    assert client.get("/admin/escalation").status_code == 403


# --- the command line ---------------------------------------------------------------------------------------


def test_escalate_runs_one_scan_at_the_instant_given(app, incoming_office, signed_pdf):
    with clock.frozen(MONDAY_9):
        document = receive(incoming_office, signed_pdf)
    [task] = open_tasks(instance_of(document))
    runner = app.test_cli_runner()
    result = runner.invoke(args=["escalate", "--now", "2026-11-23T10:30"])
    assert result.exit_code == 0, result.output
    assert result.output.splitlines() == [
        "Quét lúc 10:30 23/11/2026: 1 mức đã kích hoạt.",
        f"  việc #{task.id} · Nhắc việc sắp đến hạn · Sắp đến hạn: Kiểm tra văn bản đến → Nguyễn Thị Thu Hà",
    ]
    again = runner.invoke(args=["escalate", "--now", "2026-11-23T10:30"])
    assert again.output.splitlines() == ["Quét lúc 10:30 23/11/2026: 0 mức đã kích hoạt."]
    assert fired(task.id) == [(task.id, "reminder")]
    bad = runner.invoke(args=["escalate", "--now", "hôm qua"])
    assert bad.exit_code == 2 and "Thời điểm “hôm qua” không hợp lệ" in bad.output
