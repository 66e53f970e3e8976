"""Sổ đăng ký văn bản đi (NĐ 30/2020 Phụ lục IV mục I): the printed book, its preview page and the API."""

import io
from datetime import UTC, datetime

import pytest
from pypdf import PdfReader

from app.documents.models import RegisterKind
from app.documents.services import default_register
from app.outgoing.printing import HEADINGS, RegisterPrint, outgoing_register_pdf, register_row
from tests.conftest import csrf_token, login
from tests.outgoing.conftest import SNV, issued_document, make_draft, new_draft

TEN_COLUMNS = [
    "Số, ký hiệu văn bản",
    "Ngày tháng văn bản",
    "Tên loại và trích yếu nội dung văn bản",
    "Người ký",
    "Nơi nhận văn bản",
    "Đơn vị, người nhận bản lưu",
    "Số lượng bản",
    "Ngày chuyển",
    "Ký nhận",
    "Ghi chú",
]


def text_of(pdf: bytes) -> list[str]:
    """Each page's text with runs of whitespace (line breaks inside cells, wrapped lines) made single spaces."""
    return [" ".join(page.extract_text().split()) for page in PdfReader(io.BytesIO(pdf)).pages]


@pytest.fixture
def book(outgoing_office, frozen_clock, draft_bytes):
    """Two documents taken through the whole procedure (signed, numbered, sealed, dispatched) on two days, a draft."""
    org = outgoing_office
    first = issued_document(org, draft_bytes, copies=3, signer_authority="KT.", signer_title="PHÓ CHỦ TỊCH")
    frozen_clock.set(datetime(2026, 11, 24, 2, 0, tzinfo=UTC))
    second = issued_document(
        org,
        make_draft("Về việc báo cáo tình hình ứng dụng công nghệ thông tin năm 2026"),
        subject="Về việc báo cáo tình hình ứng dụng công nghệ thông tin năm 2026",
        recipient_agency_codes=[SNV[0]],
        recipients_external=[],
    )
    new_draft(org, draft_bytes, subject="V/v dự thảo chưa phát hành")
    register = default_register(org.agency.id, RegisterKind.OUTGOING)
    return register, [first, second]


# NĐ 30 Phụ lục VI III.6.i
def test_register_pdf_has_the_ten_columns_and_the_rows(client, book):
    register, (first, second) = book
    assert (first.symbol, second.symbol) == ("01/UBND-TH", "02/UBND-TH")
    login(client, "vanthu")
    response = client.get(f"/outgoing/register.pdf?register_id={register.id}&year=2026")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    cover, *table_pages = text_of(response.data)
    assert "SỔ ĐĂNG KÝ VĂN BẢN ĐI" in cover and "Năm: 2026" in cover and "Từ số 01 đến số 02" in cover
    assert "ỦY BAN NHÂN DÂN TỈNH KIÊN GIANG" in cover and "Từ ngày 23/11/2026 đến ngày 24/11/2026" in cover
    table = " ".join(table_pages)
    for heading in TEN_COLUMNS:
        assert heading in table, heading
    assert "(1)" in table and "(10)" in table
    # The rows, in number order, Vietnamese diacritics intact once extracted.
    assert table.index("01/UBND-TH") < table.index("02/UBND-TH")
    assert "Công văn: Về việc triển khai hệ thống quản lý văn bản và điều hành" in table
    assert "Công văn: Về việc báo cáo tình hình ứng dụng công nghệ thông tin năm 2026" in table
    assert "KT. PHÓ CHỦ TỊCH Trần Văn Minh" in table and "23/11/2026" in table and "24/11/2026" in table
    assert "Sở Nội vụ tỉnh Kiên Giang" in table and "Sở Tài chính tỉnh Kiên Giang" in table
    assert "Phòng Kinh tế (nội bộ)" in table and "Văn phòng Chính phủ" in table
    assert "Văn thư; Phòng Tổng hợp (Võ Quốc Bảo)" in table
    assert "chưa phát hành" not in table  # drafts are not in the book


def test_date_range_preview_and_who_may_print(client, book):
    register, _ = book
    login(client, "vanthu")
    only_second = client.get(f"/outgoing/register.pdf?register_id={register.id}&date_from=2026-11-24")
    text = " ".join(text_of(only_second.data))
    assert "02/UBND-TH" in text and "01/UBND-TH" not in text and "Từ số 02 đến số 02" in text
    preview = client.get(f"/outgoing/register?register_id={register.id}&year=2026").get_data(as_text=True)
    assert 'data-testid="outgoing-register"' in preview and "01/UBND-TH" in preview and "2 văn bản" in preview
    assert "Ngày chuyển" in preview and "(10)" in preview
    client.post("/logout", data={"csrf_token": csrf_token(client, "/")})
    login(client, "cv.a1")
    assert client.get("/outgoing/register.pdf").status_code == 403
    assert client.get("/outgoing/register").status_code == 403


def test_register_through_the_api_not_of_another_agency(client, outgoing_office, book, api_token):
    register, _ = book
    clerk = api_token(outgoing_office.clerk)
    response = client.get(f"/api/v1/outgoing/register.pdf?year=2026&register_id={register.id}", headers=clerk)
    assert response.status_code == 200 and "02/UBND-TH" in " ".join(text_of(response.data))
    stranger = api_token(outgoing_office.snv.clerk)  # a clerk of a receiving agency
    other = client.get(f"/api/v1/outgoing/register.pdf?register_id={register.id}", headers=stranger)
    assert other.status_code == 404 and other.json["code"] == "register_not_found"


def test_long_book_repeats_the_headings_on_every_page(book):
    """A year's book runs to many pages; every page carries the column titles (repeatRows)."""
    _, (first, _second) = book
    meta = RegisterPrint("Ủy ban nhân dân tỉnh Kiên Giang", None, "Sổ văn bản đi", 2026, None, None)
    pages = text_of(outgoing_register_pdf(meta, [first] * 40))
    assert len(pages) > 3
    assert all("Tên loại và trích yếu nội dung văn bản" in page and "(10)" in page for page in pages[1:])
    assert len(register_row(first)) == len(HEADINGS) == 10
