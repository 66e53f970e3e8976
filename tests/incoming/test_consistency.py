"""`qlvb check` on văn bản đến: a registered document is consistent; a registration half-written — a số đến given
but not on the document, a document moved on without one, steps left open behind it — is reported."""

import sqlalchemy as sa

from app.core.db import db
from app.documents.models import NumberAssignment
from app.incoming.models import IncomingStatus
from app.maintenance import check_consistency
from app.workflow.models import HumanTask, TaskState
from tests.incoming.conftest import accept_and_register, receive


def check() -> list:
    # A test's transaction never commits, so its audit events are never sealed into the chain (tests/crash checks it).
    return [problem for problem in check_consistency() if problem.rule != "audit.chain"]


def test_a_registered_document_is_consistent(incoming_office, signed_pdf, frozen_clock):
    accept_and_register(incoming_office, receive(incoming_office, signed_pdf))
    receive(incoming_office, signed_pdf, code_number="124")  # and one waiting for its check
    assert check() == []


def test_a_number_given_but_not_on_the_document_is_reported(incoming_office, signed_pdf, frozen_clock):
    document = receive(incoming_office, signed_pdf)
    accept_and_register(incoming_office, document)
    document.arrival_number = document.arrival_year = None
    db.session.flush()
    found = {(p.rule, p.subject) for p in check()}
    assert found == {("incoming.number", f"incoming_document {document.id}")}
    assert len([p for p in check() if p.rule == "incoming.number"]) == 2  # the number, and a registered status


def test_a_document_moved_on_without_its_number_is_reported(incoming_office, signed_pdf, frozen_clock):
    document = receive(incoming_office, signed_pdf)
    accept_and_register(incoming_office, document)
    db.session.execute(sa.delete(NumberAssignment).where(NumberAssignment.object_id == document.id))
    assert {p.rule for p in check()} == {
        "incoming.number",
        "numbering.counter",
    }  # the counter stands at 1, no number given


def test_registration_left_open_behind_a_registered_document_is_reported(incoming_office, signed_pdf, frozen_clock):
    document = receive(incoming_office, signed_pdf)
    instance, _direct = accept_and_register(incoming_office, document)
    db.session.execute(
        sa.update(HumanTask)
        .where(HumanTask.instance_id == instance.id, HumanTask.task_name == "register_document")
        .values(state=TaskState.READY)
    )
    assert document.status == IncomingStatus.REGISTERED
    assert {p.rule for p in check()} == {"incoming.status", "workflow.tasks"}
