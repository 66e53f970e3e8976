"""The default incoming procedure (processes/incoming.bpmn) through the services, with real signed PDFs."""

from datetime import UTC, date, datetime, timedelta

import pytest
import sqlalchemy as sa

from app.core.db import db
from app.core.errors import PermissionDenied, ValidationError
from app.incoming import services
from app.incoming.models import IncomingDocument, IncomingStatus
from app.workflow import services as wf
from app.workflow.models import HumanTask
from tests.documents.images import scan
from tests.incoming.conftest import METADATA, accept_and_register, codes, instance_of, receive, upload
from tests.signing import factories
from tests.workflow.conftest import open_tasks


# NĐ 30 Phụ lục VI III.1.đ, III.1.e, III.1.m
def test_from_arrival_to_completion(incoming_office, signed_pdf, frozen_clock):
    office = incoming_office
    document = receive(office, signed_pdf)
    assert document.status == IncomingStatus.RECEIVED and codes(document) == ["01"]
    [main] = document.files
    assert main.signature_valid is True and len(main.signature_report["signatures"]) == 2
    instance = instance_of(document)
    [check] = open_tasks(instance)
    assert (check.task_name, check.role) == ("check_document", "van_thu")
    assert check.due_at == frozen_clock() + timedelta(hours=2)  # QĐ 278/QĐ-UBND Điều 3.3: 2 working hours

    wf.complete_task(office.clerk, check.id, {}, outcome="tiep_nhan")
    [register] = open_tasks(instance)
    prefill = services.workflow_data(document)
    form_data = {
        k: v
        for k, v in prefill.items()
        if k
        in (
            "sender_name",
            "sender_code",
            "code_number",
            "code_notation",
            "issued_date",
            "type_name",
            "subject",
            "signer_position",
            "signer_name",
            "page_count",
            "urgency",
        )
        and v is not None
    }
    wf.complete_task(office.clerk, register.id, form_data)
    db.session.refresh(document)
    assert (document.status, document.arrival_number, document.arrival_year) == (IncomingStatus.REGISTERED, 1, 2026)
    assert codes(document) == ["01", "03"]

    [direct] = open_tasks(instance)
    assert direct.role == "lanh_dao"
    with pytest.raises(ValidationError) as err:
        wf.complete_task(office.leader, direct.id, {"y_kien_chi_dao": "Giao xử lý"})
    assert "lead_unit_id" in err.value.details
    wf.complete_task(
        office.leader,
        direct.id,
        {
            "y_kien_chi_dao": "Giao Phòng Tổng hợp tham mưu trả lời",
            "lead_unit_id": office.unit_a.id,
            "han_xu_ly": "2026-11-27",
            "coordinate_unit_ids": [office.unit_b.id],
            "inform_user_ids": [office.spec_a2.id],
        },
    )
    db.session.refresh(document)
    assert document.status == IncomingStatus.DIRECTED and document.handling_due == date(2026, 11, 27)
    assert [a.kind for a in document.assignments] == ["lead", "coordinate", "inform"]
    by_name = {t.task_name: t for t in open_tasks(instance)}
    assign, confirm = by_name["assign_specialist"], by_name["confirm_read"]
    assert assign.unit_id == office.unit_a.id
    assert confirm.assignee_id == office.spec_a2.id  # để biết: a confirmation for the person informed

    wf.complete_task(office.unit_leader, assign.id, {"lead_user_id": office.spec_a1.id})
    by_name = {t.task_name: t for t in open_tasks(instance)}
    assert set(by_name) == {"confirm_read", "give_opinion", "handle_document"}
    handle, opinion = by_name["handle_document"], by_name["give_opinion"]
    assert handle.assignee_id == office.spec_a1.id
    assert handle.due_at == datetime(2026, 11, 27, 10, 0, tzinfo=UTC)  # the leader's deadline, 17:00 +07:00
    assert opinion.unit_id == office.unit_b.id and opinion.assignee_id is None  # the coordinating unit's queue
    assert opinion.queue_label == f"Chuyên viên · {office.unit_b.name}"  # as the document's steps name its holder
    wf.complete_task(office.spec_a1, handle.id, {"ket_qua": "Đã dự thảo công văn trả lời"}, outcome="hoan_thanh")
    db.session.refresh(document)
    assert document.status == IncomingStatus.HANDLING  # waits for the coordinating unit's opinion
    with pytest.raises(ValidationError):
        wf.complete_task(office.spec_b, opinion.id, {})
    wf.complete_task(office.spec_b, opinion.id, {"y_kien_phoi_hop": "Phòng Kinh tế thống nhất nội dung"})
    db.session.refresh(document)
    assert document.status == IncomingStatus.COMPLETED and document.result == "Đã dự thảo công văn trả lời"
    assert codes(document) == ["01", "03", "04", "05", "06"]
    assert [a.done_at is not None for a in document.assignments] == [True, True, False]
    wf.complete_task(office.spec_a2, confirm.id, {}, outcome="da_doc")
    db.session.refresh(document)
    db.session.refresh(instance)
    assert all(a.done_at is not None for a in document.assignments)
    assert open_tasks(instance) == [] and instance.status == "completed"


