"""The scale generator (bench/scale_data.py) at a small size: its data is consistent and the application reads it.

A database of its own (the generator commits, drops and rebuilds indexes): 400 documents of a 6-agency province.
"""

from datetime import timedelta

import flask_migrate
import pytest
import sqlalchemy as sa

from app import create_app
from app.config import TestConfig
from app.core import clock
from app.core.db import db
from bench.scale_data import Options, default_now, generate
from bench.scale_org import PASSWORD
from tests.conftest import IsolatedClient, csrf_token, fresh_database_url

DOCS = 400


@pytest.fixture(scope="module")
def scale_app(tmp_path_factory):
    instance = tmp_path_factory.mktemp("scale")
    application = create_app(TestConfig(fresh_database_url(instance, "scale"), instance))
    application.test_client_class = IsolatedClient
    with application.app_context():
        flask_migrate.upgrade()
        summary = generate(Options(docs=DOCS, agencies=6, users=150, seed=7, now=default_now(), log=lambda _m: None))
    yield application, summary
    with application.app_context():
        db.session.remove()
        db.engine.dispose()


@pytest.fixture
def ctx(scale_app):
    application, summary = scale_app
    with application.app_context(), clock.frozen(summary.now):
        yield application, summary
        db.session.rollback()


def scalar(sql: str, **params):
    return db.session.scalar(sa.text(sql), params)


def test_counts_and_links_are_consistent(ctx):
    _app, summary = ctx
    assert summary.counts["incoming_document"] + summary.counts["outgoing_document"] == DOCS
    # One case per incoming document (and the template's), each open case with exactly one open task.
    assert scalar("SELECT count(*) FROM workflow_instance") == scalar("SELECT count(*) FROM incoming_document")
    assert (
        scalar(
            "SELECT count(*) FROM workflow_instance i WHERE i.status = 'running' AND "
            "(SELECT count(*) FROM human_task t WHERE t.instance_id = i.id AND t.state IN ('ready', 'claimed')) <> 1"
        )
        == 0
    )
    assert scalar("SELECT count(*) FROM human_task WHERE state IN ('ready', 'claimed')") > 0
    assert scalar("SELECT count(*) FROM human_task WHERE state = 'completed'") > 2 * DOCS
    assert scalar("SELECT count(*) FROM search_entry") == DOCS + 1
    # Numbers: the registers' counters are the last numbers given; no number twice.
    assert (
        scalar(
            "SELECT count(*) FROM register_counter c WHERE c.last_number <> "
            "(SELECT max(number) FROM number_assignment n WHERE n.register_id = c.register_id AND n.year = c.year)"
        )
        == 0
    )


def test_audit_chain_verifies(ctx):
    from app.audit.services import verify_chain

    result = verify_chain()
    assert result.ok, result
    assert result.checked > 5 * DOCS


def test_an_open_case_moves_on_from_its_cloned_state(ctx):
    """The engine loads a generated case's stored state and completes its open step: the clone is engine data."""
    from app.core.transaction import unit_of_work
    from app.org.models import User
    from app.workflow import services as wf
    from app.workflow.models import HumanTask, WorkflowInstance

    task = db.session.scalar(
        sa.select(HumanTask)
        .where(HumanTask.task_name == "handle_document", HumanTask.state == "claimed")
        .order_by(HumanTask.id.desc())
        .limit(1)
    )
    specialist = db.session.get(User, task.assignee_id)
    instance_id, document_id = task.instance_id, task.object_id
    with unit_of_work():
        wf.complete_task(specialist, task.id, {"ket_qua": "Đã xử lý xong."}, outcome="hoan_thanh")
    instance = db.session.get(WorkflowInstance, instance_id)
    assert instance.status == "completed"
    assert scalar("SELECT status FROM incoming_document WHERE id = :id", id=int(document_id)) == "completed"


def test_a_generated_users_inbox_renders(ctx):
    app, _summary = ctx
    from app.workflow.models import HumanTask

    task = db.session.scalar(
        sa.select(HumanTask).where(HumanTask.task_name == "handle_document", HumanTask.state == "claimed").limit(1)
    )
    username = scalar("SELECT username FROM user_account WHERE id = :id", id=task.assignee_id)
    client = app.test_client()
    token = csrf_token(client, "/login")
    client.post("/login", data={"username": username, "password": PASSWORD, "csrf_token": token})
    page = client.get("/tasks")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "Giải quyết văn bản" in html
    assert f"/tasks/{task.id}" in html


def test_search_finds_a_generated_document_without_diacritics(ctx):
    from app.core.folding import fold_vietnamese
    from app.documents.fulltext.query import SearchQuery, search
    from app.org.models import User

    clerk = db.session.scalar(
        sa.select(User).where(User.agency_id == 1, User.username.like("%.vanthu%")).order_by(User.id).limit(1)
    )
    document_id, subject = db.session.execute(
        sa.text(
            "SELECT id, subject FROM incoming_document WHERE agency_id = 1 AND status = 'completed' "
            "ORDER BY id DESC LIMIT 1"
        )
    ).one()
    typed = " ".join(fold_vietnamese(subject).split()[:8])  # typed without diacritics
    found, page, ids = search(clerk, SearchQuery(q=typed)), 1, []
    while found.hits:
        ids += [hit.entry.object_id for hit in found.hits if hit.entry.kind == "incoming"]
        page += 1
        found = search(clerk, SearchQuery(q=typed), page=page)
    assert document_id in ids
    decisions = search(clerk, SearchQuery(q="quyet dinh"))
    assert decisions.total > 0
    assert all("quyet dinh" in fold_vietnamese(h.entry.subject + " " + h.entry.type_name) for h in decisions.hits)


def test_the_leaders_report_runs(ctx):
    from app.org.models import User
    from app.reports import services
    from app.reports.periods import Period

    _app, summary = ctx
    leader = db.session.scalar(
        sa.select(User).where(User.agency_id == 1, User.username.like("%.lanhdao%")).order_by(User.id).limit(1)
    )
    today = summary.now.date()
    report = services.dashboard(leader, Period(today - timedelta(days=90), today))
    open_now = scalar("SELECT count(*) FROM human_task WHERE agency_id = 1 AND state IN ('ready', 'claimed')")
    assert report["summary"]["open"] == open_now
    overdue = scalar(
        "SELECT count(*) FROM human_task WHERE agency_id = 1 AND state IN ('ready', 'claimed') AND due_sort < :now",
        now=summary.now,
    )
    assert report["summary"]["overdue"] == overdue
    assert len(report["overdue"]) == min(overdue, 100)


def test_the_escalation_scan_fires_on_generated_tasks(ctx):
    """The generated schedule is the scan's: two days on, reminders and overdue notices fire (and are stored)."""
    from app.escalation.scan import escalate

    _app, summary = ctx
    before = scalar("SELECT count(*) FROM escalation")
    later = summary.now + timedelta(days=2)
    with clock.frozen(later):
        result = escalate(later)
    assert result.looked > 0 and result.fired and not result.failed
    assert scalar("SELECT count(*) FROM escalation") == before + len(result.fired)
