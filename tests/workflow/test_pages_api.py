"""The shipped work_assignment process end to end through the pages and the REST API."""

import io
import re

import pytest
import sqlalchemy as sa

from app.audit.models import AuditEvent
from app.core.db import db
from app.workflow.definitions import PROCESSES_DIR, sync_processes
from app.workflow.models import HumanTask, InstanceStatus, WorkflowInstance
from tests.conftest import csrf_token, login
from tests.documents import pdf_corpus


@pytest.fixture
def shipped(office):
    sync_processes()
    return office


def test_every_shipped_process_validates(app):
    result = app.test_cli_runner().invoke(args=["processes", "validate", *map(str, PROCESSES_DIR.glob("*.bpmn"))])
    assert result.exit_code == 0, result.output


def test_sync_is_idempotent(db_session):
    first = sync_processes()
    again = sync_processes()
    assert [v.id for v in first] == [v.id for v in again]


def test_work_assignment_in_the_browser_pages(client, shipped):
    office = shipped
    login(client, "lanhdao")
    token = csrf_token(client, "/cases/new/work_assignment")
    bad = client.post("/cases/new/work_assignment", data={"csrf_token": token, "tieu_de": "Báo"})
    assert bad.status_code == 422
    assert "Nội dung quá ngắn" in bad.get_data(as_text=True) and "Trường này là bắt buộc." in bad.get_data(as_text=True)
    scripted = client.post(
        "/cases/new/work_assignment",
        data={
            "csrf_token": token,
            "tieu_de": "Báo cáo tình hình biên chế năm 2026",
            "tai_lieu": (io.BytesIO(pdf_corpus.javascript()), "so-lieu.pdf"),
        },
        content_type="multipart/form-data",
    )
    assert scripted.status_code == 422 and "có mã JavaScript" in scripted.get_data(as_text=True)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(WorkflowInstance)) == 0
    response = client.post(
        "/cases/new/work_assignment",
        data={
            "csrf_token": token,
            "tieu_de": "Báo cáo tình hình biên chế năm 2026",
            "noi_dung": "Tổng hợp số liệu",
            "don_vi_chu_tri": str(office.unit_a.id),
            "tai_lieu": (io.BytesIO("Số liệu".encode()), "so-lieu.txt"),
        },
        content_type="multipart/form-data",
    )
    assert response.status_code == 302
    instance = db.session.scalar(sa.select(WorkflowInstance))
    assert instance.title == "Báo cáo tình hình biên chế năm 2026"
    client.post("/logout", data={"csrf_token": token})

    login(client, "truongphong")
    inbox = client.get("/tasks").get_data(as_text=True)
    assert "Phân công thực hiện" in inbox and "Báo cáo tình hình biên chế năm 2026" in inbox
    task_id = db.session.scalar(sa.select(HumanTask.id).where(HumanTask.task_name == "distribute_work"))
    page = client.get(f"/tasks/{task_id}").get_data(as_text=True)
    assert "Chuyên viên thực hiện" in page and "Võ Quốc Bảo" in page
    assert "Thông tin hồ sơ" in page and "Tổng hợp số liệu" in page  # the case summary from the start form
    link = re.search(r'href="(/tasks/\d+/files/[0-9a-f]{64})">so-lieu.txt', page)
    assert link, "the attached file is linked"
    download = client.get(link.group(1))
    assert download.status_code == 200 and download.data == "Số liệu".encode()
    assert client.get(f"/tasks/{task_id}/files/{'0' * 64}").status_code == 404
    token = csrf_token(client, f"/tasks/{task_id}")
    invalid = client.post(f"/tasks/{task_id}/complete", data={"csrf_token": token})
    assert invalid.status_code == 422 and "Trường này là bắt buộc." in invalid.get_data(as_text=True)
    done = client.post(
        f"/tasks/{task_id}/complete",
        data={"csrf_token": token, "chuyen_vien_thuc_hien": str(office.spec_a1.id), "y_kien_phan_cong": "Đồng chí Bảo"},
    )
    assert done.status_code == 302
    client.post("/logout", data={"csrf_token": token})

    login(client, "cv.a1")
    carry = db.session.scalar(sa.select(HumanTask).where(HumanTask.task_name == "carry_out_work"))
    assert carry.assignee_id == office.spec_a1.id
    nav = client.get("/").get_data(as_text=True)
    assert re.search(r'data-testid="nav-badge">\s*1\s*<', nav)
    token = csrf_token(client, f"/tasks/{carry.id}")
    client.post(f"/tasks/{carry.id}/complete", data={"csrf_token": token, "ket_qua": "Đã tổng hợp xong số liệu"})
    page = client.get(f"/cases/{instance.id}").get_data(as_text=True)
    assert "Thực hiện công việc" in page and "Võ Quốc Bảo" in page


