"""The archive's pages through the HTTP client: nộp lưu, receiving, the archive list, settings, holds,
destruction; tenancy (another agency: 404)."""

import io
from datetime import UTC, datetime

import pytest
from flask import render_template
from pypdf import PdfReader

from app.core import clock
from app.core.db import db
from app.dossiers import retention
from app.dossiers.models import DossierDestruction, DossierTransfer
from app.dossiers.states import DestructionStatus, DossierStatus
from tests.conftest import csrf_token, login
from tests.dossiers.helpers_archive import archived_dossier, closed_dossier, store

LATER = datetime(2037, 1, 5, 2, 0, tzinfo=UTC)


@pytest.fixture
def as_user(app, db_session):
    def factory(user):
        client = app.test_client()
        login(client, user.username)
        return client

    return factory


def post(client, path, data, page=None):
    data = {**data, "csrf_token": csrf_token(client, page or path)}
    return client.post(path, data=data)


def test_submit_check_accept_through_the_pages(archive_office, as_user):
    office = archive_office
    dossier = closed_dossier(office.spec_a1, title="Hồ sơ hội nghị tổng kết")
    creator = as_user(office.spec_a1)
    form = creator.get(f"/archive/transfers/new?dossier={dossier.id}").get_data(as_text=True)
    assert dossier.file_code in form and f'value="{dossier.id}" id="d{dossier.id}" checked' in form
    response = post(creator, "/archive/transfers/new", {"name": "Khối tài liệu 2026", "dossier_ids": [dossier.id]})
    assert response.status_code == 302
    sent = db.session.query(DossierTransfer).one()
    assert response.headers["Location"].endswith(f"/archive/transfers/{sent.id}")
    assert creator.get("/archive/").status_code == 403  # the queue is the archive's

    archivist = as_user(office.archivist)
    queue = archivist.get("/archive/").get_data(as_text=True)
    assert "Tiếp nhận hồ sơ nộp lưu" in queue and "Khối tài liệu 2026" in queue
    assert office.spec_a1.full_name in queue
    page = f"/archive/transfers/{sent.id}"
    entry = sent.entries[0]
    post(archivist, f"{page}/entries/{entry.id}/check", {}, page)
    assert "Kiểm tra đạt: 1 tệp khớp mã băm" in archivist.get(page).get_data(as_text=True)
    refused = post(archivist, f"{page}/entries/{entry.id}/return", {"reason": ""}, page)
    assert refused.status_code == 302
    assert "Nhập lý do trả lại hồ sơ." in archivist.get(page).get_data(as_text=True)
    post(archivist, f"{page}/entries/{entry.id}/accept", {}, page)
    db.session.expire_all()
    assert dossier.status == DossierStatus.ARCHIVED and dossier.expires_on is not None
    assert "Đã tiếp nhận" in archivist.get(page).get_data(as_text=True)
    records = archivist.get("/archive/records?q=tổng kết").get_data(as_text=True)
    assert dossier.file_code in records and "30/06/2036" in records
    pdf = creator.get(f"{page}/muc-luc.pdf")
    assert pdf.mimetype == "application/pdf"
    assert "Khối tài liệu 2026" in PdfReader(io.BytesIO(pdf.data)).pages[0].extract_text()
    record = archivist.get(f"{page}/bien-ban.pdf")
    assert office.archivist.full_name in PdfReader(io.BytesIO(record.data)).pages[0].extract_text()


def test_a_refused_transfer_shows_the_form_again_with_what_was_typed(archive_office, as_user):
    office = archive_office
    dossier = closed_dossier(office.spec_a1)
    other = closed_dossier(office.spec_a1, notation="02.TH")
    creator = as_user(office.spec_a1)
    typed = {"name": "  ", "condition_note": "Tài liệu đầy đủ, không rách", "dossier_ids": [dossier.id]}
    refused = post(creator, "/archive/transfers/new", typed, f"/archive/transfers/new?dossier={dossier.id}")
    page = refused.get_data(as_text=True)
    assert refused.status_code == 422
    assert 'value="Tài liệu đầy đủ, không rách"' in page
    assert f'value="{dossier.id}" id="d{dossier.id}" checked' in page
    assert f'value="{other.id}" id="d{other.id}" >' in page  # not ticked: only what was ticked
    assert 'class="form-control is-invalid" id="name"' in page and 'id="name-fault">Bắt buộc.</div>' in page
    nothing = post(creator, "/archive/transfers/new", {"name": "Khối 2026", "dossier_ids": []})
    assert nothing.status_code == 422 and 'value="Khối 2026"' in nothing.get_data(as_text=True)
    assert "Chọn ít nhất một hồ sơ.</div>" in nothing.get_data(as_text=True)
    assert db.session.query(DossierTransfer).count() == 0


