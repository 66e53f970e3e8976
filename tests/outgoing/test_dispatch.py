"""Dispatch: agencies of the deployment receive the issued document as an incoming one; their statuses come back."""

import pytest
import sqlalchemy as sa

from app.core.db import db
from app.core.errors import Conflict, PermissionDenied, ValidationError
from app.exchange.edxml import parse_package
from app.incoming.models import IncomingDocument
from app.outgoing import queries, services, tracking
from app.outgoing.jobs import retry_pending_deliveries
from app.outgoing.models import DeliveryState, OutgoingStatus, RecipientKind
from app.signing.verify import verify_pdf
from app.workflow import services as wf
from app.workflow.models import WorkflowInstance
from tests.outgoing.conftest import SNV, STC, UBND, issue, issued_document, new_draft, sign, task_named, to_signing
from tests.workflow.conftest import open_tasks


def received_by(receiver) -> list[IncomingDocument]:
    return db.session.scalars(
        sa.select(IncomingDocument)
        .where(IncomingDocument.agency_id == receiver.agency.id)
        .order_by(IncomingDocument.id)
    ).all()


def incoming_task(document: IncomingDocument):
    instance = db.session.scalar(
        sa.select(WorkflowInstance).where(
            WorkflowInstance.object_type == "incoming", WorkflowInstance.object_id == str(document.id)
        )
    )
    [task] = open_tasks(instance)
    return task


def recipient(document, code):
    return next(r for r in document.recipients if r.code == code)


def statuses(office, document, code) -> list[str]:
    row = next(r for r in tracking.recipient_statuses(office.clerk, document.id) if r["code"] == code)
    return [entry["code"] for entry in row["history"]]


# NĐ 30 Phụ lục VI III.1.e, III.1.k, III.1.o
def test_agencies_receive_it_and_their_statuses_flow_back(outgoing_office, draft_bytes, frozen_clock):
    office = outgoing_office
    document = issued_document(office, draft_bytes, reply_requested=True, reply_due="2026-12-10")
    assert {r.kind: r.delivery for r in document.recipients} == {
        RecipientKind.AGENCY: DeliveryState.DELIVERED,
        RecipientKind.UNIT: DeliveryState.DELIVERED,
        RecipientKind.EXTERNAL: DeliveryState.EXPORTED,
    }

    # Each agency has it in its intake queue, with the sender's metadata and both signatures valid.
    [at_snv], [at_stc] = received_by(office.snv), received_by(office.stc)
    for incoming, code in ((at_snv, SNV[0]), (at_stc, STC[0])):
        assert incoming.message_id == recipient(document, code).message_id
        assert (incoming.sender_code, incoming.sender_name) == UBND
        assert (incoming.code_number, incoming.code_notation) == ("01", "UBND-TH")
        assert (incoming.issued_date, incoming.type_name, incoming.subject) == (
            document.issued_date,
            "Công văn",
            document.subject,
        )
        assert (incoming.signer_name, incoming.signer_position) == ("Trần Văn Minh", "Chủ tịch")
        assert incoming.due_date.isoformat() == "2026-12-10" and incoming.document_key.endswith("01/UBND-TH")
        [main] = incoming.files
        assert main.is_main and main.signature_valid is True and len(main.signature_report["signatures"]) == 2
        assert main.filename == "01-UBND-TH.pdf"  # its số/ký hiệu, not the name of the drafter's file
        assert incoming_task(incoming).task_name == "check_document"
    assert recipient(document, SNV[0]).status_code == "01"  # NĐ 30/2020 Điều 21.2.c: arrival, the same day

    # SNV accepts, registers, assigns and completes: 03, 04, 05, 06 come back one by one.
    snv = office.snv
    wf.complete_task(snv.clerk, incoming_task(at_snv).id, {}, outcome="tiep_nhan")
    wf.complete_task(
        snv.clerk,
        incoming_task(at_snv).id,
        {"sender_name": at_snv.sender_name, "type_name": "Công văn", "subject": at_snv.subject},
    )
    assert recipient(document, SNV[0]).status_code == "03"
    wf.complete_task(
        snv.leader,
        incoming_task(at_snv).id,
        {"y_kien_chi_dao": "Văn phòng tham mưu", "lead_unit_id": snv.unit.id, "lead_user_id": snv.specialist.id},
    )
    assert recipient(document, SNV[0]).status_code == "05"
    wf.complete_task(snv.specialist, incoming_task(at_snv).id, {"ket_qua": "Đã triển khai"}, outcome="hoan_thanh")
    assert statuses(office, document, SNV[0]) == ["01", "03", "04", "05", "06"]
    assert recipient(document, SNV[0]).status_at is not None

    # STC refuses it with a reason (02): the sender sees the reason and may send it again.
    wf.complete_task(
        office.stc.clerk, incoming_task(at_stc).id, {"ly_do_tra_lai": "Gửi nhầm cơ quan"}, outcome="tra_lai"
    )
    refused = recipient(document, STC[0])
    assert refused.status_code == "02" and "Gửi nhầm cơ quan" in refused.status_note
    assert refused.acknowledged_at is not None  # a refusal answers (the leaders' exchange statistics)
    [row] = [r for r in tracking.recipient_statuses(office.clerk, document.id) if r["code"] == STC[0]]
    assert row["can_resend"] and row["status_label"] == "Từ chối tiếp nhận"

    with pytest.raises(PermissionDenied):
        tracking.resend(office.spec_a1, document.id, refused.id)
    with pytest.raises(Conflict):  # SNV did not refuse it
        tracking.resend(office.clerk, document.id, recipient(document, SNV[0]).id)
    first_message = refused.message_id
    tracking.resend(office.clerk, document.id, refused.id)
    assert refused.message_id != first_message and refused.status_code == "01"
    assert refused.acknowledged_at is None  # the new delivery awaits its own answer
    assert [d.message_id for d in received_by(office.stc)] == [first_message, refused.message_id]
    assert statuses(office, document, STC[0]) == ["01", "02", "01"]


