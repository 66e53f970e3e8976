"""The designer's task forms: the agency's own form overrides the global one at its next deploy, never before."""

import copy
import json
import re

import pytest
import sqlalchemy as sa

from app.audit.models import AuditEvent
from app.core.db import db
from app.core.errors import PermissionDenied, ValidationError
from app.core.transaction import unit_of_work
from app.designer import forms_service
from app.org import services as org_services
from app.workflow.definitions import PROCESSES_DIR, deploy, newest_version
from app.workflow.forms import load_form_file
from app.workflow.models import AgencyForm
from tests.conftest import csrf_token, login

KEY = "incoming/direct_handling"


def relabelled(label: str) -> dict:
    form = copy.deepcopy(load_form_file(KEY))
    form["ui"]["y_kien_chi_dao"]["label"] = label
    return form


def own_forms(agency_id: int) -> dict:
    return dict(
        db.session.execute(
            sa.select(AgencyForm.key, AgencyForm.definition).where(AgencyForm.agency_id == agency_id)
        ).all()
    )


def test_shipped_forms_pass_the_editor_checks(design_office):
    for row in forms_service.form_list(design_office.designer):
        assert forms_service.definition_problems(load_form_file(row.key)) == [], row.key


def test_the_list_shows_scope_and_the_tasks_using_each_form(design_office):
    rows = {r.key: r for r in forms_service.form_list(design_office.designer)}
    direct = rows[KEY]
    assert direct.scope == "global" and direct.scope_label == "Mặc định"
    assert any(u.process_id == "incoming" and u.task_id for u in direct.used_by)
    with unit_of_work():
        forms_service.save_form(design_office.designer, KEY, relabelled("Ý kiến của Giám đốc"))
    assert {r.key: r for r in forms_service.form_list(design_office.designer)}[KEY].scope_label == "Của cơ quan"


@pytest.mark.parametrize(
    "breakage, message",
    [
        (lambda f: f["schema"]["properties"].update(han_xu_ly={"type": "strin"}), "JSON Schema không hợp lệ"),
        (lambda f: f["ui"]["y_kien_chi_dao"].update(widget="slider"), "kiểu nhập “slider”"),
        (lambda f: f["ui"]["lead_unit_id"].update(source="phong_ban"), "nguồn dữ liệu “phong_ban”"),
        (lambda f: f.update(ui=[]), "“ui” phải là một đối tượng"),
    ],
)
def test_an_invalid_form_is_refused_and_nothing_saved(design_office, breakage, message):
    form = relabelled("Ý kiến")
    breakage(form)
    with pytest.raises(ValidationError) as refusal, unit_of_work():
        forms_service.save_form(design_office.designer, KEY, form)
    assert refusal.value.code == "invalid_form"
    assert any(message in p for p in refusal.value.problems)
    assert own_forms(design_office.agency.id) == {}


def test_a_json_syntax_error_names_line_and_column():
    form, problems = forms_service.parse_definition('{\n  "title": "x",\n  "schema" {}\n}')
    assert form is None and problems == ["Lỗi cú pháp JSON ở dòng 3, cột 12: thiếu dấu hai chấm."]


def test_keys_must_name_a_process_and_a_task(design_office):
    for key in ("incoming", "../etc/passwd", "incoming/a/b", "incoming/bước"):
        with pytest.raises(ValidationError) as refusal:
            forms_service.edited_form(design_office.designer, key, new=True)
        assert refusal.value.code == "invalid_form_key"
    assert forms_service.edited_form(design_office.designer, "incoming/kiem_tra_them", new=True).scope is None


