"""The file plan over HTTP: the page (read by all, edited by the office, issued by the head), import with row
errors, the printed files, the REST API, and another agency's plan as 404 on both."""

import io

from openpyxl import load_workbook
from pypdf import PdfReader

from app.core.db import db
from app.dossiers import plan as plans
from app.dossiers.models import FilePlan, FilePlanHeading
from tests.conftest import csrf_token, login
from tests.dossiers.test_plan_files import GOOD, workbook
from tests.dossiers.test_plan_services import build, notations

PAGE = "/dossiers/plan?year=2026"


def post(client, path, data, **kwargs):
    return client.post(path, data={"csrf_token": csrf_token(client, PAGE), **data}, **kwargs)


def test_the_office_builds_the_plan_on_the_page_and_the_head_issues_it(client, archive_office, frozen_clock):
    login(client, "vanthu")
    html = client.get("/dossiers/plan").get_data(as_text=True)  # this year by default
    assert "Danh mục hồ sơ năm 2026" in html and "Cơ quan chưa có Danh mục hồ sơ năm 2026" in html
    assert 'href="/dossiers/plan"' in html  # the menu entry
    assert post(client, "/dossiers/plan", {"year": "2026", "numbering": "heading"}).status_code == 303
    plan = plans.plan_of_year(archive_office.agency.id, 2026)
    post(client, f"/dossiers/plan/{plan.id}/headings", {"title": "Tổ chức cán bộ", "abbreviation": "TCCB"})
    main = db.session.query(FilePlanHeading).filter_by(plan_id=plan.id).one()
    entry = {"heading_id": main.id, "maintenance": "05", "responsible_id": archive_office.spec_a1.id}
    post(client, f"/dossiers/plan/{plan.id}/entries", {**entry, "title": "Hồ sơ tuyển dụng"})
    post(client, f"/dossiers/plan/{plan.id}/entries", {**entry, "title": "Hồ sơ nâng lương", "maintenance": "01"})
    html = client.get(PAGE).get_data(as_text=True)
    assert "<code>01.TCCB</code>" in html and "<code>02.TCCB</code>" in html and "Võ Quốc Bảo" in html
    assert "I. Tổ chức cán bộ" in html and "Dự thảo" in html
    assert 'data-testid="plan-footer">Danh mục hồ sơ này có <strong>2</strong>' in html
    assert "Phê duyệt, ban hành" not in html  # the clerk prepares, does not issue
    # A refused change is a message, changes nothing, and keeps what was typed beside its fault.
    response = post(client, f"/dossiers/plan/{plan.id}/headings", {"title": "Trùng", "abbreviation": "TCCB"})
    html = response.get_data(as_text=True)
    assert response.status_code == 422 and "đã dùng cho đề mục" in html
    assert 'value="Trùng"' in html and "Mỗi đề mục lớn một chữ viết tắt riêng." in html
    assert db.session.query(FilePlanHeading).filter_by(plan_id=plan.id).count() == 1
    other = {**entry, "title": "Hồ sơ hội nghị", "maintenance": "07", "note": "Theo kế hoạch"}
    html = post(client, f"/dossiers/plan/{plan.id}/entries", other).get_data(as_text=True)
    assert 'value="Hồ sơ hội nghị"' in html and 'value="Theo kế hoạch"' in html and "Nhập số năm bảo quản" in html
    assert f'<option value="{archive_office.spec_a1.id}" selected>' in html
    approve = {"decision_number": "12/QĐ-UBND", "decision_date": "2026-01-05"}
    assert post(client, f"/dossiers/plan/{plan.id}/approve", approve).status_code == 403
    client.post("/logout", data={"csrf_token": csrf_token(client, PAGE)})
    login(client, "lanhdao")
    assert "Phê duyệt, ban hành" in client.get(PAGE).get_data(as_text=True)
    ahead = post(client, f"/dossiers/plan/{plan.id}/approve", {**approve, "decision_date": "2027-03-01"})
    assert ahead.status_code == 422 and 'value="12/QĐ-UBND"' in ahead.get_data(as_text=True)
    assert "Ngày quyết định (01/03/2027) không được sau ngày hôm nay" in ahead.get_data(as_text=True)
    assert post(client, f"/dossiers/plan/{plan.id}/approve", approve).status_code == 303
    db.session.expire_all()
    assert db.session.get(FilePlan, plan.id).status == "approved"
    html = client.get(PAGE).get_data(as_text=True)
    assert "Đã ban hành" in html and "Quyết định số <strong>12/QĐ-UBND</strong> ngày 05/01/2026" in html


