"""The scheduler runs the jobs modules declare: inside an app context, as "scheduler", only on the leader."""

import logging
import threading

import pytest

import app.modules as app_modules
from app.audit.context import Origin
from app.core.jobs import Job
from app.scheduler import Scheduler, leader_election_for, load_jobs
from tests.scheduler import fake_jobs


@pytest.fixture(autouse=True)
def clean_runs():
    fake_jobs.runs.clear()
    yield
    fake_jobs.runs.clear()


@pytest.fixture
def job_modules(monkeypatch):
    def use(*names):
        monkeypatch.setattr(app_modules, "job_modules", lambda: list(names))

    return use


def test_job_rejects_a_non_positive_period():
    with pytest.raises(ValueError, match="seconds"):
        Job("x.y", lambda: None, 0, "không hợp lệ")


def test_load_jobs_takes_the_jobs_of_the_modules_named():
    jobs = load_jobs(["tests.scheduler.fake_jobs"])

    assert [job.id for job in jobs] == ["fake.count_things", "fake.tidy_things"]


def test_the_scheduler_runs_the_jobs_the_modules_declare():
    assert [job.id for job in load_jobs()] == [
        "documents.index_pdf_text",
        "workflow.fire_due_timers",
        "notifications.send_emails",
        "notifications.send_daily_digests",
        "exchange.send_outbox",
        "incoming.destroy_recalled_files",
        "outgoing.retry_pending_deliveries",
        "outgoing.flag_unacknowledged",
        "dossiers.remind_transfers",
        "dossiers.destroy_pending_files",
        "escalation.escalate_overdue_tasks",
        "backup.make_daily_backup",
        "maintenance.sweep_orphan_blobs",
    ]


def test_a_declared_job_module_that_does_not_exist_is_an_error():
    with pytest.raises(ModuleNotFoundError):
        load_jobs(["app.not_a_module_yet.jobs"])


def test_load_jobs_raises_when_a_job_module_exists_but_fails_to_import():
    with pytest.raises(ModuleNotFoundError, match="qlvb_no_such_dependency"):
        load_jobs(["tests.scheduler.broken_jobs"])


def test_load_jobs_refuses_a_job_id_declared_twice():
    with pytest.raises(ValueError, match="declared twice"):
        load_jobs(["tests.scheduler.fake_jobs", "tests.scheduler.fake_jobs"])


def test_list_prints_the_declared_jobs(app, job_modules):
    job_modules("tests.scheduler.fake_jobs")

    result = app.test_cli_runner().invoke(args=["scheduler", "--list"])

    assert result.exit_code == 0, result.output
    assert "fake.count_things" in result.output
    assert "mỗi   300 giây   Dọn thử" in result.output
    assert fake_jobs.runs == []


def test_once_runs_each_job_once_in_an_app_context_as_the_scheduler(app, job_modules):
    job_modules("tests.scheduler.fake_jobs")

    result = app.test_cli_runner().invoke(args=["scheduler", "--once"])

    assert result.exit_code == 0, result.output
    assert "Đã nhận quyền điều phối (leader)" in result.output
    as_scheduler = Origin(ip="scheduler", user_agent="qlvb scheduler")
    assert fake_jobs.runs == [
        {"job": "fake.count_things", "app": app.name, "origin": as_scheduler, "db": 1},
        {"job": "fake.tidy_things", "app": app.name, "origin": as_scheduler, "db": 1},
    ]


def test_a_failing_job_is_logged_and_the_others_still_run(app, job_modules, caplog):
    job_modules("tests.scheduler.failing_jobs", "tests.scheduler.fake_jobs")

    with caplog.at_level(logging.ERROR, logger="app.scheduler"):
        result = app.test_cli_runner().invoke(args=["scheduler", "--once"])

    assert result.exit_code == 1
    assert "LỖI  failing.break_things" in result.output
    assert [run["job"] for run in fake_jobs.runs] == ["fake.count_things", "fake.tidy_things"]
    [record] = [r for r in caplog.records if "failing.break_things" in r.getMessage()]
    assert record.exc_info[1].args == ("hỏng có chủ đích",)


def test_once_runs_nothing_when_another_process_leads(app, job_modules):
    job_modules("tests.scheduler.fake_jobs")
    other = leader_election_for(app)
    assert other.try_acquire()
    try:
        result = app.test_cli_runner().invoke(args=["scheduler", "--once"])
    finally:
        other.dispose()

    assert result.exit_code == 0, result.output
    assert "Không nhận được quyền điều phối" in result.output
    assert fake_jobs.runs == []


def test_only_the_leader_runs_jobs_and_a_standby_takes_over_when_it_stops(app):
    ran = {"a": threading.Event(), "b": threading.Event()}
    by = []

    def scheduler_named(name):
        def tick():
            by.append(name)
            ran[name].set()

        jobs = [Job("test.tick", tick, 60, "Nhịp thử")]
        messages = []
        return Scheduler(app, jobs, leader_election_for(app), poll_seconds=0.05, say=messages.append), messages

    (a, a_said), (b, b_said) = scheduler_named("a"), scheduler_named("b")
    thread_a = threading.Thread(target=a.run)
    thread_a.start()
    try:
        assert ran["a"].wait(3), a_said  # a leads and runs its job at once
        thread_b = threading.Thread(target=b.run)
        thread_b.start()
        try:
            assert not ran["b"].wait(0.3)  # several polls as standby: b runs nothing
            assert any(m.startswith("Đang chờ quyền điều phối") for m in b_said)
            a.stop()
            thread_a.join(5)
            assert ran["b"].wait(3), b_said  # b takes over and runs the job
            assert b.is_leader and not a.is_leader
        finally:
            b.stop()
            thread_b.join(5)
    finally:
        a.stop()
        thread_a.join(5)

    assert set(by) == {"a", "b"} and by.index("b") > by.index("a")
    assert a_said[0].startswith("Đã nhận quyền điều phối (leader)")
    assert b_said[-1] == "Bộ lập lịch đã dừng, đã trả quyền điều phối."
