"""What several browser stories share: a signed-in person, completing a task from the inbox, a draft to sign."""

import re

from playwright.sync_api import expect

from app.signing.sample import draft_pdf
from tests.e2e.conftest import sign_in

PIN = "QlvbDemo@2026"  # the demo leaders' PIN (README, demo data)


def person(browser, live_server, username: str):
    """A browser of its own for `username`, signed in; screenshots of each look alike (the `page` fixture's size)."""
    context = browser.new_context(
        base_url=live_server, locale="vi-VN", accept_downloads=True, viewport={"width": 1280, "height": 860}
    )
    page = context.new_page()
    page.set_default_timeout(15_000)
    sign_in(page, username)
    return page


def receive_on_paper(page, files, *, sender: str, number: str, symbol: str, summary: str) -> None:
    """Fill the clerk's intake form (a scanned paper document, a Công văn) and press "Tiếp nhận"."""
    page.goto("/incoming/new")
    page.get_by_label("Tệp văn bản").set_input_files([str(f) for f in files])
    page.locator("#sender_name").fill(sender)
    page.locator("#code_number").fill(number)
    page.get_by_label("Ký hiệu").fill(symbol)
    page.get_by_label("Tên loại").select_option(label="Công văn")
    page.get_by_label("Trích yếu nội dung").fill(summary)
    page.get_by_role("button", name="Tiếp nhận").click()


def inbox_task(page, task_title: str, subject: str):
    """The inbox entry of the task `task_title` about the document `subject` (the page must show /tasks)."""
    entries = page.get_by_test_id("inbox").get_by_role("link").filter(has_text=subject)
    return entries.filter(has=page.get_by_text(task_title, exact=True))


def complete(page, task_title: str, button: str, subject: str | None = None) -> None:
    """Open the task from the inbox (the one about `subject`, else the first) and complete it with `button`."""
    page.goto("/tasks")
    if subject is None:
        page.get_by_role("link", name=task_title).first.click()
    else:
        inbox_task(page, task_title, subject).click()
    page.get_by_role("button", name=button).click()
    expect(page.get_by_text(f"Đã hoàn thành “{task_title}”.")).to_be_visible()


def draft_file(tmp_path, subject: str, recipients: list[str], body: str):
    """The draft PDF a specialist of UBND uploads, signed later by the chairman whose printed name it carries."""
    pdf = tmp_path / "du-thao.pdf"
    pdf.write_bytes(
        draft_pdf(
            agency_parent="",
            agency_name="Ủy ban nhân dân tỉnh Kiên Giang",
            notation_hint="UBND-TH",
            place="Rạch Giá",
            type_name=None,
            subject=subject[0].lower() + subject[1:],
            body=[body],
            signer_authority=None,
            signer_title="Chủ tịch",
            signer_name="Trần Văn Minh",  # ubnd.lanhdao: his printed name places his signature
            recipients=recipients,
        )
    )
    return pdf


def sign_with_pin(leader, task_title: str = "Ký duyệt văn bản", subject: str | None = None) -> None:
    """The leader signs personally: the signing task's PIN field, then "Ký số"."""
    leader.goto("/tasks")
    if subject is None:
        leader.get_by_role("link", name=task_title).first.click()
    else:
        inbox_task(leader, task_title, subject).click()
    leader.get_by_label("Mã PIN chứng thư số").fill(PIN)
    leader.get_by_role("button", name="Ký số").click()
    expect(leader.get_by_text(f"Đã hoàn thành “{task_title}”.")).to_be_visible()


def fill_outgoing_draft(specialist, *, subject: str, agencies: list[str], pdf) -> None:
    """The draft form of an outgoing Công văn signed by the chairman, to agencies of the deployment; then saved."""
    specialist.get_by_label("Loại văn bản").select_option(label="Công văn")
    specialist.get_by_label("Trích yếu nội dung").fill(subject)
    specialist.get_by_label("Người ký", exact=True).select_option(label="Trần Văn Minh — Chủ tịch")
    specialist.get_by_label("Chức vụ người ký").fill("Chủ tịch")
    group = specialist.get_by_role("group", name="Cơ quan trong hệ thống")
    for agency in agencies:
        group.get_by_label(agency).check()
    specialist.get_by_label("Tệp dự thảo (PDF hoặc DOCX)").set_input_files(str(pdf))
    specialist.get_by_role("button", name=re.compile("^Lưu")).click()
    expect(specialist.get_by_text("Đã lưu dự thảo văn bản đi.")).to_be_visible()