def test_deploy_takes_the_override_for_this_agency_only_and_old_versions_keep_theirs(
    design_office, create_agency, create_user
):
    xml = (PROCESSES_DIR / "incoming.bpmn").read_text(encoding="utf-8")
    designer, agency = design_office.designer, design_office.agency
    with unit_of_work():
        (before,) = deploy(
            designer,
            xml.replace("Xử lý văn bản đến", "Xử lý văn bản đến (SNV)", 1),
            "incoming.bpmn",
            agency_id=agency.id,
        )
    assert before.forms[KEY]["ui"]["y_kien_chi_dao"]["label"] == "Ý kiến chỉ đạo"

    with unit_of_work():
        forms_service.save_form(designer, KEY, relabelled("Ý kiến của Giám đốc Sở"))
    assert newest_version("incoming", agency.id).forms[KEY]["ui"]["y_kien_chi_dao"]["label"] == "Ý kiến chỉ đạo"
    with unit_of_work():
        (after,) = deploy(
            designer,
            xml.replace("Xử lý văn bản đến", "Xử lý văn bản đến (SNV)", 1),
            "incoming.bpmn",
            agency_id=agency.id,
        )
    assert after.version == before.version + 1
    assert after.forms[KEY]["ui"]["y_kien_chi_dao"]["label"] == "Ý kiến của Giám đốc Sở"
    db.session.refresh(before)
    assert before.forms[KEY]["ui"]["y_kien_chi_dao"]["label"] == "Ý kiến chỉ đạo"

    other = create_agency(name="Sở Tài chính tỉnh Kiên Giang", abbreviation="STC2")
    other_designer = create_user(roles=("thiet_ke",), agency=other, username="thietke.stc2")
    with unit_of_work():
        (theirs,) = deploy(other_designer, xml, "incoming.bpmn", agency_id=other.id)
    assert theirs.forms[KEY]["ui"]["y_kien_chi_dao"]["label"] == "Ý kiến chỉ đạo"

    with unit_of_work():
        forms_service.reset_form(designer, KEY)
    assert own_forms(agency.id) == {}
    assert forms_service.edited_form(designer, KEY).scope == "global"
    actions = db.session.scalars(sa.select(AuditEvent.action).where(AuditEvent.agency_id == agency.id)).all()
    assert {"designer.form_save", "designer.form_reset"} <= set(actions)


def test_only_designers_edit_forms(app, client, design_office):
    with pytest.raises(PermissionDenied):
        forms_service.save_form(design_office.leader, KEY, relabelled("x"))
    login(client, "lanhdao.snv")
    assert client.get("/designer/forms").status_code == 403
    assert client.get(f"/designer/forms/{KEY}").status_code == 403


def test_the_preview_is_the_inbox_renderer(app, design_office):
    with unit_of_work():
        unit = org_services.create_unit(
            None, agency_id=design_office.agency.id, name="Phòng Tổ chức", abbreviation="TC"
        )
    client = app.test_client()
    login(client, "thietke")
    page = client.get(f"/designer/forms/{KEY}")
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and "Mặc định" in html
    assert "Xử lý văn bản đến (phiên bản 1) — " in html  # the tasks that use it
    token = csrf_token(client, f"/designer/forms/{KEY}")
    form = relabelled("Ý kiến của Giám đốc Sở")
    preview = client.post("/designer/forms/preview", data={"definition": json.dumps(form), "csrf_token": token})
    fragment = preview.get_data(as_text=True)
    assert 'data-testid="form-preview"' in fragment
    assert "Ý kiến của Giám đốc Sở" in fragment
    assert 'name="y_kien_chi_dao"' in fragment and '<textarea class="form-control ' in fragment
    assert 'id="f-lead_unit_id" name="lead_unit_id"' in fragment  # the inbox macro's ids and names
    assert re.search(rf'<option value="{unit.id}"[^>]*>Phòng Tổ chức</option>', fragment)  # the agency's units

    broken = client.post("/designer/forms/preview", data={"definition": '{"title": ', "csrf_token": token})
    assert "Lỗi cú pháp JSON ở dòng 1" in broken.get_data(as_text=True)


def test_saving_in_the_page_and_restoring_the_default(app, design_office):
    client = app.test_client()
    login(client, "thietke")
    token = csrf_token(client, f"/designer/forms/{KEY}")
    bad = relabelled("x")
    bad["ui"]["y_kien_chi_dao"]["widget"] = "slider"
    refused = client.post(f"/designer/forms/{KEY}", data={"definition": json.dumps(bad), "csrf_token": token})
    assert refused.status_code == 422 and "slider" in refused.get_data(as_text=True)
    assert own_forms(design_office.agency.id) == {}

    saved = client.post(
        f"/designer/forms/{KEY}", data={"definition": json.dumps(relabelled("Ý kiến GĐ")), "csrf_token": token}
    )
    assert saved.status_code == 302
    assert own_forms(design_office.agency.id)[KEY]["ui"]["y_kien_chi_dao"]["label"] == "Ý kiến GĐ"
    listing = client.get("/designer/forms").get_data(as_text=True)
    assert "Của cơ quan" in listing

    reset = client.post(f"/designer/forms/{KEY}", data={"action": "reset", "csrf_token": token})
    assert reset.status_code == 302 and own_forms(design_office.agency.id) == {}


def test_new_form_from_a_key(app, design_office):
    client = app.test_client()
    login(client, "thietke")
    assert client.get("/designer/forms/new?key=bad key").status_code == 302
    opened = client.get("/designer/forms/new?key=incoming/kiem_tra_them")
    assert opened.headers["Location"].endswith("/designer/forms/incoming/kiem_tra_them")
    page = client.get("/designer/forms/incoming/kiem_tra_them").get_data(as_text=True)
    assert "Mới, chưa lưu" in page and "Biểu mẫu mới" in page
