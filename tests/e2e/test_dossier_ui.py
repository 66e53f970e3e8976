"""A dossier's whole life in the browser (issue 12, "Done when"): a specialist opens it from the 2026 file plan, the
document she handles lands in it with its processing history, she closes it and hands it to the archive, the
archivist accepts it, and twenty years later (clock advanced) it is listed, approved and destroyed with a record.

The demo's plan (app.demo_dossiers) gives ubnd.chuyenvien2 "Hồ sơ quản lý, sử dụng ngân sách năm 2026" under KINH TẾ,
kept 20 năm (maintenance "05"); the demo's history (app.demo_history) leaves her "Giải quyết văn bản" tasks open.
The server runs in this process: `clock.frozen` moves its clock too (set_clock is process-global).
"""

import io
import os
import re
from datetime import date, datetime, timedelta

import pytest
from playwright.sync_api import expect
from pypdf import PdfReader

from app.core import clock
from app.core.clock import LOCAL_TZ
from tests.e2e.conftest import sign_in

pytestmark = pytest.mark.e2e

TITLE = "Hồ sơ quản lý, sử dụng ngân sách năm 2026"
WALK = datetime(2026, 12, 7, 9, 0, tzinfo=LOCAL_TZ)  # a Monday after the demo's history (27/11/2026)
ARCHIVE_MENU = re.compile(r"^Lưu trữ( \d+)?$")  # the menu item, with its badge of transfers waiting
ARCHIVIST = "Huỳnh Văn Tâm"  # ubnd.luutru in app.demo
SHOTS = os.environ.get("QLVB_SCREENSHOTS")


def shot(page, name: str) -> None:
    if SHOTS:
        page.screenshot(path=f"{SHOTS}/dossier-{name}.png", full_page=True)


def person(browser, live_server, username: str):
    page = browser.new_context(base_url=live_server, locale="vi-VN", viewport={"width": 1280, "height": 860}).new_page()
    page.set_default_timeout(15_000)
    sign_in(page, username)
    return page


def test_a_dossier_from_the_file_plan_to_its_destruction(browser, live_server):
    with clock.frozen(WALK):
        specialist = person(browser, live_server, "ubnd.chuyenvien2")
        dossier_url, code, subject, document_url = _open_file_and_close(specialist)
        _hand_to_the_archive(specialist, code)

        archivist = person(browser, live_server, "ubnd.luutru")
        expires = _accept(archivist, dossier_url, code)
        archivist.context.close()
        _read_only(specialist, dossier_url)
        specialist.context.close()

    # Twenty years later: not on the list the day before its retention ends, on it once it has.
    with clock.frozen(_morning(expires - timedelta(days=1))):
        archivist = person(browser, live_server, "ubnd.luutru")
        archivist.goto("/archive/expired")
        expect(archivist.get_by_test_id("eligible-list")).to_be_visible()  # the demo's 2014 dossier is there
        expect(archivist.get_by_test_id("eligible-list")).not_to_contain_text(code)
        archivist.context.close()
    with clock.frozen(_morning(expires + timedelta(days=1))):
        _destroy(browser, live_server, dossier_url, document_url, code, subject, expires)


def _morning(day: date) -> datetime:
    return datetime(day.year, day.month, day.day, 9, 0, tzinfo=LOCAL_TZ)