# NĐ 30 Phụ lục VI III.1.m
def test_leader_names_the_specialist_directly(incoming_office, signed_pdf):
    office = incoming_office
    document = receive(office, signed_pdf)
    instance, direct = accept_and_register(office, document)
    wf.complete_task(
        office.leader,
        direct.id,
        {"y_kien_chi_dao": "Đ/c Bảo xử lý", "lead_unit_id": office.unit_a.id, "lead_user_id": office.spec_a1.id},
    )
    [handle] = open_tasks(instance)
    assert (handle.task_name, handle.assignee_id) == ("handle_document", office.spec_a1.id)


def test_return_to_sender_needs_a_reason(incoming_office, signed_pdf):
    office = incoming_office
    document = receive(office, signed_pdf)
    [check] = open_tasks(instance_of(document))
    with pytest.raises(ValidationError) as err:
        wf.complete_task(office.clerk, check.id, {}, outcome="tra_lai")
    assert "ly_do_tra_lai" in err.value.details
    wf.complete_task(office.clerk, check.id, {"ly_do_tra_lai": "Gửi sai nơi nhận"}, outcome="tra_lai")
    db.session.refresh(document)
    assert document.status == IncomingStatus.RETURNED and document.returned_reason == "Gửi sai nơi nhận"
    assert codes(document) == ["01", "02"]
    assert document.arrival_number is None and open_tasks(instance_of(document)) == []


def test_signature_problems_are_reported_to_the_clerk(incoming_office, signed_pdf, pki):
    office = incoming_office
    tampered = bytearray(signed_pdf)
    tampered[signed_pdf.index(b"/Contents") - 200] ^= 0x01  # inside the signed range
    document = receive(office, bytes(tampered))
    assert document.files[0].signature_valid is False
    unsigned = receive(office, factories.make_pdf("Thông báo"), code_number="124")
    assert unsigned.files[0].signature_valid is False
    assert "chưa được ký" in " ".join(unsigned.files[0].signature_report["problems"]).lower()


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"subject": ""}, "subject"),
        ({"sender_name": ""}, "sender_name"),
        ({"issued_date": "2099-01-01"}, "issued_date"),
        ({"issued_date": "20/11/2026"}, "issued_date"),
        ({"urgency": "rat_gap"}, "urgency"),
    ],
)
def test_bad_metadata_is_refused_and_nothing_is_written(incoming_office, signed_pdf, change, field):
    with pytest.raises(ValidationError) as err:
        receive(incoming_office, signed_pdf, **change)
    assert field in err.value.details
    assert db.session.scalar(sa.select(sa.func.count()).select_from(IncomingDocument)) == 0


def test_secret_documents_are_refused(incoming_office, signed_pdf):
    from app.core.errors import DomainError

    with pytest.raises(DomainError) as err:
        receive(incoming_office, signed_pdf, secrecy="mat")
    assert err.value.code == "secret_document_refused"
    assert db.session.scalar(sa.select(sa.func.count()).select_from(IncomingDocument)) == 0


