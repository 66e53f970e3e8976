"""A designer edits a task form in the browser: the live preview follows the JSON, saving makes it the agency's.

Rạch Giá's designer, so that UBND's forms (which the other browser tests fill in) stay the shipped ones.
"""

import os

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import sign_in

pytestmark = pytest.mark.e2e
SHOTS = os.environ.get("QLVB_SCREENSHOTS")
KEY = "incoming/give_opinion"


def shot(page, name: str) -> None:
    if SHOTS:
        page.screenshot(path=f"{SHOTS}/forms-{name}.png", full_page=True)


def test_designer_edits_a_form_with_a_live_preview(page):
    sign_in(page, "rachgia.quantri")
    page.goto("/designer")
    page.get_by_role("link", name="Biểu mẫu").first.click()
    row = page.locator(f'tr[data-key="{KEY}"]')
    expect(row).to_contain_text("Mặc định")
    shot(page, "list")
    row.get_by_role("link", name=KEY).click()

    preview = page.locator("#preview")
    expect(preview.get_by_test_id("form-preview")).to_be_visible()
    first_label = page.get_by_test_id("field-list").locator("tbody tr").first.locator("input").first
    old_label = first_label.input_value()
    assert old_label and preview.get_by_text(old_label).count() > 0

    # The structured list rewrites the JSON; the preview follows through the server's renderer.
    first_label.fill("Ý kiến của phòng (Rạch Giá)")
    first_label.press("Tab")
    expect(preview).to_contain_text("Ý kiến của phòng (Rạch Giá)")
    assert "Ý kiến của phòng (Rạch Giá)" in page.locator("#definition").input_value()

    # A new field, a choice of two, from the list: the preview shows it as the inbox would (radio buttons).
    page.get_by_label("Mã trường mới").fill("muc_do")
    page.get_by_role("button", name="Thêm trường").click()
    page.get_by_label("Kiểu nhập của muc_do").select_option("radio")
    page.get_by_label("Các lựa chọn của muc_do").fill("Cao, Thấp")
    page.get_by_label("Các lựa chọn của muc_do").press("Tab")
    expect(preview.get_by_role("radio", name="Thấp")).to_be_visible()
    shot(page, "edited")

    # A broken JSON shows its problem instead of the preview, with the line; fixing it brings the preview back.
    editor = page.locator("#definition")
    text = editor.input_value()
    editor.fill(text.replace('"schema":', '"schema"', 1))
    expect(preview.get_by_test_id("form-problems")).to_contain_text("Lỗi cú pháp JSON ở dòng")
    shot(page, "syntax-error")
    editor.fill(text.replace('"widget": "textarea"', '"widget": "slider"', 1))
    expect(preview.get_by_test_id("form-problems")).to_contain_text("kiểu nhập “slider” không được hỗ trợ")
    editor.fill(text)
    expect(preview).to_contain_text("Ý kiến của phòng (Rạch Giá)")

    page.get_by_role("button", name="Lưu biểu mẫu của cơ quan").click()
    expect(page.get_by_text(f"Đã lưu biểu mẫu “{KEY}” của cơ quan")).to_be_visible()
    expect(page.get_by_test_id("form-scope")).to_have_text("Của cơ quan")
    shot(page, "saved")
    page.get_by_role("link", name="Biểu mẫu").last.click()
    expect(page.locator(f'tr[data-key="{KEY}"]')).to_contain_text("Của cơ quan")
