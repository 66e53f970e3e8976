"""The dossier's case follows the dossier (processes/dossier.bpmn; NĐ 30/2020 Điều 29–30): open → "Lập hồ sơ" for
its creator; closed → "Nộp lưu hồ sơ"; submitted → the archivist's "Kiểm tra, tiếp nhận"; returned → back to
"Nộp lưu"; reopened → back to "Lập hồ sơ"; accepted → the case ends."""

from datetime import date
from pathlib import Path

import pytest
import sqlalchemy as sa

from app.core.db import db
from app.core.errors import Conflict
from app.dossiers import case
from app.dossiers.states import move
from app.workflow import services as wf
from app.workflow.definitions import sync_processes
from app.workflow.forms import load_form_file
from app.workflow.models import HumanTask, WorkflowInstance
from app.workflow.validation import validate_bpmn
from tests.conftest import login
from tests.dossiers.conftest import make_dossier
from tests.workflow.conftest import open_tasks


@pytest.fixture
def case_office(archive_office):
    sync_processes()
    return archive_office


def _opened(office, owner=None, **values):
    dossier = make_dossier(owner or office.spec_a1, **values)
    instance = case.start_case(owner or office.spec_a1, dossier)
    return dossier, instance


def _steps(instance):
    return [(t.task_name, t.assignee_id, t.role) for t in open_tasks(instance)]


def _last_done(instance):
    return db.session.scalar(
        sa.select(HumanTask)
        .where(HumanTask.instance_id == instance.id, HumanTask.state == "completed")
        .order_by(HumanTask.completed_at.desc(), HumanTask.id.desc())
        .limit(1)
    )


def test_the_shipped_process_validates(app):
    xml = (Path(__file__).parents[2] / "processes" / "dossier.bpmn").read_text(encoding="utf-8")
    assert validate_bpmn(xml, "dossier.bpmn", load_form_file) == []


def test_the_case_follows_the_dossier_through_its_life(case_office):
    office = case_office
    dossier, instance = _opened(office)
    assert instance.object_type == "dossier" and instance.object_id == str(dossier.id)
    assert _steps(instance) == [("collect", office.spec_a1.id, "chuyen_vien")]

    dossier.transfer_due_on = date(2027, 12, 31)  # what closing sets (Điều 30.2)
    move(dossier, "close", office.spec_a1)
    done = _last_done(instance)
    assert (done.task_name, done.outcome, done.completed_by_id) == ("collect", "close", office.spec_a1.id)
    [submit] = open_tasks(instance)
    assert (submit.task_name, submit.assignee_id) == ("submit", office.spec_a1.id)
    assert submit.due_at is not None and submit.due_at.date() <= date(2027, 12, 31)  # the nộp lưu deadline

    move(dossier, "submit", office.spec_a1)
    assert _steps(instance) == [("archive_check", None, "luu_tru")]  # the archivists' queue

    move(dossier, "return", office.archivist)
    done = _last_done(instance)
    assert (done.task_name, done.outcome, done.completed_by_id) == ("archive_check", "return", office.archivist.id)
    assert _steps(instance) == [("submit", office.spec_a1.id, "chuyen_vien")]

    move(dossier, "reopen", office.spec_a1)  # the creator fixes it: back to building the dossier
    assert _steps(instance) == [("collect", office.spec_a1.id, "chuyen_vien")]

    move(dossier, "close", office.spec_a1)
    move(dossier, "submit", office.spec_a1)
    move(dossier, "accept", office.archivist)
    db.session.refresh(instance)
    assert open_tasks(instance) == [] and instance.status == "completed"
    outcomes = db.session.scalars(
        sa.select(HumanTask.outcome).where(HumanTask.instance_id == instance.id).order_by(HumanTask.id)
    ).all()
    assert outcomes == ["close", "submit", "return", "reopen", "close", "submit", "accept"]


def test_a_task_button_does_not_move_the_case_without_the_dossier(case_office):
    """The work is done on the dossier's page: the step's own button is refused and nothing changes."""
    office = case_office
    dossier, instance = _opened(office)
    [collect] = open_tasks(instance)
    with pytest.raises(Conflict) as err:
        wf.complete_task(office.spec_a1, collect.id, {}, outcome="close")
    assert err.value.code == "dossier_step_on_dossier_page" and f"/dossiers/{dossier.id}" in str(err.value)
    assert _steps(instance) == [("collect", office.spec_a1.id, "chuyen_vien")] and dossier.status == "open"


