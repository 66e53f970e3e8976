"""The notification bell in the browser: the unread count, the list, opening a notice, the count dropping."""

import re

import pytest
from playwright.sync_api import expect

from app.audit.context import origin
from app.core.transaction import unit_of_work
from app.notifications.services import mark_all_read, notify
from app.org.queries import find_user_by_username
from tests.e2e.conftest import sign_in

pytestmark = pytest.mark.e2e


def test_the_bell_counts_unread_notices_and_opening_one_lowers_it(live_app, page):
    with live_app.app_context(), origin("cli", "e2e"), unit_of_work():
        archivist = find_user_by_username("ubnd.luutru")
        mark_all_read(archivist)  # the demo's own notices to the archive (app.demo_dossiers): counted from zero
        notify(
            [archivist],
            kind="task_reminder",
            title="Nhắc việc: lập danh mục hồ sơ năm 2027",
            body="Hạn trình: 15/12/2026.",
            url="/notifications/settings",
            dedupe_key="e2e:bell:1",
        )
        notify(
            [archivist],
            kind="task_overdue",
            title="Hồ sơ nộp lưu quý IV đã quá hạn",
            url="/tasks",
            dedupe_key="e2e:bell:2",
        )

    sign_in(page, "ubnd.luutru")
    expect(page.get_by_test_id("notification-count")).to_have_text("2")
    page.get_by_test_id("notification-bell").click()
    expect(page.get_by_role("heading", name="Thông báo", exact=True)).to_be_visible()
    unread = page.get_by_test_id("notification").filter(has_text=re.compile("lập danh mục hồ sơ năm 2027|quý IV"))
    expect(unread).to_have_count(2)

    page.get_by_role("link", name="Hồ sơ nộp lưu quý IV đã quá hạn").click()
    expect(page).to_have_url(re.compile(r"/tasks$"))
    expect(page.get_by_test_id("notification-count")).to_have_text("1")

    page.get_by_test_id("notification-bell").click()
    page.get_by_role("button", name="Đánh dấu tất cả đã đọc").click()
    expect(page.get_by_text("Đã đánh dấu 1 thông báo là đã đọc.")).to_be_visible()
    expect(page.get_by_test_id("notification-count")).to_have_count(0)
