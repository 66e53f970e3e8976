"""A paper document scanned as images, then recalled by its sender and destroyed, in the browser (the clerk's view).

NĐ 30/2020 Điều 22.3.b → Phụ lục I (scans into one PDF, ≥ 200 dpi); NĐ 30 Phụ lục VI III.8.b–c, NĐ 30/2020 Điều
18.4.b (an agreed recall destroys the document, its page becomes the record of the recall).
"""

import re

import pytest
from playwright.sync_api import expect

from tests.documents.images import A4_150, scan
from tests.e2e.conftest import sign_in

pytestmark = pytest.mark.e2e


def test_scans_become_one_pdf_and_a_recall_leaves_only_its_record(page, tmp_path):
    low, first, second = tmp_path / "thap.jpg", tmp_path / "trang-1.jpg", tmp_path / "trang-2.png"
    low.write_bytes(scan(A4_150, dpi=(150, 150)))
    first.write_bytes(scan())
    second.write_bytes(scan(fmt="PNG", colour="#36c"))
    page.set_default_timeout(10_000)
    sign_in(page, "ubnd.vanthu")

    def fill(files) -> None:
        page.goto("/incoming/new")
        page.get_by_label("Văn bản giấy (đã số hóa)").check()
        page.get_by_label("Tệp văn bản").set_input_files([str(f) for f in files])
        page.locator("#sender_name").fill("Sở Xây dựng tỉnh Kiên Giang")
        page.locator("#code_number").fill("77")
        page.get_by_label("Ký hiệu").fill("SXD-QLN")
        page.get_by_label("Tên loại").select_option(label="Công văn")
        page.get_by_label("Trích yếu nội dung").fill("Về việc kiểm tra công trình nhà ở năm 2027")
        page.get_by_role("button", name="Tiếp nhận").click()

    # NĐ 30/2020 Điều 22.3.b → Phụ lục I: under 200 dpi, the clerk is told the measured resolution.
    fill([low])
    expect(page.locator("#err-files")).to_contain_text("có độ phân giải 150 dpi")
    fill([first, second])
    expect(page.get_by_test_id("incoming-status")).to_have_text("Chờ tiếp nhận")
    expect(page.get_by_test_id("incoming-files")).to_contain_text("van-ban-so-hoa.pdf")
    document_id = int(re.search(r"/incoming/(\d+)$", page.url).group(1))

    # The sender's recall request (status 13), entered through the REST API.
    token = page.request.post(
        "/api/v1/tokens", data={"username": "ubnd.vanthu", "password": "QlvbDemo@2026", "name": "e2e"}
    )
    assert token.ok, token.text()
    asked = page.request.post(
        f"/api/v1/incoming/{document_id}/recall-request",
        headers={"Authorization": f"Bearer {token.json()['token']}"},
        data={"note": "Sở Xây dựng thu hồi để ban hành lại"},
    )
    assert asked.ok, asked.text()

    # NĐ 30 Phụ lục VI III.8.b–c: agreed, the document is destroyed; its page is the record of the recall.
    page.reload()
    expect(page.get_by_test_id("recall-request")).to_contain_text("Sở Xây dựng thu hồi để ban hành lại")
    # Irreversible: the browser asks first, and nothing happens until the clerk says yes.
    page.once("dialog", lambda dialog: dialog.dismiss())
    page.get_by_role("button", name="Đồng ý thu hồi").click()
    expect(page.get_by_test_id("recall-request")).to_be_visible()
    messages = []
    page.once("dialog", lambda dialog: (messages.append(dialog.message), dialog.accept()))
    page.get_by_role("button", name="Đồng ý thu hồi").click()
    expect(page.get_by_test_id("recall-banner")).to_contain_text("đã bị hủy trên Hệ thống")
    assert messages and "không khôi phục được" in messages[0]
    expect(page.get_by_test_id("recall-symbol")).to_have_text("77/SXD-QLN")
    expect(page.get_by_test_id("recall-files")).to_contain_text("Văn bản chính")
    expect(page.get_by_text("Về việc kiểm tra công trình nhà ở năm 2027")).to_have_count(0)
    page.get_by_role("link", name="Sổ thu hồi văn bản đến").click()
    expect(page.get_by_test_id("recall-records")).to_contain_text("Sở Xây dựng tỉnh Kiên Giang")
