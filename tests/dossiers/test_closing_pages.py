"""The closing page, the dossier page's closing partial and the REST endpoints (close, reopen); tenancy."""

from datetime import date

from flask import render_template_string

from app.core.db import db
from app.dossiers.models import Dossier
from app.dossiers.states import DossierStatus
from tests.conftest import csrf_token, login
from tests.dossiers.conftest import make_dossier
from tests.dossiers.helpers_closing import add_pdf, pdf_bytes


def _filled(office):
    spec = office.spec_a1
    dossier = make_dossier(spec, title="Hồ sơ hội nghị")
    first = add_pdf(spec, dossier, "A", dated_on=date(2026, 5, 1))
    twin = add_pdf(spec, dossier, "A2", dated_on=date(2026, 5, 2), data=pdf_bytes("A"))
    add_pdf(spec, dossier, "B", dated_on=date(2026, 3, 1))
    db.session.commit()
    return dossier, first, twin


def test_the_review_page_flags_duplicates_and_closing_removes_them(archive_office, frozen_clock, client):
    dossier, first, twin = _filled(archive_office)
    login(client, archive_office.spec_a1.username)
    assert f'href="/dossiers/{dossier.id}/close"' in client.get(f"/dossiers/{dossier.id}").get_data(as_text=True)
    page = client.get(f"/dossiers/{dossier.id}/close")
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and "Kết thúc hồ sơ" in html
    assert f"Trùng với văn bản số {first.ordinal}" in html
    assert f'value="{twin.id}"\n             id="remove-{twin.id}"' in html and "checked" in html
    assert 'value="2026-05-02"' in html  # the end date defaults to the latest document's

    token = csrf_token(client, f"/dossiers/{dossier.id}/close")
    form = {
        "csrf_token": token,
        "remove": [str(twin.id)],
        "title": "Hồ sơ hội nghị tổng kết",
        "notation": "01.TH",
        "maintenance": "05",
        "end_date": "2026-05-01",
        "version": str(dossier.version),
    }
    response = client.post(f"/dossiers/{dossier.id}/close", data=form)
    assert response.status_code == 302 and response.headers["Location"].endswith(f"/dossiers/{dossier.id}")
    page = client.get(f"/dossiers/{dossier.id}").get_data(as_text=True)  # the dossier page and its partial
    assert "Mở lại hồ sơ" in page and f"/dossiers/{dossier.id}/export.pdf" in page
    dossier = db.session.get(Dossier, dossier.id)
    db.session.refresh(dossier)
    assert dossier.status == DossierStatus.CLOSED
    assert (dossier.title, dossier.maintenance, dossier.retention_years) == ("Hồ sơ hội nghị tổng kết", "05", 20)
    assert [i.subject for i in dossier.items] == ["Tài liệu B", "Tài liệu A"]
    assert dossier.end_date == date(2026, 5, 1)

    response = client.post(f"/dossiers/{dossier.id}/reopen", data={"csrf_token": token})
    assert response.status_code == 302
    db.session.refresh(dossier)
    assert dossier.status == DossierStatus.OPEN and dossier.transfer_due_on is None


def test_a_refused_close_shows_the_reason_and_changes_nothing(archive_office, frozen_clock, client):
    dossier, _first, _twin = _filled(archive_office)
    make_dossier(archive_office.spec_b, notation="07.KT")
    db.session.commit()
    login(client, archive_office.spec_a1.username)
    token = csrf_token(client, f"/dossiers/{dossier.id}/close")
    response = client.post(
        f"/dossiers/{dossier.id}/close", data={"csrf_token": token, "notation": "07.KT", "title": "Hồ sơ hội nghị"}
    )
    assert response.status_code == 409
    assert "đã dùng cho một hồ sơ khác" in response.get_data(as_text=True)
    db.session.expire_all()
    dossier = db.session.get(Dossier, dossier.id)
    assert (dossier.status, dossier.notation, dossier.doc_total) == (DossierStatus.OPEN, "01.TH", 3)


def test_only_the_creator_sees_the_closing_page(archive_office, frozen_clock, client, app, create_agency, create_user):
    dossier, _first, _twin = _filled(archive_office)
    login(client, archive_office.unit_leader.username)
    assert client.get(f"/dossiers/{dossier.id}/close").status_code == 403
    with client.get(f"/dossiers/{dossier.id}/export.xml") as response:  # but he may export it
        assert response.status_code == 200
    stranger = create_user(roles=("lanh_dao",), agency=create_agency(code="000.00.00.H99"), username="khac")
    db.session.commit()
    elsewhere = app.test_client()
    login(elsewhere, stranger.username)
    for path in ("close", "export.pdf", "sip.zip"):
        assert elsewhere.get(f"/dossiers/{dossier.id}/{path}").status_code == 404


def test_the_partial_shows_what_each_person_may_do(archive_office, frozen_clock, app):
    dossier, _first, _twin = _filled(archive_office)
    template = '{% include "dossiers/_actions_closing.html" %}'
    with app.test_request_context():
        mine = render_template_string(template, dossier=dossier, current_user=archive_office.spec_a1)
        theirs = render_template_string(template, dossier=dossier, current_user=archive_office.unit_leader)
    assert "Kết thúc hồ sơ" in mine and "Mở lại" not in mine and "Kết xuất PDF" in mine
    assert "Kết thúc hồ sơ" not in theirs and "Gói SIP" in theirs


def test_the_api_closes_refuses_an_empty_dossier_and_reopens(
    archive_office, frozen_clock, client, api_token, create_agency, create_user
):
    dossier, _first, twin = _filled(archive_office)
    empty = make_dossier(archive_office.spec_a1, notation="02.TH")
    db.session.commit()
    headers = api_token(archive_office.spec_a1)
    review = client.get(f"/api/v1/dossiers/{dossier.id}/close-review", headers=headers).get_json()
    assert [row["suggested"] for row in review] == [False, False, True]

    refused = client.post(f"/api/v1/dossiers/{empty.id}/close", json={}, headers=headers)
    assert refused.status_code == 409 and refused.get_json()["code"] == "dossier_empty"

    closed = client.post(
        f"/api/v1/dossiers/{dossier.id}/close",
        json={"remove_item_ids": [twin.id], "maintenance": "01"},
        headers=headers,
    )
    body = closed.get_json()
    assert closed.status_code == 200, body
    assert (body["status"], body["doc_total"], body["retention"]) == ("closed", 2, "Vĩnh viễn")
    assert body["transfer_due_on"] == "2027-05-01"

    other = api_token(archive_office.unit_leader)
    assert client.post(f"/api/v1/dossiers/{dossier.id}/reopen", headers=other).status_code == 403
    stranger = create_user(roles=("lanh_dao",), agency=create_agency(code="000.00.00.H98"), username="khac2")
    assert client.post(f"/api/v1/dossiers/{dossier.id}/reopen", headers=api_token(stranger)).status_code == 404
    reopened = client.post(f"/api/v1/dossiers/{dossier.id}/reopen", headers=headers)
    assert reopened.status_code == 200 and reopened.get_json()["status"] == "open"
