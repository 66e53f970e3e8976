"""The foundation as a person sees it, in a real browser."""

import pytest
from playwright.sync_api import expect

from app.org.auth import REFUSED
from tests.e2e.conftest import sign_in

pytestmark = pytest.mark.e2e


def test_login_page_and_dashboard(page, tmp_path):
    page.goto("/")
    assert page.url.endswith("/login?next=%2F")
    expect(page.get_by_role("heading", name="Đăng nhập")).to_be_visible()
    sign_in(page, "ubnd.vanthu")
    expect(page.get_by_role("heading", name="Xin chào, Nguyễn Thị Thu Hà")).to_be_visible()
    # Her position, "Văn thư", already says her role ("Văn thư cơ quan"): said once, not twice.
    expect(page.locator("h1 + p")).to_contain_text("Văn thư ·")
    expect(page.locator("h1 + p")).not_to_contain_text("Văn thư cơ quan")
    expect(page.get_by_test_id("my-roles")).to_have_count(0)
    # A clerk has no administration menu.
    expect(page.get_by_role("link", name="Nhật ký hệ thống")).to_have_count(0)
    page.screenshot(path=str(tmp_path / "dashboard.png"))


def test_session_cookie_is_secure_httponly_samesite(page):
    sign_in(page, "ubnd.vanthu")
    expect(page.get_by_role("heading", name="Xin chào, Nguyễn Thị Thu Hà")).to_be_visible()
    [cookie] = [c for c in page.context.cookies() if c["name"] == "qlvb_session"]
    assert cookie["secure"] and cookie["httpOnly"] and cookie["sameSite"] == "Lax"


def test_wrong_password_shows_vietnamese_error(page):
    sign_in(page, "ubnd.chuyenvien", "khong-dung-123")
    expect(page.get_by_test_id("login-error")).to_have_text(REFUSED)


def test_admin_creates_and_deactivates_an_account(page, browser, live_server):
    sign_in(page, "ubnd.quantri")
    page.get_by_role("link", name="Quản trị", exact=True).click()
    page.get_by_role("link", name="Tài khoản").click()
    page.get_by_role("link", name="Thêm tài khoản").click()
    page.get_by_label("Tên đăng nhập").fill("ubnd.chuyenvien9")
    page.get_by_label("Họ và tên").fill("Lâm Thị Ngọc Hân")
    page.get_by_label("Chức vụ").fill("Chuyên viên")
    page.get_by_label("Chuyên viên", exact=True).check()
    page.get_by_label("Mật khẩu ban đầu").fill("quá ngắn")
    page.get_by_role("button", name="Lưu").click()
    expect(page.get_by_text("Mật khẩu phải có ít nhất")).to_be_visible()  # inline error, form kept
    expect(page.get_by_label("Họ và tên")).to_have_value("Lâm Thị Ngọc Hân")
    page.get_by_label("Mật khẩu ban đầu").fill("Ngoc-Han-2026")
    page.get_by_role("button", name="Lưu").click()
    expect(page.get_by_role("heading", name="Lâm Thị Ngọc Hân")).to_be_visible()

    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_role("button", name="Vô hiệu hóa").click()
    expect(page.get_by_text("Đã vô hiệu hóa tài khoản ubnd.chuyenvien9.")).to_be_visible()

    other = browser.new_context(base_url=live_server).new_page()
    sign_in(other, "ubnd.chuyenvien9", "Ngoc-Han-2026")
    expect(other.get_by_test_id("login-error")).to_contain_text("vô hiệu hóa")
    other.context.close()


def test_api_docs_page_is_served_locally(page, live_server):
    external = []
    page.on("request", lambda request: None if request.url.startswith(live_server) else external.append(request.url))
    page.goto("/api/v1/docs")
    page.wait_for_selector("text=qlvb REST API")
    assert external == []


def test_user_form_reloads_units_when_the_agency_changes(page):
    sign_in(page, "ubnd.quantri")
    page.goto("/admin/users/new")
    expect(page.locator("#unit_id option", has_text="Phòng Tổng hợp")).to_have_count(1)
    with page.expect_response(lambda r: "/admin/unit-options" in r.url):
        page.get_by_label("Cơ quan", exact=True).select_option(label="Sở Nội vụ tỉnh Kiên Giang")
    expect(page.locator("#unit_id option", has_text="Phòng Tổ chức, biên chế")).to_have_count(1)
    expect(page.locator("#unit_id option", has_text="Phòng Tổng hợp")).to_have_count(0)


def test_list_pages_fit_a_phone_screen(browser, live_server):
    context = browser.new_context(base_url=live_server, viewport={"width": 390, "height": 844})
    page = context.new_page()
    try:
        sign_in(page, "ubnd.quantri")
        for path in ("/incoming", "/outgoing", "/admin/users", "/admin/audit", "/"):
            page.goto(path)
            overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
            assert overflow <= 1, f"{path} is {overflow}px wider than the screen"
    finally:
        context.close()


def test_no_page_asks_for_a_missing_favicon(page):
    missing = []
    page.on("response", lambda r: missing.append(r.url) if r.status == 404 else None)
    sign_in(page, "ubnd.vanthu")
    page.goto("/incoming")
    page.wait_for_load_state("networkidle")
    assert missing == []
