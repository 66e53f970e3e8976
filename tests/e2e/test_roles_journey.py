"""One letter's journey across roles and agencies, each step through the browser as its role takes it.

UBND's clerk receives a paper letter and registers it; the chairman directs it to Phòng Tổng hợp with a deadline;
the unit leader assigns a specialist; the specialist drafts the reply; the unit leader approves its content, the
clerk its format, the chairman signs it with his PIN, the clerk numbers, seals and issues it to Sở Nội vụ, whose clerk
finds it among her incoming documents with its signatures verified and registers it; the specialist then closes the
first letter. Each step is a screenshot (`step`), kept under test-artifacts/e2e/ when the test fails.
"""

import re
from datetime import datetime, timedelta

import pytest
from playwright.sync_api import expect

from tests.e2e.helpers import complete, draft_file, fill_outgoing_draft, inbox_task, person, sign_with_pin
from tests.signing import factories

pytestmark = pytest.mark.e2e

LETTER = "Về việc đề nghị rà soát quy trình luân chuyển văn bản giữa các cơ quan"
REPLY = "Về việc rà soát quy trình luân chuyển văn bản giữa các cơ quan"
BODY = "Ủy ban nhân dân tỉnh rà soát, thống nhất quy trình luân chuyển văn bản điện tử giữa các cơ quan."
SNV = "Sở Nội vụ tỉnh Kiên Giang"


def test_a_letter_travels_from_one_agency_to_another_through_every_role(browser, live_server, tmp_path, step):
    clerk = person(browser, live_server, "ubnd.vanthu")
    letter_url, arrival = receive_and_register(clerk, tmp_path, step)

    leader = person(browser, live_server, "ubnd.lanhdao")
    deadline = direct(leader, arrival, step)

    head = person(browser, live_server, "ubnd.truongphong")
    assign(head, step)

    specialist = person(browser, live_server, "ubnd.chuyenvien")
    reply_url = draft_reply(specialist, letter_url, deadline, tmp_path, step)

    symbol = review_sign_and_issue(head, clerk, leader, reply_url, step)

    department = person(browser, live_server, "snv.vanthu")
    receive_at_the_department(department, symbol, step)
    specialist.goto(reply_url)  # the sender sees the department's registration ("03 Đã tiếp nhận")
    recipients = specialist.get_by_test_id("outgoing-recipients")
    expect(recipients.get_by_role("row", name=re.compile("Sở Nội vụ"))).to_contain_text("Đã tiếp nhận")

    close_the_letter(specialist, letter_url, symbol, step)


def open_task(page, task_title: str, subject: str) -> None:
    """From the inbox, where the task about `subject` waits for this person."""
    page.goto("/tasks")
    inbox_task(page, task_title, subject).click()


def left_inbox(page, task_title: str, subject: str) -> None:
    page.goto("/tasks")
    expect(inbox_task(page, task_title, subject)).to_have_count(0)


def receive_and_register(clerk, tmp_path, step) -> tuple[str, str]:
    """a. UBND's clerk receives the scanned paper letter, checks and registers it: its arrival number is shown."""
    letter_pdf = tmp_path / "cong-van-118.pdf"
    letter_pdf.write_bytes(factories.make_pdf("Công văn số 118/SXD-VP"))
    clerk.get_by_role("link", name="Văn bản đến", exact=True).click()
    clerk.get_by_role("link", name="Tiếp nhận văn bản").click()
    clerk.get_by_label("Văn bản giấy (đã số hóa)").check()
    clerk.get_by_label("Tệp văn bản").set_input_files(str(letter_pdf))
    clerk.locator("#sender_name").fill("Sở Xây dựng tỉnh Kiên Giang")
    clerk.locator("#code_number").fill("118")
    clerk.get_by_label("Ký hiệu").fill("SXD-VP")
    clerk.get_by_label("Tên loại").select_option(label="Công văn")
    clerk.get_by_label("Trích yếu nội dung").fill(LETTER)
    clerk.get_by_role("button", name="Tiếp nhận").click()
    expect(clerk.get_by_test_id("incoming-status")).to_have_text("Chờ tiếp nhận")
    expect(clerk.get_by_test_id("incoming-status")).to_have_class(re.compile(r"\btext-bg-warning\b"))
    letter_url = clerk.url
    step(clerk, "văn thư UBND tiếp nhận văn bản giấy")
    clerk.get_by_role("link", name="Kiểm tra văn bản đến").click()
    clerk.get_by_role("button", name="Tiếp nhận").click()
    expect(clerk.get_by_text("Đã hoàn thành “Kiểm tra văn bản đến”.")).to_be_visible()
    open_task(clerk, "Vào sổ văn bản đến", LETTER)
    step(clerk, "văn thư UBND vào sổ")
    clerk.get_by_role("button", name="Hoàn thành").click()
    expect(clerk.get_by_text("Đã hoàn thành “Vào sổ văn bản đến”.")).to_be_visible()
    left_inbox(clerk, "Vào sổ văn bản đến", LETTER)
    clerk.goto(letter_url)
    expect(clerk.get_by_test_id("incoming-status")).to_have_text("Đã vào sổ")
    expect(clerk.get_by_test_id("incoming-status")).to_have_class(re.compile(r"\btext-bg-info\b"))
    expect(clerk.get_by_test_id("arrival-number")).to_have_text(re.compile(r"^\d+/\d{4}$"))
    step(clerk, "văn bản đến đã có số đến")
    return letter_url, clerk.get_by_test_id("arrival-number").inner_text()


