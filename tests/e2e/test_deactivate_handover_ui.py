"""The administrator sees a person's open work before deactivating them (read only: the shared demo stays as is)."""

import os

import pytest
import sqlalchemy as sa
from playwright.sync_api import expect

from app.core.db import db
from app.org.models import User
from app.workflow.queries import held_open_task_count
from tests.e2e.conftest import sign_in

pytestmark = pytest.mark.e2e


def test_user_page_shows_open_work_and_what_deactivation_does(page, live_app):
    with live_app.app_context():
        user_id = db.session.scalar(sa.select(User.id).where(User.username == "ubnd.chuyenvien2"))
        held = held_open_task_count(user_id)
    assert held > 0  # the demo leaves work with this specialist
    sign_in(page, "ubnd.quantri")
    page.goto(f"/admin/users/{user_id}")
    panel = page.get_by_test_id("user-open-work")
    expect(panel.get_by_test_id("open-task-count")).to_have_text(str(held))
    expect(panel.get_by_test_id("deactivate-warning")).to_contain_text(f"{held} việc đang giữ sẽ trở về hộp việc chung")
    expect(panel.locator("select[name=to_user_id] option")).not_to_have_count(1)
    expect(panel.get_by_role("button", name="Vô hiệu hóa")).to_be_visible()
    if os.environ.get("QLVB_SCREENSHOTS"):
        page.screenshot(path=os.path.join(os.environ["QLVB_SCREENSHOTS"], "deactivate-open-work.png"), full_page=True)
