"""The modeler's page: the version opened, the panel's choices, and the JSON calls it makes with the session."""

import html
import json
import re

from app.config import PROJECT_ROOT
from app.workflow.definitions import deploy, newest_version
from tests.conftest import csrf_token, login

INCOMING = (PROJECT_ROOT / "processes" / "incoming.bpmn").read_text(encoding="utf-8")


def page_config(client, path: str) -> dict:
    response = client.get(path)
    assert response.status_code == 200
    found = re.search(
        r'<script type="application/json" id="qlvb-modeler-config">(.*?)</script>',
        response.get_data(as_text=True),
        re.S,
    )
    return json.loads(found.group(1))


def test_the_modeler_opens_the_current_version_with_the_panels_choices(app, client, design_office):
    login(client, "thietke")
    assert "Mở thiết kế" in client.get("/designer").get_data(as_text=True)
    config = page_config(client, "/designer/incoming/edit")
    assert config["processId"] == "incoming" and config["versionId"] == design_office.processes["incoming"].id
    assert config["xml"] == INCOMING
    assert {"value": "van_thu", "label": "Văn thư cơ quan"} in config["options"]["roles"]
    assert "incoming/check_document" in {f["value"] for f in config["options"]["forms"]}
    assert "register_incoming" in {o["value"] for o in config["options"]["operations"]}


def test_the_modeler_opens_a_given_version_but_not_another_agencys(client, design_office, create_agency, create_user):
    other = create_agency(code="000.00.32.H33", name="Sở Tài chính", abbreviation="STC")
    other_designer = create_user(roles=("thiet_ke",), agency=other)
    xml = INCOMING.replace('value="intake"', 'value="PT3H"')
    theirs = deploy(other_designer, xml, "incoming.bpmn", agency_id=other.id)[0]
    login(client, "thietke")
    assert page_config(client, f"/designer/incoming/edit?from={design_office.processes['incoming'].id}")["xml"]
    assert client.get(f"/designer/incoming/edit?from={theirs.id}").status_code == 404
    assert client.get("/designer/khong_co/edit").status_code == 404


def test_non_designers_cannot_open_the_modeler(client, design_office):
    login(client, "lanhdao.snv")
    assert client.get("/designer/incoming/edit").status_code == 403


def test_the_page_checks_and_deploys_with_the_session(client, design_office):
    login(client, "thietke")
    headers = {"X-CSRFToken": csrf_token(client, "/designer"), "Accept": "application/json"}
    bad = INCOMING.replace('value="intake"', 'value="sớm"')
    checked = client.post("/designer/incoming/check", json={"bpmn": bad}, headers=headers)
    assert checked.json["valid"] is False and checked.json["problems"][0]["element_id"] == "check_document"
    refused = client.post("/designer/incoming/deploy", json={"bpmn": bad, "comment": "x"}, headers=headers)
    assert refused.status_code == 422 and refused.json["details"]["problems"][0]["element_id"] == "check_document"
    good = INCOMING.replace('value="intake"', 'value="PT4H"')
    base = design_office.processes["incoming"].id
    deployed = client.post(
        "/designer/incoming/deploy", json={"bpmn": good, "comment": "4 giờ", "based_on_id": base}, headers=headers
    )
    assert deployed.status_code == 201 and deployed.json["created"] is True
    assert deployed.json["display_name"] == "phiên bản 1 của cơ quan"  # the page's message names the scope
    version = newest_version("incoming", design_office.agency.id)
    assert version.comment == "4 giờ" and version.based_on_id == base
    preview = client.get("/designer/sla-preview?spec=PT2H", headers=headers)
    assert preview.json["due_label"] == "Thứ Hai, 23/11/2026 lúc 11:00"


def deploy_question(client, process_id: str) -> str:
    page = client.get(f"/designer/{process_id}/edit").get_data(as_text=True)
    return html.unescape(re.search(r'<form[^>]*data-deploy-form[^>]*data-confirm="([^"]*)"', page).group(1))


def test_deploy_asks_first_naming_the_process_and_its_running_cases(client, design_office):
    from tests.designer.test_versions import deploy_changed_sla, start_case

    login(client, "thietke")
    name = design_office.processes["work_assignment"].name
    assert deploy_question(client, "work_assignment") == (
        f"Triển khai phiên bản mới của quy trình “{name}”? Các hồ sơ mới sẽ dùng phiên bản này."
    )
    start_case(design_office)
    deploy_changed_sla(design_office)
    start_case(design_office, "Sau khi đổi quy trình")  # cases on either version count
    assert deploy_question(client, "work_assignment").endswith(
        "Các hồ sơ mới sẽ dùng phiên bản này. 2 hồ sơ đang xử lý giữ phiên bản cũ."
    )
