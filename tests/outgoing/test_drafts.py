"""Drafts: fields checked against the agency, numbered versions (PDF, DOCX converted), attachments, who may do what."""

import io
import zipfile

import pytest
import sqlalchemy as sa

from app.core.db import db
from app.core.errors import Conflict, DomainError, NotFound, PermissionDenied, ValidationError
from app.documents.uploads import Upload
from app.outgoing import services
from app.outgoing.models import OutgoingDocument, OutgoingStatus, RecipientKind, VersionStage
from app.outgoing.permissions import visible_filter
from tests.conftest import csrf_token, login
from tests.outgoing.conftest import SNV, STC, instance_of, javascript_pdf, metadata, new_draft, signed_draft
from tests.signing.factories import make_pdf
from tests.workflow.conftest import open_tasks


def count_documents() -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(OutgoingDocument))


def docx_bytes(text: str) -> bytes:
    """A minimal WordprocessingML document (what Word or LibreOffice saves), built in memory."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(
            "[Content_Types].xml",
            '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/'
            'content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.'
            'relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/word/'
            'document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.'
            'main+xml"/></Types>',
        )
        archive.writestr(
            "_rels/.rels",
            '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/'
            '2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/'
            '2006/relationships/officeDocument" Target="word/document.xml"/></Relationships>',
        )
        archive.writestr(
            "word/document.xml",
            '<?xml version="1.0" encoding="UTF-8"?><w:document xmlns:w="http://schemas.openxmlformats.org/'
            f'wordprocessingml/2006/main"><w:body><w:p><w:r><w:t>{text}</w:t></w:r></w:p></w:body></w:document>',
        )
    return buffer.getvalue()


# NĐ 30 Phụ lục VI III.1.a, III.1.b
def test_a_draft_keeps_its_fields_recipients_and_first_version(outgoing_office, draft_bytes):
    office = outgoing_office
    document = new_draft(office, draft_bytes, attachments=[("phu-luc.pdf", make_pdf("Phu luc"))], copies="5")
    assert document.status == OutgoingStatus.DRAFT and document.drafter_id == office.spec_a1.id
    assert (document.type_name, document.notation, document.copies) == ("Công văn", "UBND-TH", 5)
    assert [(r.kind, r.code or r.unit_id) for r in document.recipients] == [
        (RecipientKind.AGENCY, SNV[0]),
        (RecipientKind.AGENCY, STC[0]),
        (RecipientKind.UNIT, office.unit_b.id),
        (RecipientKind.EXTERNAL, "000.00.00.G22"),
    ]
    [version] = document.versions
    assert (version.number, version.stage, version.filename) == (1, VersionStage.DRAFT, "du-thao.pdf")
    assert document.attachments[0].filename == "phu-luc.pdf"
    assert instance_of(document) is None  # nothing starts before the drafter submits


def test_typed_documents_take_the_type_abbreviation_in_their_notation(outgoing_office, draft_bytes):
    office = outgoing_office
    decision = new_draft(office, draft_bytes, type_code="QD", subject="Quyết định ban hành quy chế làm việc")
    plan = new_draft(office, draft_bytes, type_code="KH", subject="Kế hoạch công tác năm 2027", notation="KH-UBND-TH")
    assert (decision.notation, plan.notation) == ("QĐ-UBND", "KH-UBND-TH")  # Phụ lục I II.3.b; typed notation kept


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"type_code": "XYZ"}, "type_code"),
        ({"subject": "abc"}, "subject"),
        ({"urgency": "rat_gap"}, "urgency"),
        ({"signer_authority": "BT."}, "signer_authority"),
        ({"recipient_agency_codes": ["000.00.99.H99"]}, "recipient_agency_codes"),
        ({"recipient_agency_codes": ["000.00.00.H33"]}, "recipient_agency_codes"),  # itself
        ({"reply_due": "31/12/2026"}, "reply_due"),
        ({"reply_due": "2020-01-01"}, "reply_due"),  # a reply date already past
        ({"consult_due": "2020-01-01"}, "consult_due"),  # so is a date to give an opinion by
        ({"copies": "nhiều"}, "copies"),
        ({"recipients_external": [{"code": "X"}]}, "recipients_external"),
    ],
)
def test_bad_fields_are_refused_and_nothing_is_written(outgoing_office, draft_bytes, change, field):
    with pytest.raises(ValidationError) as err:
        new_draft(outgoing_office, draft_bytes, **change)
    assert field in err.value.details
    assert count_documents() == 0


def test_references_of_another_agency_are_refused(outgoing_office, draft_bytes, create_user):
    office = outgoing_office
    foreign_unit = office.snv.unit
    for change, field in (
        ({"drafting_unit_id": foreign_unit.id}, "drafting_unit_id"),
        ({"consult_unit_ids": [foreign_unit.id]}, "consult_unit_ids"),
        ({"recipient_unit_ids": [foreign_unit.id]}, "recipient_unit_ids"),
        ({"signer_id": office.snv.leader.id}, "signer_id"),
        ({"signer_id": office.spec_b.id}, "signer_id"),  # not a leader (NĐ 30/2020 Điều 13)
    ):
        with pytest.raises(ValidationError) as err:
            new_draft(office, draft_bytes, **change)
        assert field in err.value.details, change
    from app.incoming import services as incoming

    received = incoming.receive_incoming(
        office.snv.clerk,
        channel="paper",
        metadata={"sender_name": "Bộ Nội vụ", "type_name": "Công văn", "subject": "Về việc báo cáo biên chế"},
        uploads=[Upload("scan.pdf", make_pdf("CV"), is_main=True)],
    )
    with pytest.raises(ValidationError) as err:
        new_draft(office, draft_bytes, reply_to_id=received.id)
    assert "reply_to_id" in err.value.details
    assert count_documents() == 0


def test_who_may_sign_depends_on_the_signing_authority(outgoing_office, draft_bytes, frozen_clock):
    """NĐ 30/2020 Điều 13: a unit leader signs only thừa lệnh (TL.); a delegate of a leader thừa ủy quyền (TUQ.)."""
    from datetime import timedelta

    from app.org import delegations

    office = outgoing_office
    with pytest.raises(ValidationError) as err:
        new_draft(office, draft_bytes, signer_id=office.unit_leader.id, signer_authority="KT.")
    assert "signer_id" in err.value.details
    by_order = new_draft(office, draft_bytes, signer_id=office.unit_leader.id, signer_authority="TL.")
    assert (by_order.signer_id, by_order.signer_authority) == (office.unit_leader.id, "TL.")

    with pytest.raises(ValidationError):
        new_draft(office, draft_bytes, signer_id=office.spec_a2.id, signer_authority="TUQ.")
    now = frozen_clock.instant
    delegations.create_delegation(
        office.leader,
        from_user_id=office.leader.id,
        to_user_id=office.spec_a2.id,
        starts_at=now,
        ends_at=now + timedelta(days=7),
        reason="Ủy quyền ký văn bản trong thời gian công tác",
    )
    authorised = new_draft(office, draft_bytes, signer_id=office.spec_a2.id, signer_authority="TUQ.")
    assert authorised.signer_id == office.spec_a2.id


def test_secret_documents_are_refused(outgoing_office, draft_bytes):
    with pytest.raises(DomainError) as err:
        new_draft(outgoing_office, draft_bytes, secrecy="toi_mat")
    assert err.value.code == "secret_document_refused" and count_documents() == 0


def test_files_are_checked_before_anything_is_stored(outgoing_office, draft_bytes):
    office = outgoing_office
    with pytest.raises(DomainError) as err:  # seed 001 Điều 9.2: no active content
        new_draft(office, javascript_pdf())
    assert err.value.code == "unsafe_pdf" and "JavaScript" in err.value.message
    with pytest.raises(DomainError) as err:
        new_draft(office, b"%PDF-1.7 broken")
    assert err.value.code == "not_a_pdf"
    with pytest.raises(ValidationError) as err:
        services.create_draft(office.spec_a1, metadata=metadata(office), upload=Upload("a.png", b"\x89PNG\r\n\x1a\n.."))
    assert err.value.code == "invalid_draft_file"
    with pytest.raises(DomainError) as err:
        new_draft(office, draft_bytes, attachments=[("macro.pdf", javascript_pdf())])
    assert err.value.code == "unsafe_pdf"
    with pytest.raises(ValidationError):
        new_draft(office, draft_bytes, attachments=[("virus.exe", b"MZ\x90\x00")])
    assert count_documents() == 0


# NĐ 30 Phụ lục VI III.5.a (các dự thảo văn bản)
def test_every_upload_is_a_new_numbered_version(outgoing_office, draft_bytes):
    office = outgoing_office
    document = new_draft(office, draft_bytes)
    second = services.upload_version(office.spec_a1, document.id, Upload("lan-2.pdf", make_pdf("Lan 2")))
    third = services.upload_version(office.spec_a1, document.id, Upload("lan-3.pdf", make_pdf("Lan 3")), note="Sửa")
    assert [v.number for v in document.versions] == [1, 2, 3] and (second.number, third.note) == (2, "Sửa")
    assert document.draft_versions[-1].id == third.id


# NĐ 30 Phụ lục VI III.1.a (chuyển đổi định dạng)
@pytest.mark.skipif(not __import__("shutil").which("soffice"), reason="LibreOffice is not installed")
def test_docx_drafts_are_converted_to_pdf_and_kept_as_source(outgoing_office, draft_bytes):
    office = outgoing_office
    document = new_draft(office, draft_bytes)
    data = docx_bytes("Dự thảo công văn về việc triển khai phần mềm")
    version = services.upload_version(office.spec_a1, document.id, Upload("du-thao-2.docx", data))
    assert (version.filename, version.source_filename) == ("du-thao-2.pdf", "du-thao-2.docx")
    _version, pdf = services.version_file(office.spec_a1, document.id, version.id)
    assert pdf.startswith(b"%PDF-")
    from app.signing.placement import page_text

    assert "Dự thảo công văn" in page_text(pdf, 0)
    from flask import current_app

    assert current_app.extensions["qlvb.blobs"].read(version.source_sha256) == data


def test_without_libreoffice_a_pdf_is_required(outgoing_office, draft_bytes, monkeypatch):
    office = outgoing_office
    document = new_draft(office, draft_bytes)
    monkeypatch.setattr("app.outgoing.convert.shutil.which", lambda name: None)
    with pytest.raises(ValidationError) as err:
        services.upload_version(office.spec_a1, document.id, Upload("du-thao.docx", docx_bytes("Dự thảo")))
    assert err.value.code == "pdf_required" and err.value.message.startswith("Cần tệp PDF")
    assert len(document.versions) == 1


def test_only_the_drafter_edits_and_only_before_submission(outgoing_office, draft_bytes):
    office = outgoing_office
    document = new_draft(office, draft_bytes)
    for other in (office.spec_a2, office.unit_leader):
        with pytest.raises(PermissionDenied):
            services.update_draft(other, document.id, metadata={"subject": "Trích yếu khác hẳn"})
    updated = services.update_draft(office.spec_a1, document.id, metadata={"subject": "Về việc sửa trích yếu"})
    assert updated.subject == "Về việc sửa trích yếu" and updated.notation == "UBND-TH"  # the rest kept
    attachment = services.add_attachment(office.spec_a1, document.id, Upload("pl.pdf", make_pdf("PL")))
    services.remove_attachment(office.spec_a1, document.id, attachment.id)
    assert document.attachments == []
    services.submit(office.spec_a1, document.id)
    with pytest.raises(Conflict):
        services.upload_version(office.spec_a1, document.id, Upload("lan-2.pdf", draft_bytes))
    with pytest.raises(Conflict):
        services.update_draft(office.spec_a1, document.id, metadata={"subject": "Về việc sửa lần nữa"})
    with pytest.raises(Conflict):
        services.submit(office.spec_a1, document.id)


def test_submission_needs_a_file_and_a_signer(outgoing_office):
    office = outgoing_office
    document = services.create_draft(office.spec_a1, metadata=metadata(office, signer_id=None))
    with pytest.raises(ValidationError) as err:
        services.submit(office.spec_a1, document.id)
    assert set(err.value.details) == {"file", "signer_id"} and instance_of(document) is None
    with pytest.raises(PermissionDenied):
        services.submit(office.spec_a2, document.id)


# NĐ 30 Phụ lục VI III.3.b
def test_tenancy_another_agency_cannot_read_a_draft(outgoing_office, draft_bytes):
    office = outgoing_office
    document = new_draft(office, draft_bytes)
    for stranger in (office.snv.clerk, office.snv.leader, office.stc.specialist):
        with pytest.raises(NotFound):
            services.get_document(stranger, document.id)
        with pytest.raises(NotFound):
            services.version_file(stranger, document.id, document.versions[0].id)
    with pytest.raises(NotFound):  # a colleague of another unit does not see an unsent draft either
        services.get_document(office.spec_b, document.id)
    for insider in (office.spec_a1, office.spec_a2, office.clerk, office.leader):
        assert services.get_document(insider, document.id) is document
    visible = lambda user: db.session.scalars(sa.select(OutgoingDocument.id).where(visible_filter(user))).all()  # noqa: E731
    assert visible(office.snv.leader) == [] and visible(office.spec_b) == []
    assert visible(office.spec_a2) == [document.id] and visible(office.clerk) == [document.id]


# NĐ 30 Phụ lục VI III.5.a (ý kiến góp ý)
def test_comments_and_cancellation(outgoing_office, draft_bytes):
    office = outgoing_office
    document = new_draft(office, draft_bytes)
    services.submit(office.spec_a1, document.id)
    review = services.add_comment(office.unit_leader, document.id, "Cần bổ sung căn cứ pháp lý")
    assert (review.kind, review.version_number) == ("comment", 1)
    with pytest.raises(ValidationError):
        services.cancel(office.spec_a1, document.id, "")
    with pytest.raises(PermissionDenied):
        services.cancel(office.spec_a2, document.id, "Không cần nữa")
    services.cancel(office.spec_a1, document.id, "Không ban hành nữa")
    assert document.status == OutgoingStatus.CANCELLED
    assert instance_of(document).status == "cancelled" and open_tasks(instance_of(document)) == []
    with pytest.raises(Conflict):
        services.add_comment(office.unit_leader, document.id, "Muộn rồi")


def test_a_signed_document_is_cancelled_as_a_document_not_a_draft(client, outgoing_office, draft_bytes):
    office = outgoing_office
    draft = new_draft(office, draft_bytes)
    login(client, office.spec_a1.username)
    page = client.get(f"/outgoing/{draft.id}").get_data(as_text=True)
    assert '<details class="mb-2" id="cancel"><summary class="small">Hủy dự thảo</summary>' in page
    assert 'data-confirm="Hủy dự thảo này?' in page

    signed = signed_draft(office, draft_bytes)
    assert signed.status == OutgoingStatus.SIGNED  # "Đã ký, chờ phát hành": no longer a draft
    client.post("/logout", data={"csrf_token": csrf_token(client, "/")})
    login(client, office.leader.username)
    page = client.get(f"/outgoing/{signed.id}").get_data(as_text=True)
    assert '<details class="mb-2" id="cancel"><summary class="small">Hủy văn bản (chưa phát hành)</summary>' in page
    assert 'data-confirm="Hủy văn bản đã ký này (chưa phát hành)?' in page and "Hủy dự thảo" not in page
    done = client.post(
        f"/outgoing/{signed.id}/cancel",
        data={"reason": "Không ban hành nữa", "csrf_token": csrf_token(client, f"/outgoing/{signed.id}")},
        follow_redirects=True,
    )
    shown = done.get_data(as_text=True)
    assert "Đã hủy văn bản (chưa phát hành)." in shown
    db.session.refresh(signed)
    assert signed.status == OutgoingStatus.CANCELLED
    # The page says who cancelled, when and why; the drafter is told
    assert 'data-testid="cancel-banner"' in shown
    assert f"{office.leader.full_name} hủy văn bản (chưa phát hành) ngày" in shown  # as the button named it
    assert "Lý do: “Không ban hành nữa”" in shown
    assert "Không gửi (văn bản đã hủy)" in shown and "Gửi khi phát hành" not in shown
    from app.notifications.models import Notification

    [told] = db.session.scalars(sa.select(Notification).where(Notification.kind == "outgoing_cancelled")).all()
    assert (told.user_id, told.body) == (signed.drafter_id, "Không ban hành nữa")


def test_the_audit_log_names_a_status_change_in_vietnamese(outgoing_office, draft_bytes):
    from app.audit.models import AuditEvent

    office = outgoing_office
    document = new_draft(office, draft_bytes)
    services.submit(office.spec_a1, document.id)
    summaries = db.session.scalars(sa.select(AuditEvent.summary).where(AuditEvent.action == "outgoing.status")).all()
    assert summaries == ["Văn bản đi chuyển sang “Chờ duyệt nội dung”"]  # not the code “reviewing”
