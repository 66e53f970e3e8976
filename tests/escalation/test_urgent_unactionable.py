"""Urgent steps not opened in time, and steps nobody can act on: told at once, once."""

from app.core import clock
from app.core.db import db
from app.escalation.models import EscalationWatch
from app.org import services as org
from app.workflow import services as wf
from app.workflow.models import HumanTask
from tests.conftest import login
from tests.escalation.conftest import fired, local, notices, scan
from tests.incoming.conftest import accept_and_register, instance_of, receive
from tests.workflow.conftest import open_tasks

MONDAY_9 = local(2026, 11, 23, 9, 0)


def arrive(office, pdf, **metadata):
    with clock.frozen(MONDAY_9):
        document = receive(office, pdf, **metadata)
    [task] = open_tasks(instance_of(document))
    return document, task


def test_an_urgent_step_not_opened_in_time_tells_clerks_and_leaders(incoming_office, signed_pdf):
    office = incoming_office
    _doc, opened = arrive(office, signed_pdf, urgency="hoa_toc", code_number="501")
    _doc, untouched = arrive(office, signed_pdf, urgency="hoa_toc", code_number="502")
    # Hỏa tốc: one clock hour (app/sla/rules.py), earlier than the 2 working hours of intake.
    assert opened.urgency == "urgent" and opened.due_at == local(2026, 11, 23, 10, 0)
    with clock.frozen(local(2026, 11, 23, 9, 30)):
        wf.mark_opened(office.clerk, db.session.get(HumanTask, opened.id))

    scan(local(2026, 11, 23, 9, 59))
    assert ("urgent_unopened" not in {level for _task, level in fired()}) and len(notices("task_reminder")) == 2
    scan(local(2026, 11, 23, 10, 0))
    assert sorted(fired(untouched.id)) == sorted(
        [(untouched.id, "reminder"), (untouched.id, "urgent_unopened"), (untouched.id, "overdue")]
    )
    assert (opened.id, "urgent_unopened") not in fired(opened.id)
    assert notices("urgent_unopened") == [("vanthu", "urgent_unopened"), ("lanhdao", "urgent_unopened")]
    scan(local(2026, 11, 23, 10, 30))
    assert len(notices("urgent_unopened")) == 2


def test_opening_the_task_page_records_it_for_candidates_only(incoming_office, signed_pdf, client, app):
    office = incoming_office
    _doc, task = arrive(office, signed_pdf, urgency="khan")
    with clock.frozen(local(2026, 11, 23, 9, 5)):
        login(client, office.leader.username)  # a leader may look, but does not hold the step
        assert client.get(f"/tasks/{task.id}").status_code == 200
        db.session.expire_all()
        assert db.session.get(HumanTask, task.id).opened_at is None
        clerk = app.test_client()
        login(clerk, office.clerk.username)
        assert clerk.get(f"/tasks/{task.id}").status_code == 200
    db.session.expire_all()
    assert db.session.get(HumanTask, task.id).opened_at == local(2026, 11, 23, 9, 5)


def test_a_step_whose_only_holder_is_deactivated_tells_clerks_and_administrators(incoming_office, signed_pdf):
    office = incoming_office
    _doc, task = arrive(office, signed_pdf)
    scan(local(2026, 11, 23, 9, 1))
    assert fired() == []
    with clock.frozen(local(2026, 11, 23, 9, 10)):
        org.deactivate_user(None, office.clerk.id)  # the agency's only clerk: the check step has nobody
    assert db.session.get(EscalationWatch, task.id).next_at == local(2026, 11, 23, 9, 10)
    result = scan(local(2026, 11, 23, 9, 11))
    assert [(f.level, f.recipients) for f in result.fired] == [("unactionable", ("Bùi Thanh Tùng",))]
    scan(local(2026, 11, 23, 9, 12))
    assert notices("task_unactionable") == [("quantri", "task_unactionable")]


def test_a_unit_whose_leader_left_leaves_its_assignment_step_to_nobody(incoming_office, signed_pdf):
    office = incoming_office
    with clock.frozen(MONDAY_9):
        document = receive(office, signed_pdf)
        instance, direct = accept_and_register(office, document)
        wf.complete_task(office.leader, direct.id, {"y_kien_chi_dao": "Giao phòng", "lead_unit_id": office.unit_a.id})
    [assign] = [t for t in open_tasks(instance) if t.task_name == "assign_specialist"]
    assert (assign.role, assign.unit_id) == ("lanh_dao_don_vi", office.unit_a.id)
    scan(local(2026, 11, 23, 9, 1))
    assert (assign.id, "unactionable") not in fired(assign.id)
    with clock.frozen(local(2026, 11, 23, 9, 20)):
        org.deactivate_user(None, office.unit_leader.id)
    scan(local(2026, 11, 23, 9, 21))
    assert fired(assign.id) == [(assign.id, "unactionable")]
    assert ("quantri", "task_unactionable") in notices()