def test_everyone_reads_and_adds_their_own_entry_to_the_issued_plan(client, archive_office, frozen_clock):
    plan, h, _ = build(archive_office)
    login(client, "cv.a2")
    html = client.get(PAGE).get_data(as_text=True)
    assert "01.TCCB" in html and "Thêm đề mục" not in html and "Thêm hồ sơ" not in html  # a draft: read only
    assert post(client, f"/dossiers/plan/{plan.id}/headings", {"title": "X", "abbreviation": "X"}).status_code == 403
    plans.approve_plan(archive_office.leader, plan, decision_number="1/QĐ", decision_date=plan.created_at.date())
    assert "Bổ sung hồ sơ phát sinh" in client.get(PAGE).get_data(as_text=True)
    values = {"heading_id": h["vp"].id, "title": "Hồ sơ đoàn ra", "maintenance": "06"}
    assert post(client, f"/dossiers/plan/{plan.id}/entries", values).status_code == 303
    db.session.expire_all()
    added = [r.entry for r in plans.outline(db.session.get(FilePlan, plan.id)) if r.kind == "entry"][-1]
    assert (added.notation, added.responsible_id) == ("06.VP", archive_office.spec_a2.id)


def test_import_on_the_page_shows_row_errors_and_saves_nothing(client, archive_office, frozen_clock):
    login(client, "vanthu")
    bad = workbook([["", "I. Văn phòng (VP)"], ["", "Hồ sơ A", "mãi mãi", "", ""]])
    response = post(
        client,
        "/dossiers/plan/import",
        {"year": "2026", "file": (io.BytesIO(bad), "dm.xlsx")},
        content_type="multipart/form-data",
    )
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert "Dòng 5: Thời hạn bảo quản không hợp lệ" in html and "chưa nhập gì" in html
    assert plans.plan_of_year(archive_office.agency.id, 2026) is None
    good = {"year": "2026", "file": (io.BytesIO(workbook(GOOD)), "dm.xlsx")}
    assert post(client, "/dossiers/plan/import", good, content_type="multipart/form-data").status_code == 303
    assert notations(plans.plan_of_year(archive_office.agency.id, 2026)) == ["01.TCCB", "02.TCCB", "03.VP"]
    template = client.get("/dossiers/plan/template.xlsx")
    assert load_workbook(io.BytesIO(template.data)).worksheets[0]["B1"].value == "Tên đề mục và tiêu đề hồ sơ"


def test_a_year_that_is_not_one_is_said(client, archive_office, frozen_clock):
    login(client, "vanthu")
    html = client.get("/dossiers/plan?year=abc").get_data(as_text=True)
    assert "Năm “abc” không hợp lệ: đang xem Danh mục hồ sơ năm 2026." in html
    assert "không hợp lệ" not in client.get(PAGE).get_data(as_text=True)


def test_without_a_plan_the_others_are_told_who_makes_it(app, client, archive_office, create_user, create_agency):
    office = archive_office
    both = create_user(roles=("van_thu", "lanh_dao"), agency=office.agency, username="vt.ld", full_name="Mai Văn Hai")
    gone = create_user(roles=("van_thu",), agency=office.agency, username="vt.cu", full_name="Cao Thị Nghỉ")
    gone.is_active = False
    db.session.flush()
    create_user(roles=("van_thu",), agency=create_agency(), username="vt.khac", full_name="Người Cơ Quan Khác")
    login(client, office.archivist.username)
    html = client.get(PAGE).get_data(as_text=True)
    hint = html[html.index('data-testid="no-plan"') : html.index("</div>", html.index('data-testid="no-plan"'))]
    for person in (office.clerk, office.leader, office.admin, both):  # whoever can_edit_plan admits, once each
        assert hint.count(person.full_name) == 1, person.full_name
    for person in ("Cao Thị Nghỉ", "Người Cơ Quan Khác", office.unit_leader.full_name, office.archivist.full_name):
        assert person not in hint
    assert "Lập dự thảo" not in html
    clerk = app.test_client()
    login(clerk, "vanthu")
    html = clerk.get(PAGE).get_data(as_text=True)
    assert "Lập dự thảo" in html and "Đề nghị liên hệ" not in html  # the one who may is offered the forms instead