def test_internal_units_read_it_and_outsiders_get_a_package(outgoing_office, draft_bytes):
    office = outgoing_office
    document = issued_document(office, draft_bytes)
    assert services.get_document(office.spec_b, document.id) is document  # unit_b receives it "để biết"
    # …and finds it in its own list: "Nhận để biết", not among everything the agency issued.
    received = queries.search(office.spec_b, queries.OutgoingFilter(for_my_unit=True))
    assert [d.id for d in received] == [document.id] and queries.count_sent_to_unit(office.spec_b) == 1
    assert queries.search(office.spec_a1, queries.OutgoingFilter(for_my_unit=True)) == []  # unit_a was not sent it
    external = next(r for r in document.recipients if r.kind == RecipientKind.EXTERNAL)
    filename, package = tracking.external_package(office.clerk, document.id, external.id)
    assert filename.endswith(".edxml")
    parsed = parse_package(package)
    assert parsed.metadata["code_number"] == "01" and parsed.metadata["sender_code"] == UBND[0]
    assert parsed.message_id == f"{UBND[0]},{document.issued_date:%Y/%m/%d},01/UBND-TH"
    (_name, original), *_rest = parsed.uploads
    assert verify_pdf(original).valid
    with pytest.raises(Conflict):  # an agency of the deployment is reached through the system
        tracking.external_package(office.clerk, document.id, recipient(document, SNV[0]).id)


def test_a_failed_delivery_waits_and_the_job_retries_it(app, outgoing_office, draft_bytes, frozen_clock):
    office = outgoing_office
    document = new_draft(office, draft_bytes)
    to_signing(office, document)
    sign(office, document)
    limit = app.config["MAX_CONTENT_LENGTH"]
    app.config["MAX_CONTENT_LENGTH"] = 1024  # the receiving side refuses files this large
    try:
        issue(office, document)
    finally:
        app.config["MAX_CONTENT_LENGTH"] = limit
    assert document.status == OutgoingStatus.ISSUED  # the issue stands; deliveries wait
    waiting = [r for r in document.recipients if r.kind == RecipientKind.AGENCY]
    assert {r.delivery for r in waiting} == {DeliveryState.PENDING}
    assert all("vượt quá" in r.delivery_error and r.attempts == 1 for r in waiting)
    assert received_by(office.snv) == [] and received_by(office.stc) == []

    assert retry_pending_deliveries(frozen_clock()) == 0  # not due yet
    frozen_clock.advance(minutes=5)
    assert retry_pending_deliveries(frozen_clock()) == 2
    db.session.expire_all()
    assert {r.delivery for r in waiting} == {DeliveryState.DELIVERED} and [r.attempts for r in waiting] == [2, 2]
    assert len(received_by(office.snv)) == 1 and recipient(document, SNV[0]).status_code == "01"
    frozen_clock.advance(hours=1)
    assert retry_pending_deliveries(frozen_clock()) == 0  # delivered once, however often the job runs
    assert len(received_by(office.snv)) == 1


def test_an_agency_closed_after_drafting_stops_the_issue(outgoing_office, draft_bytes):
    office = outgoing_office
    document = new_draft(office, draft_bytes)
    to_signing(office, document)
    sign(office, document)
    office.stc.agency.is_active = False
    db.session.flush()
    with pytest.raises(ValidationError) as err:
        issue(office, document)
    assert "recipient_agency_codes" in err.value.details and STC[0] in err.value.message
    assert document.status == OutgoingStatus.SIGNED and document.number is None
    assert task_named(document, "issue_document")  # still waiting for the clerk


# NĐ 30 Phụ lục VI III.1.l
def test_the_reply_shows_in_the_follow_up_book(outgoing_office, draft_bytes):
    from app.documents.uploads import Upload
    from app.incoming import services as incoming
    from app.incoming.printing.books import reply_symbols
    from tests.signing.factories import make_pdf

    office = outgoing_office
    asked = incoming.receive_incoming(
        office.clerk,
        channel="paper",
        metadata={"sender_name": "Bộ Nội vụ", "type_name": "Công văn", "subject": "Về việc báo cáo biên chế"},
        uploads=[Upload("scan.pdf", make_pdf("CV"), is_main=True)],
    )
    asked.lead_user_id = office.spec_a1.id  # directed to the drafter: one answers what one may see
    answer = new_draft(office, draft_bytes, reply_to_id=asked.id)
    assert reply_symbols([asked.id]) == {}  # not issued yet: nothing to write in column (6)
    to_signing(office, answer)
    sign(office, answer)
    issue(office, answer)
    assert reply_symbols([asked.id]) == {asked.id: [f"{answer.symbol} ngày {answer.issued_date:%d/%m/%Y}"]}
