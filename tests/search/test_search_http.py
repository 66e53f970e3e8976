"""The search through the pages and the REST API: quick search, saved searches (III.6.e), columns (III.6.đ), exports
(III.6.h) — NĐ 30/2020 Phụ lục VI III.6."""

import io

import pytest
from docx import Document as DocxDocument
from openpyxl import load_workbook
from pypdf import PdfReader

from app.audit.models import AuditEvent
from app.core.db import db
from tests.conftest import csrf_token, login
from tests.search.conftest import commit_and_index
from tests.search.test_search import receive

pytestmark = pytest.mark.usefixtures("frozen_clock")

PLAN = "Kế hoạch cải cách hành chính năm 2027"
REPORT = "Báo cáo kết quả cải cách hành chính quý IV"


@pytest.fixture
def documents(incoming_office):
    receive(incoming_office, "301", subject=PLAN, sender_name="Sở Nội vụ tỉnh Kiên Giang")
    receive(incoming_office, "302", subject=REPORT, sender_name="Sở Tư pháp tỉnh Kiên Giang", urgency="khan")
    receive(incoming_office, "303", subject="Giấy mời dự hội nghị", body=["Nội dung: cải cách hành chính."])
    commit_and_index()
    return incoming_office


def test_the_header_quick_search_leads_to_ranked_highlighted_results(client, documents):
    # NĐ 30 Phụ lục VI III.6.d: a quick search box on every page; results of both kinds, ranked, highlighted.
    login(client, "vanthu")
    home = client.get("/").get_data(as_text=True)
    assert 'data-testid="quick-search"' in home and 'action="/search"' in home
    page = client.get("/search?q=cai+cach+hanh+chinh").get_data(as_text=True)
    assert "3 văn bản phù hợp" in page
    assert page.index(PLAN.split(" cải")[0]) < page.index("Giấy mời dự hội nghị")
    assert "<mark>cải</mark> <mark>cách</mark> <mark>hành</mark> <mark>chính</mark>" in page
    assert 'data-testid="search-snippet"' in page  # the document found by its PDF's text shows the passage
    advanced = client.get("/search/advanced?q=x").get_data(as_text=True)
    assert 'name="signer"' in advanced and 'name="party"' in advanced and 'name="arrival_from"' in advanced
    assert "Báo cáo kết quả" in client.get("/search?party=tu+phap").get_data(as_text=True)


def test_search_api_answers_what_the_caller_may_see(client, documents, api_token):
    # NĐ 30 Phụ lục VI III.6.d: GET /api/v1/search, accent-insensitive, ranked; a stranger finds nothing.
    office = documents
    body = client.get("/api/v1/search?q=cải cách&kind=incoming", headers=api_token(office.clerk)).json
    assert body["total"] == 3 and body["terms"] == ["cai", "cach"]
    assert [i["subject"] for i in body["items"]][2] == "Giấy mời dự hội nghị"
    assert body["items"][2]["tier"] == 0 and "<mark>cải</mark>" in body["items"][2]["snippet"]
    assert body["items"][0]["url"].startswith("/incoming/")
    assert client.get("/api/v1/search?q=cai+cach", headers=api_token(office.spec_b)).json["total"] == 0
    assert client.get("/api/v1/search?q=cai+cach&kind=outgoing", headers=api_token(office.clerk)).json["total"] == 0
    assert client.get("/api/v1/search?q=x&order=best", headers=api_token(office.clerk)).status_code == 422


def test_saved_searches_are_created_listed_run_and_deleted(client, documents, api_token):
    # NĐ 30 Phụ lục VI III.6.e: save a search with a name, list, run and delete it; nobody else's.
    office = documents
    headers = api_token(office.clerk)
    created = client.post(
        "/api/v1/search/saved",
        json={"name": "CCHC khẩn", "query": {"q": "cai cach", "urgency": "khan"}, "columns": ["symbol", "subject"]},
        headers=headers,
    )
    assert created.status_code == 201, created.json
    saved_id = created.json["id"]
    assert created.json["params"] == {"q": "cai cach", "urgency": "khan"}
    again = client.post("/api/v1/search/saved", json={"name": "CCHC khẩn", "query": {"q": "y"}}, headers=headers)
    assert again.status_code == 409 and again.json["code"] == "saved_search_exists"
    empty = client.post("/api/v1/search/saved", json={"name": "Trống", "query": {}}, headers=headers)
    assert empty.status_code == 422 and empty.json["code"] == "empty_query"
    assert [s["name"] for s in client.get("/api/v1/search/saved", headers=headers).json] == ["CCHC khẩn"]
    run = client.get(f"/api/v1/search/saved/{saved_id}/results", headers=headers).json
    assert [i["subject"] for i in run["items"]] == [REPORT] and run["columns"] == ["symbol", "subject"]
    assert run["items"][0]["values"] == {"symbol": "302/SNV-TCBC", "subject": REPORT}
    other = api_token(office.leader)
    assert client.get(f"/api/v1/search/saved/{saved_id}", headers=other).status_code == 404
    assert client.delete(f"/api/v1/search/saved/{saved_id}", headers=other).status_code == 404
    assert client.delete(f"/api/v1/search/saved/{saved_id}", headers=headers).status_code == 204
    assert client.get("/api/v1/search/saved", headers=headers).json == []
    actions = db.session.query(AuditEvent.action).filter(AuditEvent.action.like("search.%")).all()
    assert sorted(a for (a,) in actions) == ["search.delete_saved", "search.save"]


