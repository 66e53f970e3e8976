"""The home page in the browser (issue 11): a clerk's intake queue and a leader's work, each figure opening its list."""

import re

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import sign_in
from tests.e2e.helpers import receive_on_paper
from tests.signing import factories

pytestmark = pytest.mark.e2e

SUBJECT = "Về việc báo cáo tình hình sử dụng trang chủ"


def person(browser, live_server, username):
    page = browser.new_context(base_url=live_server, locale="vi-VN", viewport={"width": 1280, "height": 900}).new_page()
    page.set_default_timeout(10_000)
    sign_in(page, username)
    return page


def count_of(page, panel: str, key: str) -> int:
    text = page.get_by_test_id(f"home-figure-{panel}-{key}").get_by_test_id("home-count").inner_text()
    return int(text.rstrip("+"))


def test_a_clerk_and_a_leader_see_their_home_pages(browser, live_server, tmp_path):
    pdf = tmp_path / "cong-van-77.pdf"
    pdf.write_bytes(factories.make_pdf("Công văn số 77/SNV-VP"))
    clerk = person(browser, live_server, "ubnd.vanthu")
    receive_on_paper(clerk, [pdf], sender="Sở Nội vụ tỉnh Kiên Giang", number="77", symbol="SNV-VP", summary=SUBJECT)
    expect(clerk.get_by_test_id("incoming-status")).to_have_text("Chờ tiếp nhận")

    clerk.goto("/")
    expect(clerk.get_by_role("heading", name="Xin chào, Nguyễn Thị Thu Hà")).to_be_visible()
    work = clerk.get_by_role("region", name="Việc của tôi")
    expect(work.get_by_role("link", name="Kiểm tra văn bản đến").first).to_be_visible()
    intake = clerk.get_by_role("region", name="Văn bản đến")
    expect(intake.get_by_role("link", name=SUBJECT)).to_be_visible()
    expect(clerk.get_by_role("region", name="Văn bản đi")).to_contain_text("Chờ kiểm tra thể thức")
    waiting = count_of(clerk, "incoming", "to_receive")
    assert waiting >= 1
    clerk.get_by_test_id("home-figure-incoming-to_receive").get_by_role("link").click()
    expect(clerk).to_have_url(re.compile(r"status=received"))
    expect(clerk.get_by_test_id("incoming-list").locator("tbody tr:has(a[href*='/incoming/'])")).to_have_count(waiting)
    clerk.goto("/")
    clerk.get_by_test_id("home-figure-my_work-due_today").get_by_role("link").click()
    expect(clerk.get_by_role("checkbox", name="Chỉ việc đến hạn hôm nay")).to_be_checked()

    leader = person(browser, live_server, "ubnd.lanhdao")
    expect(leader.get_by_role("region", name="Việc của tôi")).to_be_visible()
    expect(leader.get_by_role("region", name="Văn bản đến")).to_contain_text("Chờ cho ý kiến chỉ đạo")
    expect(leader.get_by_role("region", name="Văn bản đi")).to_contain_text("Chờ tôi ký duyệt")
    expect(leader.get_by_role("region", name="Văn bản đến")).not_to_contain_text("Chờ tiếp nhận, vào sổ")
    expect(leader.get_by_role("region", name="Ủy quyền đang có hiệu lực cho bạn")).to_contain_text("Không có.")
    to_sign = count_of(leader, "outgoing", "to_sign")
    leader.get_by_test_id("home-figure-outgoing-to_sign").get_by_role("link").click()
    expect(leader.get_by_role("checkbox", name="Tôi là người ký")).to_be_checked()
    expect(leader.get_by_test_id("outgoing-list").locator("tbody tr:has(a[href*='/outgoing/'])")).to_have_count(to_sign)
