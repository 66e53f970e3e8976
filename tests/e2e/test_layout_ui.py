"""The header at a laptop's width (1280 px): each menu entry reads on one line."""

import pytest

from tests.e2e.conftest import sign_in

pytestmark = pytest.mark.e2e

# The lines each main-menu label's text occupies: a label broken word by word ("Văn / bản / đến") has several.
LINES_PER_LABEL = """() => [...document.querySelectorAll('#nav-main .nav-link')].map(link => {
  const range = document.createRange();
  range.selectNodeContents(link.firstChild);
  return [link.firstChild.textContent.trim(), new Set([...range.getClientRects()].map(r => Math.round(r.top))).size];
})"""


@pytest.mark.parametrize("username", ["ubnd.lanhdao", "ubnd.vanthu"])  # the longest menus: a leader's, a clerk's
def test_menu_entries_do_not_break_into_lines_on_a_laptop_screen(page, step, username):
    sign_in(page, username)
    page.get_by_test_id("user-menu").wait_for()
    step(page, "trang chủ")
    broken = [label for label, lines in page.evaluate(LINES_PER_LABEL) if lines > 1]
    assert broken == [], f"menu entries on several lines at 1280 px: {broken}"
