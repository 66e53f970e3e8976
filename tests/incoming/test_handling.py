"""Direction with a deadline per assignee, and what the specialists do while handling (gia hạn, trả lại, tiến độ).

Seed 000 Điều 17.2 and seed 002 Điều 11: the leader names the lead, the coordinating units and people, the people
informed and a deadline for each; NĐ 30/2020 Điều 23.2, 24. Real BPMN (processes/incoming.bpmn), real signed PDFs.
"""

from datetime import UTC, date, datetime, timedelta

import pytest
import sqlalchemy as sa

from app.core import clock
from app.core.db import db
from app.core.errors import Conflict, PermissionDenied, ValidationError
from app.incoming import handling, services
from app.incoming.models import IncomingStatus
from app.incoming.models_handling import ExtensionStatus
from app.workflow import runtime
from app.workflow import services as wf
from tests.incoming.conftest import accept_and_register, receive
from tests.workflow.conftest import open_tasks

# 17:00 +07:00 on a day: how a deadline date reads as an instant (end of office hours).
END_OF = {day: datetime(2026, 11, day, 10, 0, tzinfo=UTC) for day in (23, 25, 26, 27, 30)}  # 24: a holiday


def registered(office, pdf, **extra):
    """A document received, accepted and registered: its direction step is open for the leader."""
    document = receive(office, pdf, **extra)
    instance, direct = accept_and_register(office, document)
    return document, instance, direct


def direct(office, direct_task, **fields):
    wf.complete_task(office.leader, direct_task.id, {"y_kien_chi_dao": "Giao xử lý", **fields})


def in_handling(office, pdf, **direction):
    """Directed to Phòng Tổng hợp (its leader assigns Võ Quốc Bảo), due 27/11/2026."""
    document, instance, task = registered(office, pdf)
    direct(office, task, lead_unit_id=office.unit_a.id, han_xu_ly="2026-11-27", **direction)
    assign = next(t for t in open_tasks(instance) if t.task_name == "assign_specialist")
    wf.complete_task(office.unit_leader, assign.id, {"lead_user_id": office.spec_a1.id})
    handle = next(t for t in open_tasks(instance) if t.task_name == "handle_document")
    return document, instance, handle


def test_each_assignee_has_a_deadline_and_their_task_follows_it(incoming_office, signed_pdf, frozen_clock):
    # NĐ 30 Phụ lục VI III.1.m; NĐ 30/2020 Điều 23.2, 23.4; seed 000 Điều 17.2, seed 002 Điều 11: each a deadline
    office = incoming_office
    document, instance, task = registered(office, signed_pdf)
    direct(
        office,
        task,
        lead_unit_id=office.unit_a.id,
        han_xu_ly="2026-11-27",
        coordinate_unit_ids=[office.unit_b.id],
        han_don_vi_phoi_hop={str(office.unit_b.id): "2026-11-25"},
        coordinate_user_ids=[office.spec_a2.id],
        han_nguoi_phoi_hop={str(office.spec_a2.id): "2026-11-26"},
        inform_user_ids=[office.spec_b.id],
    )
    db.session.refresh(document)
    dues = [(a.kind, a.unit_id, a.user_id, a.due_date) for a in document.assignments]
    assert dues == [
        ("lead", office.unit_a.id, None, date(2026, 11, 27)),
        ("coordinate", office.unit_b.id, None, date(2026, 11, 25)),
        ("coordinate", None, office.spec_a2.id, date(2026, 11, 26)),
        ("inform", None, office.spec_b.id, date(2026, 11, 27)),  # no date of their own: the lead's
    ]
    confirm = next(t for t in open_tasks(instance) if t.task_name == "confirm_read")
    assert (confirm.assignee_id, confirm.due_at) == (office.spec_b.id, END_OF[27])
    assign = next(t for t in open_tasks(instance) if t.task_name == "assign_specialist")
    wf.complete_task(office.unit_leader, assign.id, {"lead_user_id": office.spec_a1.id})
    opinions = sorted((t for t in open_tasks(instance) if t.task_name == "give_opinion"), key=lambda t: t.due_at)
    # Each coordinator's inbox shows their own deadline: the unit's queue and the person named.
    assert [(t.unit_id, t.assignee_id, t.due_at) for t in opinions] == [
        (office.unit_b.id, None, END_OF[25]),
        (None, office.spec_a2.id, END_OF[26]),
    ]
    handle = next(t for t in open_tasks(instance) if t.task_name == "handle_document")
    assert handle.due_at == END_OF[27]