def test_work_assignment_through_the_api(client, shipped, api_token):
    office = shipped
    leader = api_token(office.leader)
    started = client.post(
        "/api/v1/processes/work_assignment/start",
        headers=leader,
        json={
            "title": "Rà soát thủ tục hành chính",
            "urgent": True,
            "data": {"tieu_de": "Rà soát thủ tục hành chính", "don_vi_chu_tri": office.unit_a.id},
        },
    )
    assert started.status_code == 201, started.json
    assert started.json["status"] == InstanceStatus.RUNNING and started.json["is_urgent"] is True

    unit_leader = api_token(office.unit_leader)
    page = client.get("/api/v1/tasks", headers=unit_leader).json
    assert page["total"] == 1 and page["next_cursor"] is None
    [task] = page["items"]
    assert (task["task_name"], task["urgency"]) == ("distribute_work", "urgent")
    detail = client.get(f"/api/v1/tasks/{task['id']}", headers=unit_leader).json
    assert detail["form"]["ui"]["chuyen_vien_thuc_hien"]["source"] == "users"

    bad = client.post(f"/api/v1/tasks/{task['id']}/complete", headers=unit_leader, json={"data": {}})
    assert bad.status_code == 422 and bad.json["details"] == {"chuyen_vien_thuc_hien": "Trường này là bắt buộc."}
    wrong_person = client.post(
        f"/api/v1/tasks/{task['id']}/complete",
        headers=api_token(office.spec_a1),
        json={"data": {"chuyen_vien_thuc_hien": office.spec_a1.id}},
    )
    assert wrong_person.status_code == 404 and wrong_person.json["code"] == "task_not_found"
    ok = client.post(
        f"/api/v1/tasks/{task['id']}/complete",
        headers=unit_leader,
        json={"data": {"chuyen_vien_thuc_hien": office.spec_a1.id}, "comment": "Giao Bảo"},
    )
    assert ok.status_code == 200 and ok.json["state"] == "completed"
    again = client.post(
        f"/api/v1/tasks/{task['id']}/complete",
        headers=unit_leader,
        json={"data": {"chuyen_vien_thuc_hien": office.spec_a1.id}},
    )
    assert again.status_code == 409 and again.json["code"] == "task_already_completed"

    specialist = api_token(office.spec_a1)
    [carry] = client.get("/api/v1/tasks", headers=specialist).json["items"]
    client.post(f"/api/v1/tasks/{carry['id']}/complete", headers=specialist, json={"data": {"ket_qua": "Xong rà soát"}})
    [review] = client.get("/api/v1/tasks", headers=unit_leader).json["items"]
    redo = client.post(
        f"/api/v1/tasks/{review['id']}/complete",
        headers=unit_leader,
        json={"data": {"nhan_xet": "Bổ sung"}, "outcome": "lam_lai"},
    )
    assert redo.status_code == 200
    [carry2] = client.get("/api/v1/tasks", headers=specialist).json["items"]
    assert carry2["task_name"] == "carry_out_work" and carry2["id"] != carry["id"]
    client.post(f"/api/v1/tasks/{carry2['id']}/complete", headers=specialist, json={"data": {"ket_qua": "Đã bổ sung"}})
    [review2] = client.get("/api/v1/tasks", headers=unit_leader).json["items"]
    client.post(f"/api/v1/tasks/{review2['id']}/complete", headers=unit_leader, json={"outcome": "dat"})
    instance = client.get(f"/api/v1/instances/{started.json['id']}", headers=leader).json
    assert instance["status"] == "completed"
    assert (
        db.session.scalar(sa.select(AuditEvent.summary).where(AuditEvent.action == "workflow.note"))
        == "Hoàn thành công việc: Rà soát thủ tục hành chính"
    )