def test_a_tampered_file_shows_in_the_check(archive_office, as_user):
    office = archive_office
    dossier = closed_dossier(office.spec_a1, content=b"truoc khi sua")
    creator = as_user(office.spec_a1)
    post(creator, "/archive/transfers/new", {"name": "Khối", "dossier_ids": [dossier.id]})
    sent = db.session.query(DossierTransfer).one()
    store().path_for(dossier.items[0].sha256).write_bytes(b"da bi sua")
    archivist = as_user(office.archivist)
    page = f"/archive/transfers/{sent.id}"
    post(archivist, f"{page}/entries/{sent.entries[0].id}/accept", {}, page)
    html = archivist.get(page).get_data(as_text=True)
    assert "Hồ sơ chưa đạt khi kiểm tra" in html and "bị thay đổi" in html
    db.session.expire_all()
    assert dossier.status == DossierStatus.SUBMITTED


def test_other_agencies_get_404(archive_office, as_user, create_user, create_agency):
    office = archive_office
    dossier = archived_dossier(office)
    sent = db.session.get(DossierTransfer, dossier.transfer_id)
    hold = retention.create_hold(office.archivist, name="Phong tỏa", reason="Lý do", dossier_ids=[dossier.id])
    stranger = as_user(create_user(roles=("luu_tru", "lanh_dao"), agency=create_agency()))
    for path in (
        f"/archive/transfers/{sent.id}",
        f"/archive/transfers/{sent.id}/muc-luc.pdf",
        f"/archive/holds/{hold.id}",
    ):
        assert stranger.get(path).status_code == 404, path
    entry = sent.entries[0]
    response = stranger.post(
        f"/archive/transfers/{sent.id}/entries/{entry.id}/check",
        data={"csrf_token": csrf_token(stranger, "/archive/holds")},
    )
    assert response.status_code == 404
    assert dossier.file_code not in stranger.get("/archive/records").get_data(as_text=True)


def test_settings_page_for_the_head(archive_office, as_user):
    office = archive_office
    assert as_user(office.spec_a1).get("/archive/settings").status_code == 403
    leader = as_user(office.leader)
    assert 'value="P1Y"' in leader.get("/archive/settings").get_data(as_text=True)
    refused = post(
        leader,
        "/archive/settings",
        {"transfer_after": "P2M", "construction_transfer_after": "0 ngày", "reminder_days": "x"},
    )
    page = refused.get_data(as_text=True)  # what was typed kept, each field's reason beside it
    assert refused.status_code == 422 and 'value="P2M"' in page and 'value="0 ngày"' in page
    assert 'id="err-construction_transfer_after"' in page and "Nhập số ngày từ 0 đến 365." in page
    assert 'value="P1Y"' in leader.get("/archive/settings").get_data(as_text=True)  # refused whole
    post(
        leader,
        "/archive/settings",
        {"transfer_after": "60 ngày", "construction_transfer_after": "3 tháng", "reminder_days": "15"},
    )
    html = leader.get("/archive/settings").get_data(as_text=True)
    assert 'value="P60D"' in html and 'value="P3M"' in html and 'value="15"' in html  # as people write it