def _open_file_and_close(page) -> tuple[str, str, str, str]:
    # 1. From the file plan (Mở hồ sơ → Theo Danh mục hồ sơ năm 2026).
    page.get_by_role("link", name="Hồ sơ công việc", exact=True).click()
    page.goto("/dossiers/new?year=2026")
    entries = page.get_by_test_id("plan-entries")
    # Her entries under their đề mục, as in the issued plan: KINH TẾ is the third main heading.
    expect(entries.get_by_test_id("plan-heading")).to_have_text(["III. KINH TẾ"])
    row = entries.locator("tr", has_text=TITLE)
    expect(row).to_contain_text("20 năm")
    shot(page, "1-plan-entries")
    row.get_by_role("button", name="Mở hồ sơ").click()
    expect(page.get_by_text("Đã mở hồ sơ.")).to_be_visible()
    expect(page.get_by_role("heading", name=TITLE)).to_be_visible()
    expect(page.get_by_test_id("dossier-status")).to_have_text("Đang lập")
    code = page.get_by_test_id("file-code").inner_text()
    assert re.fullmatch(r"[\d.]+H33\.2026\.02\.KT", code), code  # mã cơ quan . năm . số và ký hiệu (TT 05/2025)
    dossier_url = page.url
    expect(page.get_by_test_id("dossier-items")).to_contain_text("Hồ sơ chưa có văn bản, tài liệu.")

    # 2. She finishes one of her "Giải quyết văn bản" and chooses the dossier in "Lưu vào hồ sơ".
    page.goto("/tasks")
    page.get_by_role("link", name="Giải quyết văn bản").first.click()
    subject = page.get_by_test_id("incoming-subject").inner_text().strip()
    page.get_by_label("Kết quả giải quyết / ý kiến đề xuất").fill("Đã tham mưu văn bản trả lời, trình lãnh đạo ký.")
    page.get_by_label("Lưu vào hồ sơ").select_option(label=f"{code} — {TITLE}")
    shot(page, "2-handle-document")
    page.get_by_role("button", name="Hoàn thành").click()
    expect(page.get_by_text("Đã hoàn thành “Giải quyết văn bản”.")).to_be_visible()

    page.get_by_role("link", name="Hồ sơ công việc", exact=True).click()
    expect(page.get_by_role("link", name=TITLE)).to_be_visible()
    shot(page, "3-dossier-list")
    page.goto(dossier_url)
    items = page.get_by_test_id("dossier-items")
    rows = items.locator("tbody tr")
    expect(rows).to_have_count(2)
    expect(rows.nth(0)).to_contain_text(subject)
    expect(rows.nth(0)).to_contain_text("Văn bản đến")
    expect(rows.nth(1)).to_contain_text("Quá trình xử lý")
    expect(rows.nth(1)).to_contain_text("tự động")
    expect(page.get_by_test_id("doc-total")).to_have_text("2")
    shot(page, "3-dossier-open")
    # The processing history is a real PDF that names the step she finished.
    history = page.request.get(rows.nth(1).get_by_role("link").get_attribute("href"))
    assert history.headers["content-type"] == "application/pdf"
    if SHOTS:
        with open(f"{SHOTS}/dossier-history.pdf", "wb") as out:
            out.write(history.body())
    text = " ".join(p.extract_text() for p in PdfReader(io.BytesIO(history.body())).pages)
    assert "Giải quyết văn bản" in text, text[:500]
    assert not re.search(r"\d{4}-\d{2}-\d{2}", text), "an unformatted date in the history"
    # The document's own page says where it is kept.
    rows.nth(0).get_by_role("link").click()
    expect(page.get_by_test_id("dossier-panel")).to_contain_text(f"{code} — {TITLE}")
    document_url = page.url
    page.goto(dossier_url)

    # 3. She closes it (Điều 29.4) ...
    page.get_by_role("link", name="Kết thúc hồ sơ").click()
    expect(page.get_by_role("heading", name="Kết thúc hồ sơ")).to_be_visible()
    shot(page, "4-close-review")
    page.get_by_role("button", name="Kết thúc hồ sơ").click()
    expect(page.get_by_test_id("dossier-status")).to_have_text("Đã kết thúc")
    return dossier_url, code, subject, document_url


def _hand_to_the_archive(page, code: str) -> None:
    # ... and hands it to the Lưu trữ cơ quan (Điều 30).
    page.get_by_test_id("dossier-archive").get_by_role("link", name="Nộp lưu").click()
    expect(page.get_by_label(code)).to_be_checked()
    page.get_by_label("Tên khối tài liệu giao nộp").fill("Hồ sơ ngân sách năm 2026 của Phòng Kinh tế")
    shot(page, "5-transfer-form")
    page.get_by_role("button", name="Nộp lưu").click()
    expect(page.get_by_text("Đã nộp lưu 1 hồ sơ.")).to_be_visible()
    expect(page.get_by_test_id("transfer-status")).to_be_visible()


def _accept(page, dossier_url: str, code: str) -> date:
    # 4. The archivist checks and accepts it.
    page.get_by_role("link", name=ARCHIVE_MENU).click()
    page.get_by_test_id("transfer-queue").get_by_role("link", name="Hồ sơ ngân sách năm 2026 của Phòng Kinh tế").click()
    entry = page.locator("[data-entry-id]", has_text=code)
    # She may look into it before deciding.
    entry.get_by_role("link", name=TITLE).click()
    expect(page.get_by_test_id("dossier-status")).to_have_text("Chờ lưu trữ tiếp nhận")
    page.go_back()
    entry.get_by_role("button", name="Kiểm tra").click()
    entry = page.locator("[data-entry-id]", has_text=code)
    expect(entry.get_by_test_id("check-ok")).to_be_visible()
    shot(page, "6-transfer-checked")
    entry.get_by_role("button", name="Tiếp nhận").click()
    expect(page.locator("[data-entry-id]", has_text=code).get_by_test_id("decision")).to_have_text("Đã tiếp nhận")

    page.get_by_role("link", name=ARCHIVE_MENU).click()
    page.get_by_role("link", name="Hồ sơ lưu trữ").click()
    expect(page.get_by_text(code)).to_be_visible()
    shot(page, "7-archive-records")
    page.get_by_role("link", name=TITLE).click()
    expect(page).to_have_url(dossier_url)
    expect(page.get_by_test_id("dossier-status")).to_have_text("Lưu trữ cơ quan")
    shot(page, "7-dossier-archived")
    expires = page.get_by_test_id("dossier-archive").get_by_test_id("expires-on").inner_text()
    # 20 năm from the end of the work (Thời gian kết thúc: the day she closed it).
    assert expires == f"{WALK.day:02d}/{WALK.month:02d}/{WALK.year + 20}"
    return datetime.strptime(expires, "%d/%m/%Y").date()


