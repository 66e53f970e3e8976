"""Hủy tài liệu hết giá trị (seed 000 Điều 25): list → council → head's decision → execution → permanent record."""

import io
from datetime import UTC, date, datetime

import pytest
from pypdf import PdfReader

from app.core import clock
from app.core.db import db
from app.core.errors import Conflict, PermissionDenied, ValidationError
from app.core.transaction import unit_of_work
from app.dossiers import archive_printing, destruction, retention
from app.dossiers.models import DossierItem
from app.dossiers.states import DestructionStatus, DossierStatus
from tests.dossiers.helpers_archive import archived_dossier, closed_dossier, store

LATER = datetime(2037, 1, 5, 2, 0, tzinfo=UTC)


@pytest.fixture
def later():
    with clock.frozen(LATER):
        yield


def approved(office, dossiers, title="Danh mục hủy 2037"):
    listed = destruction.create(office.archivist, title=title, dossier_ids=[d.id for d in dossiers])
    destruction.propose(office.archivist, listed.id, council_opinion="Hội đồng thống nhất hủy.")
    return destruction.approve(office.leader, listed.id, decision_number="12/QĐ-UBND", decision_date=date(2037, 1, 4))


def test_lists_take_only_expired_unheld_archival_dossiers(archive_office):
    office = archive_office
    dossier = archived_dossier(office)
    with pytest.raises(Conflict) as early:
        destruction.create(office.archivist, title="Sớm", dossier_ids=[dossier.id])
    assert early.value.code == "dossier_not_expired"
    with clock.frozen(LATER):
        open_one = closed_dossier(office.spec_a1, notation="09.TH")
        with pytest.raises(Conflict) as wrong:
            destruction.create(office.archivist, title="X", dossier_ids=[open_one.id])
        assert wrong.value.code == "dossier_status"
        retention.create_hold(office.archivist, name="Thanh tra", reason="Vụ việc", dossier_ids=[dossier.id])
        with pytest.raises(Conflict) as held:
            destruction.create(office.archivist, title="X", dossier_ids=[dossier.id])
        assert held.value.code == "dossier_on_hold"
        with pytest.raises(PermissionDenied):
            destruction.create(office.spec_a1, title="X")


def test_the_head_decides_and_execution_needs_the_approval(archive_office, later):
    office = archive_office
    dossier = archived_dossier(office)
    listed = destruction.create(office.archivist, title="Danh mục", dossier_ids=[dossier.id])
    with pytest.raises(Conflict) as not_approved:
        destruction.execute(office.archivist, listed.id)
    assert not_approved.value.code == "destruction_not_approved"
    with pytest.raises(ValidationError) as no_opinion:
        destruction.propose(office.archivist, listed.id)
    assert no_opinion.value.code == "council_opinion_required"
    destruction.propose(office.archivist, listed.id, council_opinion="Đồng ý hủy")
    with pytest.raises(Conflict):
        destruction.execute(office.archivist, listed.id)
    with pytest.raises(PermissionDenied):
        destruction.approve(office.archivist, listed.id, decision_number="1", decision_date=date(2037, 1, 4))
    with pytest.raises(ValidationError):
        destruction.approve(office.leader, listed.id, decision_number="", decision_date=None)
    with pytest.raises(ValidationError) as unsigned:  # a decision dated after today is not signed yet
        destruction.approve(office.leader, listed.id, decision_number="1", decision_date=date(2099, 1, 4))
    assert "không được sau ngày hôm nay" in unsigned.value.details["decision_date"]
    destruction.reject(office.leader, listed.id, reason="Cần xem xét lại giá trị")
    assert listed.status == DestructionStatus.REJECTED
    assert retention.eligible_for_destruction(office.agency.id) == [dossier]  # back on the list
    assert dossier.status == DossierStatus.ARCHIVED


