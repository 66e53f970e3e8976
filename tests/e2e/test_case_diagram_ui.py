"""A leader opens a demo incoming document with history and sees its case on the process diagram."""

import os

import pytest
import sqlalchemy as sa
from playwright.sync_api import expect

from app.core.db import db
from app.org.models import User
from app.workflow.models import HumanTask, InstanceStatus, TaskState, WorkflowInstance
from tests.e2e.conftest import sign_in

pytestmark = pytest.mark.e2e


def _demo_case_with_history(live_app) -> tuple[str, str, str]:
    """(incoming document id, a completed step's actor, the current step's title) of a running UBND case."""
    with live_app.app_context():
        leader = db.session.scalar(sa.select(User).where(User.username == "ubnd.lanhdao"))
        rows = db.session.execute(
            sa.select(WorkflowInstance.id, WorkflowInstance.object_id)
            .where(WorkflowInstance.object_type == "incoming", WorkflowInstance.status == InstanceStatus.RUNNING)
            .where(WorkflowInstance.agency_id == leader.agency_id)
            .order_by(WorkflowInstance.id)
        ).all()
        for instance_id, object_id in rows:
            tasks = db.session.scalars(sa.select(HumanTask).where(HumanTask.instance_id == instance_id)).all()
            done = [t for t in tasks if t.state == TaskState.COMPLETED and t.completed_by is not None]
            open_ = [t for t in tasks if t.is_open]
            if len(done) >= 2 and open_:
                return object_id, done[-1].completed_by.full_name, open_[0].title
    pytest.fail("the demo data has no running incoming case with history")


def test_a_leader_sees_the_path_the_current_step_and_who_did_what(page, live_app, tmp_path):
    document_id, actor, current = _demo_case_with_history(live_app)
    sign_in(page, "ubnd.lanhdao")
    page.goto(f"/incoming/{document_id}")
    card = page.get_by_test_id("case-diagram")
    card.get_by_role("button", name="Sơ đồ xử lý").click()
    expect(card.locator(".djs-container svg")).to_be_visible()
    expect(card.locator(".bjs-powered-by")).to_be_visible()  # the bpmn.io watermark (licence)
    expect(card.locator(".djs-element.qlvb-current")).not_to_have_count(0)
    expect(card.locator(".djs-element.qlvb-completed").first).to_be_attached()
    expect(card.locator(".djs-connection.qlvb-flow-taken").first).to_be_attached()
    expect(card.locator(".qlvb-case-actor", has_text=actor).first).to_be_visible()
    card.scroll_into_view_if_needed()
    card.screenshot(path=os.environ.get("QLVB_SHOT", str(tmp_path / "case-diagram.png")))

    card.locator(".djs-element.qlvb-current").first.click()
    expect(card.get_by_test_id("case-diagram-detail")).to_contain_text(current)
    expect(card.get_by_test_id("case-diagram-detail")).to_contain_text("đang xử lý")


def test_the_case_page_shows_the_diagram_open(page, live_app):
    document_id, actor, _current = _demo_case_with_history(live_app)
    sign_in(page, "ubnd.lanhdao")
    page.goto(f"/incoming/{document_id}")
    page.get_by_test_id("case-diagram").get_by_role("link", name="Trang hồ sơ").click()
    card = page.get_by_test_id("case-diagram")
    expect(card.locator(".djs-element.qlvb-current")).not_to_have_count(0)
    expect(card.locator(".qlvb-case-actor", has_text=actor).first).to_be_attached()
    card.screenshot(path=os.environ.get("QLVB_SHOT", "/tmp/x.png").replace(".png", "-case.png"))


def test_a_designer_finds_the_migration_of_running_cases(page):
    sign_in(page, "snv.quantri")
    page.goto("/designer")
    row = page.get_by_role("row").filter(has_text="Xử lý văn bản đến")
    row.get_by_role("link", name="Chuyển hồ sơ").click()
    expect(page.get_by_role("heading", name="Chuyển hồ sơ đang xử lý sang phiên bản mới")).to_be_visible()
    expect(page.get_by_label("Phiên bản nguồn")).to_contain_text("hồ sơ đang xử lý")
    page.screenshot(path=os.environ.get("QLVB_SHOT", "/tmp/x.png").replace(".png", "-migrate.png"))


def test_a_finished_case_opens_on_its_last_step(page, live_app):
    # A finished case wider than the page opens where it ended (its last step in view), not at its start.
    with live_app.app_context():
        leader = db.session.scalar(sa.select(User).where(User.username == "ubnd.lanhdao"))
        found = db.session.execute(
            sa.select(WorkflowInstance.id, WorkflowInstance.object_type, WorkflowInstance.object_id)
            .where(WorkflowInstance.status == InstanceStatus.COMPLETED, WorkflowInstance.agency_id == leader.agency_id)
            .where(WorkflowInstance.object_type.in_(["incoming", "outgoing"]))
            .order_by(WorkflowInstance.id)
        ).first()
        if found is None:
            pytest.fail("the demo data has no finished case")
        instance_id, object_type, object_id = found
        last = db.session.scalars(
            sa.select(HumanTask)
            .where(HumanTask.instance_id == instance_id, HumanTask.state == TaskState.COMPLETED)
            .order_by(HumanTask.completed_at.desc(), HumanTask.id.desc())
        ).first()
    sign_in(page, "ubnd.lanhdao")
    page.goto(f"/cases/{instance_id}")
    card = page.get_by_test_id("case-diagram")
    expect(card.locator(".djs-container svg")).to_be_visible()
    step = card.locator(f'.djs-element[data-element-id="{last.task_name}"]')
    expect(step).to_be_attached()
    box, frame = step.bounding_box(), card.locator(".djs-container").bounding_box()
    assert frame["x"] <= box["x"] and box["x"] + box["width"] <= frame["x"] + frame["width"], (object_type, object_id)
