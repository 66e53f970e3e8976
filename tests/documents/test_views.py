"""Register and document type pages: administrators change, clerks read, others are refused."""

import sqlalchemy as sa

from app.core.db import db
from app.documents import numbering, queries, services
from app.documents.models import Register
from tests.conftest import csrf_token, login


def test_admin_sees_registers_with_this_years_last_number(client, admin, frozen_clock):
    register = services.default_register(admin.agency_id, "incoming")
    for _ in range(3):
        numbering.take_number(register.id)
    login(client, "admin1")
    response = client.get("/registers")
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and response.content_type == "text/html; charset=utf-8"
    assert "Sổ đăng ký văn bản" in html and "năm 2026" in html and "Sổ văn bản đến" in html
    assert 'data-testid="last-number-DEN">03<' in html
    assert "Mở sổ mới" in html
    assert 'href="/registers"' in client.get("/").get_data(as_text=True)  # in the navigation


def test_clerk_reads_but_cannot_change(client, create_user, admin):
    services.default_register(admin.agency_id, "incoming")
    create_user(roles=("van_thu",), agency=admin.agency, username="vanthu")
    login(client, "vanthu")
    page = client.get("/registers").get_data(as_text=True)
    assert "Sổ văn bản đến" in page and "Mở sổ mới" not in page
    assert 'href="/registers"' in client.get("/").get_data(as_text=True)
    assert client.get("/registers/new").status_code == 403
    assert client.get("/registers/document-types").status_code == 200


def test_others_are_refused(client, create_user, create_agency, admin):
    create_user(username="chuyenvien")
    login(client, "chuyenvien")
    assert client.get("/registers").status_code == 403
    assert 'href="/registers"' not in client.get("/").get_data(as_text=True)
    client.post("/logout", data={"csrf_token": csrf_token(client, "/")})
    login(client, "admin1")
    assert client.get(f"/registers?agency={create_agency().id}").status_code == 404  # not an agency they manage


def test_admin_opens_and_edits_a_register_through_the_form(client, admin):
    login(client, "admin1")
    token = csrf_token(client, "/registers/new")
    bad = client.post(
        "/registers/new",
        data={"kind": "outgoing", "name": "Sổ quyết định", "code": "DI QD", "is_active": "y", "csrf_token": token},
    )
    assert bad.status_code == 422 and "Mã sổ gồm chữ cái in hoa" in bad.get_data(as_text=True)
    good = client.post(
        "/registers/new",
        data={
            "kind": "outgoing",
            "name": "Sổ quyết định",
            "code": "DI-QD",
            "document_type_codes": ["QD", "QD_QPPL"],
            "is_active": "y",
            "csrf_token": token,
        },
    )
    assert good.status_code == 302
    register = db.session.scalar(sa.select(Register).where(Register.code == "DI-QD"))
    assert (register.kind, register.document_type_codes, register.is_active) == ("outgoing", ["QD", "QD_QPPL"], True)

    edit_url = f"/registers/{register.id}/edit"
    form = client.get(edit_url).get_data(as_text=True)
    assert 'value="Sổ quyết định"' in form and 'name="kind"' not in form  # the kind is fixed
    edited = client.post(
        edit_url,
        data={"name": "Sổ quyết định cá biệt", "code": "DI-QD", "document_type_codes": ["QD"], "csrf_token": token},
    )
    assert edited.status_code == 302
    db.session.expire_all()  # the request wrote through its own session
    assert (register.name, register.document_type_codes, register.is_active) == ("Sổ quyết định cá biệt", ["QD"], False)


def test_admin_adds_an_agency_document_type_through_the_page(client, admin):
    login(client, "admin1")
    page = client.get("/registers/document-types?q=giay moi").get_data(as_text=True)
    assert "Giấy mời" in page and "Quyết định" not in page
    token = csrf_token(client, "/registers/document-types")
    url = f"/registers/document-types?agency={admin.agency_id}"
    clash = client.post(
        url, data={"code": "GM", "name": "Giấy mời họp", "category": "administrative", "csrf_token": token}
    )
    assert clash.status_code == 422 and "đã có trong danh mục dùng chung" in clash.get_data(as_text=True)
    added = client.post(
        url,
        data={
            "code": "GMH",
            "name": "Giấy mời họp",
            "abbreviation": "GMH",
            "category": "administrative",
            "csrf_token": token,
        },
    )
    assert added.status_code == 302
    own = queries.find_document_type(admin.agency_id, "GMH")
    assert own.agency_id == admin.agency_id and own.is_active
    assert client.post(f"/registers/document-types/{own.id}/toggle", data={"csrf_token": token}).status_code == 302
    db.session.expire_all()
    assert own.is_active is False
    global_type = queries.find_document_type(None, "GM")
    refused = client.post(f"/registers/document-types/{global_type.id}/toggle", data={"csrf_token": token})
    db.session.expire_all()
    assert refused.status_code == 404 and global_type.is_active