def direct(leader, arrival: str, step):
    """b. The chairman directs: Phòng Tổng hợp leads, with a deadline a week after the direction's own."""
    open_task(leader, "Cho ý kiến chỉ đạo", LETTER)
    expect(leader.get_by_test_id("incoming-summary")).to_contain_text(f"Văn bản đến số {arrival}")
    # The server's clock, not the test's: the direction task's deadline, on its badge.
    badge = leader.get_by_text(re.compile(r"^Hạn \d{2}/\d{2}/\d{4}")).first.inner_text()
    deadline = datetime.strptime(badge.split()[1], "%d/%m/%Y").date() + timedelta(days=7)
    leader.get_by_label("Ý kiến chỉ đạo").fill("Giao Phòng Tổng hợp nghiên cứu, dự thảo văn bản trả lời Sở.")
    leader.get_by_label("Đơn vị chủ trì").select_option(label="Phòng Tổng hợp")
    leader.get_by_label("Hạn giải quyết").fill(deadline.isoformat())
    step(leader, "lãnh đạo cho ý kiến chỉ đạo")
    leader.get_by_role("button", name="Hoàn thành").click()
    expect(leader.get_by_text("Đã hoàn thành “Cho ý kiến chỉ đạo”.")).to_be_visible()
    left_inbox(leader, "Cho ý kiến chỉ đạo", LETTER)
    return deadline


def assign(head, step) -> None:
    """c. The unit leader finds the letter in his inbox and assigns the specialist."""
    open_task(head, "Phân công chuyên viên", LETTER)
    expect(head.get_by_test_id("incoming-summary")).to_contain_text("Giao Phòng Tổng hợp nghiên cứu")
    head.get_by_label("Chuyên viên giải quyết").select_option(label="Võ Quốc Bảo — Chuyên viên")
    step(head, "trưởng phòng phân công chuyên viên")
    head.get_by_role("button", name="Hoàn thành").click()
    expect(head.get_by_text("Đã hoàn thành “Phân công chuyên viên”.")).to_be_visible()
    left_inbox(head, "Phân công chuyên viên", LETTER)


def draft_reply(specialist, letter_url: str, deadline, tmp_path, step) -> str:
    """d. The specialist drafts the reply to Sở Nội vụ from his handling task and submits it."""
    open_task(specialist, "Giải quyết văn bản", LETTER)
    expect(specialist.get_by_text(f"Hạn {deadline:%d/%m/%Y} 17:00")).to_be_visible()  # the chairman's deadline
    step(specialist, "chuyên viên nhận việc giải quyết")
    specialist.get_by_test_id("draft-reply").click()
    letter_id = re.search(r"/incoming/(\d+)", letter_url)[1]
    expect(specialist.get_by_label("Văn bản trả lời cho")).to_have_value(letter_id)
    fill_outgoing_draft(specialist, subject=REPLY, agencies=[SNV], pdf=draft_file(tmp_path, REPLY, [SNV], BODY))
    reply_url = specialist.url
    expect(specialist.get_by_test_id("reply-to")).to_contain_text("118/SXD-VP")
    specialist.get_by_role("button", name="Trình duyệt").click()
    expect(specialist.get_by_test_id("outgoing-status")).to_have_text(re.compile("Chờ duyệt nội dung"))
    step(specialist, "chuyên viên trình dự thảo trả lời")
    specialist.goto(letter_url)  # the letter, still in hand, lists its reply as a draft
    expect(specialist.get_by_test_id("incoming-status")).to_have_text("Đang xử lý")
    expect(specialist.get_by_test_id("incoming-replies")).to_contain_text(f"Dự thảo — {REPLY}")
    return reply_url