def _read_only(page, dossier_url: str) -> None:
    """An archival record (Điều 30.3.b): its own creator may no longer add, withdraw, describe, reopen or resubmit."""
    page.goto(dossier_url)
    expect(page.get_by_test_id("dossier-status")).to_have_text("Lưu trữ cơ quan")
    expect(page.get_by_test_id("dossier-items").locator("tbody tr")).to_have_count(2)
    for name in ("Thêm văn bản", "Kết thúc hồ sơ", "Nộp lưu"):
        expect(page.get_by_role("link", name=name)).to_have_count(0)
    for name in (re.compile("^Rút"), "Mở lại hồ sơ"):
        expect(page.get_by_role("button", name=name)).to_have_count(0)
    expect(page.get_by_text("Sửa thông tin hồ sơ")).to_have_count(0)


def _destroy(browser, live_server, dossier_url: str, document_url: str, code: str, subject: str, expires: date) -> None:
    # 5. The archivist lists it, records the council's opinion and proposes it ...
    archivist = person(browser, live_server, "ubnd.luutru")
    archivist.goto("/")
    archivist.get_by_role("link", name=ARCHIVE_MENU).click()
    archivist.get_by_role("link", name="Hồ sơ hết thời hạn bảo quản").click()
    eligible = archivist.get_by_test_id("eligible-list")
    expect(eligible.locator("tr", has_text=code)).to_contain_text(TITLE)
    expect(eligible.locator("tr", has_text=code)).to_contain_text(f"{expires:%d/%m/%Y}")
    shot(archivist, "8-expired")
    archivist.get_by_label(f"Chọn {code}").check()
    archivist.get_by_label("Tên danh mục").fill("Danh mục hồ sơ ngân sách năm 2026 hết giá trị")
    archivist.get_by_role("button", name="Lập danh mục hủy").click()
    expect(archivist.get_by_test_id("destruction-status")).to_have_text("Đang lập danh mục")
    expect(archivist.get_by_test_id("destruction-entries")).to_contain_text(code)
    archivist.get_by_label("Ý kiến của Hội đồng xác định giá trị tài liệu").fill(
        "Hội đồng thống nhất hủy: hồ sơ đã hết thời hạn bảo quản 20 năm, không còn giá trị."
    )
    archivist.get_by_role("button", name="Trình người đứng đầu cơ quan phê duyệt").click()
    record_url = archivist.url
    shot(archivist, "9-destruction-proposed")

    # ... the head approves with a decision ...
    head = person(browser, live_server, "ubnd.lanhdao")
    head.goto(record_url)
    decided_on = clock.local_today()
    head.get_by_label("Số quyết định").fill("47/QĐ-UBND")
    head.get_by_label("Ngày quyết định").fill(decided_on.isoformat())
    shot(head, "10-destruction-to-approve")
    head.get_by_role("button", name="Phê duyệt hủy").click()
    expect(head.get_by_test_id("destruction-status")).to_have_text("Đã phê duyệt hủy")
    head.context.close()

    # ... and the archivist executes it: the record stays, the dossier is gone.
    archivist.goto(record_url)
    asked = []  # destroying cannot be undone: the browser asks first
    archivist.once("dialog", lambda dialog: (asked.append(dialog.message), dialog.accept()))
    archivist.get_by_role("button", name="Thực hiện hủy").click()
    expect(archivist.get_by_test_id("executed")).to_contain_text(f"{ARCHIVIST} lúc {decided_on:%d/%m/%Y}")
    assert asked == ["Hủy các hồ sơ trong danh mục? Tài liệu bị hủy không khôi phục được."]
    expect(archivist.get_by_test_id("destruction-entries")).to_contain_text(code)
    destroyed = archivist.get_by_test_id("destruction-entries")
    expect(destroyed).to_contain_text(TITLE)
    # No other dossier holds the văn bản đến: its content goes with the dossier's own file (the history).
    document = destroyed.locator("div", has_text="1. Văn bản đến")
    expect(document).to_contain_text(subject)
    expect(document).to_contain_text("Đã xóa tệp")
    expect(destroyed.locator("div", has_text="2. Quá trình xử lý")).to_contain_text("Đã xóa tệp")
    expect(archivist.get_by_text(f"Số 47/QĐ-UBND ngày {decided_on:%d/%m/%Y}")).to_be_visible()
    shot(archivist, "11-destruction-executed")
    response = archivist.goto(dossier_url)
    assert response.status == 404
    response = archivist.goto(record_url)
    assert response.status == 200
    # The register line of the văn bản đến stays; its page says its content was destroyed, by which decision.
    archivist.context.close()
    handler = person(browser, live_server, "ubnd.chuyenvien2")
    handler.goto(document_url)
    expect(handler.get_by_text("Nội dung văn bản đã được hủy", exact=False)).to_be_visible()
    expect(handler.get_by_text("47/QĐ-UBND", exact=False).first).to_be_visible()
    shot(handler, "12-document-content-destroyed")
    handler.context.close()
