"""Kết thúc hồ sơ (NĐ 30/2020 Điều 29.4): duplicates and drafts removed, biên mục in chronological order, totals,
end date, nộp lưu deadline; empty refused; only the creator; reopen; a refused close changes nothing."""

from datetime import date

import pytest
import sqlalchemy as sa

from app.core.db import db
from app.core.errors import Conflict, NotFound, PermissionDenied, ValidationError
from app.core.transaction import unit_of_work
from app.dossiers import closing, filing
from app.dossiers.closing import CloseRequest
from app.dossiers.models import Dossier, DossierItem
from app.dossiers.states import DossierStatus
from tests.dossiers.conftest import make_dossier
from tests.dossiers.helpers_closing import add_pdf, incoming_document, pdf_bytes


def test_review_flags_duplicates_and_close_removes_them_and_renumbers(archive_office, frozen_clock):
    spec = archive_office.spec_a1
    dossier = make_dossier(spec)
    late = add_pdf(spec, dossier, "C", pages=2, dated_on=date(2026, 6, 1))
    early = add_pdf(spec, dossier, "A", pages=1, dated_on=date(2026, 2, 1))
    twin = add_pdf(spec, dossier, "A-copy", dated_on=date(2026, 3, 1), data=pdf_bytes("A", 1))  # same bytes as A
    middle = add_pdf(spec, dossier, "B", pages=3, dated_on=date(2026, 4, 1))

    rows = closing.review(dossier)
    assert [r.item.id for r in rows] == [early.id, twin.id, middle.id, late.id]  # chronological
    assert [r.duplicate_of for r in rows] == [None, early.ordinal, None, None]
    assert [r.suggested for r in rows] == [False, True, False, False]

    closing.close(spec, dossier, CloseRequest(remove_item_ids=[twin.id], maintenance="04"))
    dossier = db.session.get(Dossier, dossier.id)
    assert dossier.status == DossierStatus.CLOSED
    assert [(i.ordinal, i.subject) for i in dossier.items] == [
        (1, "Tài liệu A"),
        (2, "Tài liệu B"),
        (3, "Tài liệu C"),
    ]
    assert (dossier.doc_total, dossier.page_total, dossier.next_ordinal) == (3, 6, 4)
    assert dossier.end_date == date(2026, 6, 1)  # the latest document's date
    assert dossier.transfer_due_on == date(2027, 6, 1)  # Điều 30.2.b: 1 year
    assert dossier.closed_by_id == spec.id and dossier.closed_at is not None
    assert (dossier.maintenance, dossier.retention_years) == ("04", 30)
    assert db.session.get(DossierItem, twin.id) is None


def test_drafts_are_flagged_and_document_stamps_follow_the_renumbering(archive_office, frozen_clock):
    spec = archive_office.spec_a1
    dossier = make_dossier(spec)
    add_pdf(spec, dossier, "Sau", dated_on=date(2026, 9, 1))
    doc = incoming_document(archive_office.agency, "Đến", issued=date(2026, 1, 20))
    filed = filing.file_document(None, dossier, "incoming", doc.id, auto=True)
    assert (doc.file_code, doc.doc_ordinal) == (dossier.file_code, 2)
    draft = DossierItem(
        dossier_id=dossier.id,
        ordinal=99,
        kind="draft",
        object_type="outgoing_version",
        object_id=None,
        subject="Dự thảo lần 1",
        dated_on=date(2026, 5, 1),
    )
    db.session.add(draft)
    db.session.flush()
    history = filing.file_content(
        None,
        dossier,
        kind="history",
        sha256="b" * 64,
        filename="xu-ly.json",
        content_type="application/json",
        size=2,
        subject="Quá trình xử lý",
        auto=True,
        dated_on=date(2026, 1, 21),
        object_type="incoming",
        object_id=doc.id,
    )
    db.session.refresh(dossier)
    rows = closing.review(dossier)
    assert [r.is_draft for r in rows] == [False, False, True, False]
    assert [r.duplicate_of for r in rows] == [None, None, None, None]  # its history is no copy of the document

    closing.close(spec, dossier, CloseRequest(remove_item_ids=[draft.id], notation="09.TH", title="Hồ sơ đã sửa"))
    assert (filed.ordinal, history.ordinal) == (1, 2)  # dated 20/01 and 21/01, before the upload
    assert (doc.file_code, doc.doc_ordinal) == (f"{archive_office.agency.code}.2026.09.TH", 1)
    assert (dossier.notation, dossier.title) == ("09.TH", "Hồ sơ đã sửa")