def review_sign_and_issue(head, clerk, leader, reply_url: str, step) -> str:
    """e. The unit leader approves the content, the clerk the format, the chairman signs, the clerk issues."""
    complete(head, "Duyệt nội dung dự thảo", "Đồng ý nội dung", subject=REPLY)
    left_inbox(head, "Duyệt nội dung dự thảo", REPLY)
    complete(clerk, "Kiểm tra thể thức, kỹ thuật trình bày", "Đạt thể thức", subject=REPLY)
    sign_with_pin(leader, subject=REPLY)
    step(leader, "lãnh đạo ký số")
    left_inbox(leader, "Ký duyệt văn bản", REPLY)
    complete(clerk, "Cấp số, đóng dấu và phát hành", "Cấp số và phát hành", subject=REPLY)
    clerk.goto(reply_url)
    expect(clerk.get_by_test_id("outgoing-status")).to_have_text(re.compile("Đã phát hành"))
    expect(clerk.get_by_test_id("outgoing-symbol")).to_have_text(re.compile(r"^\d+/UBND-"))
    expect(clerk.get_by_test_id("outgoing-signatures").get_by_text("Chữ ký số hợp lệ")).to_be_visible()
    step(clerk, "văn thư cấp số, đóng dấu, phát hành")
    return clerk.get_by_test_id("outgoing-symbol").inner_text().split()[0]  # "07/UBND-TH — Sổ văn bản đi"


def receive_at_the_department(department, symbol: str, step) -> None:
    """f. Sở Nội vụ's clerk finds the reply among her incoming documents, signatures verified, and registers it."""
    department.get_by_role("link", name="Văn bản đến", exact=True).click()
    department.get_by_role("link", name=REPLY).click()
    expect(department.get_by_role("heading", level=1)).to_contain_text(symbol)
    expect(department.get_by_test_id("incoming-files")).to_contain_text("Chữ ký số hợp lệ")
    step(department, "Sở Nội vụ nhận văn bản điện tử")
    department.get_by_role("link", name="Kiểm tra văn bản đến").click()
    department.get_by_role("button", name="Tiếp nhận").click()
    expect(department.get_by_text("Đã hoàn thành “Kiểm tra văn bản đến”.")).to_be_visible()
    complete(department, "Vào sổ văn bản đến", "Hoàn thành", subject=REPLY)
    department.get_by_role("link", name="Văn bản đến", exact=True).click()
    department.get_by_role("link", name=REPLY).click()
    expect(department.get_by_test_id("incoming-status")).to_have_text("Đã vào sổ")
    expect(department.get_by_test_id("arrival-number")).to_have_text(re.compile(r"^\d+/\d{4}$"))
    step(department, "Sở Nội vụ vào sổ")


def close_the_letter(specialist, letter_url: str, symbol: str, step) -> None:
    """g. The specialist reports the result: the letter is complete and lists its reply by number."""
    open_task(specialist, "Giải quyết văn bản", LETTER)
    specialist.get_by_label("Kết quả giải quyết / ý kiến đề xuất").fill(f"Đã trả lời bằng văn bản số {symbol}.")
    specialist.get_by_role("button", name="Hoàn thành").click()
    expect(specialist.get_by_text("Đã hoàn thành “Giải quyết văn bản”.")).to_be_visible()
    left_inbox(specialist, "Giải quyết văn bản", LETTER)
    specialist.goto(letter_url)
    expect(specialist.get_by_test_id("incoming-status")).to_have_text("Hoàn thành")
    expect(specialist.get_by_test_id("incoming-replies")).to_contain_text(symbol)
    step(specialist, "văn bản đến hoàn thành")
