"""The reports over HTTP: pages, files (XLSX opened with openpyxl, PDF read with pypdf) and the JSON API, with the
same permissions and period rules."""

import io

import pytest
from openpyxl import load_workbook
from pypdf import PdfReader

from app.reports.handling import COLUMNS
from tests.conftest import login
from tests.reports.conftest import PERIOD


def test_leader_dashboard_page_shows_the_figures_the_chart_and_the_overdue_list(client, month):
    login(client, "lanhdao")
    html = client.get("/reports/dashboard", query_string=PERIOD).get_data(as_text=True)
    assert 'data-testid="figure-overdue">1<' in html and 'data-testid="figure-due_today">1<' in html
    assert 'id="trend-chart"' in html and "vendor/chartjs/chart.umd.min.js" in html
    assert "Phòng Kinh tế chủ trì, báo cáo trước ngày 20/11." in html  # the direction given
    assert f'href="/incoming/{month.d4.id}"' in html  # drill-down to the document
    assert "1 giờ 30 phút" in html  # how late, in working time
    assert "Báo cáo" in html  # the menu entry


def test_the_menu_entry_is_for_leaders_and_administrators(client, month):
    login(client, "cv.a1")
    assert 'href="/reports"' not in client.get("/").get_data(as_text=True)
    assert client.get("/reports/dashboard").status_code == 403


def test_a_bad_period_gets_a_vietnamese_message_on_the_page(client, month):
    login(client, "lanhdao")
    response = client.get("/reports/dashboard", query_string={"start": "2026-11-30", "end": "2026-11-01"})
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert "Ngày kết thúc phải sau hoặc trùng ngày bắt đầu" in html and "trend-chart" not in html
    response = client.get("/reports/handling/incoming", query_string={"start": "2015-01-01", "end": "2026-11-01"})
    assert response.status_code == 422 and "Kỳ báo cáo dài quá 5 năm" in response.get_data(as_text=True)


def test_unit_leader_pages_are_their_unit_only(client, month):
    login(client, "truongphong")
    html = client.get("/reports/handling/incoming", query_string=PERIOD).get_data(as_text=True)
    assert "Phòng Tổng hợp" in html and "Phòng Kinh tế" not in html
    other = {**PERIOD, "unit_id": month.office.unit_b.id}
    assert client.get("/reports/dashboard", query_string=other).status_code == 403
    assert client.get("/reports/handling/incoming.xlsx", query_string=other).status_code == 403


def test_incoming_report_exports_as_xlsx(client, month):
    login(client, "lanhdao")
    response = client.get("/reports/handling/incoming.xlsx", query_string=PERIOD)
    assert response.status_code == 200
    assert response.headers["Content-Disposition"].endswith("bao-cao-giai-quyet-van-ban-den-20261101-20261130.xlsx")
    sheet = load_workbook(io.BytesIO(response.data)).active
    values = [list(row) for row in sheet.iter_rows(values_only=True)]
    assert values[1][0] == "BÁO CÁO TÌNH HÌNH GIẢI QUYẾT VĂN BẢN ĐẾN"
    assert values[2][0] == "Từ ngày 01/11/2026 đến ngày 30/11/2026"
    rows = {row[1]: row[2:8] for row in values if row and len(row) > 7 and isinstance(row[2], int)}
    assert rows["Phòng Tổng hợp"] == [3, 1, 1, 1, 0, 0]
    assert rows["Phòng Kinh tế"] == [1, 0, 0, 0, 0, 1]
    assert rows["Tổng cộng"] == [5, 1, 1, 1, 1, 1]  # the document not yet directed: "chưa có hạn"


def test_outgoing_report_prints_as_pdf_with_vietnamese_text(client, month):
    login(client, "lanhdao")
    response = client.get("/reports/handling/outgoing.pdf", query_string=PERIOD)
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    text = "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(response.data)).pages)
    assert "BÁO CÁO TÌNH HÌNH GIẢI QUYẾT VĂN BẢN ĐI" in text
    assert "Ủy ban nhân dân tỉnh Kiên Giang".upper() in text
    assert "Phòng Tổng hợp" in text and "Ban hành đúng hạn" in text


