"""The file plan (Danh mục hồ sơ) in the browser: the office drafts it from the menu, the head issues it."""

import os

import pytest
from playwright.sync_api import expect

from app.core import clock
from tests.e2e.conftest import sign_in

pytestmark = pytest.mark.e2e

YEAR = 2031  # a year the demo data leaves empty


def test_the_clerk_drafts_the_plan_and_the_head_issues_it(page, browser, live_server):
    page.set_default_timeout(10_000)
    sign_in(page, "ubnd.vanthu")
    page.get_by_role("link", name="Danh mục hồ sơ", exact=True).click()
    page.goto(f"/dossiers/plan?year={YEAR}")
    expect(page.get_by_text(f"Cơ quan chưa có Danh mục hồ sơ năm {YEAR}.")).to_be_visible()
    page.get_by_label("Cách đánh số hồ sơ").select_option("heading")
    page.get_by_role("button", name="Lập dự thảo").click()
    expect(page.get_by_test_id("plan-status")).to_have_text("Dự thảo")

    page.get_by_label("Tên đề mục").last.fill("Tổ chức cán bộ")
    page.get_by_label("Chữ viết tắt (đề mục lớn)").fill("TCCB")
    page.get_by_role("button", name="Thêm đề mục").click()
    page.get_by_label("Tên đề mục").last.fill("Tuyển dụng")
    page.get_by_label("Thuộc đề mục lớn").select_option(label="I. Tổ chức cán bộ")
    page.get_by_role("button", name="Thêm đề mục").click()
    for title in ("Kế hoạch tuyển dụng", "Hồ sơ thi tuyển"):
        page.locator("#title-new").fill(title)
        page.locator("#heading-new").select_option(label="— 1. Tuyển dụng")
        page.locator("#maintenance-new").select_option("01")
        page.get_by_role("button", name="Thêm hồ sơ").click()
    table = page.get_by_test_id("file-plan")
    expect(table).to_contain_text("01.TCCB")
    expect(table).to_contain_text("02.TCCB")
    expect(page.get_by_test_id("plan-footer")).to_contain_text("2 hồ sơ bảo quản vĩnh viễn")
    # Moving the second hồ sơ up renumbers the draft.
    page.get_by_role("button", name="Chuyển Hồ sơ thi tuyển lên").click()
    expect(table.locator("tr", has_text="Hồ sơ thi tuyển")).to_contain_text("01.TCCB")
    if os.environ.get("QLVB_SCREENSHOTS"):
        page.screenshot(path=os.environ["QLVB_SCREENSHOTS"] + "/file-plan.png", full_page=True)

    leader = browser.new_context(base_url=live_server, locale="vi-VN", viewport={"width": 1280, "height": 860})
    head = leader.new_page()
    head.set_default_timeout(10_000)
    sign_in(head, "ubnd.lanhdao")
    head.goto(f"/dossiers/plan?year={YEAR}")
    head.get_by_label("Quyết định số").fill("12/QĐ-UBND")
    # Signed today (the server's clock): a decision is not dated ahead (app.core.clock.future_problem)
    head.get_by_label("Ngày").fill(clock.local_today().isoformat())
    head.get_by_role("button", name="Ban hành").click()
    expect(head.get_by_test_id("plan-status")).to_have_text("Đã ban hành")
    expect(head.get_by_text("Quyết định số 12/QĐ-UBND", exact=False)).to_be_visible()
    leader.close()
