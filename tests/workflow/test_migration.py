"""Moving a case to a newer version keeps what is running: timers' due instants, a parallel branch already done."""

from datetime import timedelta

from app.core.db import db
from app.workflow import migration
from app.workflow import services as wf
from app.workflow.definitions import deploy
from app.workflow.models import WorkflowInstance
from tests.timeline import FROZEN_AT
from tests.workflow.conftest import bpmn_text, forms_for, open_tasks


def deploy_global(xml: str, name: str):
    [version] = deploy(None, xml, f"{name}.bpmn", forms=forms_for(xml))
    return version


def test_a_waiting_boundary_timer_keeps_its_due_instant(deploy_process, office, frozen_clock):
    deploy_process("timer_case")
    instance = wf.start_process(office.spec_a1, "timer_case", title="Việc có hạn")
    assert instance.next_timer_at == FROZEN_AT + timedelta(minutes=30)
    frozen_clock.advance(minutes=10)
    v2 = deploy_global(bpmn_text("timer_case").replace('name="Xử lý"', 'name="Xử lý việc được giao"'), "timer_case")

    result = migration.migrate(office.admin, [instance], v2)

    assert result.migrated == [instance]
    db.session.expire_all()
    moved = db.session.get(WorkflowInstance, instance.id)
    # The reminder still fires 30 minutes after the step began, not 30 minutes after the move.
    assert moved.process_version_id == v2.id and moved.next_timer_at == FROZEN_AT + timedelta(minutes=30)
    [handle] = open_tasks(instance)
    assert handle.title == "Xử lý việc được giao"  # the open task takes the new version's name


def test_a_parallel_branch_already_done_stays_done(deploy_process, office):
    deploy_process("parallel_review")
    instance = wf.start_process(office.spec_a1, "parallel_review", title="Dự thảo quy chế")
    legal, finance = open_tasks(instance)
    wf.complete_task(office.spec_a1, legal.id, {"gop_y": "Phù hợp"})
    v2 = deploy_global(bpmn_text("parallel_review").replace("Tổng hợp góp ý", "Tổng hợp các ý kiến"), "parallel_review")

    assert migration.migrate(office.admin, [instance], v2).migrated == [instance]

    assert [t.task_name for t in open_tasks(instance)] == ["review_finance"]
    wf.complete_task(office.spec_a2, finance.id, {"gop_y": "Cần bổ sung dự toán"})
    [summary] = open_tasks(instance)
    assert (summary.task_name, summary.title) == ("summarize", "Tổng hợp các ý kiến")