def test_bad_files_are_refused(incoming_office):
    office = incoming_office
    jpeg = scan()  # a real scan: a paper document is digitised to one PDF (NĐ 30/2020 Điều 22.3.b)
    with pytest.raises(ValidationError) as err:  # an image where an electronic PDF is required
        services.receive_incoming(office.clerk, channel="electronic", metadata=METADATA, uploads=upload(jpeg, "a.jpg"))
    assert "phải là tệp PDF" in err.value.details["files"]
    with pytest.raises(ValidationError) as err:  # a corrupt PDF
        services.receive_incoming(
            office.clerk, channel="electronic", metadata=METADATA, uploads=upload(b"%PDF-1.7\n garbage")
        )
    assert err.value.code == "not_a_pdf"
    with pytest.raises(ValidationError):  # not an accepted format at all
        services.receive_incoming(office.clerk, channel="paper", metadata=METADATA, uploads=upload(b"MZ\x90", "x.exe"))
    paper = services.receive_incoming(
        office.clerk, channel="paper", metadata=METADATA, uploads=upload(jpeg, "scan.jpg")
    )
    assert paper.files[0].signature_valid is None and codes(paper) == []  # no status messages for paper
    assert db.session.scalar(sa.select(sa.func.count()).select_from(IncomingDocument)) == 1


def test_only_clerks_receive(incoming_office, signed_pdf):
    with pytest.raises(PermissionDenied):
        services.receive_incoming(
            incoming_office.leader, channel="electronic", metadata=METADATA, uploads=upload(signed_pdf)
        )


def test_the_same_message_is_delivered_once(incoming_office, signed_pdf):
    first = services.receive_incoming(
        None,
        channel="electronic",
        metadata=METADATA,
        uploads=upload(signed_pdf),
        agency_id=incoming_office.agency.id,
        message_id="msg-0001",
    )
    again = services.receive_incoming(
        None,
        channel="electronic",
        metadata=METADATA,
        uploads=upload(signed_pdf),
        agency_id=incoming_office.agency.id,
        message_id="msg-0001",
    )
    assert first.id == again.id
    assert db.session.scalar(sa.select(sa.func.count()).select_from(IncomingDocument)) == 1


def test_urgent_documents_use_the_urgent_deadline(incoming_office, signed_pdf, frozen_clock):
    document = receive(incoming_office, signed_pdf, urgency="hoa_toc")
    [check] = open_tasks(instance_of(document))
    # NĐ 30/2020 Điều 4.2.c, 23.1: văn bản khẩn at once — Hỏa tốc by default one clock hour (app/sla/rules.py).
    assert check.urgency == "urgent" and check.due_at == frozen_clock() + timedelta(hours=1)


def test_urgency_corrected_at_registration_sets_the_next_steps_deadline(incoming_office, signed_pdf, frozen_clock):
    office = incoming_office
    document = receive(office, signed_pdf)
    instance = instance_of(document)
    [check] = open_tasks(instance)
    assert check.urgency == "normal"
    wf.complete_task(office.clerk, check.id, {}, outcome="tiep_nhan")
    [register] = open_tasks(instance)
    data = {"sender_name": "Sở Nội vụ", "type_name": "Công văn", "subject": "Về công tác phòng, chống bão"}
    wf.complete_task(office.clerk, register.id, {**data, "urgency": "thuong_khan"})
    [direct] = open_tasks(instance)
    # NĐ 30/2020 Điều 23.1: presented at once — Thượng khẩn by default two clock hours (app/sla/rules.py).
    assert direct.task_name == "direct_handling" and direct.urgency == "urgent"
    assert direct.due_at == frozen_clock() + timedelta(hours=2)