def test_api_inbox_pages_with_a_cursor(client, shipped, api_token):
    office = shipped
    leader = api_token(office.leader)
    for n in range(5):
        client.post(
            "/api/v1/processes/work_assignment/start",
            headers=leader,
            json={"data": {"tieu_de": f"Việc số {n + 1} cần làm", "don_vi_chu_tri": office.unit_a.id}},
        )
    headers = api_token(office.unit_leader)
    first = client.get("/api/v1/tasks?limit=2", headers=headers).json
    second = client.get(f"/api/v1/tasks?limit=2&after={first['next_cursor']}", headers=headers).json
    third = client.get(f"/api/v1/tasks?limit=2&after={second['next_cursor']}", headers=headers).json
    ids = [t["id"] for t in first["items"] + second["items"] + third["items"]]
    assert len(ids) == 5 == len(set(ids)) and first["total"] == 5 and third["next_cursor"] is None
    bad = client.get("/api/v1/tasks?after=abc", headers=headers)
    assert bad.status_code == 422


def test_api_deploy_refuses_invalid_bpmn_with_problem_lines(client, shipped, api_token):
    xml = (PROCESSES_DIR / "work_assignment.bpmn").read_text(encoding="utf-8").replace('value="P5D"', 'value="5 ngày"')
    response = client.post(
        "/api/v1/processes/deploy",
        headers=api_token(shipped.admin),
        json={"bpmn": xml, "filename": "work_assignment.bpmn"},
    )
    assert response.status_code == 422 and response.json["code"] == "invalid_bpmn"
    assert response.json["details"]["bpmn"].startswith("work_assignment.bpmn:carry_out_work:")
    check = client.post(
        "/api/v1/processes/validate",
        headers=api_token(shipped.admin),
        json={"bpmn": xml, "filename": "work_assignment.bpmn"},
    ).json
    assert check["valid"] is False
    good = client.post(
        "/api/v1/processes/deploy",
        headers=api_token(shipped.admin),
        json={"bpmn": xml.replace('value="5 ngày"', 'value="P3D"'), "filename": "wa.bpmn"},
    )
    assert good.status_code == 201 and good.json[0]["agency_id"] == shipped.agency.id
    clerk = client.post(
        "/api/v1/processes/deploy", headers=api_token(shipped.clerk), json={"bpmn": xml, "filename": "wa.bpmn"}
    )
    assert clerk.status_code == 403


def test_designer_uploads_a_bpmn_on_the_processes_page(client, shipped):
    login(client, "quantri")
    token = csrf_token(client, "/processes")
    xml = (PROCESSES_DIR / "work_assignment.bpmn").read_bytes().replace(b'value="P5D"', b'value="abc"')
    response = client.post(
        "/processes/deploy",
        data={"csrf_token": token, "bpmn": (io.BytesIO(xml), "wa.bpmn")},
        content_type="multipart/form-data",
    )
    assert response.status_code == 422
    assert "wa.bpmn:carry_out_work:" in response.get_data(as_text=True)
    ok = client.post(
        "/processes/deploy",
        data={"csrf_token": token, "bpmn": (io.BytesIO(xml.replace(b'value="abc"', b'value="P4D"')), "wa.bpmn")},
        content_type="multipart/form-data",
    )
    assert ok.status_code == 302
    assert "Riêng cơ quan" in client.get("/processes").get_data(as_text=True)


