"""Reviewers may edit (NĐ 30 Phụ lục VI III.1.n): the content reviewer and the clerk checking the format upload a
corrected draft version with a comment, at their own step, instead of only returning the draft."""

import io

import pytest
import sqlalchemy as sa
from pypdf import PdfReader

from app.audit.models import AuditEvent
from app.core.db import db
from app.core.errors import Conflict, PermissionDenied, ValidationError
from app.documents.uploads import Upload
from app.outgoing import files, permissions, services
from app.outgoing.models import OutgoingStatus, ReviewKind, VersionStage
from app.outgoing.views import actions_for
from app.signing.sample import draft_pdf
from app.workflow import services as wf
from tests.conftest import csrf_token, login
from tests.outgoing.conftest import UBND, make_draft, new_draft, sign, task_named

REVISED_SUBJECT = "Về việc triển khai hệ thống quản lý văn bản (bản lãnh đạo phòng chỉnh sửa)"


@pytest.fixture(scope="module")
def revised_bytes():
    return make_draft(subject=REVISED_SUBJECT)


def at_review(office, draft_bytes):
    document = new_draft(office, draft_bytes)
    services.submit(office.spec_a1, document.id)
    assert document.status == OutgoingStatus.REVIEWING
    return document


def revise_events(document) -> list[AuditEvent]:
    return db.session.scalars(
        sa.select(AuditEvent).where(
            AuditEvent.action == "outgoing.revise_draft", AuditEvent.object_id == str(document.id)
        )
    ).all()


def test_the_content_reviewer_and_the_clerk_upload_corrected_versions_that_get_signed(
    outgoing_office, draft_bytes, revised_bytes
):
    # NĐ 30 Phụ lục VI III.1.n: "Cho phép người có thẩm quyền truy cập, chỉnh sửa, chuyển lại dự thảo văn bản".
    # NĐ 30/2020 Điều 12: the unit leader checks the content, the clerk thể thức — each may correct the draft.
    office = outgoing_office
    document = at_review(office, draft_bytes)
    assert permissions.can_upload_version(office.unit_leader, document)
    assert not permissions.can_upload_version(office.clerk, document)  # not the clerk's step yet
    assert actions_for(office.unit_leader, document, [])["revise"]

    version = services.upload_version(
        office.unit_leader, document.id, Upload("sua-noi-dung.pdf", revised_bytes), note="Sửa trích yếu cho gọn"
    )
    assert (version.number, version.stage, version.created_by_id) == (2, VersionStage.DRAFT, office.unit_leader.id)
    assert version.note == "Sửa trích yếu cho gọn"
    assert [v.number for v in document.versions] == [1, 2]  # the drafter's version 1 is kept
    [review] = [r for r in document.reviews if r.decision == "revise"]
    assert (review.kind, review.version_number, review.user_id) == (ReviewKind.CONTENT, 2, office.unit_leader.id)
    [event] = revise_events(document)
    assert event.actor_id == office.unit_leader.id and event.changes["version"] == 2
    assert document.status == OutgoingStatus.REVIEWING  # still the reviewer's step: he approves as usual

    wf.complete_task(office.unit_leader, task_named(document, "review_content").id, {}, outcome="approve")
    assert document.status == OutgoingStatus.FORMAT_CHECK
    with pytest.raises(PermissionDenied):  # his step is over
        services.upload_version(office.unit_leader, document.id, Upload("muon.pdf", revised_bytes), note="Muộn")

    clerk_version = services.upload_version(
        office.clerk, document.id, Upload("sua-the-thuc.pdf", revised_bytes), note="Sửa thể thức nơi nhận"
    )
    assert clerk_version.number == 3 and clerk_version.created_by_id == office.clerk.id
    assert [r.kind for r in document.reviews if r.decision == "revise"] == [ReviewKind.CONTENT, ReviewKind.FORMAT]
    wf.complete_task(office.clerk, task_named(document, "check_format").id, {}, outcome="approve")
    assert not permissions.can_upload_version(office.clerk, document)  # signing: nobody edits any more
    sign(office, document)

    # The signer signed the clerk's corrected version, not the drafter's first one.
    signed = files.newest(document, VersionStage.SIGNED)
    text = " ".join(page.extract_text() or "" for page in PdfReader(io.BytesIO(files.read(signed.sha256))).pages)
    assert "bản lãnh đạo phòng chỉnh sửa" in " ".join(text.split())
    assert len(revise_events(document)) == 2


