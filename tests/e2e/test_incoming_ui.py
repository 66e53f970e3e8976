"""A document from arrival to completion in the browser: clerk, leader, unit leader, specialist."""

import re

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import sign_in
from tests.signing import factories

pytestmark = pytest.mark.e2e


def test_incoming_document_from_arrival_to_completion(browser, live_server, tmp_path):
    pdf = tmp_path / "cong-van-54.pdf"
    pdf.write_bytes(factories.make_pdf("Công văn số 54/UBND-VP"))

    def person(username):
        page = browser.new_context(base_url=live_server, locale="vi-VN").new_page()
        page.set_default_timeout(10_000)
        sign_in(page, username)
        return page

    clerk = person("ubnd.vanthu")
    clerk.get_by_role("link", name="Văn bản đến", exact=True).click()
    clerk.get_by_role("link", name="Tiếp nhận văn bản").click()
    clerk.get_by_label("Tệp văn bản").set_input_files(str(pdf))
    clerk.locator("#sender_name").fill("Ủy ban nhân dân thành phố Rạch Giá")
    clerk.locator("#code_number").fill("54")
    clerk.get_by_label("Ký hiệu").fill("UBND-VP")
    clerk.get_by_label("Tên loại").select_option(label="Công văn")
    clerk.get_by_label("Trích yếu nội dung").fill("Về việc thực hiện phát hành văn bản điện tử")
    clerk.get_by_role("button", name="Tiếp nhận").click()
    expect(clerk.get_by_test_id("incoming-status")).to_have_text("Chờ tiếp nhận")

    clerk.get_by_role("link", name="Kiểm tra văn bản đến").click()
    expect(clerk.get_by_test_id("incoming-summary")).to_be_visible()
    clerk.get_by_role("button", name="Tiếp nhận").click()
    expect(clerk.get_by_text("Đã hoàn thành “Kiểm tra văn bản đến”.")).to_be_visible()
    clerk.goto("/tasks")
    clerk.get_by_role("link", name="Vào sổ văn bản đến").click()
    expect(clerk.get_by_label("Trích yếu nội dung")).to_have_value("Về việc thực hiện phát hành văn bản điện tử")
    clerk.get_by_role("button", name="Hoàn thành").click()
    expect(clerk.get_by_text("Đã hoàn thành “Vào sổ văn bản đến”.")).to_be_visible()

    leader = person("ubnd.lanhdao")
    leader.goto("/tasks")
    _direct(leader)
    leader.get_by_role("button", name="Hoàn thành").click()
    expect(leader.get_by_text("Đã hoàn thành “Cho ý kiến chỉ đạo”.")).to_be_visible()

    head = person("ubnd.truongphong")
    head.goto("/tasks")
    head.get_by_role("link", name="Phân công chuyên viên").click()
    head.get_by_label("Chuyên viên giải quyết").select_option(label="Võ Quốc Bảo — Chuyên viên")
    head.get_by_role("button", name="Hoàn thành").click()
    expect(head.get_by_text("Đã hoàn thành “Phân công chuyên viên”.")).to_be_visible()

    specialist = person("ubnd.chuyenvien")
    specialist.goto("/tasks")
    specialist.get_by_role("link", name="Giải quyết văn bản").click()
    specialist.get_by_label("Kết quả giải quyết / ý kiến đề xuất").fill("Đã triển khai đến các phòng, ban.")
    specialist.get_by_role("button", name="Hoàn thành").click()
    expect(specialist.get_by_text("Đã hoàn thành “Giải quyết văn bản”.")).to_be_visible()

    # The coordinating unit's specialist gives its opinion; only then is the document complete.
    coordinator = person("ubnd.chuyenvien2")
    coordinator.goto("/tasks")
    coordinator.get_by_role("link", name="Góp ý phối hợp").click()
    coordinator.get_by_label("Ý kiến của đơn vị phối hợp").fill("Phòng Kinh tế thống nhất, đề nghị bổ sung số liệu.")
    coordinator.get_by_role("button", name="Hoàn thành").click()
    expect(coordinator.get_by_text("Đã hoàn thành “Góp ý phối hợp”.")).to_be_visible()
    coordinator.context.close()

    clerk.goto("/incoming")
    clerk.get_by_role("link", name="Về việc thực hiện phát hành văn bản điện tử").click()
    expect(clerk.get_by_test_id("incoming-status")).to_have_text("Hoàn thành")
    expect(clerk.get_by_test_id("arrival-number")).to_have_text(re.compile(r"^\d{2,}/"))  # after the demo history
    for page in (clerk, leader, head, specialist):
        page.context.close()


def _direct(leader):
    """The leader's direction: Phòng Tổng hợp leads, Phòng Kinh tế coordinates."""
    leader.get_by_role("link", name="Cho ý kiến chỉ đạo").click()
    leader.get_by_label("Ý kiến chỉ đạo").fill("Giao Phòng Tổng hợp tham mưu thực hiện.")
    leader.get_by_label("Đơn vị chủ trì").select_option(label="Phòng Tổng hợp")
    # A date typed beside a unit ticks it (dated-choices.js); clearing the date leaves the tick.
    coordinating = leader.get_by_role("group", name="Đơn vị phối hợp")
    expect(coordinating.get_by_label("Phòng Kinh tế")).not_to_be_checked()
    coordinating.get_by_title("Hạn của Phòng Kinh tế").fill("2030-01-02")
    expect(coordinating.get_by_label("Phòng Kinh tế")).to_be_checked()
    coordinating.get_by_title("Hạn của Phòng Kinh tế").fill("")
    expect(coordinating.get_by_label("Phòng Kinh tế")).to_be_checked()
