"""Filing into a dossier: automatic ordinals and totals, one document in two dossiers, only open dossiers
(NĐ 30 Phụ lục VI III.4.b, III.4.e); the nộp lưu deadline (Điều 30.2)."""

from datetime import date

import pytest
import sqlalchemy as sa

from app.audit.models import AuditEvent
from app.core.db import db
from app.core.errors import Conflict, NotFound, PermissionDenied
from app.dossiers import closing, filing
from app.dossiers.closing import CloseRequest
from app.dossiers.models import Dossier
from app.dossiers.settings import add_period, transfer_due_on
from app.dossiers.states import DossierStatus
from tests.dossiers.conftest import make_dossier

SHA = "a" * 64


def upload(actor, dossier, subject="Ảnh hiện trường", pages=2):
    return filing.file_content(
        actor, dossier, sha256=SHA, filename="anh.jpg", content_type="image/jpeg", size=10, subject=subject, pages=pages
    )


# NĐ 30 Phụ lục VI III.4.b
def test_items_get_ordinals_and_the_dossier_its_totals(archive_office, frozen_clock):
    dossier = make_dossier(archive_office.spec_a1)
    first, second = upload(archive_office.spec_a1, dossier), upload(archive_office.spec_a1, dossier, pages=3)
    assert (first.ordinal, second.ordinal) == (1, 2)
    assert (dossier.doc_total, dossier.page_total) == (2, 5)
    filing.remove_item(archive_office.spec_a1, dossier, first.id)
    third = upload(archive_office.spec_a1, dossier)
    assert third.ordinal == 3  # never reused while open
    assert (dossier.doc_total, dossier.page_total) == (2, 5)


def test_only_the_creator_files_and_only_into_an_open_dossier(archive_office, frozen_clock):
    dossier = make_dossier(archive_office.spec_a1)
    with pytest.raises(NotFound):  # not hers to see: no hint that it exists
        upload(archive_office.spec_a2, dossier)
    with pytest.raises(PermissionDenied):  # her unit leader sees it, but only the creator files
        upload(archive_office.unit_leader, dossier)
    closed = make_dossier(archive_office.spec_a1, notation="02.TH", status=DossierStatus.CLOSED)
    with pytest.raises(Conflict) as refused:
        upload(archive_office.spec_a1, closed)
    assert refused.value.code == "dossier_not_open"
    assert closed.doc_total == 0


def test_the_transfer_deadline_follows_the_end_of_the_work_or_the_settlement(archive_office):
    dossier = make_dossier(archive_office.spec_a1, end_date=date(2026, 3, 31))
    assert transfer_due_on(dossier) == date(2027, 3, 31)
    works = make_dossier(archive_office.spec_a1, notation="03.TH", kind="construction", settled_on=date(2026, 11, 30))
    assert transfer_due_on(works) == date(2027, 2, 28)  # 3 months, the last day of a shorter month
    assert add_period(date(2026, 1, 10), "P60D") == date(2026, 3, 11)
    assert isinstance(dossier, Dossier)


# Phụ lục VI Phần II.III 7–8: Thời gian bắt đầu/kết thúc span the dossier's documents, earliest to latest.
def test_an_earlier_dated_item_moves_the_start_back_and_closing_accepts_its_date(archive_office, frozen_clock):
    spec = archive_office.spec_a1
    dossier = make_dossier(spec, start_date=date(2026, 11, 7))
    filing.file_content(
        spec,
        dossier,
        sha256=SHA,
        filename="a.pdf",
        content_type="application/pdf",
        size=1,
        subject="Tờ trình",
        dated_on=date(2026, 11, 1),
    )
    assert dossier.start_date == date(2026, 11, 1) and dossier.year == 2026  # the code's year stays
    event = db.session.scalars(
        sa.select(AuditEvent).where(AuditEvent.action == "dossier.file").order_by(AuditEvent.id.desc())
    ).first()
    assert event.changes["start_date"] == ["2026-11-07", "2026-11-01"] and "lùi về 01/11/2026" in event.summary
    upload(spec, dossier)  # dated today, after the start: the start stays
    assert dossier.start_date == date(2026, 11, 1)
    closing.close(spec, dossier, CloseRequest(end_date=date(2026, 11, 2)))
    assert dossier.end_date == date(2026, 11, 2)
