"""Nộp lưu (NĐ 30/2020 Điều 30): submit with a manifest, the archivist's check, accept (read-only, expiry), return
(Phụ lục VI III.5.c: nộp lưu into the Lưu trữ cơ quan in the System)."""

from datetime import date

import pytest

from app.core.db import db
from app.core.errors import Conflict, ValidationError
from app.dossiers import filing, transfer
from app.dossiers.states import DossierStatus, TransferStatus
from app.notifications.models import Notification
from tests.dossiers.helpers_archive import closed_dossier, store


def test_submit_keeps_a_manifest_and_moves_the_dossiers(archive_office):
    office = archive_office
    a = closed_dossier(office.spec_a1, notation="01.TH", content=b"mot")
    b = closed_dossier(office.spec_a1, notation="02.TH", content=b"hai")
    sent = transfer.submit(office.spec_a1, [b.id, a.id], name="Tài liệu Phòng Tổng hợp năm 2026")
    assert sent.status == TransferStatus.SUBMITTED and sent.unit_id == office.spec_a1.unit_id
    assert [e.dossier_id for e in sent.entries] == [a.id, b.id]
    assert sent.entries[0].manifest == {"1": [a.items[0].sha256]}
    assert a.status == b.status == DossierStatus.SUBMITTED and a.transfer_id == sent.id
    told = db.session.query(Notification).filter_by(kind="dossier_submitted").all()
    assert [n.user_id for n in told] == [office.archivist.id] and told[0].url == f"/archive/transfers/{sent.id}"
    assert transfer.waiting_badge(office.archivist) == "1" and transfer.waiting_badge(office.spec_a1) == ""


def test_only_the_creator_submits_closed_dossiers(archive_office):
    office = archive_office
    dossier = closed_dossier(office.spec_a1)
    with pytest.raises(Exception) as refused:
        transfer.submit(office.spec_a2, [dossier.id], name="X")
    assert refused.value.code in ("dossier_not_found", "not_dossier_creator")
    dossier.status = DossierStatus.OPEN
    with pytest.raises(Conflict) as wrong:
        transfer.submit(office.spec_a1, [dossier.id], name="X")
    assert wrong.value.code == "dossier_status"
    with pytest.raises(ValidationError):
        transfer.submit(office.spec_a1, [dossier.id], name="  ")


def test_check_detects_a_tampered_blob_and_accept_is_refused(archive_office):
    office = archive_office
    dossier = closed_dossier(office.spec_a1, content=b"ban goc")
    sent = transfer.submit(office.spec_a1, [dossier.id], name="Khối tài liệu")
    [entry] = sent.entries
    entry = transfer.check(office.archivist, sent.id, entry.id)
    assert entry.check_result["ok"] and entry.check_result["files"] == 1
    store().path_for(dossier.items[0].sha256).write_bytes(b"bi sua")
    entry = transfer.check(office.archivist, sent.id, entry.id)
    assert not entry.check_result["ok"]
    assert "bị thay đổi" in entry.check_result["problems"][0]
    with pytest.raises(Conflict) as refused:
        transfer.accept(office.archivist, sent.id, entry.id)
    assert refused.value.code == "dossier_check_failed"
    assert dossier.status == DossierStatus.SUBMITTED


def test_completeness_needs_items_and_dates(archive_office):
    office = archive_office
    dossier = closed_dossier(office.spec_a1)
    sent = transfer.submit(office.spec_a1, [dossier.id], name="Khối tài liệu")
    dossier.end_date = None
    result = transfer.inspect(dossier, sent.entries[0].manifest)
    assert not result["ok"] and "ngày kết thúc" in result["problems"][-1]