def test_a_step_given_no_date_keeps_the_deadline_its_process_sets(incoming_office, signed_pdf, frozen_clock):
    # NĐ 30 Phụ lục VI III.1.l: "Hạn giải quyết" is known even when the leader set none and the sender asked none:
    # the handling step's period (processes/incoming.bpmn handle_document, P5D) counted from the direction — a unit
    # leader who passes the document on late does not push it back — for the lead and, as for a date the leader
    # types, the coordinators; the reports, the overdue filter and an extension request read it.
    office = incoming_office
    document, instance, task = registered(office, signed_pdf)
    direct(office, task, lead_unit_id=office.unit_a.id, coordinate_unit_ids=[office.unit_b.id])
    db.session.refresh(document)
    planned = clock.to_local(runtime.planned_due(instance, "handle_document")).date()
    assert planned > clock.to_local(clock.now()).date()
    assert document.handling_due == planned and [a.due_date for a in document.assignments] == [planned, planned]
    frozen_clock.advance(days=2)  # the unit leader assigns two days later
    assign = next(t for t in open_tasks(instance) if t.task_name == "assign_specialist")
    wf.complete_task(office.unit_leader, assign.id, {"lead_user_id": office.spec_a1.id})
    handle = next(t for t in open_tasks(instance) if t.task_name == "handle_document")
    assert clock.to_local(handle.due_at).date() == planned  # not five working days from the assignment
    lead, _coordinating = document.assignments
    asked = handling.request_extension(
        office.spec_a1, document.id, reason="Cần thêm số liệu", proposed_date=lead.due_date + timedelta(days=7)
    )
    assert asked.previous_date == lead.due_date


def test_an_urgent_step_given_no_date_keeps_its_own_urgent_deadline(incoming_office, signed_pdf, frozen_clock):
    # A văn bản khẩn's steps are due in hours from each step (urgent_sla): its dates are recorded as they come.
    office = incoming_office
    document, instance, task = registered(office, signed_pdf, urgency="khan")
    direct(office, task, lead_unit_id=office.unit_a.id)
    db.session.refresh(document)
    assert document.handling_due is None
    assign = next(t for t in open_tasks(instance) if t.task_name == "assign_specialist")
    wf.complete_task(office.unit_leader, assign.id, {"lead_user_id": office.spec_a1.id})
    db.session.refresh(document)
    handle = next(t for t in open_tasks(instance) if t.task_name == "handle_document")
    [lead] = document.assignments
    assert document.handling_due == lead.due_date == clock.to_local(handle.due_at).date()


def test_a_person_named_lead_leads_for_their_unit(incoming_office, signed_pdf, frozen_clock):
    # Giao đích danh (NĐ 30/2020 Điều 23.2): the leader names Võ Quốc Bảo only; Phòng Tổng hợp, his unit, is the
    # document's lead unit, his step is offered in its name, and the report by unit counts it there.
    from app.reports import handling as report
    from app.reports.periods import make_period
    from app.reports.permissions import Scope

    office = incoming_office
    document, instance, task = registered(office, signed_pdf)
    direct(office, task, lead_user_id=office.spec_a1.id, han_xu_ly="2026-11-27")
    db.session.refresh(document)
    [lead] = document.assignments
    assert document.lead_unit_id == lead.unit_id == office.spec_a1.unit_id == office.unit_a.id
    handle = next(t for t in open_tasks(instance) if t.task_name == "handle_document")
    assert (handle.unit_id, handle.assignee_id) == (office.unit_a.id, office.spec_a1.id)
    today = clock.to_local(clock.now()).date()
    rows = report.handling_report(report.INCOMING, Scope(office.agency.id, None), make_period(today, today))["rows"]
    assert [(r["name"], r["received"]) for r in rows] == [("Phòng Tổng hợp", 1)]


def test_a_coordinating_units_leaders_hear_of_its_part(incoming_office, signed_pdf, frozen_clock, create_user):
    from app.notifications.models import Notification

    office = incoming_office
    head_b = create_user(roles=("lanh_dao_don_vi",), agency=office.agency, unit_id=office.unit_b.id, username="tp.kt")
    document, _instance, task = registered(office, signed_pdf)
    direct(office, task, lead_unit_id=office.unit_a.id, coordinate_unit_ids=[office.unit_b.id])
    told = db.session.scalars(sa.select(Notification).where(Notification.kind == "incoming_coordinate")).all()
    assert [(n.user_id, n.title) for n in told] == [
        (head_b.id, f"Phòng Kinh tế được giao phối hợp: {document.subject}")
    ]