def test_exchange_statistics_page_pdf_and_xlsx(client, month):
    login(client, "quantri")
    args = {"kind": "month", "year": 2026, "number": 11}
    html = client.get("/reports/exchange", query_string=args).get_data(as_text=True)
    assert "Sở Tài chính" in html and "Sai nơi nhận" in html and "11/UBND-TH" in html and "Sở Y tế</td>" not in html
    pdf = client.get("/reports/exchange.pdf", query_string=PERIOD)
    text = "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf.data)).pages)
    assert "THỐNG KÊ GỬI, NHẬN VĂN BẢN ĐIỆN TỬ" in text and "Không đúng thẩm quyền" in text
    sheet = load_workbook(io.BytesIO(client.get("/reports/exchange.xlsx", query_string=PERIOD).data)).active
    values = [list(row) for row in sheet.iter_rows(values_only=True)]
    [agency] = [row for row in values if row[0] == month.office.agency.name and isinstance(row[1], int)]
    assert agency[1:4] == [3, 5, "33,3%"] and agency[8] == "1 giờ 00 phút" and agency[9] == 1


def test_api_dashboard_json(client, month, api_token):
    response = client.get("/api/v1/reports/dashboard", query_string=PERIOD, headers=api_token(month.office.leader))
    assert response.status_code == 200, response.json
    body = response.json
    assert body["summary"]["p90_minutes"] == 510.0 and body["summary"]["completed_late"] == 1
    assert body["period"] == {"start": "2026-11-01", "end": "2026-11-30"}
    assert body["overdue"][0]["late_minutes"] == 90 and body["trend"][3]["received"] == 5
    assert {r["name"] for r in body["by_unit"]} >= {"Phòng Tổng hợp", "Phòng Kinh tế"}


def test_api_handling_and_exchange_json(client, month, api_token):
    headers = api_token(month.office.leader)
    body = client.get("/api/v1/reports/handling/incoming", query_string=PERIOD, headers=headers).json
    assert body["total"] == dict(zip(COLUMNS, (5, 1, 1, 1, 1, 1), strict=True))
    body = client.get(
        "/api/v1/reports/exchange", query_string={"kind": "month", "year": 2026, "number": 11}, headers=headers
    ).json
    assert [r["name"] for r in body["rows"]] == [month.office.agency.name]  # a leader: their own agency
    assert body["rows"][0]["avg_ack_minutes"] == 60.0 and body["unacknowledged"][0]["symbol"] == "11/UBND-TH"


@pytest.mark.parametrize(
    ("args", "code"),
    [
        ({}, "period_missing"),
        ({"start": "2026-11-30", "end": "2026-11-01"}, "period_reversed"),
        ({"start": "2000-01-01", "end": "2026-11-01"}, "period_too_long"),
        ({"start": "30-11-2026", "end": "2026-12-01"}, "period_invalid"),
    ],
)
def test_api_refuses_bad_periods_with_stable_codes(client, month, api_token, args, code):
    response = client.get("/api/v1/reports/dashboard", query_string=args, headers=api_token(month.office.leader))
    assert response.status_code == 422
    assert response.json["code"] == code and response.json["message"]


def test_api_permissions_give_no_data(client, month, api_token):
    office = month.office
    unit_leader = api_token(office.unit_leader)
    other = {**PERIOD, "unit_id": office.unit_b.id}
    response = client.get("/api/v1/reports/dashboard", query_string=other, headers=unit_leader)
    assert response.status_code == 403 and "summary" not in response.json
    stranger = api_token(month.other_leader)
    response = client.get(
        "/api/v1/reports/exchange", query_string={**PERIOD, "agency_id": office.agency.id}, headers=stranger
    )
    assert response.status_code == 404 and response.json["code"] == "agency_not_found"
    foreign_unit = {**PERIOD, "unit_id": office.unit_a.id}
    response = client.get("/api/v1/reports/handling/incoming", query_string=foreign_unit, headers=stranger)
    assert response.status_code == 404 and "rows" not in response.json
    response = client.get("/api/v1/reports/dashboard", query_string=PERIOD, headers=api_token(office.spec_a1))
    assert response.status_code == 403
