"""Once each, whatever happens: a crash in the middle of a batch, two schedulers scanning at the same instant."""

import threading

import flask_migrate
import pytest
import sqlalchemy as sa

from app import create_app
from app.config import TestConfig
from app.core import clock
from app.core.db import db
from app.core.transaction import unit_of_work
from app.escalation import scan as scan_module
from app.escalation.models import Escalation
from app.notifications.models import Notification
from app.org import services as org
from app.workflow import services as wf
from app.workflow.definitions import deploy
from tests.conftest import PASSWORD, TEST_DB, fresh_database_url
from tests.escalation.conftest import fired, local, notices, scan
from tests.workflow.conftest import bpmn_text, forms_for

MONDAY_9 = local(2026, 11, 23, 9, 0)
DEADLINE = local(2026, 11, 23, 11, 0)  # doc_review's register_document: PT2H


def start_cases(clerk, count: int) -> None:
    with clock.frozen(MONDAY_9):
        for n in range(count):
            wf.start_process(clerk, "doc_review", title=f"Văn bản số {n + 1}")


class Crash(BaseException):
    """The process dies: not an Exception a job would catch and log."""


def test_a_scan_that_crashes_mid_batch_resumes_without_duplicates(deploy_process, office, monkeypatch):
    deploy_process("doc_review")
    start_cases(office.clerk, 5)
    calls = []
    original = scan_module.notify

    def dying_notify(*args, **kwargs):
        calls.append(1)
        if len(calls) == 3:
            raise Crash
        return original(*args, **kwargs)

    monkeypatch.setattr(scan_module, "notify", dying_notify)
    with pytest.raises(Crash):
        scan(DEADLINE)
    assert len(fired()) == 4  # two tasks' reminder and overdue committed; the third task's look rolled back whole
    assert notices() == [("vanthu", "task_overdue")] * 2  # the reminders came due with the deadline: superseded
    monkeypatch.setattr(scan_module, "notify", original)

    scan(DEADLINE)
    scan(DEADLINE)
    levels = fired()
    assert len(levels) == 10 and len(set(levels)) == 10  # 5 tasks × (reminder, overdue), each once
    assert len(notices("task_overdue")) == 5 and len(notices("task_reminder")) == 0  # reminders superseded


def test_two_schedulers_scanning_at_once_fire_each_level_once(tmp_path):
    """Real threads with their own sessions and commits, on a database of their own."""
    app = create_app(TestConfig(fresh_database_url(tmp_path, "escalation_concurrency"), tmp_path))
    tasks = 40
    with app.app_context():
        flask_migrate.upgrade()
        with unit_of_work():
            agency = org.create_agency(None, code="000.00.00.H33", name="UBND tỉnh", abbreviation="UBND")
            clerk = org.create_user(
                None, username="vanthu", full_name="Văn thư", password=PASSWORD, agency_id=agency.id, roles=["van_thu"]
            )
            org.create_user(
                None,
                username="lanhdao",
                full_name="Lãnh đạo",
                password=PASSWORD,
                agency_id=agency.id,
                roles=["lanh_dao"],
            )
            xml = bpmn_text("doc_review")
            deploy(None, xml, "doc_review.bpmn", forms=forms_for(xml))
            start_cases(clerk, tasks)
        db.session.remove()

    barrier, results, errors = threading.Barrier(3), [], []
    late = local(2026, 11, 25, 17, 0)  # reminder, overdue and escalation (grace next-working-day) all due

    def run() -> None:
        with app.app_context():
            try:
                barrier.wait(timeout=10)
                results.append(scan_module.escalate(late, batch=7))
            except Exception as exc:  # pragma: no cover - reported below
                errors.append(exc)
            finally:
                db.session.remove()

    threads = [threading.Thread(target=run) for _ in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert errors == []
    assert sum(len(r.fired) for r in results) == tasks * 3
    assert all(not r.failed for r in results)
    with app.app_context():
        rows = db.session.execute(sa.select(Escalation.task_id, Escalation.level)).all()
        assert len(rows) == tasks * 3 and len(set(rows)) == tasks * 3
        kinds = db.session.execute(sa.select(Notification.kind, sa.func.count()).group_by(Notification.kind)).all()
        assert dict(kinds) == {"task_overdue": tasks, "task_escalated": tasks}
        db.session.remove()
        db.engine.dispose()
    if TEST_DB == "postgresql":
        assert len([r for r in results if r.fired]) >= 1