def test_the_page_offers_copy_from_last_year(client, archive_office, frozen_clock):
    build(archive_office, year=2025)
    login(client, "vanthu")
    assert "Sao chép từ năm 2025" in client.get(PAGE).get_data(as_text=True)
    assert post(client, "/dossiers/plan/copy", {"year": "2026"}).status_code == 303
    assert notations(plans.plan_of_year(archive_office.agency.id, 2026))[0] == "01.TCCB"


def test_printed_files_and_another_agencys_plan(client, archive_office, create_user, frozen_clock):
    plan, _, _ = build(archive_office)
    login(client, "cv.b")
    pdf = client.get(f"/dossiers/plan/{plan.id}.pdf")
    assert pdf.status_code == 200 and pdf.mimetype == "application/pdf"
    text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf.data)).pages)
    assert "DANH MỤC HỒ SƠ" in text and "01.TCCB" in text
    xlsx = client.get(f"/dossiers/plan/{plan.id}.xlsx")
    assert load_workbook(io.BytesIO(xlsx.data)).active["A2"].value == "DANH MỤC HỒ SƠ"
    create_user(roles=("van_thu",), username="vanthu.khac")
    client.post("/logout", data={"csrf_token": csrf_token(client, PAGE)})
    login(client, "vanthu.khac")
    assert client.get(f"/dossiers/plan/{plan.id}.pdf").status_code == 404
    assert "01.TCCB" not in client.get(PAGE).get_data(as_text=True)
    response = post(client, f"/dossiers/plan/{plan.id}/headings", {"title": "X", "abbreviation": "X"})
    assert response.status_code == 404


def test_the_api(client, archive_office, create_user, api_token, frozen_clock):
    clerk, leader = api_token(archive_office.clerk), api_token(archive_office.leader)
    made = client.post("/api/v1/file-plans", json={"year": 2026, "numbering": "heading"}, headers=clerk)
    assert made.status_code == 201
    plan_id = made.json["id"]
    main = client.post(
        f"/api/v1/file-plans/{plan_id}/headings", json={"title": "Văn phòng", "abbreviation": "VP"}, headers=clerk
    )
    assert main.status_code == 201 and main.json["numeral"] == "I"
    sub = client.post(
        f"/api/v1/file-plans/{plan_id}/headings",
        json={"title": "Hành chính", "parent_id": main.json["id"]},
        headers=clerk,
    )
    assert sub.json["numeral"] == "1"
    first = client.post(
        f"/api/v1/file-plans/{plan_id}/entries",
        json={"heading_id": sub.json["id"], "title": "Sổ công văn", "maintenance": "07", "retention_years": 15},
        headers=clerk,
    )
    assert first.status_code == 201 and (first.json["notation"], first.json["retention"]) == ("01.VP", "15 năm")
    bad = client.post(
        f"/api/v1/file-plans/{plan_id}/entries",
        json={"heading_id": main.json["id"], "title": "X", "maintenance": "07"},
        headers=clerk,
    )
    assert (
        bad.status_code == 422 and bad.json["code"] == "retention_invalid" and "retention_years" in bad.json["details"]
    )
    mine = {"responsible_id": archive_office.clerk.id}
    assert (
        client.patch(f"/api/v1/file-plans/{plan_id}/entries/{first.json['id']}", json=mine, headers=clerk).status_code
        == 200
    )
    open_path = "/api/v1/file-plans/open-entries?year=2026"
    assert client.get(open_path, headers=clerk).json == []  # not issued yet
    refused = client.post(
        f"/api/v1/file-plans/{plan_id}/approve",
        json={"decision_number": "5/QĐ", "decision_date": "2026-01-02"},
        headers=clerk,
    )
    assert refused.status_code == 403 and refused.json["code"] == "permission_denied"
    approved = client.post(
        f"/api/v1/file-plans/{plan_id}/approve",
        json={"decision_number": "5/QĐ", "decision_date": "2026-01-02"},
        headers=leader,
    )
    assert approved.status_code == 200 and approved.json["status"] == "approved"
    assert [e["notation"] for e in client.get(open_path, headers=clerk).json] == ["01.VP"]
    moved = client.post(
        f"/api/v1/file-plans/{plan_id}/entries/{first.json['id']}/move", json={"direction": "up"}, headers=clerk
    )
    assert moved.status_code == 409 and moved.json["code"] == "file_plan_approved"
    detail = client.get(f"/api/v1/file-plans/{plan_id}", headers=clerk).json
    assert [e["notation"] for e in detail["entries"]] == ["01.VP"] and detail["counts"]["total"] == 1
    assert [p["year"] for p in client.get("/api/v1/file-plans", headers=clerk).json] == [2026]
    assert client.get(f"/api/v1/file-plans/{plan_id}/export.pdf", headers=clerk).data.startswith(b"%PDF")
    copied = client.post("/api/v1/file-plans/copy", json={"year": 2027}, headers=clerk)
    assert copied.status_code == 201 and copied.json["entries"][0]["notation"] == "01.VP"
    imported = client.post(
        "/api/v1/file-plans/import",
        data={"year": "2028", "file": (io.BytesIO(workbook(GOOD)), "dm.xlsx")},
        headers=clerk,
        content_type="multipart/form-data",
    )
    assert imported.status_code == 201 and len(imported.json["entries"]) == 3
    stale = client.patch(
        f"/api/v1/file-plans/{copied.json['id']}", json={"numbering": "plan", "version": 0}, headers=clerk
    )
    assert stale.status_code == 409 and stale.json["code"] == "file_plan_stale"
    stranger = api_token(create_user(roles=("van_thu", "lanh_dao")))
    missing = client.get(f"/api/v1/file-plans/{plan_id}", headers=stranger)
    assert missing.status_code == 404 and missing.json["code"] == "file_plan_not_found"
    assert (
        client.delete(f"/api/v1/file-plans/{plan_id}/entries/{first.json['id']}", headers=stranger).status_code == 404
    )
    assert client.get("/api/v1/file-plans", headers=stranger).json == []


