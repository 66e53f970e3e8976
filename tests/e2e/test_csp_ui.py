"""Every main page works under the Content-Security-Policy (app/web/security.py): no inline script, no eval, and
pdf.js, bpmn-js, Chart.js, htmx and Swagger UI still draw. Any `securitypolicyviolation` fails the test."""

import re

import pytest
import sqlalchemy as sa
from playwright.sync_api import expect

from app.core.db import db
from app.org.models import User
from app.workflow.models import InstanceStatus, WorkflowInstance
from tests.e2e.conftest import sign_in

pytestmark = pytest.mark.e2e

# Recorded in every document and frame before its own scripts run; console messages catch the workers' refusals.
WATCH_VIOLATIONS = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", (e) => {
  window.__cspViolations.push(`${e.violatedDirective} ${e.blockedURI} ${e.sourceFile}:${e.lineNumber}`);
});
"""


@pytest.fixture
def watched(browser, live_server):
    context = browser.new_context(base_url=live_server, locale="vi-VN", viewport={"width": 1440, "height": 900})
    context.add_init_script(WATCH_VIOLATIONS)
    page = context.new_page()
    page.set_default_timeout(15_000)
    refused: list[str] = []
    page.on(
        "console",
        lambda message: (
            refused.append(message.text) if re.search(r"Content Security Policy|Refused to", message.text) else None
        ),
    )
    page.on("pageerror", lambda error: refused.append(f"page error: {error}"))

    def check(where: str) -> None:
        found = refused + page.evaluate("window.__cspViolations || []")
        assert found == [], f"{where}: {found}"

    yield page, check
    context.close()


def _running_incoming(live_app) -> int:
    with live_app.app_context():
        leader = db.session.scalar(sa.select(User).where(User.username == "ubnd.lanhdao"))
        return db.session.scalar(
            sa.select(WorkflowInstance.object_id)
            .where(WorkflowInstance.object_type == "incoming", WorkflowInstance.status == InstanceStatus.RUNNING)
            .where(WorkflowInstance.agency_id == leader.agency_id)
            .order_by(WorkflowInstance.id)
        )


def test_main_pages_run_under_the_policy_without_violations(watched, live_app):
    page, check = watched
    response = page.goto("/login")
    policy = response.headers["content-security-policy"]
    assert "script-src 'self';" in policy and "unsafe-eval" not in policy and "frame-ancestors 'none'" in policy
    sign_in(page, "ubnd.lanhdao")
    page.goto("/tasks")
    expect(page.get_by_test_id("inbox")).to_be_visible()
    check("hộp việc")

    page.goto(f"/incoming/{_running_incoming(live_app)}")
    viewer = page.get_by_test_id("pdf-viewer")
    expect(viewer.locator("canvas[data-rendered]").first).to_be_attached()  # pdf.js and its worker drew a page
    card = page.get_by_test_id("case-diagram")
    card.get_by_role("button", name="Sơ đồ xử lý").click()
    expect(card.locator(".djs-container svg")).to_be_visible()  # bpmn-js viewer
    check("văn bản đến")

    page.goto("/reports/dashboard")
    expect(page.get_by_test_id("trend-chart")).to_have_attribute("data-drawn", re.compile(r"^[1-9]\d*$"))  # Chart.js
    check("báo cáo")

    page.goto("/api/v1/docs")
    expect(page.locator(".swagger-ui .info")).to_be_visible()  # Swagger UI, started without an inline script
    check("tài liệu API")

    page.goto("/khong-co-trang-nay")
    page.get_by_role("link", name="Quay lại").click()  # the error page's back link: no javascript: URL
    expect(page).to_have_url(re.compile(r"/api/v1/docs$"))
    check("trang lỗi")


def test_designer_and_confirmations_run_under_the_policy(watched, live_app):
    page, check = watched
    sign_in(page, "snv.quantri")
    page.goto("/designer/incoming/edit")
    expect(page.locator("[data-element-id='check_document']")).to_be_visible()  # bpmn-js modeler, mounted
    page.get_by_role("button", name="Kiểm tra").click()
    expect(page.get_by_role("status")).to_have_text("Quy trình hợp lệ, có thể triển khai.")
    check("thiết kế quy trình")

    with live_app.app_context():
        clerk_id = db.session.scalar(sa.select(User.id).where(User.username == "snv.vanthu"))
    page.goto(f"/admin/users/{clerk_id}")
    deactivate = page.get_by_role("button", name="Vô hiệu hóa").first
    expect(deactivate).to_be_visible()
    questions: list[str] = []
    page.once("dialog", lambda dialog: (questions.append(dialog.message), dialog.dismiss()))
    deactivate.click()
    expect(page.get_by_role("button", name="Vô hiệu hóa").first).to_be_visible()
    assert questions and questions[0].startswith("Vô hiệu hóa tài khoản")  # data-confirm asked, and refused: kept
    check("quản trị người dùng")