def test_start_case_is_safe_to_call_twice(case_office):
    office = case_office
    dossier, instance = _opened(office)
    assert case.start_case(office.spec_a1, dossier).id == instance.id
    assert (
        db.session.scalar(
            sa.select(sa.func.count(WorkflowInstance.id)).where(WorkflowInstance.object_type == "dossier")
        )
        == 1
    )


def test_without_the_process_deployed_a_dossier_opens_without_a_case(archive_office):
    dossier = make_dossier(archive_office.spec_a1)
    assert case.start_case(archive_office.spec_a1, dossier) is None
    move(dossier, "close", archive_office.spec_a1)  # no case: the move alone
    assert dossier.status == "closed"


def test_a_dossier_made_directly_moves_without_a_case(case_office):
    office = case_office
    dossier = make_dossier(office.spec_a1)
    move(dossier, "close", office.spec_a1)
    assert dossier.status == "closed" and case.case_of(dossier) is None


def test_a_failed_move_leaves_the_case_as_it_was(case_office):
    """One action, one transaction: a refused move changes neither the dossier nor its case."""
    office = case_office
    dossier, instance = _opened(office)
    with pytest.raises(Conflict):
        move(dossier, "accept", office.archivist)  # an open dossier cannot be accepted
    assert _steps(instance) == [("collect", office.spec_a1.id, "chuyen_vien")]


def test_the_task_page_links_to_the_dossier(case_office, client):
    office = case_office
    dossier, instance = _opened(office)
    [collect] = open_tasks(instance)
    login(client, office.spec_a1.username)
    page = client.get(f"/tasks/{collect.id}")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert 'data-testid="dossier-case-summary"' in html and f'href="/dossiers/{dossier.id}"' in html


def test_another_agency_cannot_open_the_dossier_task(case_office, client, create_agency, create_user):
    office = case_office
    _dossier, instance = _opened(office)
    [collect] = open_tasks(instance)
    other = create_agency(code="000.00.99.H33", name="Sở Tư pháp")
    stranger = create_user(roles=("luu_tru", "lanh_dao"), agency=other, username="khac")
    login(client, stranger.username)
    assert client.get(f"/tasks/{collect.id}").status_code == 404


def test_a_move_made_while_completing_the_step_does_not_complete_it_twice(case_office):
    """A move announced from inside the step's own completion (a form action calling a domain service) is left to
    that completion: the receiver does nothing."""
    office = case_office
    dossier, instance = _opened(office)
    token = case._completing.set(True)
    try:
        case.follow_move(dossier, action="close", actor=office.spec_a1)
    finally:
        case._completing.reset(token)
    assert _steps(instance) == [("collect", office.spec_a1.id, "chuyen_vien")]


def test_a_move_by_someone_outside_the_step_still_completes_it(case_office):
    """The domain service decided who may move the dossier; the step records who did (a system move: nobody)."""
    office = case_office
    dossier, instance = _opened(office)
    move(dossier, "close", None)
    done = _last_done(instance)
    assert (done.task_name, done.completed_by_id, done.outcome) == ("collect", None, "close")
    assert [t.task_name for t in open_tasks(instance)] == ["submit"]


def test_opening_a_dossier_starts_its_case(case_office, frozen_clock):
    """The opening service (Điều 29.2.c, ad hoc) puts "Lập hồ sơ" in its creator's inbox, in the same unit of work."""
    from app.dossiers import services

    office = case_office
    dossier = services.open_ad_hoc(
        office.leader, title="Hồ sơ chỉ đạo công tác cải cách", notation="05.LD", maintenance="06", retention_years=10
    )
    instance = case.case_of(dossier)
    assert instance is not None and instance.title.startswith(f"Hồ sơ {dossier.file_code}")
    # The creator is a leader: the step is theirs by name although its lane is the specialists'.
    assert _steps(instance) == [("collect", office.leader.id, "chuyen_vien")]