def test_processes_of_a_document_kind_do_not_start_as_bare_cases(client, office, api_token):
    from app.workflow.definitions import sync_processes

    sync_processes()
    for process_id in ("incoming", "outgoing"):
        response = client.post(
            f"/api/v1/processes/{process_id}/start", headers=api_token(office.clerk), json={"title": "Không có văn bản"}
        )
        assert response.status_code == 409 and response.json["code"] == "process_bound_to_object", process_id


def test_api_task_detail_gives_the_prefilled_values_and_the_field_choices(client, shipped, api_token):
    office = shipped
    client.post(
        "/api/v1/processes/work_assignment/start",
        headers=api_token(office.leader),
        json={"data": {"tieu_de": "Rà soát thủ tục", "noi_dung": "Nội dung", "don_vi_chu_tri": office.unit_a.id}},
    )
    unit_leader = api_token(office.unit_leader)
    [task] = client.get("/api/v1/tasks", headers=unit_leader).json["items"]
    detail = client.get(f"/api/v1/tasks/{task['id']}", headers=unit_leader).json
    assert detail["can_act"] is True and detail["values"] == {}  # nothing of this form is known yet
    choices = client.get(f"/api/v1/tasks/{task['id']}/choices/chuyen_vien_thuc_hien", headers=unit_leader).json
    assert {c["value"] for c in choices} >= {office.spec_a1.id, office.spec_a2.id}
    assert all(set(c) == {"value", "label"} for c in choices)
    unknown = client.get(f"/api/v1/tasks/{task['id']}/choices/khong_co", headers=unit_leader)
    assert unknown.status_code == 404 and unknown.json["code"] == "field_not_found"
    stranger = client.get(f"/api/v1/tasks/{task['id']}/choices/chuyen_vien_thuc_hien", headers=api_token(office.spec_b))
    assert stranger.status_code == 404


def test_a_comment_is_never_carried_to_the_next_persons_form():
    from app.workflow.forms import prefill

    form = {
        "schema": {"properties": {"y_kien": {"type": "string"}, "so_ban": {"type": "integer"}}},
        "ui": {"y_kien": {"widget": "textarea", "prefill": False}},
    }
    case = {"y_kien": "Ý kiến của người trước", "so_ban": 3}
    assert prefill(form, case) == {"so_ban": 3}


def test_every_opinion_field_of_the_shipped_forms_opens_empty():
    import json

    from app.workflow.definitions import PROCESSES_DIR

    opinions = {"y_kien", "y_kien_chi_dao", "y_kien_phan_cong", "y_kien_phoi_hop", "nhan_xet", "ket_qua"}
    for path in (PROCESSES_DIR.parent / "forms").glob("*/*.json"):
        form = json.loads(path.read_text(encoding="utf-8"))
        for name in opinions & set(form["schema"].get("properties", {})):
            assert form["ui"][name]["prefill"] is False, f"{path.name}: {name}"


