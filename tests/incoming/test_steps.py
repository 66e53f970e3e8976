"""The incoming procedure's steps as actor-first use cases, called without the BPMN (as the API, the CLI or a job
would): each records its status for the sender, its audit event and its state, exactly as the service task does."""

from datetime import date

import sqlalchemy as sa

from app.audit.models import AuditEvent
from app.core.db import db
from app.exchange.models import StatusMessage
from app.incoming import steps
from app.incoming.models import AssignmentKind, IncomingStatus
from tests.documents.images import scan
from tests.incoming.conftest import METADATA, codes, receive, upload


def test_register_direct_handle_and_complete_without_the_engine(incoming_office, signed_pdf, frozen_clock):
    office = incoming_office
    document = receive(office, signed_pdf)

    done = steps.register_incoming(office.clerk, document, {**METADATA, "subject": "Về việc báo cáo biên chế 2027"})
    assert (done.number, document.status, document.registered_by_id) == (1, IncomingStatus.REGISTERED, office.clerk.id)
    assert document.subject == "Về việc báo cáo biên chế 2027"

    direction = steps.Direction(
        lead_unit_id=office.unit_a.id,
        coordinate_unit_ids=(office.unit_b.id,),
        due=date(2026, 11, 30),
        text="Giao Văn phòng chủ trì",
    )
    assert steps.direction_problems(office.agency.id, direction) == {}
    made = steps.direct_incoming(office.leader, document, direction)
    assert [a.kind for a in made] == [AssignmentKind.LEAD, AssignmentKind.COORDINATE]
    summary = db.session.scalar(sa.select(AuditEvent.summary).where(AuditEvent.action == "incoming.direct"))
    assert summary == f"Chỉ đạo: giao {office.unit_a.name} chủ trì, hạn 30/11/2026; 1 bên phối hợp"
    assert document.direction == "Giao Văn phòng chủ trì" and document.handling_due == date(2026, 11, 30)

    steps.start_handling(office.unit_leader, document, office.spec_a1.id)
    assert document.lead_user_id == office.spec_a1.id and made[0].user_id == office.spec_a1.id
    # The procedure closes on a coordinating unit's opinion given last: 06 still names who handled it.
    steps.complete_incoming(office.spec_b, document, "Đã báo cáo", no_action=False)
    assert document.status == IncomingStatus.COMPLETED and all(a.done_at for a in made)
    assert codes(document)[-4:] == ["03", "04", "05", "06"]
    completed = db.session.scalar(sa.select(StatusMessage).where(StatusMessage.code == "06"))
    assert completed.staff_name == office.spec_a1.full_name


def test_a_paper_document_s_sender_gets_no_status_message(incoming_office, frozen_clock):
    from app.incoming import services

    office = incoming_office
    jpeg = scan()  # a real scan: a paper document is digitised to one PDF (NĐ 30/2020 Điều 22.3.b)
    paper = services.receive_incoming(
        office.clerk, channel="paper", metadata=METADATA, uploads=upload(jpeg, "scan.jpg")
    )
    steps.register_incoming(office.clerk, paper, METADATA)
    steps.direct_incoming(office.leader, paper, steps.Direction(lead_user_id=office.spec_a1.id))
    assert paper.status == IncomingStatus.DIRECTED and codes(paper) == []


def test_a_direction_in_the_past_or_leading_and_coordinating_is_refused(incoming_office, frozen_clock):
    office = incoming_office
    direction = steps.Direction(lead_unit_id=office.unit_a.id, coordinate_unit_ids=(office.unit_a.id, office.unit_b.id))
    problems = steps.direction_problems(office.agency.id, direction)
    assert "coordinate_unit_ids" in problems and f"coordinate_unit_ids.{office.unit_a.id}" in problems  # marked alone
    assert f"coordinate_unit_ids.{office.unit_b.id}" not in problems
    # Giao đích danh: the named person's own unit leads, so it is not also coordinating; the person neither
    named = steps.Direction(
        lead_user_id=office.spec_a1.id,
        coordinate_unit_ids=(office.unit_a.id,),
        coordinate_user_ids=(office.spec_a1.id, office.spec_a2.id),
    )
    problems = steps.direction_problems(office.agency.id, named)
    assert (
        problems[f"coordinate_unit_ids.{office.unit_a.id}"]
        == "Đơn vị của người chủ trì không đồng thời là đơn vị phối hợp."
    )
    assert (
        f"coordinate_user_ids.{office.spec_a1.id}" in problems
        and f"coordinate_user_ids.{office.spec_a2.id}" not in problems
    )
    past = steps.Direction(lead_unit_id=office.unit_a.id, due=date(2026, 11, 1))
    assert "quá khứ" in steps.direction_problems(office.agency.id, past)["due"]
    assert "lead_unit_id" in steps.direction_problems(office.agency.id, steps.Direction())
    # No lead chosen and a past deadline: both said at once, not the deadline on the next try
    both = steps.direction_problems(office.agency.id, steps.Direction(due=date(2026, 11, 1)))
    assert set(both) == {"lead_unit_id", "due"}


