"""Two people complete the same task at the same moment: exactly one wins, nothing is half-written.

Real threads, real commits, on a database of its own (a per-test savepoint cannot be shared by two threads).
"""

import threading

import flask_migrate
import sqlalchemy as sa

from app import create_app
from app.config import TestConfig
from app.core.db import db
from app.core.errors import Conflict
from app.core.transaction import unit_of_work
from app.org import services as org
from app.org.models import User
from app.workflow import services as wf
from app.workflow.definitions import deploy
from app.workflow.models import HumanTask, TaskState
from tests.conftest import PASSWORD, fresh_database_url
from tests.workflow.conftest import bpmn_text, forms_for


def test_two_threads_complete_one_task_exactly_one_wins(tmp_path):
    app = create_app(TestConfig(fresh_database_url(tmp_path, "concurrency"), tmp_path))
    with app.app_context():
        flask_migrate.upgrade()
        with unit_of_work():
            agency = org.create_agency(None, code="000.00.00.H33", name="UBND tỉnh", abbreviation="UBND")
            clerks = [
                org.create_user(
                    None,
                    username=f"vanthu{i}",
                    full_name=f"Văn thư {i}",
                    password=PASSWORD,
                    agency_id=agency.id,
                    roles=["van_thu"],
                ).id
                for i in (1, 2)
            ]
            xml = bpmn_text("doc_review")
            deploy(None, xml, "doc_review.bpmn", forms=forms_for(xml))
            first = db.session.get(User, clerks[0])
            instance = wf.start_process(first, "doc_review", title="Văn bản tranh chấp")
            task_id = db.session.scalar(sa.select(HumanTask.id).where(HumanTask.instance_id == instance.id))

    barrier, results = threading.Barrier(2), {}

    def complete(user_id: int) -> None:
        with app.app_context():
            try:
                user = db.session.get(User, user_id)
                barrier.wait(timeout=10)
                with unit_of_work():
                    wf.complete_task(user, task_id, {"so_den": 100 + user_id, "trich_yeu": "Văn bản tranh chấp"})
                results[user_id] = "won"
            except Conflict as exc:
                results[user_id] = exc.code
            finally:
                db.session.remove()

    threads = [threading.Thread(target=complete, args=(uid,)) for uid in clerks]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    assert sorted(results.values(), key=lambda r: r != "won")[0] == "won", results
    assert list(results.values()).count("won") == 1, results
    loser = next(code for code in results.values() if code != "won")
    assert loser in {"task_already_completed", "instance_busy"}
    with app.app_context():
        rows = db.session.scalars(sa.select(HumanTask).order_by(HumanTask.id)).all()
        completed = [t for t in rows if t.state == TaskState.COMPLETED]
        assert len(completed) == 1 and completed[0].submitted["so_den"] in (101, 102)
        assert [t.task_name for t in rows if t.is_open] == ["direct_handling"]  # the case moved on once
        db.session.remove()
        db.engine.dispose()
