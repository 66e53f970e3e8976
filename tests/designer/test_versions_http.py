"""The versions pages and API: the list, the viewer's BPMN, the diff, rollback, and who may use them."""

from app.core.db import db
from app.workflow.models import ProcessVersion
from tests.conftest import csrf_token, login
from tests.designer.test_versions import PROCESS, deploy_changed_sla, start_case


def test_the_versions_page_lists_counts_and_offers_the_actions(client, design_office):
    start_case(design_office)
    own = deploy_changed_sla(design_office)
    login(client, "thietke")
    index = client.get("/designer").get_data(as_text=True)
    assert f"/designer/{PROCESS}/versions" in index
    page = client.get(f"/designer/{PROCESS}/versions")
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert "Mặc định toàn hệ thống" in html and "Rút ngắn thời hạn thực hiện" in html and "Lê Hoàng Phúc" in html
    assert f"/designer/{PROCESS}/edit?from={own.id}" in html
    assert "Khôi phục phiên bản 1, mặc định toàn hệ thống?" in html
    assert "Khôi phục phiên bản 1 của cơ quan" not in html  # the current version: nothing to restore
    assert client.get(f"/designer/{PROCESS}/versions/{own.id}").status_code == 200
    download = client.get(f"/designer/{PROCESS}/versions/{own.id}/bpmn")
    assert download.mimetype == "application/xml" and "attachment" in download.headers["Content-Disposition"]
    assert 'value="P3D"' in download.get_data(as_text=True)


def test_the_compare_page_shows_the_property_and_form_changes(client, design_office):
    shipped = design_office.processes[PROCESS]
    own = deploy_changed_sla(design_office)
    login(client, "thietke")
    page = client.get(f"/designer/{PROCESS}/versions/compare?a={shipped.id}&b={own.id}")
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert "Thực hiện công việc" in html and "P5D" in html and "P3D" in html and "ghi_chu_them" in html
    assert "designer-diff.js" in html and "bpmn-navigated-viewer" in html


def test_rollback_from_the_page_asks_nothing_twice(client, design_office):
    shipped = design_office.processes[PROCESS]
    deploy_changed_sla(design_office)
    login(client, "thietke")
    token = csrf_token(client, f"/designer/{PROCESS}/versions")
    url = f"/designer/{PROCESS}/versions/{shipped.id}/rollback"
    done = client.post(url, data={"csrf_token": token, "reason": "Quay lại thời hạn cũ"}, follow_redirects=True)
    assert "Đã khôi phục: phiên bản 2 của cơ quan" in done.get_data(as_text=True)
    again = client.post(url, data={"csrf_token": token}, follow_redirects=True)
    assert "Phiên bản này đang được dùng" in again.get_data(as_text=True)
    count = db.session.scalar(db.select(db.func.count()).where(ProcessVersion.agency_id == design_office.agency.id))
    assert count == 2


def test_the_api_lists_compares_and_rolls_back(client, design_office, api_token):
    shipped = design_office.processes[PROCESS]
    start_case(design_office)
    own = deploy_changed_sla(design_office)
    headers = api_token(design_office.designer)
    listed = client.get(f"/api/v1/designer/processes/{PROCESS}/versions", headers=headers).get_json()
    assert [(v["id"], v["is_current"], v["running"], v["scope"]) for v in listed] == [
        (own.id, True, 0, "agency"),
        (shipped.id, False, 1, "global"),
    ]
    meta = client.get(f"/api/v1/designer/versions/{own.id}", headers=headers).get_json()
    assert meta["based_on_id"] == shipped.id and meta["comment"] == "Rút ngắn thời hạn thực hiện"
    xml = client.get(f"/api/v1/designer/versions/{own.id}/bpmn", headers=headers)
    assert xml.mimetype == "application/xml" and b'value="P3D"' in xml.data
    diff = client.get(f"/api/v1/designer/versions/compare?a={shipped.id}&b={own.id}", headers=headers).get_json()
    assert [(p["element_id"], p["field"], p["old"], p["new"]) for p in diff["properties"]] == [
        ("carry_out_work", "sla", "P5D", "P3D")
    ]
    assert diff["forms"][0]["key"] == f"{PROCESS}/carry_out_work"
    url = f"/api/v1/designer/versions/{shipped.id}/rollback"
    restored = client.post(url, json={"comment": "Thử lại"}, headers=headers)
    assert restored.status_code == 201
    body = restored.get_json()
    assert body["version"] == 2 and body["based_on_id"] == shipped.id and body["is_current"]
    assert body["comment"] == "Khôi phục phiên bản 1, mặc định toàn hệ thống: Thử lại"
    in_use = client.post(url, json={}, headers=headers)
    assert in_use.status_code == 409 and in_use.get_json()["code"] == "version_in_use"


def test_other_agencies_get_404_and_non_designers_403(client, design_office, api_token, create_agency, create_user):
    own = deploy_changed_sla(design_office)
    other = create_agency(code="000.00.32.H33", name="Sở Tài chính", abbreviation="STC")
    stranger = create_user(roles=("thiet_ke",), agency=other, username="thietke.stc")
    headers = api_token(stranger)
    for path in (f"/api/v1/designer/versions/{own.id}", f"/api/v1/designer/versions/{own.id}/bpmn"):
        missing = client.get(path, headers=headers)
        assert missing.status_code == 404 and missing.get_json()["code"] == "version_not_found"
    assert client.post(f"/api/v1/designer/versions/{own.id}/rollback", json={}, headers=headers).status_code == 404
    leader = api_token(design_office.leader)
    assert client.get(f"/api/v1/designer/processes/{PROCESS}/versions", headers=leader).status_code == 403
    login(client, "lanhdao.snv")
    assert client.get(f"/designer/{PROCESS}/versions").status_code == 403
