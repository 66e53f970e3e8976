"""Two senders (two scheduler processes, or the scheduler and a web process's after-commit thread) work the queue at
the same moment: every e-mail goes exactly once. Real threads and commits on a database of their own (a per-test
savepoint cannot be shared by two threads); on PostgreSQL the claim is FOR UPDATE SKIP LOCKED, on SQLite the one
writer serialises the claims."""

import threading
import time

import flask_migrate
import sqlalchemy as sa

from app import create_app
from app.config import TestConfig
from app.core.db import db
from app.core.transaction import unit_of_work
from app.notifications import services
from app.notifications.email import send_due_emails
from app.notifications.models import EmailStatus, NotificationEmail
from app.org import services as org
from tests.conftest import PASSWORD, fresh_database_url
from tests.notifications.conftest import smtp_config
from tests.notifications.fake_smtp import FakeSmtpServer

EMAILS = 40


def test_two_concurrent_senders_send_each_email_once(tmp_path):
    app = create_app(TestConfig(fresh_database_url(tmp_path, "notif_senders"), tmp_path))
    server = FakeSmtpServer().start()
    app.config.update(smtp_config(server.port))
    try:
        with app.app_context():
            flask_migrate.upgrade()
            with unit_of_work():
                agency = org.create_agency(None, code="000.00.00.H33", name="UBND tỉnh", abbreviation="UBND")
                people = [
                    org.create_user(
                        None,
                        username=f"nguoi{i}",
                        full_name=f"Người nhận {i}",
                        password=PASSWORD,
                        agency_id=agency.id,
                        roles=["chuyen_vien"],
                        email=f"nguoi{i}@example.gov.vn",
                    )
                    for i in range(EMAILS)
                ]
                services.notify(people, kind="task_reminder", title="Nhắc việc đến hạn", url="/tasks")

        barrier, reports = threading.Barrier(2), []

        def sender() -> None:
            with app.app_context():
                barrier.wait(timeout=10)
                reports.append(send_due_emails())

        threads = [threading.Thread(target=sender) for _ in range(2)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=60)

        recipients = sorted(r for _from, rs, _data in server.received for r in rs)
        assert recipients == sorted(f"nguoi{i}@example.gov.vn" for i in range(EMAILS))
        assert sum(r.sent for r in reports) == EMAILS
        with app.app_context():
            rows = db.session.scalars(sa.select(NotificationEmail)).all()
            assert {(r.status, r.attempts) for r in rows} == {(EmailStatus.SENT, 1)}
            db.session.remove()
    finally:
        server.stop()
        with app.app_context():
            db.engine.dispose()


def test_a_queued_email_goes_out_right_after_the_commit_from_a_background_thread(tmp_path):
    app = create_app(TestConfig(fresh_database_url(tmp_path, "notif_kick"), tmp_path))
    server = FakeSmtpServer().start()
    app.config.update(smtp_config(server.port), SMTP_SEND_AFTER_COMMIT=True)
    try:
        with app.app_context():
            flask_migrate.upgrade()
            with unit_of_work():
                agency = org.create_agency(None, code="000.00.00.H33", name="UBND tỉnh", abbreviation="UBND")
                person = org.create_user(
                    None,
                    username="nguoinhan",
                    full_name="Người nhận",
                    password=PASSWORD,
                    agency_id=agency.id,
                    roles=["chuyen_vien"],
                    email="nguoinhan@example.gov.vn",
                )
                services.notify([person], kind="task_reminder", title="Nhắc việc", url="/tasks")
                assert server.received == []  # nothing is sent before the commit
            db.session.remove()
        deadline = time.monotonic() + 10
        while not server.received and time.monotonic() < deadline:
            time.sleep(0.05)
        assert [rs for _f, rs, _d in server.received] == [["nguoinhan@example.gov.vn"]]
        for thread in threading.enumerate():
            if thread.name == "qlvb-mail":
                thread.join(timeout=10)
        with app.app_context():
            assert db.session.scalars(sa.select(NotificationEmail.status)).all() == [EmailStatus.SENT]
            db.session.remove()
    finally:
        server.stop()
        with app.app_context():
            db.engine.dispose()
