"""The document page draws the main PDF with pdf.js served by qlvb itself: no request leaves the server."""

from urllib.parse import urlsplit

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import sign_in
from tests.signing import factories

pytestmark = pytest.mark.e2e

# Pixels darker than this in the drawn page are text: a blank (white) page has none.
DARK_PIXELS = """canvas => {
  const data = canvas.getContext("2d").getImageData(0, 0, canvas.width, canvas.height).data;
  let dark = 0;
  for (let i = 0; i < data.length; i += 4) if (data[i + 3] > 0 && data[i] < 128) dark++;
  return dark;
}"""


def test_received_document_is_shown_in_the_page_without_leaving_the_server(browser, live_server, tmp_path):
    pdf = tmp_path / "thong-bao-12.pdf"
    pdf.write_bytes(factories.make_pdf("Thông báo số 12/TB-UBND"))
    context = browser.new_context(base_url=live_server, locale="vi-VN", viewport={"width": 1280, "height": 900})
    requested: list[str] = []
    context.on("request", lambda request: requested.append(request.url))
    # Refuse, as well as record, anything addressed elsewhere: the page must work without it.
    context.route(lambda url: not url.startswith(live_server), lambda route: route.abort())
    page = context.new_page()
    page.set_default_timeout(15_000)

    sign_in(page, "ubnd.vanthu")
    page.goto("/incoming/new")
    page.get_by_label("Tệp văn bản").set_input_files(str(pdf))
    page.locator("#sender_name").fill("Ủy ban nhân dân huyện Châu Thành")
    page.locator("#code_number").fill("12")
    page.get_by_label("Ký hiệu").fill("TB-UBND")
    page.get_by_label("Tên loại").select_option(label="Công văn")
    page.get_by_label("Trích yếu nội dung").fill("Về việc lịch tiếp công dân tháng 12")
    page.get_by_role("button", name="Tiếp nhận").click()
    expect(page.get_by_test_id("incoming-status")).to_have_text("Chờ tiếp nhận")

    viewer = page.get_by_test_id("pdf-viewer")
    expect(viewer.get_by_test_id("pdf-page-status")).to_have_text("Trang 1/1")
    canvas = viewer.locator("canvas[data-rendered]")
    canvas.wait_for()
    width, height = canvas.evaluate("c => [c.width, c.height]")
    assert width > 0 and height > width  # an A4 page, upright
    assert canvas.evaluate(DARK_PIXELS) > 200  # the page's text was drawn
    expect(viewer.get_by_role("button", name="Trang sau ›")).to_be_disabled()

    zoom = viewer.locator("[data-zoom]")
    before = int(zoom.inner_text().rstrip("%"))
    viewer.get_by_role("button", name="Phóng to").click()
    expect(zoom).not_to_have_text(f"{before}%")
    assert int(zoom.inner_text().rstrip("%")) > before
    expect(viewer.locator("canvas[data-rendered]")).to_have_count(1)
    assert viewer.locator("canvas[data-rendered]").evaluate("c => c.width") > width
    expect(viewer.get_by_role("link", name="Mở tệp PDF")).to_have_attribute("href", viewer.get_attribute("data-src"))

    assert any(url.endswith("/static/vendor/pdfjs/pdf.worker.min.mjs") for url in requested)
    hosts = {urlsplit(url).netloc for url in requested if urlsplit(url).scheme in ("http", "https", "ws", "wss")}
    assert hosts == {urlsplit(live_server).netloc}, requested
    context.close()
