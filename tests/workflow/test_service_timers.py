"""Service tasks (and their failure), timers with a frozen clock, loops, the script sandbox."""

from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa

from app.audit import services as audit
from app.audit.models import AuditEvent
from app.core.db import db
from app.core.errors import Conflict
from app.workflow import services as wf
from app.workflow.jobs import tick
from app.workflow.models import InstanceStatus, TaskState
from app.workflow.registry import EngineExtension, install, uninstall
from tests.workflow.conftest import open_tasks


@pytest.fixture
def numbering_op():
    extension = EngineExtension()

    @extension.operation("test_assign_number")
    def assign_number(run, data, prefix=""):
        audit.record(
            None,
            "test.number",
            object_type=run.object_type,
            object_id=run.object_id,
            agency_id=run.agency_id,
            summary="cấp số",
        )
        return {"number": f"{prefix}{run.instance_id:03d}"}

    install(extension)
    yield assign_number
    uninstall(extension)


@pytest.fixture
def failing_op():
    extension = EngineExtension()

    @extension.operation("test_assign_number")
    def assign_number(run, data, prefix=""):
        audit.record(
            None,
            "test.number",
            object_type=run.object_type,
            object_id=run.object_id,
            agency_id=run.agency_id,
            summary="cấp số dở dang",
        )
        raise RuntimeError("sổ đăng ký đang khóa")

    install(extension)
    yield extension
    uninstall(extension)


def number_events() -> int:
    return db.session.scalar(
        sa.select(sa.func.count()).select_from(AuditEvent).where(AuditEvent.action == "test.number")
    )


def test_service_task_result_lands_in_task_data(deploy_process, office, numbering_op):
    deploy_process("service_case")
    instance = wf.start_process(office.clerk, "service_case", title="Cấp số văn bản")
    [prepare] = open_tasks(instance)
    wf.complete_task(office.clerk, prepare.id, {"prefix": "UBND-"})
    [check] = open_tasks(instance)
    assert check.task_name == "check" and number_events() == 1
    from app.workflow import engine

    workflow = engine.load_state(engine.bundle_for(instance.process_version), instance.state)
    assert workflow.get_next_task(spec_name="check").data["numbering"] == {"number": f"UBND-{instance.id:03d}"}


def test_failing_operation_puts_instance_in_error_and_keeps_state(deploy_process, office, failing_op):
    deploy_process("service_case")
    instance = wf.start_process(office.clerk, "service_case", title="Cấp số văn bản")
    [prepare] = open_tasks(instance)
    wf.complete_task(office.clerk, prepare.id, {"prefix": "UBND-"})
    db.session.refresh(instance)
    assert instance.status == InstanceStatus.ERROR
    assert "sổ đăng ký đang khóa" in instance.error_message and instance.error_task == "number_it"
    assert number_events() == 0  # the operation's half-done write was rolled back
    assert prepare.state == TaskState.COMPLETED  # the clerk's own step is kept
    assert open_tasks(instance) == []
    assert db.session.scalar(sa.select(AuditEvent).where(AuditEvent.action == "workflow.error")) is not None

    uninstall(failing_op)
    fixed = EngineExtension()

    @fixed.operation("test_assign_number")
    def assign_fixed(run, data, prefix=""):
        return {"number": "UBND-001"}

    install(fixed)
    try:
        wf.retry_instance(None, instance.id)
        assert instance.status == InstanceStatus.RUNNING and instance.error_message is None
        assert [t.task_name for t in open_tasks(instance)] == ["check"]
        with pytest.raises(Conflict):
            wf.retry_instance(None, instance.id)
    finally:
        uninstall(fixed)


MONDAY_9 = datetime(2026, 11, 23, 2, 0, tzinfo=UTC)


def test_non_interrupting_then_interrupting_boundary_timers(deploy_process, office, frozen_clock):
    deploy_process("timer_case")
    instance = wf.start_process(office.spec_a1, "timer_case", title="Việc có hạn")
    [handle] = open_tasks(instance)
    assert instance.next_timer_at == MONDAY_9 + timedelta(minutes=30)
    assert tick() == 0  # nothing due yet
    frozen_clock.advance(minutes=31)
    assert tick() == 1
    db.session.expire_all()
    assert [t.task_name for t in open_tasks(instance)] == ["handle"]  # the reminder did not interrupt
    notes = db.session.scalars(sa.select(AuditEvent.summary).where(AuditEvent.action == "workflow.note")).all()
    assert notes == ["Nhắc việc sắp đến hạn"]
    assert instance.next_timer_at == MONDAY_9 + timedelta(hours=2)
    frozen_clock.advance(hours=2)
    assert tick() == 1
    [escalated] = open_tasks(instance)
    assert (escalated.task_name, escalated.role) == ("escalated", "lanh_dao")
    db.session.refresh(handle)
    assert handle.state == TaskState.CANCELLED


