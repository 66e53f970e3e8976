"""The modeler's check and deploy (REST API): the checks of `qlvb processes validate`, each problem on its element,
nothing deployed on refusal, a new immutable version of the agency's own on success."""

import sqlalchemy as sa

from app.audit.models import AuditEvent
from app.config import PROJECT_ROOT
from app.core.db import db
from app.workflow.definitions import newest_version
from app.workflow.models import ProcessVersion
from app.workflow.validation import sla_problem

INCOMING = (PROJECT_ROOT / "processes" / "incoming.bpmn").read_text(encoding="utf-8")
OUTGOING = (PROJECT_ROOT / "processes" / "outgoing.bpmn").read_text(encoding="utf-8")
CHECK_SLA = '<spiffworkflow:property name="sla" value="intake"/>'


def own_versions(agency_id: int) -> int:
    return db.session.scalar(sa.select(sa.func.count()).where(ProcessVersion.agency_id == agency_id))


def post(client, headers, path: str, **body):
    return client.post(f"/api/v1/designer/processes/{path}", json=body, headers=headers)


def test_deploy_creates_the_agencys_version_with_comment_and_base(client, design_office, api_token):
    headers = api_token(design_office.designer)
    base = design_office.processes["incoming"]
    xml = INCOMING.replace(CHECK_SLA, '<spiffworkflow:property name="sla" value="PT4H"/>')
    response = post(client, headers, "incoming/deploy", bpmn=xml, comment="Kiểm tra trong 4 giờ", based_on_id=base.id)
    assert response.status_code == 201, response.json
    body = response.json
    assert body["created"] is True and body["process_id"] == "incoming" and body["version"] == 1
    assert body["display_name"] == "phiên bản 1 của cơ quan"
    assert body["comment"] == "Kiểm tra trong 4 giờ" and body["based_on_id"] == base.id
    version = newest_version("incoming", design_office.agency.id)
    assert version.id == body["id"] and version.agency_id == design_office.agency.id and "PT4H" in version.bpmn_xml
    assert version.deployed_by_id == design_office.designer.id
    assert db.session.get(ProcessVersion, base.id).bpmn_xml == INCOMING  # the version edited never changes
    audit = db.session.scalars(sa.select(AuditEvent).where(AuditEvent.action == "process.deploy")).all()
    assert any(entry.object_id == str(version.id) for entry in audit)

    again = post(client, headers, "incoming/deploy", bpmn=xml, comment="lần nữa", based_on_id=version.id)
    assert again.status_code == 201 and again.json["created"] is False and again.json["id"] == version.id


def refused(client, design_office, api_token, xml: str, process_id: str = "incoming") -> list[dict]:
    headers = api_token(design_office.designer)
    checked = post(client, headers, f"{process_id}/validate", bpmn=xml)
    assert checked.status_code == 200 and checked.json["valid"] is False
    response = post(client, headers, f"{process_id}/deploy", bpmn=xml, comment="thử")
    assert response.status_code == 422 and response.json["code"] == "invalid_bpmn"
    assert own_versions(design_office.agency.id) == 0  # nothing deployed
    details, problems = response.json["details"], checked.json["problems"]
    # The error's details are flat (element id → its problems, one a line), the check's result the same as a list.
    assert all(isinstance(value, str) for value in details.values())
    assert set(details) - {"bpmn"} == {p["element_id"] for p in problems}
    assert all(p["message"] in details[p["element_id"]].split("\n") for p in problems)
    return problems


def test_a_bad_sla_is_refused_on_its_task(client, design_office, api_token):
    xml = INCOMING.replace(CHECK_SLA, '<spiffworkflow:property name="sla" value="hai ngày"/>')
    problems = refused(client, design_office, api_token, xml)
    assert [p["element_id"] for p in problems] == ["check_document"]
    assert sla_problem("hai ngày") in problems[0]["message"]