def test_a_stranded_task_is_handed_on_by_the_clerk_or_the_leader_and_it_is_audited(client, shipped, api_token):
    from app.org.services import deactivate_user

    office = shipped
    client.post(
        "/api/v1/processes/work_assignment/start",
        headers=api_token(office.leader),
        json={"data": {"tieu_de": "Việc của Phòng Tổng hợp", "don_vi_chu_tri": office.unit_a.id}},
    )
    task = db.session.scalar(sa.select(HumanTask).where(HumanTask.task_name == "distribute_work"))
    deactivate_user(office.admin, office.unit_leader.id)  # the unit's only leader leaves: nobody can take the step
    specialist = api_token(office.spec_a1)
    refused = client.post(f"/api/v1/tasks/{task.id}/reassign", headers=specialist, json={"user_id": office.spec_a2.id})
    assert refused.status_code in (403, 404)
    moved = client.post(
        f"/api/v1/tasks/{task.id}/reassign", headers=api_token(office.clerk), json={"user_id": office.spec_a2.id}
    )
    assert moved.status_code == 200 and moved.json["assignee_id"] == office.spec_a2.id, moved.json
    event = db.session.scalar(sa.select(AuditEvent).where(AuditEvent.action == "task.reassign"))
    assert event.changes["override"] is True and event.actor_id == office.clerk.id
    assert event.summary.endswith("(ngoài vai trò của bước)")  # a specialist given a unit leader's step
    login(client, "vanthu")
    timeline = client.get(f"/cases/{task.instance_id}").get_data(as_text=True)
    assert 'data-testid="handover"' in timeline and office.spec_a2.full_name in timeline  # the case history says so
    assert f'href="/tasks/{task.id}"' in timeline  # and leads the clerk to the step
    done = client.post(
        f"/api/v1/tasks/{task.id}/complete",
        headers=api_token(office.spec_a2),
        json={"data": {"chuyen_vien_thuc_hien": office.spec_a1.id}},
    )
    assert done.status_code == 200, done.json


def test_the_hand_on_list_tells_apart_people_of_one_name_by_post_and_unit(client, shipped, api_token, create_user):
    from app.org.services import deactivate_user
    from app.workflow.services import reassign_choices

    office = shipped
    namesake = create_user(
        roles=("chuyen_vien",),
        agency=office.agency,
        unit_id=office.unit_b.id,
        username="cv.b2",
        full_name=office.spec_a2.full_name,
    )
    office.spec_a2.position = "Chuyên viên chính"
    client.post(
        "/api/v1/processes/work_assignment/start",
        headers=api_token(office.leader),
        json={"data": {"tieu_de": "Việc của Phòng Tổng hợp", "don_vi_chu_tri": office.unit_a.id}},
    )
    task = db.session.scalar(sa.select(HumanTask).where(HumanTask.task_name == "distribute_work"))
    deactivate_user(office.admin, office.unit_leader.id)  # stranded: the clerk may hand it to anyone in the agency
    labels = {c.user.id: c.label for c in reassign_choices(office.clerk, task)}
    assert labels[office.spec_a2.id] == "Đặng Ngọc Ánh — Chuyên viên chính, Phòng Tổng hợp"
    assert labels[namesake.id] == "Đặng Ngọc Ánh — Phòng Kinh tế"
    assert labels[office.leader.id] == "Trần Văn Minh"  # neither post nor unit: the name alone
    login(client, "vanthu")
    page = client.get(f"/tasks/{task.id}").get_data(as_text=True)
    assert f'<option value="{office.spec_a2.id}">Đặng Ngọc Ánh — Chuyên viên chính, Phòng Tổng hợp</option>' in page
    assert f'<option value="{namesake.id}">Đặng Ngọc Ánh — Phòng Kinh tế</option>' in page


def test_a_unit_leader_is_offered_only_the_specialists_of_the_unit(client, shipped, api_token):
    office = shipped
    client.post(
        "/api/v1/processes/work_assignment/start",
        headers=api_token(office.leader),
        json={"data": {"tieu_de": "Việc của Phòng Tổng hợp", "don_vi_chu_tri": office.unit_a.id}},
    )
    unit_leader = api_token(office.unit_leader)
    [task] = client.get("/api/v1/tasks", headers=unit_leader).json["items"]
    choices = client.get(f"/api/v1/tasks/{task['id']}/choices/chuyen_vien_thuc_hien", headers=unit_leader).json
    assert {c["value"] for c in choices} == {office.spec_a1.id, office.spec_a2.id}  # not Phòng Kinh tế's
    other_unit = client.post(
        f"/api/v1/tasks/{task['id']}/complete",
        headers=unit_leader,
        json={"data": {"chuyen_vien_thuc_hien": office.spec_b.id}},
    )
    assert other_unit.status_code == 422 and "chuyen_vien_thuc_hien" in other_unit.json["details"]


