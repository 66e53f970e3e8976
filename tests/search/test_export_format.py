"""How numbers and dates read in the search results and their exports (NĐ 30 Phụ lục VI III.6.h, III.6.đ)."""

import io
import re
from datetime import date

from docx import Document as DocxDocument
from openpyxl import load_workbook
from pypdf import PdfReader

from app.documents.fulltext import export
from app.documents.fulltext.models import SearchEntry
from tests.conftest import login
from tests.incoming.conftest import accept_and_register
from tests.search.conftest import commit_and_index
from tests.search.test_search import receive

COLUMNS = ["number", "issued_date", "arrival_date", "symbol", "subject", "party", "signer", "type_name", "status"]


def entry(number: int) -> SearchEntry:
    return SearchEntry(
        kind="incoming",
        object_id=number,
        number=number,
        issued_date=date(2026, 12, 1),
        arrival_date=date(2026, 12, 28),
        symbol=f"{number}/SNV-TCBC",
        subject="Kế hoạch cải cách hành chính năm 2027 của các sở, ban, ngành và ủy ban nhân dân các huyện",
        party="Sở Nội vụ tỉnh Kiên Giang",
        signer="Nguyễn Văn An",
        type_name="Kế hoạch",
        status="registered",
        urgency="thuong",
    )


# NĐ 30/2020 Phụ lục I, Phần I, II.3.c: numbers below 10 take a leading zero, as on the document page.
def test_the_number_reads_01_in_every_export(db_session):
    entries = [entry(1), entry(12)]
    assert [export.cell(e, "number") for e in entries] == ["01", "12"]
    rows = list(load_workbook(io.BytesIO(export.to_xlsx(entries, ["number"]))).active.iter_rows(values_only=True))
    assert [r[1] for r in rows[1:]] == ["01", "12"]
    [table] = DocxDocument(io.BytesIO(export.to_docx(entries, ["number"], title="T"))).tables
    assert [row.cells[1].text for row in table.rows[1:]] == ["01", "12"]


def test_the_spreadsheet_columns_fit_their_text_and_the_headings_stay_in_sight(db_session):
    sheet = load_workbook(io.BytesIO(export.to_xlsx([entry(1), entry(12)], COLUMNS))).active
    width = {c.value: sheet.column_dimensions[c.column_letter].width for c in sheet[1]}
    assert width["Trích yếu"] == export.XLSX_MAX_WIDTH  # 93 characters: wrapped within the cap
    assert sheet.cell(2, 6).alignment.wrap_text
    assert len("Sở Nội vụ tỉnh Kiên Giang") < width["Nơi gửi/nơi nhận"] < 40
    assert 10 <= width["Ngày văn bản"] < 20 and width["STT"] < 10
    assert sheet.freeze_panes == "A2" and sheet.auto_filter.ref == "A1:J3"


# NĐ 30 Phụ lục VI III.6.h: a date in the PDF reads whole on one line, every column chosen.
def test_dates_in_the_pdf_do_not_wrap(db_session):
    pdf = export.to_pdf([entry(1)], COLUMNS, title="KẾT QUẢ", author="Văn thư")
    lines = PdfReader(io.BytesIO(pdf)).pages[0].extract_text().splitlines()
    assert any(re.search(r"(^|\s)01/12/2026(\s|$)", line) for line in lines), lines
    assert any(re.search(r"(^|\s)28/12/2026(\s|$)", line) for line in lines), lines
    assert any(re.search(r"(^|\s)01(\s|$)", line) for line in lines), lines
    assert not any(line.rstrip().endswith("/202") for line in lines), lines


def test_the_results_page_shows_the_number_as_the_document_does(client, incoming_office, api_token):
    document = receive(incoming_office, "301")
    accept_and_register(incoming_office, document)  # số đến 1
    commit_and_index()
    headers = api_token(incoming_office.clerk)
    client.put("/api/v1/search/columns", json={"columns": ["number", "symbol"]}, headers=headers)
    [item] = client.get("/api/v1/search?number=1", headers=headers).json["items"]
    assert item["values"]["number"] == "01"
    login(client, "vanthu")
    page = client.get("/search?number=1").get_data(as_text=True)
    assert re.search(r"<td>(<a [^>]*>)?01(</a>)?\s*</td>", page), page[page.find("<tbody") :][:600]