# NĐ 30 Phụ lục VI III.1.đ
def test_incoming_numbers_restart_on_the_first_of_january(incoming_office, signed_pdf, frozen_clock):
    office = incoming_office

    def register_one(n: int):
        document = receive(office, signed_pdf, code_number=str(n))
        instance = instance_of(document)
        [check] = open_tasks(instance)
        wf.complete_task(office.clerk, check.id, {}, outcome="tiep_nhan")
        [register] = open_tasks(instance)
        wf.complete_task(
            office.clerk,
            register.id,
            {"sender_name": "Sở Nội vụ", "type_name": "Công văn", "subject": f"Văn bản số {n} về công tác cán bộ"},
        )
        db.session.refresh(document)
        return document.arrival_year, document.arrival_number

    frozen_clock.set(datetime(2026, 12, 31, 16, 0, tzinfo=UTC))  # 23:00 on 31/12 in Hà Nội
    assert [register_one(n) for n in (1, 2)] == [(2026, 1), (2026, 2)]
    frozen_clock.set(datetime(2026, 12, 31, 17, 30, tzinfo=UTC))  # 00:30 on 1/1/2027 in Hà Nội
    assert register_one(3) == (2027, 1)


def test_tenancy_another_agency_cannot_read_it(incoming_office, signed_pdf, create_agency, create_user):
    document = receive(incoming_office, signed_pdf)
    stranger = create_user(roles=("van_thu", "lanh_dao"), agency=create_agency())
    from app.core.errors import NotFound

    with pytest.raises(NotFound):
        services.get_document(stranger, document.id)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(HumanTask)) == 1


# NĐ 30 Phụ lục VI III.1.h
def test_duplicate_warning_ignores_case(incoming_office, signed_pdf):
    # NĐ 30 Phụ lục VI III.1.h (more variants: tests/incoming/test_duplicates.py)
    from app.incoming.queries import possible_duplicates

    first = receive(incoming_office, signed_pdf)
    second = receive(incoming_office, signed_pdf, code_notation="snv-tcbc", sender_name="SỞ NỘI VỤ TỈNH KIÊN GIANG")
    assert possible_duplicates(second) == [first]


def test_a_direction_nobody_can_carry_out_is_refused_with_a_reason(incoming_office, frozen_clock, create_user):
    from app.workflow.registry import INSTALLED

    office = incoming_office
    check = INSTALLED.form_validators["incoming_direction"]
    agency = office.agency.id
    ok = {"lead_unit_id": office.unit_a.id, "han_xu_ly": "2026-11-27"}
    assert check(ok, None, agency) == {}
    # Phòng Kinh tế has no unit leader: the assignment task would be in nobody's inbox.
    stranded = check({"lead_unit_id": office.unit_b.id}, None, agency)
    assert "chưa có lãnh đạo đơn vị" in stranded["lead_unit_id"]
    assert check({"lead_unit_id": office.unit_b.id, "lead_user_id": office.spec_b.id}, None, agency) == {}
    assert "phối hợp" in check({**ok, "coordinate_unit_ids": [office.unit_a.id]}, None, agency)["coordinate_unit_ids"]
    assert "quá khứ" in check({**ok, "han_xu_ly": "2026-11-20"}, None, agency)["han_xu_ly"]
    gone = create_user(roles=("chuyen_vien",), agency=office.agency, unit_id=office.unit_b.id)
    gone.is_active = False
    assert "vô hiệu hóa" in check({"lead_user_id": gone.id}, None, agency)["lead_user_id"]


def test_the_assignment_step_is_due_no_later_than_the_handling_deadline(incoming_office, signed_pdf, frozen_clock):
    from tests.incoming.test_printing import Procedure, at

    office = incoming_office
    procedure = Procedure(office, frozen_clock, signed_pdf).register(when=at(23, 16))
    # Directed late on Monday, to be handled by Tuesday: "next morning" for the assignment would be Tuesday
    # 08:30 anyway; with the deadline on the day of the direction itself the assignment may not end later.
    procedure.direct(at(23, 16), lead_unit_id=office.unit_a.id, han_xu_ly="2026-11-23")
    [assign] = [t for t in open_tasks(procedure.instance) if t.task_name == "assign_specialist"]
    assert assign.due_at == datetime(2026, 11, 23, 10, 0, tzinfo=UTC)  # 17:00 +07:00, the handling deadline
