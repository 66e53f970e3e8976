"""Two schedulers run the daily digest at the same instant: the person gets one. Real threads and commits on a
database of their own; on PostgreSQL the preference row is locked (SKIP LOCKED) and stamped, on SQLite the one
writer serialises them; the day's dedupe key would stop a third."""

import threading
from datetime import datetime

import flask_migrate
import sqlalchemy as sa

from app import create_app
from app.config import TestConfig
from app.core import clock
from app.core.db import db
from app.core.transaction import unit_of_work
from app.notifications import services
from app.notifications.digest import send_daily_digests
from app.notifications.models import Notification
from app.org import services as org
from app.workflow import services as wf
from app.workflow.definitions import deploy
from tests.conftest import PASSWORD, fresh_database_url
from tests.workflow.conftest import bpmn_text, forms_for


def test_two_schedulers_send_one_digest(tmp_path):
    app = create_app(TestConfig(fresh_database_url(tmp_path, "notif_digest"), tmp_path))
    monday = datetime(2026, 11, 23, 9, 0, tzinfo=clock.LOCAL_TZ)
    with clock.frozen(monday):
        try:
            with app.app_context():
                flask_migrate.upgrade()
                with unit_of_work():
                    agency = org.create_agency(None, code="000.00.00.H33", name="UBND tỉnh", abbreviation="UBND")
                    clerk = org.create_user(
                        None,
                        username="vanthu",
                        full_name="Nguyễn Thị Thu Hà",
                        password=PASSWORD,
                        agency_id=agency.id,
                        roles=["van_thu"],
                    )
                    xml = bpmn_text("doc_review")
                    deploy(None, xml, "doc_review.bpmn", forms=forms_for(xml))
                    wf.start_process(clerk, "doc_review", title="Công văn số 45/SNV")
                    services.update_preferences(clerk, clerk.id, digest_enabled=True)
                db.session.remove()

            barrier, sent = threading.Barrier(2), []

            def scheduler() -> None:
                with app.app_context():
                    barrier.wait(timeout=10)
                    sent.append(send_daily_digests())

            threads = [threading.Thread(target=scheduler) for _ in range(2)]
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join(timeout=60)

            assert sorted(sent) == [0, 1]
            with app.app_context():
                kinds = db.session.scalars(sa.select(Notification.kind)).all()
                assert kinds == ["daily_digest"]
                db.session.remove()
        finally:
            with app.app_context():
                db.engine.dispose()