def test_a_reviewers_version_needs_a_comment_the_step_and_a_signable_layout(
    outgoing_office, draft_bytes, revised_bytes
):
    # NĐ 30 Phụ lục VI III.1.n: only the person at the review step, with what they changed; nothing half written.
    office = outgoing_office
    document = at_review(office, draft_bytes)
    with pytest.raises(ValidationError) as missing:
        services.upload_version(office.unit_leader, document.id, Upload("sua.pdf", revised_bytes), note="  ")
    assert missing.value.code == "comment_required" and "note" in missing.value.details
    with pytest.raises(PermissionDenied):  # a colleague of the drafter has no step here
        services.upload_version(office.spec_a2, document.id, Upload("sua.pdf", revised_bytes), note="Sửa")
    with pytest.raises(Conflict):  # the drafter waits for the review (he edits again once it is returned)
        services.upload_version(office.spec_a1, document.id, Upload("sua.pdf", revised_bytes), note="Sửa")
    unsignable = draft_pdf(
        agency_parent="",
        agency_name=UBND[1],
        notation_hint="UBND-TH",
        place="Rạch Giá",
        type_name=None,
        subject="Bản chỉnh sửa thiếu khối chữ ký",
        body=["Nội dung."],
        signer_authority=None,
        signer_title="Chủ tịch",
        signer_name="Người Khác Hẳn",
        recipients=[],
    )
    with pytest.raises(ValidationError) as layout:
        services.upload_version(office.unit_leader, document.id, Upload("sai.pdf", unsignable), note="Sửa")
    assert layout.value.code == "draft_layout" and "signer_block" in layout.value.details
    assert [v.number for v in document.versions] == [1] and revise_events(document) == []
    assert [r for r in document.reviews if r.decision == "revise"] == []


def test_the_page_and_the_api_take_a_reviewers_version(client, outgoing_office, draft_bytes, revised_bytes, api_token):
    # NĐ 30 Phụ lục VI III.1.n: the page offers the upload at the reviewer's step and lists who uploaded what.
    office = outgoing_office
    document = at_review(office, draft_bytes)
    login(client, "truongphong")
    task_page = client.get(f"/tasks/{task_named(document, 'review_content').id}").get_data(as_text=True)
    assert 'data-testid="revise-draft-link"' in task_page  # from the review step to the upload
    page = client.get(f"/outgoing/{document.id}").get_data(as_text=True)
    assert "Nội dung đã chỉnh sửa (bắt buộc)" in page and "Tải lên bản chỉnh sửa" in page
    token = csrf_token(client, f"/outgoing/{document.id}")
    posted = client.post(
        f"/outgoing/{document.id}/versions",
        data={"csrf_token": token, "note": "Sửa câu chữ đoạn 2", "file": (io.BytesIO(revised_bytes), "sua.pdf")},
        content_type="multipart/form-data",
    )
    assert posted.status_code == 302
    page = client.get(f"/outgoing/{document.id}").get_data(as_text=True)
    assert 'data-testid="reviewer-version"' in page and "Sửa câu chữ đoạn 2" in page and "Chỉnh sửa dự thảo" in page

    wf.complete_task(office.unit_leader, task_named(document, "review_content").id, {}, outcome="approve")
    headers = api_token(office.clerk)
    refused = client.post(
        f"/api/v1/outgoing/{document.id}/versions",
        headers=headers,
        data={"file": (io.BytesIO(revised_bytes), "sua.pdf")},
        content_type="multipart/form-data",
    )
    assert refused.status_code == 422 and refused.json["code"] == "comment_required"
    created = client.post(
        f"/api/v1/outgoing/{document.id}/versions",
        headers=headers,
        data={"file": (io.BytesIO(revised_bytes), "the-thuc.pdf"), "note": "Sửa thể thức"},
        content_type="multipart/form-data",
    )
    assert created.status_code == 201, created.json
    assert (created.json["number"], created.json["note"]) == (3, "Sửa thể thức")
    assert created.json["created_by_name"] == office.clerk.full_name
    detail = client.get(f"/api/v1/outgoing/{document.id}", headers=headers).json
    assert [r["decision"] for r in detail["reviews"]][-2:] == ["approve", "revise"]
