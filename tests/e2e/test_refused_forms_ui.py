"""A refused form shows its errors, and reloading that page asks nothing and sends nothing again."""

import re

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import sign_in

pytestmark = pytest.mark.e2e


def reload_requests(page) -> list[tuple[str, str]]:
    """Reload the page once it has loaded (as a person would); the (method, path) of the documents asked for."""
    page.wait_for_load_state("load")
    sent = []
    page.on("request", lambda r: sent.append((r.method, r.url)) if r.resource_type == "document" else None)
    page.reload()
    return [(method, re.sub(r"^https?://[^/]+", "", url)) for method, url in sent]


def test_reloading_a_refused_task_form_opens_the_task_again_without_resending(page):
    sign_in(page, "ubnd.truongphong")
    page.goto("/tasks")
    page.get_by_role("link", name=re.compile("Phân công thực hiện")).first.click()
    task_path = re.sub(r"^https?://[^/]+", "", page.url)
    page.get_by_role("button", name="Hoàn thành").click()
    expect(page.get_by_text("Trường này là bắt buộc.")).to_be_visible()  # refused: 422, the form as entered
    assert page.url.endswith(task_path)  # the address bar names the task page, not the form's target
    assert reload_requests(page) == [("GET", task_path)]
    expect(page.get_by_role("button", name="Hoàn thành")).to_be_visible()  # the task page, not a 405


def test_reloading_a_refused_start_form_asks_for_the_form_again(page):
    sign_in(page, "ubnd.lanhdao")
    page.goto("/cases/new/work_assignment")
    page.get_by_label("Tên công việc").fill("Họp")  # shorter than the form allows
    page.get_by_role("button", name="Khởi tạo").click()
    expect(page.locator(".invalid-feedback").first).to_be_visible()
    assert reload_requests(page) == [("GET", "/cases/new/work_assignment")]
    expect(page.get_by_label("Tên công việc")).to_have_value("")


def test_a_refused_action_in_a_folded_panel_opens_the_panel_again(page, tmp_path):
    from tests.e2e.helpers import draft_file, fill_outgoing_draft

    sign_in(page, "ubnd.chuyenvien")
    page.goto("/outgoing/new")
    pdf = draft_file(tmp_path, "Về việc thử hủy dự thảo", ["Sở Nội vụ tỉnh Kiên Giang"], "Nội dung thử.")
    fill_outgoing_draft(page, subject="Về việc thử hủy dự thảo", agencies=["Sở Nội vụ tỉnh Kiên Giang"], pdf=pdf)
    panel = page.locator("details#cancel")
    panel.locator("summary").click()
    page.get_by_label("Lý do hủy").fill("   ")  # passes the browser's `required`, refused by the server
    page.once("dialog", lambda dialog: dialog.accept())
    panel.get_by_role("button", name="Hủy dự thảo").click()
    expect(page.locator(".alert-danger").first).to_be_visible()
    assert page.url.endswith("#cancel")
    expect(panel).to_have_attribute("open", "")
    expect(page.get_by_label("Lý do hủy")).to_be_focused()
