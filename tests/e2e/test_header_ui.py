"""The header at a laptop's width (1366 px): the longest menus (a leader's, an administrator-designer's) stay on one
line beside the quick search and the user menu, and no item breaks inside its words."""

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import sign_in

pytestmark = pytest.mark.e2e


@pytest.mark.parametrize("username", ["ubnd.lanhdao", "ubnd.quantri"])
def test_the_header_is_one_line_at_1366_px(browser, live_server, username):
    context = browser.new_context(base_url=live_server, locale="vi-VN", viewport={"width": 1366, "height": 800})
    page = context.new_page()
    try:
        sign_in(page, username)
        menu = page.get_by_test_id("user-menu")
        expect(menu).to_be_visible()
        page.wait_for_load_state("load")  # the stylesheets applied, the bell's count in
        nav = page.get_by_role("navigation", name="Điều hướng chính")
        links = nav.locator(".navbar-nav.me-auto .nav-link")
        tops = {round(box["y"]) for box in (links.nth(i).bounding_box() for i in range(links.count()))}
        heights = {round(links.nth(i).bounding_box()["height"]) for i in range(links.count())}
        assert len(tops) == 1, f"menu items on {len(tops)} rows"
        assert max(heights) < 45, "a menu item breaks onto two lines"
        menu_box = menu.bounding_box()
        assert menu_box["x"] + menu_box["width"] <= 1366 and abs(menu_box["y"] - tops.pop()) < 4
        assert page.evaluate("document.documentElement.scrollWidth") <= 1366
    finally:
        context.close()