@pytest.mark.parametrize(
    ("fields", "field", "words"),
    [
        ({"han_don_vi_phoi_hop": {"UNIT_B": "2026-11-20"}}, "han_don_vi_phoi_hop", "quá khứ"),
        ({"han_don_vi_phoi_hop": {"UNIT_B": "2026-11-30"}}, "han_don_vi_phoi_hop", "sau hạn của bên chủ trì"),
        ({"han_de_biet": {"SPEC_B": "2026-12-01"}}, "han_de_biet", "sau hạn của bên chủ trì"),
    ],
)
def test_an_assignee_deadline_past_or_after_the_leads_is_a_field_error(
    incoming_office, signed_pdf, frozen_clock, fields, field, words
):
    # NĐ 30 Phụ lục VI III.1.m; NĐ 30/2020 Điều 23.2; seed 000 Điều 17.2: refused on the form, nothing recorded
    office = incoming_office
    ids = {"UNIT_B": str(office.unit_b.id), "SPEC_B": str(office.spec_b.id)}
    fields = {name: {ids[k]: v for k, v in value.items()} for name, value in fields.items()}
    document, _instance, task = registered(office, signed_pdf)
    with pytest.raises(ValidationError) as err:
        direct(
            office,
            task,
            lead_unit_id=office.unit_a.id,
            han_xu_ly="2026-11-27",
            coordinate_unit_ids=[office.unit_b.id],
            inform_user_ids=[office.spec_b.id],
            **fields,
        )
    assert words in err.value.details[field]
    db.session.refresh(document)
    assert document.status == IncomingStatus.REGISTERED and document.assignments == []


def test_an_agency_may_allow_assignee_deadlines_after_the_leads(incoming_office, signed_pdf, frozen_clock):
    office = incoming_office
    office.agency.due_after_lead_allowed = True
    document, _instance, task = registered(office, signed_pdf)
    direct(
        office,
        task,
        lead_unit_id=office.unit_a.id,
        han_xu_ly="2026-11-27",
        coordinate_unit_ids=[office.unit_b.id],
        han_don_vi_phoi_hop={str(office.unit_b.id): "2026-11-30"},
    )
    db.session.refresh(document)
    assert document.assignments[1].due_date == date(2026, 11, 30)


def test_the_senders_reply_date_is_the_default_handling_deadline(incoming_office, signed_pdf, frozen_clock):
    # seed 001 QĐ 278 Điều 7.2: the reply date the sender asks for (field 18 DueDate) becomes the case's deadline
    office = incoming_office
    document, instance, task = registered(office, signed_pdf, due_date="2026-11-30")
    assert wf.form_values(office.leader, task)["han_xu_ly"] == "2026-11-30"  # the direction form's default
    direct(office, task, lead_unit_id=office.unit_a.id, lead_user_id=office.spec_a1.id)  # the leader left it blank
    db.session.refresh(document)
    assert document.handling_due == date(2026, 11, 30) == document.assignments[0].due_date
    [handle] = open_tasks(instance)
    assert handle.due_at == END_OF[30]


def test_no_action_needed_completes_the_document(incoming_office, signed_pdf, frozen_clock):
    # NĐ 30 Phụ lục VI III.1.l; NĐ 30/2020 Điều 24: "Không cần xử lý" (khong_can_xu_ly) closes it with its reason
    office = incoming_office
    document, instance, handle = in_handling(office, signed_pdf)
    with pytest.raises(ValidationError):
        wf.complete_task(office.spec_a1, handle.id, {}, outcome="khong_can_xu_ly")  # the reason is required
    wf.complete_task(office.spec_a1, handle.id, {"ket_qua": "Văn bản để biết, lưu hồ sơ"}, outcome="khong_can_xu_ly")
    db.session.refresh(document)
    assert document.status == IncomingStatus.COMPLETED
    assert document.result == "Không cần xử lý: Văn bản để biết, lưu hồ sơ"
    assert document.assignments[0].done_at is not None and open_tasks(instance) == []