def test_hold_and_destruction_through_the_pages(archive_office, as_user):
    office = archive_office
    dossier = archived_dossier(office, content=b"se huy qua trang")
    digest, title, documents = dossier.items[0].sha256, dossier.title, dossier.doc_total
    with clock.frozen(LATER):  # ten years on: sign in then
        archivist, leader = as_user(office.archivist), as_user(office.leader)
        assert dossier.file_code in archivist.get("/archive/expired").get_data(as_text=True)
        post(
            archivist,
            "/archive/holds",
            {"name": "Thanh tra", "reason": "Đoàn thanh tra tỉnh", "dossier_ids": [dossier.id]},
        )
        [hold] = retention.holds(office.archivist)
        assert "Đoàn thanh tra tỉnh" in archivist.get("/archive/holds").get_data(as_text=True)
        assert dossier.file_code not in archivist.get("/archive/expired").get_data(as_text=True)
        post(archivist, f"/archive/holds/{hold.id}/release", {"note": "Xong"}, "/archive/holds")
        # No dossier ticked: refused, no empty list made; a list made by mistake is dropped while being prepared
        nothing = post(archivist, "/archive/destructions", {"title": "Danh mục trống"}, "/archive/expired")
        shown = nothing.get_data(as_text=True)  # the expired list again, with the title typed kept
        assert nothing.status_code == 422 and 'value="Danh mục trống"' in shown
        assert "Chọn ít nhất một hồ sơ hết thời hạn bảo quản" in shown
        untitled = post(
            archivist, "/archive/destructions", {"title": " ", "dossier_ids": [dossier.id]}, "/archive/expired"
        )
        assert untitled.status_code == 422 and f'value="{dossier.id}" checked' in untitled.get_data(as_text=True)
        assert db.session.query(DossierDestruction).count() == 0
        mistake = post(
            archivist, "/archive/destructions", {"title": "Nhầm", "dossier_ids": [dossier.id]}, "/archive/expired"
        ).headers["Location"]
        assert "Bỏ danh mục này" in archivist.get(mistake).get_data(as_text=True)
        dropped = post(archivist, f"{mistake}/discard", {}, mistake)
        assert dropped.headers["Location"].endswith("/archive/destructions")
        [kept] = db.session.query(DossierDestruction).all()  # kept, marked dropped: its number names nothing else
        assert kept.status == DestructionStatus.DISCARDED and "Đã bỏ (không trình)" in archivist.get(mistake).get_data(
            as_text=True
        )
        response = post(
            archivist,
            "/archive/destructions",
            {"title": "Danh mục 2037", "dossier_ids": [dossier.id]},
            "/archive/expired",
        )
        page = response.headers["Location"]
        post(archivist, f"{page}/execute", {}, page)
        assert "chưa được người đứng đầu cơ quan phê duyệt" in archivist.get(page).get_data(as_text=True)
        post(archivist, f"{page}/propose", {"council_opinion": "Hội đồng đồng ý hủy"}, page)
        ahead = post(leader, f"{page}/approve", {"decision_number": "7/QĐ-UBND", "decision_date": "2099-01-04"}, page)
        shown = ahead.get_data(as_text=True)  # the decision typed is kept, its date's fault beside it
        assert ahead.status_code == 422 and 'value="7/QĐ-UBND"' in shown and 'value="2099-01-04"' in shown
        assert 'data-testid="decision-date-error">Ngày quyết định (04/01/2099) không được sau ngày hôm nay' in shown
        post(leader, f"{page}/approve", {"decision_number": "7/QĐ-UBND", "decision_date": "2037-01-04"}, page)
        post(archivist, f"{page}/execute", {}, page)
        html = archivist.get(page).get_data(as_text=True)
        pdf = archivist.get(f"{page}/bien-ban.pdf")
        # Still findable by its code, as a line of the destruction record; no longer among "Tất cả".
        listed = archivist.get(f"/dossiers?status=destroyed&q={dossier.file_code}").get_data(as_text=True)
        by_title = archivist.get(f"/dossiers?status=destroyed&q={title.split()[-1]}").get_data(as_text=True)
        everything = archivist.get("/dossiers").get_data(as_text=True)
        clerk_list = as_user(office.clerk).get("/dossiers?status=destroyed").get_data(as_text=True)
    assert dossier.file_code in listed and f'href="{page}"' in listed and "xem danh mục hủy" in listed
    # The line as the record keeps it: its title and number of documents, found by the title too
    assert title in listed and f'<td class="text-end">{documents}</td>' in listed and documents > 0
    assert dossier.file_code in by_title
    assert dossier.file_code not in everything
    assert 'value="destroyed"' not in clerk_list and "Chưa có hồ sơ nào" in clerk_list
    assert "Đã hủy" in html and "Đã xóa tệp" in html and digest[:16] in html and "Hội đồng đồng ý hủy" in html
    assert office.archivist.full_name in html and office.leader.full_name in html and "Số 7/QĐ-UBND" in html
    assert not store().path_for(digest).exists()
    db.session.expire_all()
    assert dossier.status == DossierStatus.DESTROYED
    assert db.session.get(DossierDestruction, dossier.destruction_id).status == DestructionStatus.EXECUTED
    printed = PdfReader(io.BytesIO(pdf.data)).pages[0].extract_text()
    assert "7/QĐ-UBND" in printed
    assert all(digest[i : i + 16] in printed for i in range(0, 64, 16))  # the whole SHA-256, not a prefix