def test_a_case_for_a_unit_nobody_can_distribute_is_refused_on_the_page_and_the_api(client, shipped, api_token):
    """Phòng Kinh tế has no unit leader: its "Phân công thực hiện" step would sit in nobody's inbox."""
    office = shipped
    data = {"tieu_de": "Rà soát thủ tục hành chính", "don_vi_chu_tri": office.unit_b.id}
    refused = client.post(
        "/api/v1/processes/work_assignment/start", headers=api_token(office.leader), json={"data": data}
    )
    assert refused.status_code == 422 and "chưa có lãnh đạo đơn vị" in refused.json["details"]["don_vi_chu_tri"]
    not_a_form = client.post(  # the API checks the start form as the page does
        "/api/v1/processes/work_assignment/start", headers=api_token(office.leader), json={"data": {"tieu_de": 5}}
    )
    assert not_a_form.status_code == 422 and set(not_a_form.json["details"]) >= {"tieu_de", "don_vi_chu_tri"}
    login(client, "lanhdao")
    token = csrf_token(client, "/cases/new/work_assignment")
    page = client.post(
        "/cases/new/work_assignment",
        data={"csrf_token": token, "tieu_de": data["tieu_de"], "don_vi_chu_tri": str(office.unit_b.id)},
    )
    assert page.status_code == 422 and "chưa có lãnh đạo đơn vị" in page.get_data(as_text=True)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(WorkflowInstance)) == 0


def test_what_keeps_a_person_from_a_step_is_named(shipped):
    from app.workflow.assignment import mismatch

    office = shipped
    step = HumanTask(agency_id=office.agency.id, role="chuyen_vien", unit_id=office.unit_a.id)
    assert mismatch(office.spec_a1, step) is None
    assert mismatch(office.spec_b, step) == "đơn vị"  # a specialist of another unit: not a role difference
    assert mismatch(office.clerk, step) == "vai trò"


def test_a_work_deadline_is_a_working_day_not_in_the_past(client, shipped, api_token, frozen_clock):
    # The start form's "Hạn hoàn thành" is marked `"deadline": true` (app.workflow.forms.deadline_problems).
    office = shipped
    leader = api_token(office.leader)

    def start(day: str):
        data = {"tieu_de": "Rà soát thủ tục hành chính", "don_vi_chu_tri": office.unit_a.id, "han_hoan_thanh": day}
        return client.post("/api/v1/processes/work_assignment/start", headers=leader, json={"data": data})

    saturday = start("2026-11-28")  # the clock stands on Monday 23/11/2026
    assert saturday.status_code == 422
    assert saturday.json["details"]["han_hoan_thanh"] == (
        "Hạn hoàn thành là 28/11/2026, ngày nghỉ (Thứ Bảy): chọn một ngày làm việc, gần nhất là 30/11/2026."
    )
    past = start("2026-11-20")
    assert past.status_code == 422 and past.json["details"] == {
        "han_hoan_thanh": "Hạn hoàn thành không được ở trong quá khứ."
    }
    assert start("2026-11-30").status_code == 201
    login(client, "lanhdao")
    token = csrf_token(client, "/cases/new/work_assignment")
    page = client.post(
        "/cases/new/work_assignment",
        data={
            "csrf_token": token,
            "tieu_de": "Báo cáo biên chế",
            "don_vi_chu_tri": str(office.unit_a.id),
            "han_hoan_thanh": "2026-11-29",
        },
    )
    assert page.status_code == 422 and "gần nhất là 30/11/2026" in page.get_data(as_text=True)