def test_accept_archives_read_only_with_expiry(archive_office):
    office = archive_office
    dossier = closed_dossier(office.spec_a1, end_date=date(2026, 6, 30))  # 06: 10 years
    permanent = closed_dossier(office.spec_a1, notation="02.TH", maintenance="01", retention_years=None)
    sent = transfer.submit(office.spec_a1, [dossier.id, permanent.id], name="Khối tài liệu")
    with pytest.raises(Exception) as not_archivist:
        transfer.accept(office.spec_a1, sent.id, sent.entries[0].id)
    assert not_archivist.value.code == "permission_denied"
    transfer.accept(office.archivist, sent.id, sent.entries[0].id)
    assert sent.status == TransferStatus.SUBMITTED
    transfer.accept(office.archivist, sent.id, sent.entries[1].id)
    assert sent.status == TransferStatus.DONE and sent.received_by_id == office.archivist.id
    assert dossier.status == DossierStatus.ARCHIVED and dossier.archived_by_id == office.archivist.id
    assert dossier.expires_on == date(2036, 6, 30) and permanent.expires_on is None
    with pytest.raises(Conflict) as read_only:
        filing.remove_item(office.spec_a1, dossier, dossier.items[0].id)
    assert read_only.value.code == "dossier_not_open"
    with pytest.raises(Conflict) as twice:
        transfer.accept(office.archivist, sent.id, sent.entries[0].id)
    assert twice.value.code == "transfer_entry_decided"


def test_expiry_without_end_date_counts_from_the_archiving_day(archive_office):
    office = archive_office
    dossier = closed_dossier(office.spec_a1, maintenance="07", retention_years=5)
    dossier.end_date = None
    assert transfer.expires_on(dossier, date(2026, 11, 23)) == date(2031, 11, 23)


def test_return_needs_a_reason_and_tells_the_creator(archive_office):
    office = archive_office
    dossier = closed_dossier(office.spec_a1)
    sent = transfer.submit(office.spec_a1, [dossier.id], name="Khối tài liệu")
    with pytest.raises(ValidationError) as no_reason:
        transfer.return_entry(office.archivist, sent.id, sent.entries[0].id, reason=" ")
    assert no_reason.value.code == "return_reason_required"
    transfer.return_entry(office.archivist, sent.id, sent.entries[0].id, reason="Thiếu biên bản nghiệm thu")
    assert dossier.status == DossierStatus.RETURNED and sent.status == TransferStatus.DONE
    notice = db.session.query(Notification).filter_by(user_id=office.spec_a1.id, kind="dossier_returned").one()
    assert "Thiếu biên bản nghiệm thu" in notice.body
    again = transfer.submit(office.spec_a1, [dossier.id], name="Nộp lại")
    assert dossier.status == DossierStatus.SUBMITTED and dossier.transfer_id == again.id


def test_the_manifest_names_a_linked_documents_files(archive_office):
    """A document item stands for its document's files (linked, not copied: Phụ lục VI III.4.e)."""
    from app.dossiers.models import DossierItem
    from app.incoming.models import IncomingDocument, IncomingFile

    office = archive_office
    main, annex = store().put(b"%PDF-1.4 cong van"), store().put(b"phu luc")
    document = IncomingDocument(
        agency_id=office.agency.id,
        channel="paper",
        status="registered",
        sender_name="Sở Nội vụ",
        type_name="Công văn",
        subject="Về công tác lưu trữ",
        subject_folded="ve cong tac luu tru",
    )
    db.session.add(document)
    db.session.flush()
    for digest, name, is_main in ((main, "cv.pdf", True), (annex, "pl.pdf", False)):
        db.session.add(
            IncomingFile(
                document_id=document.id,
                sha256=digest,
                filename=name,
                content_type="application/pdf",
                size=7,
                is_main=is_main,
            )
        )
    dossier = closed_dossier(office.spec_a1)
    db.session.add(
        DossierItem(
            dossier_id=dossier.id,
            ordinal=2,
            kind="incoming",
            object_type="incoming",
            object_id=document.id,
            subject="Công văn về công tác lưu trữ",
            pages=2,
        )
    )
    db.session.flush()
    db.session.expire(dossier, ["items"])
    sent = transfer.submit(office.spec_a1, [dossier.id], name="Khối")
    [entry] = sent.entries
    assert entry.manifest == {"1": [dossier.items[0].sha256], "2": [main, annex]}
    store().path_for(annex).unlink()
    result = transfer.inspect(dossier, entry.manifest)
    assert not result["ok"] and result["files"] == 3
    assert result["problems"] == [f"Văn bản số 2: tệp {annex[:12]}… không còn trong kho lưu trữ."]
