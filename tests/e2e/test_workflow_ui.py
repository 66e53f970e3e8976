"""The shipped "Giao việc" process, end to end in the browser, as four people."""

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import sign_in

pytestmark = pytest.mark.e2e


def test_work_assignment_from_the_inbox(browser, live_server):
    """Leader assigns work; the unit leader picks a specialist; the specialist reports; the leader accepts."""

    def person(username):
        page = browser.new_context(base_url=live_server, locale="vi-VN").new_page()
        sign_in(page, username)
        return page

    leader = person("ubnd.lanhdao")
    leader.get_by_role("link", name="Việc cần làm").click()
    leader.get_by_role("link", name="Khởi tạo công việc").click()
    leader.get_by_role("link", name="Giao việc").click()
    leader.get_by_label("Tên công việc").fill("Chuẩn bị hội nghị tổng kết năm 2026")
    leader.get_by_label("Đơn vị chủ trì").select_option(label="Phòng Kinh tế")
    leader.get_by_role("button", name="Khởi tạo").click()
    expect(leader.get_by_text("Đã khởi tạo “Chuẩn bị hội nghị tổng kết năm 2026”.")).to_be_visible()

    unit_leader = person("ubnd.truongphong")  # Phòng Tổng hợp: not the unit chosen
    unit_leader.goto("/tasks")
    expect(unit_leader.get_by_text("Chuẩn bị hội nghị tổng kết năm 2026")).to_have_count(0)
    unit_leader.context.close()

    head = person("ubnd.truongphong2")  # Phòng Kinh tế's leader
    # Its own badge: "Việc quá hạn" has one too, the demo history's overdue work of Phòng Kinh tế.
    expect(head.get_by_role("link", name="Việc cần làm").get_by_test_id("nav-badge")).to_have_text("1")
    head.get_by_role("link", name="Việc cần làm").click()
    head.get_by_role("link", name="Phân công thực hiện").click()
    head.get_by_role("button", name="Hoàn thành").click()
    expect(head.get_by_text("Trường này là bắt buộc.")).to_be_visible()  # inline error from the JSON Schema
    head.get_by_label("Chuyên viên thực hiện").select_option(label="Đặng Ngọc Ánh — Chuyên viên")
    head.get_by_label("Ý kiến phân công").fill("Đồng chí Ánh chuẩn bị, báo cáo trước thứ sáu.")
    head.get_by_role("button", name="Hoàn thành").click()
    expect(head.get_by_text("Đã hoàn thành “Phân công thực hiện”.")).to_be_visible()

    specialist = person("ubnd.chuyenvien2")
    specialist.goto("/tasks")
    specialist.get_by_role("link", name="Thực hiện công việc").click()
    expect(specialist.get_by_test_id("timeline").get_by_text("Phân công thực hiện")).to_be_visible()
    specialist.get_by_label("Kết quả thực hiện").fill("Đã chuẩn bị chương trình, giấy mời và báo cáo.")
    specialist.get_by_label("Tệp kết quả").set_input_files(
        files=[{"name": "chuong-trinh.txt", "mimeType": "text/plain", "buffer": "Chương trình hội nghị".encode()}]
    )
    specialist.get_by_role("button", name="Hoàn thành").click()
    expect(specialist.get_by_text("Đã hoàn thành “Thực hiện công việc”.")).to_be_visible()

    head.goto("/tasks")
    head.get_by_role("link", name="Xem xét kết quả").click()
    head.get_by_role("button", name="Đạt — hoàn thành").click()
    expect(head.get_by_text("Đã hoàn thành “Xem xét kết quả”.")).to_be_visible()
    head.goto("/tasks")
    expect(head.get_by_text("Không có công việc nào cần xử lý.")).to_be_visible()
    for page in (leader, head, specialist):
        page.context.close()
