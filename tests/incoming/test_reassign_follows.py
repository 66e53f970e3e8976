"""A handling step handed to someone else through the generic reassignment (a stand-in, a deactivated person's work
handed over) moves the document's assignment with it: the lead named on the document is whoever holds the step."""

from app.core.db import db
from app.incoming.models import AssignmentKind
from app.workflow import services as wf
from tests.incoming.test_handling import in_handling
from tests.workflow.conftest import open_tasks


def test_the_lead_follows_the_handling_step(incoming_office, signed_pdf, frozen_clock):
    office = incoming_office
    document, instance, handle = in_handling(office, signed_pdf)
    assert document.lead_user_id == office.spec_a1.id

    wf.reassign_task(office.unit_leader, handle.id, office.spec_a2.id)

    db.session.refresh(document)
    lead = next(a for a in document.assignments if a.kind == AssignmentKind.LEAD)
    assert document.lead_user_id == lead.user_id == office.spec_a2.id
    [task] = [t for t in open_tasks(instance) if t.task_name == "handle_document"]
    assert task.assignee_id == office.spec_a2.id


def test_a_coordinating_person_follows_their_step(incoming_office, signed_pdf, frozen_clock):
    office = incoming_office
    document, instance, _handle = in_handling(office, signed_pdf, coordinate_user_ids=[office.spec_b.id])
    coordinate = next(t for t in open_tasks(instance) if t.task_name != "handle_document" and t.assignee_id)
    assert coordinate.assignee_id == office.spec_b.id

    wf.reassign_task(office.leader, coordinate.id, office.spec_a2.id)

    db.session.refresh(document)
    people = {a.user_id for a in document.assignments if a.kind == AssignmentKind.COORDINATE}
    assert office.spec_a2.id in people and office.spec_b.id not in people
    assert document.lead_user_id == office.spec_a1.id  # the lead is someone else's step: unchanged
