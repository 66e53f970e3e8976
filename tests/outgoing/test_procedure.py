"""The default outgoing procedure (processes/outgoing.bpmn) from draft to issue, with real keys and signatures."""

from datetime import UTC, date, datetime

import pytest
import sqlalchemy as sa

from app.core.db import db
from app.core.errors import PermissionDenied, ValidationError
from app.documents.uploads import Upload
from app.outgoing import services
from app.outgoing.models import OutgoingStatus, ReviewKind, VersionStage
from app.signing import placement, sign
from app.signing.verify import verify_pdf
from app.workflow import services as wf
from tests.outgoing.conftest import (
    instance_of,
    issue,
    issued_document,
    make_draft,
    new_draft,
    task_named,
    to_signing,
)
from tests.workflow.conftest import open_tasks


# NĐ 30 Phụ lục VI III.1.đ, III.5.a
def test_from_draft_to_issue_with_real_signatures(outgoing_office, draft_bytes, attachment_bytes, frozen_clock):
    office = outgoing_office
    document = new_draft(
        office,
        draft_bytes,
        attachments=[("ke-hoach.pdf", attachment_bytes)],
        consult_unit_ids=[office.unit_b.id],
        consult_due="2026-11-25",
    )
    assert (document.status, document.notation, [v.number for v in document.versions]) == ("draft", "UBND-TH", [1])

    consult_other_unit(office, document)
    return_once_then_approve(office, document, draft_bytes)
    check_format_then_sign(office, document)
    issue_and_number(office, document)
    assert_issued_original(office, document)
    assert_signed_attachment(office, document, attachment_bytes)


# The steps of the procedure, in order, as the test above walks them.


def consult_other_unit(office, document) -> None:
    """Lấy ý kiến: the coordinating unit's leader answers (NĐ 30/2020 Điều 10.3)."""
    services.submit(office.spec_a1, document.id)
    assert document.status == OutgoingStatus.CONSULTING
    opinion = task_named(document, "give_opinion")
    assert (opinion.role, opinion.unit_id) == ("lanh_dao_don_vi", office.unit_b.id)
    assert opinion.due_at == datetime(2026, 11, 25, 10, 0, tzinfo=UTC)  # 17:00 on the due day, +07:00
    with pytest.raises(PermissionDenied):
        wf.complete_task(office.unit_leader, opinion.id, {"y_kien": "Thống nhất"})  # the other unit's leader
    wf.complete_task(office.unit_b_leader, opinion.id, {"y_kien": "Phòng Kinh tế thống nhất nội dung"})
    assert document.status == OutgoingStatus.REVIEWING


def return_once_then_approve(office, document, draft_bytes) -> None:
    """Duyệt nội dung (Điều 12.1): a return needs a comment; the drafter uploads lần 2 and submits again."""
    review = task_named(document, "review_content")
    assert (review.role, review.unit_id) == ("lanh_dao_don_vi", office.unit_a.id)
    with pytest.raises(ValidationError) as err:
        wf.complete_task(office.unit_leader, review.id, {}, outcome="return")
    assert "y_kien" in err.value.details
    wf.complete_task(office.unit_leader, review.id, {"y_kien": "Bổ sung thời hạn triển khai"}, outcome="return")
    assert document.status == OutgoingStatus.RETURNED
    from app.notifications.models import Notification

    told = db.session.scalars(sa.select(Notification).where(Notification.kind == "outgoing_returned")).all()
    assert [(n.user_id, n.body) for n in told] == [(office.spec_a1.id, "Bổ sung thời hạn triển khai")]
    assert told[0].title.startswith(f"{office.unit_leader.full_name} trả lại dự thảo")
    revise = task_named(document, "revise_draft")
    assert revise.assignee_id == office.spec_a1.id
    with pytest.raises(PermissionDenied):
        services.upload_version(office.spec_a2, document.id, Upload("khac.pdf", draft_bytes))
    second = services.upload_version(office.spec_a1, document.id, Upload("du-thao-2.pdf", draft_bytes), note="Sửa")
    assert second.number == 2
    services.submit(office.spec_a1, document.id)
    assert document.status == OutgoingStatus.REVIEWING
    wf.complete_task(office.unit_leader, task_named(document, "review_content").id, {}, outcome="approve")
    assert document.status == OutgoingStatus.FORMAT_CHECK