def test_a_notation_of_another_dossier_is_refused_and_nothing_changes(archive_office, frozen_clock):
    spec = archive_office.spec_a1
    make_dossier(archive_office.spec_a2, notation="05.TH")
    dossier = make_dossier(spec)
    item = add_pdf(spec, dossier, "A")
    db.session.commit()  # the setup stays; the refused close rolls back alone
    with pytest.raises(Conflict) as refused, unit_of_work():
        closing.close(spec, dossier, CloseRequest(remove_item_ids=[], notation="05.TH"))
    assert refused.value.code == "dossier_notation_taken"
    dossier = db.session.get(Dossier, dossier.id)
    assert (dossier.status, dossier.notation, dossier.closed_at) == (DossierStatus.OPEN, "01.TH", None)
    assert db.session.get(DossierItem, item.id) is not None


def test_an_empty_dossier_is_refused(archive_office, frozen_clock):
    spec = archive_office.spec_a1
    dossier = make_dossier(spec)
    with pytest.raises(Conflict) as refused:
        closing.close(spec, dossier, CloseRequest())
    assert refused.value.code == "dossier_empty"
    assert "rỗng" in refused.value.message
    only = add_pdf(spec, dossier, "A")
    db.session.commit()
    with pytest.raises(Conflict) as refused, unit_of_work():  # removing everything empties it too
        closing.close(spec, dossier, CloseRequest(remove_item_ids=[only.id]))
    assert refused.value.code == "dossier_empty"
    assert db.session.scalar(sa.select(sa.func.count(DossierItem.id))) == 1


def test_only_the_creator_closes_and_reopens(archive_office, frozen_clock):
    spec = archive_office.spec_a1
    dossier = make_dossier(spec)
    add_pdf(spec, dossier, "A")
    with pytest.raises(PermissionDenied):
        closing.close(archive_office.unit_leader, dossier, CloseRequest())
    with pytest.raises(NotFound):
        closing.close(archive_office.spec_a2, dossier, CloseRequest())
    closing.close(spec, dossier, CloseRequest())
    with pytest.raises(Conflict) as twice:
        closing.close(spec, dossier, CloseRequest())
    assert twice.value.code == "dossier_status"
    with pytest.raises(PermissionDenied):
        closing.reopen(archive_office.leader, dossier)
    closing.reopen(spec, dossier)
    assert (dossier.status, dossier.closed_at, dossier.transfer_due_on) == (DossierStatus.OPEN, None, None)


def test_bad_retention_and_dates_are_refused(archive_office, frozen_clock):
    spec = archive_office.spec_a1
    dossier = make_dossier(spec)
    add_pdf(spec, dossier, "A")
    db.session.commit()
    with pytest.raises(ValidationError) as refused, unit_of_work():
        closing.close(spec, dossier, CloseRequest(maintenance="07"))
    assert "retention_years" in refused.value.details
    with pytest.raises(ValidationError) as refused, unit_of_work():
        closing.close(spec, dossier, CloseRequest(end_date=date(2025, 1, 1)))
    assert refused.value.code == "dossier_end_before_start"
    with pytest.raises(ValidationError) as refused, unit_of_work():
        closing.close(spec, dossier, CloseRequest(end_date=date(2031, 1, 1)))
    assert refused.value.code == "dossier_end_in_future"
    with pytest.raises(ValidationError) as refused, unit_of_work():  # all at once: the title and the end date
        closing.close(spec, dossier, CloseRequest(title=" ", end_date=date(2025, 1, 1)))
    assert set(refused.value.details) == {"title", "end_date"}
    with pytest.raises(NotFound):
        closing.close(spec, dossier, CloseRequest(remove_item_ids=[123456]))
    closing.close(spec, dossier, CloseRequest(maintenance="07", retention_years=15, end_date=date(2026, 11, 1)))
    assert (dossier.retention_years, dossier.end_date) == (15, date(2026, 11, 1))


def test_a_construction_dossier_counts_from_its_settlement(archive_office, frozen_clock):
    spec = archive_office.spec_a1
    dossier = make_dossier(spec, kind="construction")
    add_pdf(spec, dossier, "A")
    closing.close(spec, dossier, CloseRequest(settled_on=date(2026, 10, 31)))
    assert dossier.transfer_due_on == date(2027, 1, 31)  # Điều 30.2.a: 3 months