def test_extension_request_approved_moves_the_deadline_and_keeps_history(incoming_office, signed_pdf, frozen_clock):
    # NĐ 30 Phụ lục VI III.1.l, III.1.m; seed 000 Điều 18.1: gia hạn — asked by the handler, decided by the leader
    office = incoming_office
    document, _instance, handle = in_handling(office, signed_pdf)
    with pytest.raises(ValidationError) as err:
        handling.request_extension(office.spec_a1, document.id, reason="", proposed_date=date(2026, 11, 26))
    assert set(err.value.details) == {"reason", "proposed_date"}  # no reason; not after the current deadline
    with pytest.raises(PermissionDenied):
        handling.request_extension(office.spec_a2, document.id, reason="Cần thêm số liệu", proposed_date=None)
    with pytest.raises(ValidationError) as err:  # Saturday: the deadline would show 05/12 and fall due on 07/12
        handling.request_extension(office.spec_a1, document.id, reason="Chờ số liệu", proposed_date=date(2026, 12, 5))
    assert "gần nhất là 07/12/2026" in err.value.details["proposed_date"]
    extension = handling.request_extension(
        office.spec_a1, document.id, reason="Chờ số liệu của các xã", proposed_date=date(2026, 12, 2)
    )
    with pytest.raises(Conflict):
        handling.request_extension(office.spec_a1, document.id, reason="Lần nữa", proposed_date=date(2026, 12, 3))
    with pytest.raises(PermissionDenied):  # a colleague does not decide
        handling.decide_extension(office.spec_a2, document.id, extension.id, approve=True)
    # The unit was given the work: its leader decides — and is told of the request at once (a notice, not a banner).
    from app.notifications.models import Notification

    def told(kind):
        return [
            (n.user_id, n.title) for n in db.session.scalars(sa.select(Notification).where(Notification.kind == kind))
        ]

    asked = f"{office.spec_a1.full_name} xin gia hạn giải quyết đến 02/12/2026"
    # the leader who gave the work, and the leaders of the unit it was given to
    assert sorted(told("incoming_extension_request")) == sorted(
        [(office.leader.id, asked), (office.unit_leader.id, asked)]
    )
    handling.decide_extension(office.unit_leader, document.id, extension.id, approve=True, note="Đồng ý")
    assert told("incoming_extension_decided") == [
        (office.spec_a1.id, f"{office.unit_leader.full_name} đồng ý gia hạn đến 02/12/2026")
    ]
    db.session.refresh(document)
    assert extension.status == ExtensionStatus.APPROVED and extension.previous_date == date(2026, 11, 27)
    assert document.handling_due == date(2026, 12, 2) == document.assignments[0].due_date
    db.session.refresh(handle)
    assert handle.due_at == datetime(2026, 12, 2, 10, 0, tzinfo=UTC)
    with pytest.raises(Conflict):
        handling.decide_extension(office.leader, document.id, extension.id, approve=False, note="Muộn")
    assert [e.id for e in handling.extensions_of(document)] == [extension.id]


def test_extension_refused_needs_a_reason_and_keeps_the_deadline(incoming_office, signed_pdf, frozen_clock):
    # NĐ 30 Phụ lục VI III.1.m
    office = incoming_office
    document, _instance, handle = in_handling(office, signed_pdf)
    extension = handling.request_extension(
        office.spec_a1, document.id, reason="Nhiều việc", proposed_date=date(2026, 12, 4)
    )
    with pytest.raises(ValidationError) as err:
        handling.decide_extension(office.leader, document.id, extension.id, approve=False)
    assert "note" in err.value.details
    handling.decide_extension(office.leader, document.id, extension.id, approve=False, note="Việc cần gấp")
    db.session.refresh(document)
    assert extension.status == ExtensionStatus.REFUSED and extension.decision_note == "Việc cần gấp"
    assert document.handling_due == date(2026, 11, 27) and handle.due_at == END_OF[27]