def test_saved_search_through_the_pages(client, documents):
    # NĐ 30 Phụ lục VI III.6.e: the page saves the current search and runs it again by its name.
    login(client, "vanthu")
    token = csrf_token(client, "/search?q=ke+hoach")
    response = client.post("/search/saved", data={"csrf_token": token, "name": "Kế hoạch", "q": "ke hoach"})
    assert response.status_code == 302
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Kế hoạch</span>" in page and "1 văn bản phù hợp" in page and "năm 2027" in page
    assert 'href="/search?saved=' in page


def test_the_chosen_columns_are_kept_and_shape_the_results(client, documents, api_token):
    # NĐ 30 Phụ lục VI III.6.đ: a person chooses the fields shown in the results; kept for the next search.
    headers = api_token(documents.clerk)
    assert client.get("/api/v1/search/columns", headers=headers).json["columns"][:2] == ["kind", "symbol"]
    chosen = client.put("/api/v1/search/columns", json={"columns": ["urgency", "subject", "party"]}, headers=headers)
    assert chosen.status_code == 200 and chosen.json["columns"] == ["urgency", "subject", "party"]
    item = client.get("/api/v1/search?q=bao+cao+ket+qua", headers=headers).json["items"][0]
    assert item["values"] == {"urgency": "Khẩn", "subject": REPORT, "party": "Sở Tư pháp tỉnh Kiên Giang"}
    bad = client.put("/api/v1/search/columns", json={"columns": ["password"]}, headers=headers)
    assert bad.status_code == 422 and bad.json["code"] == "unknown_column"
    login(client, "vanthu")
    page = client.get("/search?q=bao+cao").get_data(as_text=True)
    assert "<th>Độ khẩn</th><th>Trích yếu</th><th>Nơi gửi/nơi nhận</th></tr>" in page
    token = csrf_token(client, "/search?q=bao+cao")
    client.post("/search/columns", data={"csrf_token": token, "columns": ["subject", "symbol"], "q": "bao cao"})
    assert client.get("/api/v1/search/columns", headers=headers).json["columns"] == ["symbol", "subject"]


def test_results_export_to_docx_xlsx_and_pdf_with_the_chosen_columns(client, documents, api_token):
    # NĐ 30 Phụ lục VI III.6.h (with III.6.đ): the results as files, in the columns chosen.
    headers = api_token(documents.clerk)
    client.put("/api/v1/search/columns", json={"columns": ["symbol", "subject", "party"]}, headers=headers)
    response = client.get("/api/v1/search/export?q=cai+cach&format=xlsx", headers=headers)
    assert response.status_code == 200 and response.headers["Content-Disposition"].endswith(".xlsx")
    sheet = load_workbook(io.BytesIO(response.data)).active
    rows = [list(r) for r in sheet.iter_rows(values_only=True)]
    assert rows[0] == ["STT", "Số, ký hiệu", "Trích yếu", "Nơi gửi/nơi nhận"]
    assert [r[0] for r in rows[1:]] == [1, 2, 3] and ["301/SNV-TCBC", PLAN, "Sở Nội vụ tỉnh Kiên Giang"] in [
        r[1:] for r in rows
    ]
    response = client.get("/api/v1/search/export?q=cai+cach&format=pdf&columns=subject,number", headers=headers)
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    text = " ".join(" ".join(p.extract_text().split()) for p in PdfReader(io.BytesIO(response.data)).pages)
    assert "KẾT QUẢ TÌM KIẾM" in text and "Trích yếu" in text and "Báo cáo kết quả cải cách" in text
    assert "Nơi gửi" not in text  # only the columns asked for
    response = client.get("/api/v1/search/export?q=cai+cach&format=docx&columns=symbol,subject", headers=headers)
    assert response.status_code == 200 and response.headers["Content-Disposition"].endswith(".docx")
    [table] = DocxDocument(io.BytesIO(response.data)).tables
    rows = [[c.text for c in row.cells] for row in table.rows]
    assert rows[0] == ["STT", "Số, ký hiệu", "Trích yếu"] and [r[0] for r in rows[1:]] == ["1", "2", "3"]
    assert ["301/SNV-TCBC", PLAN] in [r[1:] for r in rows]
    login(client, "vanthu")
    assert 'data-testid="export-docx"' in client.get("/search?q=cai+cach").get_data(as_text=True)
    page = client.get("/search/export?q=ke+hoach&format=xlsx")
    assert page.status_code == 200 and load_workbook(io.BytesIO(page.data)).active.max_row == 2


def test_a_document_received_through_the_api_is_found_by_its_text_right_away(client, incoming_office, api_token):
    # NĐ 30 Phụ lục VI III.6.d: the PDF's text is read right after the receiving request commits — the clerk who
    # searches a phrase of the document a moment later finds it, without waiting for the scheduler's job.
    import json

    from tests.incoming.conftest import METADATA
    from tests.search.conftest import text_pdf

    clerk = api_token(incoming_office.clerk)
    pdf = text_pdf("Công văn về phòng chống lụt bão", ["Yêu cầu gia cố đê bao vùng trũng trước mùa mưa."])
    response = client.post(
        "/api/v1/incoming",
        headers=clerk,
        content_type="multipart/form-data",
        data={"metadata": json.dumps(METADATA, ensure_ascii=False), "files": (io.BytesIO(pdf), "cv.pdf")},
    )
    assert response.status_code == 201, response.json
    body = client.get("/api/v1/search?q=gia co de bao vung trung", headers=clerk).json
    assert [item["id"] for item in body["items"]] == [response.json["id"]] and body["items"][0]["tier"] == 0
