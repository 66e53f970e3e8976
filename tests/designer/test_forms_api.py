"""/api/v1/designer/forms: list, read, save (422 invalid_form), reset, preview; designers of the agency only."""

import copy

from app.workflow.forms import load_form_file

KEY = "incoming/direct_handling"


def test_save_read_list_and_reset_an_override(client, design_office, api_token):
    headers = api_token(design_office.designer)
    form = copy.deepcopy(load_form_file(KEY))
    form["title"] = "Chỉ đạo xử lý (SNV)"

    saved = client.put(f"/api/v1/designer/forms/{KEY}", json={"definition": form}, headers=headers)
    assert saved.status_code == 200, saved.json
    assert saved.json["scope"] == "agency" and saved.json["definition"]["title"] == "Chỉ đạo xử lý (SNV)"

    listed = {row["key"]: row for row in client.get("/api/v1/designer/forms", headers=headers).json}
    assert listed[KEY]["scope"] == "agency" and listed[KEY]["has_global"]
    assert listed["incoming/register_document"]["scope"] == "global"
    assert any(use["process_id"] == "incoming" for use in listed[KEY]["used_by"])

    assert client.get(f"/api/v1/designer/forms/{KEY}", headers=headers).json["scope"] == "agency"
    assert client.delete(f"/api/v1/designer/forms/{KEY}", headers=headers).status_code == 204
    assert client.get(f"/api/v1/designer/forms/{KEY}", headers=headers).json["scope"] == "global"
    again = client.delete(f"/api/v1/designer/forms/{KEY}", headers=headers)
    assert again.status_code == 404 and again.json["code"] == "form_not_found"


def test_an_invalid_form_is_422_with_its_problems(client, design_office, api_token):
    headers = api_token(design_office.designer)
    form = copy.deepcopy(load_form_file(KEY))
    form["ui"]["lead_unit_id"]["source"] = "phong_ban"
    refused = client.put(f"/api/v1/designer/forms/{KEY}", json={"definition": form}, headers=headers)
    assert refused.status_code == 422 and refused.json["code"] == "invalid_form"
    assert "nguồn dữ liệu “phong_ban” không tồn tại" in refused.json["details"]["definition"]
    assert client.get(f"/api/v1/designer/forms/{KEY}", headers=headers).json["scope"] == "global"
    bad_key = client.put("/api/v1/designer/forms/khong-hop-le", json={"definition": form}, headers=headers)
    assert bad_key.status_code == 422 and bad_key.json["code"] == "invalid_form_key"


def test_preview_returns_the_inbox_html_or_the_problems(client, design_office, api_token):
    headers = api_token(design_office.designer)
    shown = client.post("/api/v1/designer/forms/preview", json={"definition": load_form_file(KEY)}, headers=headers)
    assert shown.status_code == 200 and shown.json["problems"] == []
    assert 'name="y_kien_chi_dao"' in shown.json["html"] and "Ý kiến chỉ đạo" in shown.json["html"]
    broken = client.post("/api/v1/designer/forms/preview", json={"text": '{"title": 1,}'}, headers=headers)
    assert broken.json["html"] == "" and "dòng 1" in broken.json["problems"][0]


def test_non_designers_are_refused(client, design_office, api_token):
    headers = api_token(design_office.leader)
    assert client.get("/api/v1/designer/forms", headers=headers).status_code == 403
    refused = client.put(f"/api/v1/designer/forms/{KEY}", json={"definition": load_form_file(KEY)}, headers=headers)
    assert refused.status_code == 403 and refused.json["code"] == "permission_denied"