def check_format_then_sign(office, document) -> None:
    """Kiểm tra thể thức (Điều 12.2) by the clerk, then the leader signs (Điều 13)."""
    check = task_named(document, "check_format")
    assert check.role == "van_thu"
    wf.complete_task(office.clerk, check.id, {}, outcome="approve")
    assert document.status == OutgoingStatus.SIGNING
    approve = task_named(document, "approve_sign")
    assert (approve.role, approve.assignee_id) == ("lanh_dao", office.leader.id)

    with pytest.raises(ValidationError) as err:  # a wrong PIN: nothing changes, the task stays
        wf.complete_task(office.leader, approve.id, {"pin": "000000"}, outcome="sign")
    assert err.value.code == "wrong_pin" and "pin" in err.value.details
    db.session.refresh(document)
    assert document.status == OutgoingStatus.SIGNING and len(document.versions) == 2
    assert task_named(document, "approve_sign").id == approve.id

    wf.complete_task(office.leader, approve.id, {"pin": office.pin}, outcome="sign")
    db.session.refresh(document)
    assert document.status == OutgoingStatus.SIGNED and document.signer_id == office.leader.id
    assert [v.stage for v in document.versions] == ["draft", "draft", "prepared", "signed"]
    assert "pin" not in (wf.get_task(office.leader, approve.id).submitted or {})  # the PIN is never stored


def issue_and_number(office, document) -> None:
    """Cấp số, đóng dấu, phát hành (Điều 14–16, 18.1): the clerk's step, due the next working day."""
    step = task_named(document, "issue_document")
    assert step.role == "van_thu" and step.due_at is not None
    issue(office, document)
    assert document.status == OutgoingStatus.ISSUED, instance_of(document).error_message
    assert (document.number, document.number_year, document.symbol) == (1, 2026, "01/UBND-TH")
    assert document.issued_date == date(2026, 11, 23) and document.issued_by_id == office.clerk.id
    from app.notifications.models import Notification

    [told] = db.session.scalars(sa.select(Notification).where(Notification.kind == "outgoing_issued")).all()
    assert told.user_id == document.drafter_id and told.title.startswith("Đã phát hành văn bản 01/UBND-TH ngày 23/11")
    assert [v.stage for v in document.versions][-1] == VersionStage.ISSUED
    assert instance_of(document).status == "completed" and open_tasks(instance_of(document)) == []
    kinds = [(r.kind, r.decision) for r in document.reviews]
    assert kinds == [
        (ReviewKind.OPINION, None),
        (ReviewKind.CONTENT, "return"),
        (ReviewKind.CONTENT, "approve"),
        (ReviewKind.FORMAT, "approve"),
        (ReviewKind.SIGN, "approve"),
    ]


def assert_issued_original(office, document) -> None:
    """The original: both signatures valid, the personal one followed by form filling only, seal over a third."""
    _version, original = services.version_file(office.clerk, document.id, document.versions[-1].id)
    report = verify_pdf(original)
    assert report.valid, report.problems
    personal, seal = report.signatures
    assert (personal.field, seal.field) == (sign.PERSONAL_FIELD, sign.SEAL_FIELD)
    assert personal.modification == "FORM_FILLING" and seal.coverage == "ENTIRE_FILE"
    assert personal.signer.startswith("Trần Văn Minh") and seal.trusted
    text = placement.page_text(original, 0)
    assert "01/UBND-TH" in text and "Rạch Giá, ngày 23 tháng 11 năm 2026" in text
    boxes = sign.signature_fields(original)
    (p_llx, _, p_urx, _), (s_llx, _, s_urx, _) = boxes[sign.PERSONAL_FIELD].rect, boxes[sign.SEAL_FIELD].rect
    assert s_llx < p_llx < s_urx < p_urx
    assert (s_urx - p_llx) / (p_urx - p_llx) == pytest.approx(1 / 3, abs=0.1)


def assert_signed_attachment(office, document, attachment_bytes) -> None:
    """The attachment in its own file: the agency signature without an image, top right (Phụ lục I II.8.b)."""
    [attachment] = document.attachments
    _attachment, signed_attachment = services.attachment_file(office.clerk, document.id, attachment.id)
    attachment_report = verify_pdf(signed_attachment)
    assert attachment_report.valid and len(attachment_report.signatures) == 1
    assert "01/UBND-TH" in placement.page_text(signed_attachment, 0)
    _attachment, unsigned = services.attachment_file(office.clerk, document.id, attachment.id, signed=False)
    assert unsigned == attachment_bytes