def test_the_dossier_page_partial(app, archive_office):
    office = archive_office
    dossier = closed_dossier(office.spec_a1)
    with app.test_request_context("/dossiers/1"):
        html = render_template("dossiers/_actions_archive.html", dossier=dossier, current_user=office.spec_a1)
        assert f"/archive/transfers/new?dossier={dossier.id}" in html and "Nộp lưu" in html
        hold = retention.create_hold(
            office.archivist, name="Vụ án A", reason="Tòa án yêu cầu", dossier_ids=[dossier.id]
        )
        html = render_template("dossiers/_actions_archive.html", dossier=dossier, current_user=office.archivist)
        assert "Đang bị phong tỏa" in html and hold.name in html and "Nộp lưu</a>" not in html


def test_the_menu_shows_the_archive_to_the_archivist(archive_office, as_user):
    assert 'href="/archive/"' in as_user(archive_office.archivist).get("/").get_data(as_text=True)
    assert 'href="/archive/"' not in as_user(archive_office.spec_a1).get("/").get_data(as_text=True)


def test_the_dossier_page_form_puts_a_dossier_under_a_hold(archive_office, as_user):
    office = archive_office
    dossier = archived_dossier(office)
    hold = retention.create_hold(office.archivist, name="Vụ án B", reason="Tòa án yêu cầu")
    archivist = as_user(office.archivist)
    data = {"hold": hold.id, "dossier_id": dossier.id, "next": f"/dossiers/{dossier.id}"}
    response = post(archivist, "/archive/holds/0/add", data, "/archive/holds")
    assert response.status_code == 302 and response.headers["Location"].endswith(f"/dossiers/{dossier.id}")
    assert retention.is_held(dossier.id)
    elsewhere = post(
        archivist,
        f"/archive/holds/{hold.id}/remove",
        {"dossier_id": dossier.id, "next": "//evil.example"},
        "/archive/holds",
    )
    assert elsewhere.headers["Location"].endswith(f"/archive/holds/{hold.id}")
    assert not retention.is_held(dossier.id)
    specialist = as_user(office.spec_a1)  # not the archive's: the hold is not theirs to see
    assert post(specialist, "/archive/holds/0/add", data, "/archive/transfers/new").status_code == 404
    assert not retention.is_held(dossier.id)


def test_the_dossier_page_shows_the_archive_panel(archive_office, as_user):
    office = archive_office
    dossier = closed_dossier(office.spec_a1)
    html = as_user(office.spec_a1).get(f"/dossiers/{dossier.id}").get_data(as_text=True)
    assert 'data-testid="dossier-archive"' in html and f"/archive/transfers/new?dossier={dossier.id}" in html
    archived = archived_dossier(office, notation="02.TH", content=b"luu tru")
    html = as_user(office.archivist).get(f"/dossiers/{archived.id}").get_data(as_text=True)
    assert "Hết thời hạn bảo quản" in html and "30/06/2036" in html


def test_the_expired_list_comes_page_by_page(archive_office, client, monkeypatch):
    """Years of an archive make long lists: the page shows PAGE_SIZE at a time, with the whole count."""
    from datetime import date

    from app.dossiers import archive_views
    from app.dossiers.states import DossierStatus
    from tests.conftest import login
    from tests.dossiers.conftest import make_dossier

    for n in range(3):
        make_dossier(
            archive_office.spec_a1,
            notation=f"{n + 1:02d}.TH",
            year=2000,
            status=DossierStatus.ARCHIVED,
            expires_on=date(2010, 1, n + 1),
        )
    monkeypatch.setattr(archive_views, "PAGE_SIZE", 2)
    login(client, archive_office.archivist.username)
    first = client.get("/archive/expired").get_data(as_text=True)
    assert "000.00.00.H33.2000.01.TH" in first and "000.00.00.H33.2000.03.TH" not in first
    assert 'data-testid="eligible-total">3<' in first and "Trang 1/2" in first
    second = client.get("/archive/expired?page=2").get_data(as_text=True)
    assert "000.00.00.H33.2000.03.TH" in second and "000.00.00.H33.2000.01.TH" not in second


