"""An outgoing document in the browser: drafted, approved, signed, numbered, sealed, dispatched and tracked.

A specialist drafts; the unit leader approves the content and the clerk the format; the chairman signs with his
PIN; the clerk numbers, seals and issues to two departments of the demo deployment; one department's clerk
accepts it; the sender watches the statuses arrive; the final PDF carries two valid signatures.
"""

import re
from concurrent.futures import ThreadPoolExecutor

import pytest
from playwright.sync_api import expect

from app.signing import placement
from app.signing.verify import verify_pdf
from tests.e2e.helpers import PIN, complete, draft_file, fill_outgoing_draft
from tests.e2e.helpers import person as signed_in

pytestmark = pytest.mark.e2e

SUBJECT = "Về việc tổ chức hội nghị tổng kết công tác văn thư năm 2026"
AGENCIES = ["Sở Nội vụ tỉnh Kiên Giang", "Sở Tài chính tỉnh Kiên Giang"]
BODY = "Ủy ban nhân dân tỉnh tổ chức hội nghị tổng kết công tác văn thư, lưu trữ năm 2026."


def in_thread(app, func, *args):
    """Run pyHanko (asyncio.run inside) off the main thread, where Playwright's event loop is running."""

    def call():
        with app.app_context():
            return func(*args)

    with ThreadPoolExecutor(1) as pool:
        return pool.submit(call).result()


def test_outgoing_document_from_draft_to_tracked_delivery(browser, live_server, live_app, tmp_path):
    def person(username):
        return signed_in(browser, live_server, username)

    specialist = person("ubnd.chuyenvien")
    document_url = draft_and_submit(specialist, draft_file(tmp_path, SUBJECT, AGENCIES, BODY))

    complete(person("ubnd.truongphong"), "Duyệt nội dung dự thảo", "Đồng ý nội dung")
    clerk = person("ubnd.vanthu")
    complete(clerk, "Kiểm tra thể thức, kỹ thuật trình bày", "Đạt thể thức")

    leader = person("ubnd.lanhdao")
    sign_with_pin(leader)

    complete(clerk, "Cấp số, đóng dấu và phát hành", "Cấp số và phát hành")
    clerk.goto(document_url)
    expect(clerk.get_by_test_id("outgoing-status")).to_have_text(re.compile("Đã phát hành"))
    expect(clerk.get_by_test_id("outgoing-symbol")).to_have_text(re.compile(r"\d{2,}/UBND-"))
    expect(clerk.get_by_test_id("outgoing-signatures").get_by_text("Chữ ký số hợp lệ")).to_be_visible()

    # Sở Nội vụ finds it in its incoming queue, accepts and registers it; the sender sees "03 Đã tiếp nhận".
    department = person("snv.vanthu")
    department.get_by_role("link", name="Văn bản đến", exact=True).click()
    department.get_by_role("link", name=SUBJECT).first.click()
    department.get_by_role("link", name="Kiểm tra văn bản đến").click()
    department.get_by_role("button", name="Tiếp nhận").click()
    expect(department.get_by_text("Đã hoàn thành “Kiểm tra văn bản đến”.")).to_be_visible()
    complete(department, "Vào sổ văn bản đến", "Hoàn thành")  # registered: status 03 goes back to the sender

    specialist.goto(document_url)
    recipients = specialist.get_by_test_id("outgoing-recipients")
    expect(recipients.get_by_role("row", name=re.compile("Sở Nội vụ"))).to_contain_text("Đã tiếp nhận")
    expect(recipients.get_by_role("row", name=re.compile("Sở Tài chính"))).to_contain_text("Đã đến")

    # The issued original: both signatures valid, the personal one extended only by form filling (the number).
    with specialist.expect_download() as download:
        specialist.get_by_test_id("outgoing-versions").get_by_role("link").first.click()
    data = download.value.path().read_bytes()
    report = in_thread(live_app, verify_pdf, data)
    assert report.valid, report.reason
    personal, seal = report.signatures
    assert personal.modification == "FORM_FILLING" and seal.coverage == "ENTIRE_FILE"
    assert re.search(r"Số: \d{2,}/UBND-", placement.page_text(data, 0))
    for page in (specialist, clerk, leader, department):
        page.context.close()


def draft_and_submit(specialist, pdf) -> str:
    """Fill the draft form for two departments, upload the PDF, save and submit; return the document's URL."""
    specialist.get_by_role("link", name="Văn bản đi", exact=True).click()
    specialist.get_by_role("link", name="Soạn văn bản đi").first.click()
    fill_outgoing_draft(specialist, subject=SUBJECT, agencies=AGENCIES, pdf=pdf)
    document_url = specialist.url
    specialist.get_by_role("button", name="Trình duyệt").click()
    expect(specialist.get_by_test_id("outgoing-status")).to_have_text(re.compile("Chờ duyệt nội dung"))
    return document_url


def sign_with_pin(leader):
    """A wrong PIN is refused and signs nothing; the right one completes the signing task."""
    leader.goto("/tasks")
    leader.get_by_role("link", name="Ký duyệt văn bản").first.click()
    leader.get_by_label("Mã PIN chứng thư số").fill("sai-ma-pin")
    leader.get_by_role("button", name="Ký số").click()
    expect(leader.get_by_text(re.compile("PIN"))).not_to_have_count(0)  # refused, nothing signed
    leader.get_by_label("Mã PIN chứng thư số").fill(PIN)
    leader.get_by_role("button", name="Ký số").click()
    expect(leader.get_by_text("Đã hoàn thành “Ký duyệt văn bản”.")).to_be_visible()
