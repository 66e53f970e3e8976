"""The leader's dashboard in the browser: the "Báo cáo" menu, the figures and the weekly chart drawn by Chart.js
(served from static/vendor, never a CDN)."""

import re

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import sign_in

pytestmark = pytest.mark.e2e


def test_the_agency_leader_opens_the_dashboard_and_the_trend_chart_is_drawn(page):
    page.set_default_timeout(10_000)
    external = []
    page.on("request", lambda request: external.append(request.url) if "127.0.0.1" not in request.url else None)
    sign_in(page, "ubnd.lanhdao")
    page.get_by_role("link", name="Báo cáo", exact=True).click()
    expect(page.get_by_role("heading", name="Bảng theo dõi xử lý văn bản")).to_be_visible()
    expect(page.get_by_test_id("dashboard-summary")).to_contain_text("Đang xử lý")
    chart = page.get_by_test_id("trend-chart")
    expect(chart).to_have_attribute("data-drawn", re.compile(r"^[1-9]\d*$"))  # one bar group per week of the month
    painted = chart.evaluate(
        """canvas => {
            const data = canvas.getContext("2d").getImageData(0, 0, canvas.width, canvas.height).data;
            let count = 0;
            for (let i = 3; i < data.length; i += 4) { if (data[i] > 0) count++; }
            return count;
        }"""
    )
    assert painted > 1000  # axes, labels and the legend at least
    assert external == []

    # A reversed period: the message, no figures.
    page.get_by_test_id("period-start").fill("2026-11-30")
    page.get_by_test_id("period-end").fill("2026-11-01")
    page.get_by_role("button", name="Xem").click()
    expect(page.get_by_test_id("period-problem")).to_contain_text("Ngày kết thúc phải sau hoặc trùng ngày bắt đầu")
    expect(page.get_by_test_id("trend-chart")).to_have_count(0)