def test_a_step_whose_only_incoming_flow_was_deleted_is_refused_by_name(client, design_office, api_token):
    flow = '<bpmn:sequenceFlow id="f_to_handle" sourceRef="split_handling" targetRef="handle_document"/>'
    assert flow in INCOMING
    problems = refused(client, design_office, api_token, INCOMING.replace(flow, ""))
    assert [p["element_id"] for p in problems] == ["handle_document"]
    assert problems[0]["message"].startswith("bước “Giải quyết văn bản” không có luồng nào dẫn tới")


def test_a_lane_without_a_role_is_refused_on_the_lane(client, design_office, api_token):
    xml = INCOMING.replace('<bpmn:lane id="lane_clerk" name="van_thu">', '<bpmn:lane id="lane_clerk">')
    problems = refused(client, design_office, api_token, xml)
    assert [p["element_id"] for p in problems] == ["lane_clerk"]
    assert problems[0]["message"].startswith("làn chưa được gán vai trò") and "None" not in problems[0]["message"]


def test_a_lane_named_after_no_role_is_refused_on_the_lane(client, design_office, api_token):
    xml = INCOMING.replace('<bpmn:lane id="lane_clerk" name="van_thu">', '<bpmn:lane id="lane_clerk" name="Thư ký">')
    problems = refused(client, design_office, api_token, xml)
    assert [p["element_id"] for p in problems] == ["lane_clerk"]
    assert "làn “Thư ký” không phải là một vai trò" in problems[0]["message"]


def test_a_missing_form_is_refused_on_its_task(client, design_office, api_token):
    xml = INCOMING.replace('name="form" value="check_document"', 'name="form" value="khong_co"')
    problems = refused(client, design_office, api_token, xml)
    assert problems == [{"element_id": "check_document", "message": "không tìm thấy biểu mẫu “incoming/khong_co”"}]


def test_a_task_without_form_and_an_invalid_diagram_are_refused(client, design_office, api_token):
    xml = INCOMING.replace('<spiffworkflow:property name="form" value="check_document"/>', "")
    assert refused(client, design_office, api_token, xml)[0]["element_id"] == "check_document"
    broken = INCOMING.replace('targetRef="gw_check"', 'targetRef="nowhere"')
    assert refused(client, design_office, api_token, broken)
    truncated = INCOMING[: len(INCOMING) // 2]
    assert refused(client, design_office, api_token, truncated)[0]["message"].startswith("XML không hợp lệ")


def test_a_file_of_another_process_is_refused(client, design_office, api_token):
    problems = refused(client, design_office, api_token, OUTGOING, process_id="incoming")
    assert problems[0]["element_id"] == "outgoing" and "không phải quy trình “incoming”" in problems[0]["message"]


def test_only_designers_check_and_deploy(client, design_office, api_token):
    for user in (design_office.leader, design_office.clerk, design_office.admin):
        headers = api_token(user)
        assert post(client, headers, "incoming/validate", bpmn=INCOMING).status_code == 403
        assert post(client, headers, "incoming/deploy", bpmn=INCOMING, comment="x").status_code == 403
        assert client.get("/api/v1/designer/sla-preview?spec=PT2H", headers=headers).status_code == 403
    assert own_versions(design_office.agency.id) == 0


def test_sla_preview_on_the_agencys_calendar(client, design_office, api_token):
    headers = api_token(design_office.designer)

    def preview(spec: str, urgent: int = 0) -> dict:
        response = client.get(
            "/api/v1/designer/sla-preview", query_string={"spec": spec, "urgent": urgent}, headers=headers
        )
        assert response.status_code == 200
        return response.json

    # The frozen clock: Monday 23/11/2026 09:00 in Việt Nam.
    two_hours = preview("PT2H")
    assert two_hours["due_label"] == "Thứ Hai, 23/11/2026 lúc 11:00" and two_hours["problem"] is None
    assert two_hours["due_at"].startswith("2026-11-23T04:00:00")
    assert preview("P1D")["due_label"] == "Thứ Tư, 25/11/2026 lúc 17:00"  # the working calendar's day rule
    assert preview("intake")["due_label"] and preview("urgent", urgent=1)["due_label"]
    assert preview("urgent")["problem"] == sla_problem("urgent", "sla")
    bad = preview("hai ngày")
    assert bad["due_at"] is None and bad["problem"] == sla_problem("hai ngày")