def test_the_archive_list_is_searched_by_words_without_diacritics_or_code(
    archive_office, client, monkeypatch, api_token
):
    """The archive's own list finds a dossier as the dossier list does (title words folded, or code), with the
    retention filter and the pages keeping the search; the REST list the same."""
    from tests.dossiers.conftest import make_dossier

    made = {
        notation: make_dossier(
            archive_office.spec_a1, notation=notation, title=title, status=DossierStatus.ARCHIVED, maintenance=code
        )
        for notation, title, code in (
            ("01.TH", "Hồ sơ hội nghị tổng kết năm 2025", "06"),
            ("02.TH", "Hồ sơ tổng kết phong trào thi đua", "01"),
            ("03.TH", "Hồ sơ tuyển dụng công chức", "06"),
        )
    }
    codes = {n: d.file_code for n, d in made.items()}
    login(client, archive_office.archivist.username)

    def listed(query: str) -> set[str]:
        html = client.get(f"/archive/records?{query}").get_data(as_text=True)
        return {n for n, code in codes.items() if code in html}

    assert listed("q=KET+TONG") == {"01.TH", "02.TH"}  # any order, any case, no diacritics
    assert listed("q=tổng+kết&maintenance=06") == {"01.TH"}
    assert listed("q=03.th") == {"03.TH"}
    monkeypatch.setattr(retention, "PAGE_SIZE", 1)
    first = client.get("/archive/records?q=tong+ket&year=2026").get_data(as_text=True)
    assert "2 hồ sơ lưu trữ" in first and 'value="tong ket"' in first
    assert "/archive/records?q=tong+ket&amp;year=2026&amp;page=2" in first
    second = client.get("/archive/records?q=tong+ket&year=2026&page=2").get_data(as_text=True)
    assert codes["02.TH"] in second and codes["01.TH"] not in second
    api = client.get("/api/v1/archive/dossiers?q=tong ket", headers=api_token(archive_office.archivist)).get_json()
    assert api["total"] == 2 and {row["file_code"] for row in api["items"]} == {codes["01.TH"], codes["02.TH"]}


@pytest.mark.parametrize(
    ("typed", "message"),
    [("abc", "Năm phải là số, ví dụ 2026."), ("20 26", "Năm phải là số"), ("1800", "Năm phải từ 1900 đến 2999.")],
)
def test_a_year_that_is_not_one_is_refused_beside_the_field_and_lists_nothing(archive_office, client, typed, message):
    from tests.dossiers.conftest import make_dossier

    dossier = make_dossier(archive_office.spec_a1, status=DossierStatus.ARCHIVED)
    login(client, archive_office.archivist.username)
    assert dossier.file_code in client.get("/archive/records").get_data(as_text=True)
    response = client.get("/archive/records", query_string={"year": typed})
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert 'data-testid="year-problem">' + message in html and f'value="{typed}"' in html
    assert dossier.file_code not in html and "hồ sơ lưu trữ." not in html


def test_a_destruction_list_shows_what_will_be_destroyed_before_the_head_approves(archive_office, as_user):
    office = archive_office
    dossier = archived_dossier(office)
    expires = dossier.expires_on
    with clock.frozen(LATER):
        archivist, leader = as_user(office.archivist), as_user(office.leader)
        page = post(
            archivist,
            "/archive/destructions",
            {"title": "Danh mục 2037", "dossier_ids": [dossier.id]},
            "/archive/expired",
        ).headers["Location"]
        drafting = archivist.get(page).get_data(as_text=True)
        post(archivist, f"{page}/propose", {"council_opinion": "Hội đồng đồng ý hủy"}, page)
        to_approve = leader.get(page).get_data(as_text=True)
    for html in (drafting, to_approve):
        assert '1. Tài liệu: Biên bản họp — <span class="text-nowrap">bien-ban.pdf</span>' in html
        assert '<td data-testid="retention">10 năm</td>' in html and f"<td>{expires:%d/%m/%Y}</td>" in html