def test_return_to_unit_leader_then_reassign(incoming_office, signed_pdf, frozen_clock):
    # NĐ 30 Phụ lục VI III.1.m; seed 000 Điều 18: given back with a reason; the unit leader gives it again
    office = incoming_office
    document, _instance, handle = in_handling(office, signed_pdf)
    with pytest.raises(ValidationError):
        handling.return_to_unit_leader(office.spec_a1, document.id, "")
    handling.return_to_unit_leader(office.spec_a1, document.id, "Không thuộc lĩnh vực được phân công")
    db.session.refresh(handle)
    assert (handle.role, handle.unit_id, handle.assignee_id, handle.state) == (
        "lanh_dao_don_vi",
        office.unit_a.id,
        None,
        "ready",
    )
    db.session.refresh(document)
    assert document.lead_user_id is None
    [note] = handling.notes_of(document)
    assert (note.kind, note.text) == ("returned", "Không thuộc lĩnh vực được phân công")
    from app.notifications.models import Notification

    told = db.session.scalars(sa.select(Notification).where(Notification.kind == "incoming_returned")).all()
    # The unit's leader hears of it; another specialist is there to take it, so the directing leader is not asked
    assert [(n.user_id, n.body) for n in told] == [(office.unit_leader.id, "Không thuộc lĩnh vực được phân công")]
    with pytest.raises(PermissionDenied):  # no longer theirs
        handling.record_progress(office.spec_a1, document.id, "Đang làm")
    # Not back to the one who gave it back (they said why they cannot handle it): the list and the service agree.
    assert [u.id for u in handling.reassign_choices(office.unit_leader, document)] == [office.spec_a2.id]
    with pytest.raises(ValidationError) as err:
        handling.reassign_returned(office.unit_leader, document.id, office.spec_a1.id)
    assert err.value.code == "returned_by_them" and "user_id" in err.value.details
    with pytest.raises(PermissionDenied):
        handling.reassign_returned(office.spec_a2, document.id, office.spec_a2.id)
    handling.reassign_returned(office.unit_leader, document.id, office.spec_a2.id, "Đồng chí Ánh giải quyết giúp.")
    assert [(n.kind, n.text) for n in handling.notes_of(document)][-1] == ("assigned", "Đồng chí Ánh giải quyết giúp.")
    [told] = db.session.scalars(sa.select(Notification).where(Notification.kind == "incoming_reassigned")).all()
    assert (told.user_id, told.body) == (office.spec_a2.id, "Đồng chí Ánh giải quyết giúp.")
    db.session.refresh(document)
    db.session.refresh(handle)
    assert (handle.role, handle.assignee_id, document.lead_user_id) == (
        "chuyen_vien",
        office.spec_a2.id,
        office.spec_a2.id,
    )
    wf.complete_task(office.spec_a2, handle.id, {"ket_qua": "Đã trả lời"}, outcome="hoan_thanh")
    db.session.refresh(document)
    assert document.status == IncomingStatus.COMPLETED


def test_progress_notes(incoming_office, signed_pdf, frozen_clock):
    # NĐ 30 Phụ lục VI III.1.l: cập nhật tiến độ, followed by the leaders
    office = incoming_office
    document, _instance, _handle = in_handling(office, signed_pdf)
    with pytest.raises(ValidationError) as err:
        handling.record_progress(office.spec_a1, document.id, "Đã tổng hợp", percent=140)
    assert "percent" in err.value.details
    with pytest.raises(PermissionDenied):
        handling.record_progress(office.spec_a2, document.id, "Không phải việc của tôi")
    handling.record_progress(office.spec_a1, document.id, "Đã tổng hợp số liệu của 10/15 xã", percent=60)
    [note] = handling.notes_of(document)
    assert (note.kind, note.percent, note.author_id) == ("progress", 60, office.spec_a1.id)


def test_actions_refused_once_completed(incoming_office, signed_pdf, frozen_clock):
    office = incoming_office
    document, _instance, handle = in_handling(office, signed_pdf)
    wf.complete_task(office.spec_a1, handle.id, {"ket_qua": "Xong"}, outcome="hoan_thanh")
    with pytest.raises(Conflict):
        handling.record_progress(office.spec_a1, document.id, "Sau khi xong")
    assert services.get_document(office.spec_a1, document.id).status == IncomingStatus.COMPLETED


def test_the_follow_up_book_shows_each_coordinators_own_deadline(incoming_office, signed_pdf, frozen_clock):
    # NĐ 30 Phụ lục VI III.1.l; NĐ 30/2020 Phụ lục IV mục VIII column (3)–(4); seed 000 Điều 17.2
    from app.incoming import printing
    from tests.incoming.test_printing import text_of

    office = incoming_office
    _document, _instance, task = registered(office, signed_pdf)
    direct(
        office,
        task,
        lead_unit_id=office.unit_a.id,
        han_xu_ly="2026-11-27",
        coordinate_unit_ids=[office.unit_b.id],
        han_don_vi_phoi_hop={str(office.unit_b.id): "2026-11-25"},
    )
    _cover, table = text_of(printing.print_follow_up(office.clerk, year=2026).data)
    assert "Phối hợp: Phòng Kinh tế (hạn 25/11/2026)" in table and "27/11/2026" in table


def test_a_step_for_nobody_is_drawn_as_skipped_not_done(incoming_office, signed_pdf, frozen_clock):
    # Directed with nobody "để biết" and no coordinator: those steps ran over nobody — grey, not green.
    from app.workflow.case_path import COMPLETED, SKIPPED, case_path

    _document, instance, _handle = in_handling(incoming_office, signed_pdf)
    elements = case_path(instance).elements
    assert elements["confirm_read"].state == SKIPPED and elements["confirm_read"].count == 0
    assert elements["give_opinion"].state == SKIPPED
    assert elements["assign_specialist"].state == COMPLETED and elements["assign_specialist"].actors