def test_execution_destroys_files_and_keeps_the_record(archive_office, later):
    office = archive_office
    dossier = archived_dossier(office, content=b"noi dung se bi huy")
    digest, title = dossier.items[0].sha256, dossier.title
    path = store().path_for(digest)
    db.session.add(
        DossierItem(
            dossier_id=dossier.id,
            ordinal=2,
            kind="incoming",
            object_type="incoming",
            object_id=987654,
            subject="Công văn số 5",
            pages=1,
        )
    )
    db.session.flush()
    with unit_of_work():
        listed = approved(office, [dossier])
        destruction.execute(office.archivist, listed.id)
    assert not path.exists()  # removed after the commit
    db.session.expire_all()
    assert listed.status == DestructionStatus.EXECUTED and listed.executed_by_id == office.archivist.id
    assert dossier.status == DossierStatus.DESTROYED and dossier.destruction_id == listed.id and dossier.items == []
    [entry] = listed.entries
    assert entry.file_code == dossier.file_code and entry.title == title and dossier.title == ""
    own, kept = entry.files
    assert own["sha256"] == digest and own["fate"] == "destroyed" and own["size"] == len(b"noi dung se bi huy")
    assert kept["fate"] == "kept" and kept["object_id"] == 987654
    # The record is permanent: nothing more may change it.
    with pytest.raises(Conflict) as edit:
        destruction.add_dossier(office.archivist, listed.id, dossier.id)
    assert edit.value.code == "destruction_not_draft"
    with pytest.raises(Conflict):
        destruction.execute(office.archivist, listed.id)
    text = "".join(
        page.extract_text() for page in PdfReader(io.BytesIO(archive_printing.bien_ban_huy_pdf(listed))).pages
    )
    assert "BIÊN BẢN HỦY TÀI LIỆU HẾT GIÁ TRỊ" in text and "12/QĐ-UBND" in text and dossier.file_code in text
    assert digest[:16] in text and "Hội đồng thống nhất hủy." in text
    flat = " ".join(text.split())
    assert "(Đã xóa tệp)" in flat and "destroyed" not in flat  # the file's fate in words, not its code
    assert f"của người đứng đầu {office.agency.name} về việc hủy" in flat  # the office decided, not a name


def test_a_blob_shared_with_a_living_row_is_kept(archive_office, later):
    office = archive_office
    doomed = archived_dossier(office, notation="01.TH", content=b"cung noi dung")
    living = closed_dossier(office.spec_a2, notation="05.TH", content=b"cung noi dung")
    digest = doomed.items[0].sha256
    assert living.items[0].sha256 == digest
    with unit_of_work():
        destruction.execute(office.archivist, approved(office, [doomed]).id)
    db.session.expire_all()
    assert store().path_for(digest).exists() and store().read(digest) == b"cung noi dung"
    record = destruction.get(office.archivist, doomed.destruction_id)
    assert record.entries[0].files[0]["fate"] == "shared"


def test_a_hold_refuses_the_whole_execution_and_changes_nothing(archive_office, later):
    office = archive_office
    with unit_of_work():  # committed: the refused execution below rolls back to here
        first = archived_dossier(office, notation="01.TH", content=b"mot")
        second = archived_dossier(office, notation="02.TH", content=b"hai")
        listed = approved(office, [first, second])
        retention.create_hold(office.leader, name="Điều tra", reason="Cơ quan điều tra", dossier_ids=[second.id])
    with pytest.raises(Conflict) as held, unit_of_work():
        destruction.execute(office.archivist, listed.id)
    assert held.value.code == "dossier_on_hold" and second.file_code in held.value.message
    db.session.expire_all()
    assert listed.status == DestructionStatus.APPROVED
    assert first.status == DossierStatus.ARCHIVED and len(first.items) == 1
    assert store().path_for(first.items[0].sha256).exists()


def test_pending_files_are_retried(archive_office, later):
    office = archive_office
    dossier = archived_dossier(office, content=b"se xoa sau")
    digest = dossier.items[0].sha256
    listed = approved(office, [dossier])
    destruction.execute(office.archivist, listed.id)  # outside a unit of work: the files wait for the job
    assert listed.entries[0].files[0]["fate"] == "pending" and store().path_for(digest).exists()
    assert destruction.destroy_files() == 1
    db.session.expire_all()
    assert listed.entries[0].files[0]["fate"] == "destroyed" and not store().path_for(digest).exists()
    assert destruction.destroy_files() == 0