# NĐ 30 Phụ lục VI III.1.n (chuyển lại dự thảo)
def test_the_signer_may_return_the_draft(outgoing_office, draft_bytes, create_user):
    office = outgoing_office
    document = new_draft(office, draft_bytes)
    to_signing(office, document)
    approve = task_named(document, "approve_sign")
    with pytest.raises(ValidationError) as err:
        wf.complete_task(office.leader, approve.id, {}, outcome="return")
    assert "y_kien" in err.value.details
    with pytest.raises(ValidationError) as err:  # signing needs the PIN
        wf.complete_task(office.leader, approve.id, {}, outcome="sign")
    assert "pin" in err.value.details
    wf.complete_task(office.leader, approve.id, {"y_kien": "Xem lại nơi nhận"}, outcome="return")
    assert document.status == OutgoingStatus.RETURNED and document.signed_at is None
    assert [v.stage for v in document.versions] == ["draft"]
    assert task_named(document, "revise_draft").assignee_id == office.spec_a1.id

    # The drafter proposes another signer while revising: the resubmitted case routes the signature to them.
    deputy = create_user(roles=("lanh_dao",), agency=office.agency, full_name="Lê Hoàng Phúc")
    services.update_draft(office.spec_a1, document.id, metadata={"signer_id": deputy.id, "signer_authority": "KT."})
    with pytest.raises(ValidationError) as err:  # the draft still prints the first signer's block
        services.submit(office.spec_a1, document.id)
    assert err.value.code == "draft_layout" and "Lê Hoàng Phúc" in err.value.details["signer_block"]
    services.upload_version(office.spec_a1, document.id, Upload("lan-2.pdf", make_draft(signer_name="Lê Hoàng Phúc")))
    services.submit(office.spec_a1, document.id)
    wf.complete_task(office.unit_leader, task_named(document, "review_content").id, {}, outcome="approve")
    wf.complete_task(office.clerk, task_named(document, "check_format").id, {}, outcome="approve")
    assert task_named(document, "approve_sign").assignee_id == deputy.id


def test_only_the_designated_signer_signs(outgoing_office, draft_bytes, create_user):
    office = outgoing_office
    document = new_draft(office, draft_bytes)
    to_signing(office, document)
    approve = task_named(document, "approve_sign")
    other_leader = create_user(roles=("lanh_dao",), agency=office.agency, full_name="Lê Hoàng Phúc")
    with pytest.raises(PermissionDenied):
        wf.complete_task(other_leader, approve.id, {"pin": office.pin}, outcome="sign")
    with pytest.raises(PermissionDenied):
        wf.complete_task(office.clerk, approve.id, {"pin": office.pin}, outcome="sign")


def test_a_leader_without_a_certificate_is_told_so(outgoing_office, draft_bytes, create_user):
    office = outgoing_office
    deputy = create_user(roles=("lanh_dao",), agency=office.agency, full_name="Lê Hoàng Phúc")
    document = new_draft(office, make_draft(signer_name=deputy.full_name), signer_id=deputy.id)
    to_signing(office, document)
    with pytest.raises(ValidationError) as err:
        wf.complete_task(deputy, task_named(document, "approve_sign").id, {"pin": "123456"}, outcome="sign")
    assert err.value.code == "no_signing_credential" and "pin" in err.value.details
    assert document.status == OutgoingStatus.SIGNING


def test_urgent_documents_are_issued_within_the_hour(outgoing_office, draft_bytes, frozen_clock):
    office = outgoing_office
    document = new_draft(office, draft_bytes, urgency="hoa_toc")
    to_signing(office, document)
    wf.complete_task(office.leader, task_named(document, "approve_sign").id, {"pin": office.pin}, outcome="sign")
    step = task_named(document, "issue_document")
    # NĐ 30/2020 Điều 18.1: văn bản khẩn issued at once — Hỏa tốc by default one clock hour (app/sla/rules.py).
    assert step.urgency == "urgent" and (step.due_at - frozen_clock()).total_seconds() == 60 * 60


# NĐ 30 Phụ lục VI III.1.đ
def test_a_second_document_gets_the_next_number(outgoing_office, draft_bytes, frozen_clock):
    office = outgoing_office
    first = issued_document(office, draft_bytes)
    second = issued_document(office, draft_bytes, type_code="KH", subject="Kế hoạch triển khai phần mềm năm 2027")
    assert (first.symbol, second.symbol) == ("01/UBND-TH", "02/KH-UBND")  # Công văn vs a typed document


def test_a_pdf_with_javascript_is_never_signed(outgoing_office, draft_bytes):
    """Uploads are checked; the signature step checks again what it signs (seed 001 Điều 9.2, seed 004 Điều 14.3)."""
    from flask import current_app

    from app.core.errors import DomainError
    from tests.outgoing.conftest import javascript_pdf

    office = outgoing_office
    document = new_draft(office, draft_bytes)
    to_signing(office, document)
    document.versions[-1].sha256 = current_app.extensions["qlvb.blobs"].put(javascript_pdf())  # slipped in
    db.session.flush()
    with pytest.raises(DomainError) as err:
        wf.complete_task(office.leader, task_named(document, "approve_sign").id, {"pin": office.pin}, outcome="sign")
    assert err.value.code == "unsafe_pdf" and err.value.status == 422
    assert document.status == OutgoingStatus.SIGNING and len(document.versions) == 1