def test_working_time_timer_skips_the_night_and_weekend(deploy_process, office, frozen_clock):
    deploy_process("timer_case")
    frozen_clock.set(datetime(2026, 11, 27, 9, 30, tzinfo=UTC))  # Friday 16:30 +07:00
    instance = wf.start_process(office.spec_a1, "timer_case", title="Chờ giờ làm việc")
    [handle] = open_tasks(instance)
    wf.complete_task(office.spec_a1, handle.id, {})
    # 30 min on Friday + 1 h 30 on Monday morning (07:30 → 09:00).
    assert instance.next_timer_at == datetime(2026, 11, 30, 2, 0, tzinfo=UTC)
    assert instance.status == InstanceStatus.WAITING
    frozen_clock.set(datetime(2026, 11, 30, 1, 59, tzinfo=UTC))
    assert tick() == 0
    frozen_clock.set(datetime(2026, 11, 30, 2, 1, tzinfo=UTC))
    assert tick() == 1
    assert [t.task_name for t in open_tasks(instance)] == ["confirm"]


def test_tick_cli_runs_at_a_given_instant(app, deploy_process, office, frozen_clock):
    deploy_process("timer_case")
    instance = wf.start_process(office.spec_a1, "timer_case", title="Việc có hạn")
    result = app.test_cli_runner().invoke(args=["workflow", "tick", "--now", "2026-11-23T09:45:00+07:00"])
    assert result.exit_code == 0, result.output
    assert "1" in result.output
    bad = app.test_cli_runner().invoke(args=["workflow", "tick", "--now", "thứ hai"])
    assert bad.exit_code == 2
    db.session.expire_all()
    assert instance.next_timer_at == MONDAY_9 + timedelta(hours=2)


def test_review_loop_through_the_services(deploy_process, office):
    deploy_process("loop_case")
    instance = wf.start_process(office.spec_a1, "loop_case", title="Dự thảo nhiều vòng", data={"rounds": 0})
    for _ in range(20):
        [draft] = open_tasks(instance)
        wf.complete_task(office.spec_a1, draft.id, {"noi_dung": "bản sửa"}, outcome="dong_y")
        [review] = open_tasks(instance)
        wf.complete_task(office.unit_leader, review.id, {}, outcome="tra_lai")
    [draft] = open_tasks(instance)
    wf.complete_task(office.spec_a1, draft.id, {}, outcome="dong_y")
    [review] = open_tasks(instance)
    wf.complete_task(office.unit_leader, review.id, {}, outcome="dong_y")
    assert instance.status == InstanceStatus.COMPLETED
    from app.workflow import engine

    assert engine.load_state(engine.bundle_for(instance.process_version), instance.state).data["rounds"] == 21


def test_engine_loop_does_not_stall_past_depth_1000(deploy_process, office):
    """SpiffWorkflow's do_engine_steps stops finding ready tasks at tree depth 1000 (~250 rounds here)."""
    from app.workflow import engine
    from app.workflow.registry import RunContext, current_run

    bundle = engine.bundle_for(deploy_process("loop_case"))
    token = current_run.set(RunContext(None, office.agency.id, "case", "x", None))
    try:
        workflow = engine.new_workflow(bundle, {"rounds": 0})
        engine.run_engine(workflow)
        for _ in range(300):
            for name, outcome in (("draft", "dong_y"), ("review", "tra_lai")):
                [task] = engine.ready_user_tasks(workflow)
                assert task.task_spec.bpmn_id == name
                task.data["outcome"] = outcome
                task.run()
                engine.run_engine(workflow)
        [task] = engine.ready_user_tasks(workflow)
        task.data["outcome"] = "dong_y"
        task.run()
        engine.run_engine(workflow)
        [task] = engine.ready_user_tasks(workflow)
        task.data["outcome"] = "dong_y"
        task.run()
        engine.run_engine(workflow)
    finally:
        current_run.reset(token)
    assert workflow.is_completed() and workflow.data["rounds"] == 301


def test_sandbox_refuses_imports_at_run_time(deploy_process, office):
    from app.workflow.scripting import ScriptRejected, check_script

    for bad in ("import os", "__import__('os')", "open('/etc/passwd')", "().__class__.__bases__", "getattr(x, 'y')"):
        with pytest.raises(ScriptRejected):
            check_script(bad, "exec")
    check_script("total = sum([1, 2, 3]) if ok else 0", "exec")