def test_a_person_has_one_part_in_a_direction_not_also_to_be_informed(incoming_office, frozen_clock):
    office = incoming_office
    direction = steps.Direction(
        lead_user_id=office.spec_a1.id,
        coordinate_user_ids=(office.spec_a2.id,),
        inform_user_ids=(office.spec_a1.id, office.spec_a2.id, office.spec_b.id),
    )
    problems = steps.direction_problems(office.agency.id, direction)
    assert problems[f"inform_user_ids.{office.spec_a1.id}"] == "Người chủ trì không đồng thời là người nhận để biết."
    assert problems[f"inform_user_ids.{office.spec_a2.id}"] == "Người phối hợp không đồng thời là người nhận để biết."
    assert f"inform_user_ids.{office.spec_b.id}" not in problems  # the form marks the two at fault only
    assert problems["inform_user_ids"] == (
        "Người chủ trì không đồng thời là người nhận để biết. Người phối hợp không đồng thời là người nhận để biết."
    )
    apart = steps.Direction(lead_user_id=office.spec_a1.id, inform_user_ids=(office.spec_b.id,))
    assert steps.direction_problems(office.agency.id, apart) == {}


def test_a_deadline_on_a_day_off_is_refused_naming_the_next_working_day(incoming_office, frozen_clock):
    # A deadline ending on a day off ends on the next working day (BLDS 2015 Điều 148.5): the leader picks that day,
    # so the document, its assignments and the inbox all show one date (Saturday 28/11/2026 → Monday 30/11).
    office = incoming_office
    saturday = steps.Direction(lead_unit_id=office.unit_a.id, due=date(2026, 11, 28))
    message = steps.direction_problems(office.agency.id, saturday)["due"]
    assert (
        message == "Hạn giải quyết là 28/11/2026, ngày nghỉ (Thứ Bảy): chọn một ngày làm việc, gần nhất là 30/11/2026."
    )
    per_unit = steps.Direction(
        lead_unit_id=office.unit_a.id,
        due=date(2026, 12, 4),
        coordinate_unit_ids=(office.unit_b.id,),
        coordinate_unit_dues={office.unit_b.id: date(2026, 11, 29)},
    )
    assert "Hạn của Phòng Kinh tế là 29/11/2026, ngày nghỉ (Chủ nhật)" in steps.direction_problems(
        office.agency.id, per_unit
    ).get("coordinate_unit_dues", "")
    assert (
        steps.direction_problems(
            office.agency.id, steps.Direction(lead_unit_id=office.unit_a.id, due=date(2026, 11, 30))
        )
        == {}
    )


def test_a_coordinating_unit_without_an_active_specialist_is_refused(incoming_office, frozen_clock):
    # Its "Góp ý phối hợp" step would wait in nobody's inbox, and the handling join with it.
    from app.org import services as org

    office = incoming_office
    empty = org.create_unit(None, agency_id=office.agency.id, name="Chi cục Văn thư - Lưu trữ", abbreviation="VTLT")
    direction = steps.Direction(lead_unit_id=office.unit_a.id, coordinate_unit_ids=(empty.id,))
    problem = steps.direction_problems(office.agency.id, direction)["coordinate_unit_ids"]
    assert problem.startswith("Chi cục Văn thư - Lưu trữ chưa có chuyên viên đang hoạt động")
    staffed = steps.Direction(lead_unit_id=office.unit_a.id, coordinate_unit_ids=(office.unit_b.id,))
    assert steps.direction_problems(office.agency.id, staffed) == {}


def test_every_date_at_fault_is_named_under_its_field(incoming_office, frozen_clock):
    office = incoming_office
    two_wrong = steps.Direction(
        lead_unit_id=office.unit_a.id,
        due=date(2026, 12, 4),
        coordinate_user_ids=(office.spec_b.id, office.spec_a1.id),
        coordinate_user_dues={office.spec_b.id: date(2026, 12, 5), office.spec_a1.id: date(2026, 12, 9)},
    )
    problems = steps.direction_problems(office.agency.id, two_wrong)
    saturday, after_lead = (
        problems[f"coordinate_user_dues.{office.spec_b.id}"],
        problems[f"coordinate_user_dues.{office.spec_a1.id}"],
    )
    assert "ngày nghỉ (Thứ Bảy)" in saturday and "không được sau hạn của bên chủ trì" in after_lead
    assert problems["coordinate_user_dues"] == f"{saturday} {after_lead}"


def test_the_clerk_is_told_of_a_reply_date_past_or_on_a_day_off(incoming_office, signed_pdf, frozen_clock):
    # Kept as the sender wrote it (a fact of the document); the clerk is told what it means for the handling.
    from tests.incoming.conftest import receive

    office = incoming_office  # today: Monday 23/11/2026; Tuesday 24/11 is a day off of this agency's calendar
    past = receive(office, signed_pdf, due_date="2026-11-20")
    assert "(20/11/2026) đã qua" in steps.reply_date_note(past) and past.due_date == date(2026, 11, 20)
    sunday = receive(office, signed_pdf, code_number="125", due_date="2026-11-29")
    assert steps.reply_date_note(sunday) == (
        "Hạn giải quyết nơi gửi yêu cầu (29/11/2026) là ngày nghỉ: hạn tính đến 30/11/2026."
    )
    assert steps.reply_date_note(receive(office, signed_pdf, code_number="126", due_date="2026-11-27")) is None