def test_a_refused_edit_changes_nothing(client, archive_office, api_token, frozen_clock):
    plan, _, e = build(archive_office)
    clerk = api_token(archive_office.clerk)
    path = f"/api/v1/file-plans/{plan.id}/entries/{e['kh'].id}"
    # The title is acceptable, the retention is not: the whole change is refused, the title included.
    response = client.patch(
        path, json={"title": "Tiêu đề mới", "maintenance": "07", "retention_years": 500}, headers=clerk
    )
    assert response.status_code == 422 and response.json["code"] == "retention_invalid"
    db.session.expire_all()
    assert client.get(f"/api/v1/file-plans/{plan.id}", headers=clerk).json["entries"][0]["title"] == (
        "Kế hoạch công tác cán bộ"
    )
    login(client, "vanthu")
    response = post(client, f"/dossiers/plan/{plan.id}/entries/{e['kh'].id}", {"title": "Mới", "maintenance": "99"})
    assert response.status_code == 303
    assert "Thời hạn bảo quản không hợp lệ" in client.get(PAGE).get_data(as_text=True)
    db.session.expire_all()
    assert plans.get_plan(archive_office.clerk, plan.id).entries[0].title == "Kế hoạch công tác cán bộ"
    response = client.patch(path, json={"title": "Kế hoạch năm", "maintenance": "01"}, headers=clerk)
    assert response.status_code == 200 and (response.json["title"], response.json["retention"]) == (
        "Kế hoạch năm",
        "Vĩnh viễn",
    )


def test_an_entry_is_edited_on_its_own_page(client, archive_office, create_user, frozen_clock):
    plan, h, e = build(archive_office)
    login(client, "vanthu")
    page = f"/dossiers/plan/{plan.id}/entries/{e['kh'].id}"
    html = client.get(page).get_data(as_text=True)
    assert "Sửa hồ sơ <code>01.TCCB</code>" in html and 'value="Kế hoạch công tác cán bộ"' in html
    assert f'href="{page}"' in client.get(PAGE).get_data(as_text=True)  # the row links to it
    values = {"title": "Kế hoạch cán bộ", "maintenance": "01", "heading_id": h["vp"].id, "version": plan.version}
    assert client.post(page, data={"csrf_token": csrf_token(client, page), **values}).status_code == 303
    db.session.expire_all()
    assert notations(plans.get_plan(archive_office.clerk, plan.id))[-1] == "05.VP"  # moved to II, renumbered
    client.post("/logout", data={"csrf_token": csrf_token(client, PAGE)})
    login(client, "cv.a1")
    assert client.get(page).status_code == 403
    create_user(roles=("van_thu",), username="vanthu.khac")
    client.post("/logout", data={"csrf_token": csrf_token(client, PAGE)})
    login(client, "vanthu.khac")
    assert client.get(page).status_code == 404
