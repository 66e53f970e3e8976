"""Two real `qlvb scheduler` processes: SIGKILL the leader in the middle of an escalation scan, the standby takes over
well within a minute and finishes the scan without firing any level of any task twice.

The production shape of docs/van-hanh.md (two scheduler units, one leads through the PostgreSQL advisory lock, or
the flock next to the SQLite file). The overdue tasks are started at a fixed instant in the past (the frozen clock);
the schedulers then run on the real clock, where every level of every task is due, whatever the date of the run.
"""

import os
import signal
import subprocess
import sys
import threading
import time

import flask_migrate
import pytest
import sqlalchemy as sa

from app import create_app
from app.config import PROJECT_ROOT, TestConfig
from app.core.db import db
from app.core.transaction import unit_of_work
from app.escalation.models import Escalation
from app.notifications.models import Notification
from app.org import services as org
from app.workflow.definitions import deploy
from tests.conftest import PASSWORD, TEST_DB, fresh_database_url
from tests.escalation.test_once import start_cases
from tests.workflow.conftest import bpmn_text, forms_for

TASKS = 60
LEVELS = 3  # reminder (superseded by the deadline), overdue, escalated: all due long ago
LEADS = "Đã nhận quyền điều phối"
POLL_SECONDS = 5  # the default QLVB_SCHEDULER_POLL_SECONDS: the takeover measured is the production one


class Scheduler:
    """A `qlvb scheduler` process whose output lines are kept with the monotonic time they arrived."""

    def __init__(self, env: dict[str, str]) -> None:
        self.process = subprocess.Popen(
            [sys.executable, "-m", "app", "scheduler"],
            env=env,
            cwd=PROJECT_ROOT,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        self.lines: list[tuple[float, str]] = []
        self.reader = threading.Thread(target=self._read, daemon=True)
        self.reader.start()

    def _read(self) -> None:
        for line in self.process.stdout:
            self.lines.append((time.monotonic(), line.rstrip()))

    def led_at(self) -> float | None:
        return next((at for at, line in self.lines if LEADS in line), None)

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
        try:
            self.process.wait(timeout=60)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        self.reader.join(timeout=10)
        self.process.stdout.close()


def wait_for(predicate, seconds: float, step: float = 0.02):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if value := predicate():
            return value
        time.sleep(step)
    return None


@pytest.mark.slow
def test_standby_takes_over_from_a_killed_leader_mid_scan_without_duplicate_escalation(tmp_path):
    url = fresh_database_url(tmp_path, "failover")
    app = create_app(TestConfig(url, tmp_path))
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
            start_cases(clerk, TASKS)
        db.session.remove()

    def fired() -> int:
        with app.app_context():
            try:
                return db.session.scalar(sa.select(sa.func.count()).select_from(Escalation))
            finally:
                db.session.remove()

    env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "PYTHONUNBUFFERED": "1",
        "QLVB_DATABASE_URL": url,
        "QLVB_INSTANCE_PATH": str(tmp_path),  # the audit key the setup above made
        "QLVB_SECRET_KEY": "test-secret-key-not-for-production",
        "QLVB_LOG_LEVEL": "WARNING",
        "QLVB_SCHEDULER_POLL_SECONDS": str(POLL_SECONDS),
        "QLVB_SMTP_SEND_AFTER_COMMIT": "0",
        "QLVB_EXCHANGE_SEND_AFTER_COMMIT": "0",
    }
    schedulers = [Scheduler(env), Scheduler(env)]
    try:
        leader = wait_for(lambda: next((s for s in schedulers if s.led_at()), None), 120)
        assert leader is not None, [s.lines for s in schedulers]
        standby = schedulers[1 - schedulers.index(leader)]
        assert wait_for(lambda: fired() > 0, 120, step=0.01), "the leader never started the escalation scan"
        leader.process.send_signal(signal.SIGKILL)
        killed_at = time.monotonic()
        leader.process.wait(timeout=10)
        at_kill = fired()
        assert at_kill < TASKS * LEVELS, "the kill should land in the middle of the scan: give it more tasks"

        assert wait_for(standby.led_at, 60, step=0.05), standby.lines
        takeover = standby.led_at() - killed_at
        print(f"\n{TEST_DB}: standby led {takeover:.2f} s after SIGKILL (poll {POLL_SECONDS} s); {at_kill} levels")
        assert takeover < POLL_SECONDS + 5 < 60

        assert wait_for(lambda: fired() == TASKS * LEVELS, 120, step=0.2), fired()
    finally:
        for scheduler in schedulers:
            scheduler.stop()

    with app.app_context():
        rows = db.session.execute(sa.select(Escalation.task_id, Escalation.level)).all()
        assert len(rows) == len(set(rows)) == TASKS * LEVELS
        escalation_kinds = ("task_overdue", "task_escalated")  # (the daily digest may run too on a working day)
        notices = db.session.execute(
            sa.select(Notification.user_id, Notification.object_id, Notification.kind).where(
                Notification.kind.in_(escalation_kinds)
            )
        ).all()
        assert len(notices) == len(set(notices)) == TASKS * 2  # one notice per task and level, to one person each
        db.session.remove()
        db.engine.dispose()
