"""Recall that destroys (NĐ 30 Phụ lục VI III.8.b–c, NĐ 30/2020 Điều 18.4.b): all or nothing in the decider's
transaction, the bytes after the commit (kept when another row names them), retried when the disk refuses."""

from datetime import date

import pytest
import sqlalchemy as sa

from app.core.db import db
from app.core.errors import Conflict
from app.core.transaction import unit_of_work
from app.incoming import recall, services
from app.incoming.models import IncomingStatus
from tests.incoming.conftest import METADATA, codes, instance_of, receive
from tests.incoming.test_recall import NOTE, scan_pdf, to_handling
from tests.workflow.conftest import open_tasks


def test_refuse_keeps_everything(app, incoming_office, signed_pdf):
    # NĐ 30 Phụ lục VI III.8.b: only an agreed recall destroys; a refusal (16) keeps the document whole.
    office = incoming_office
    store = app.extensions["qlvb.blobs"]
    with unit_of_work():
        document = receive(office, scan_pdf(b"refused"))
        recall.request_recall(office.clerk, document.id, note=NOTE)
    with unit_of_work():
        recall.refuse_recall(office.leader, document.id, "Văn bản đã được triển khai")
    db.session.expire_all()
    assert document.status == IncomingStatus.RECEIVED and document.subject == METADATA["subject"]
    assert store.exists(document.files[0].sha256) and instance_of(document) is not None
    assert recall.record_of(document) is None and codes(document) == ["01", "16"]


def test_bytes_another_row_names_are_kept_for_it(app, incoming_office, signed_pdf):
    # NĐ 30 Phụ lục VI III.8.b with a content-addressed store: the same bytes may belong to another document (the
    # sender's issued original in this deployment, a second delivery): they stay for it, the record says so.
    office = incoming_office
    store = app.extensions["qlvb.blobs"]
    with unit_of_work():
        document = receive(office, signed_pdf)
        twin = receive(office, signed_pdf, code_number="124")  # the very same file, received as another document
        recall.request_recall(None, document.id, note=NOTE)
    with unit_of_work():
        recall.accept_recall(office.clerk, document.id)
    record = recall.record_of(document)
    assert [f.fate for f in record.files] == ["shared"] and record.files_destroyed
    assert store.read(twin.files[0].sha256) == signed_pdf
    assert services.document_file(twin, twin.files[0].id).sha256 == record.files[0].sha256


def test_a_failure_half_way_destroys_nothing(app, incoming_office, signed_pdf):
    # NĐ 30 Phụ lục VI III.8.b; design.md §8: one transaction — a failure leaves the document, its files, its
    # case and its metadata as they were. Here the database refuses the record (one already names the document).
    office = incoming_office
    store = app.extensions["qlvb.blobs"]
    with unit_of_work():
        document = receive(office, scan_pdf(b"half way"))
        to_handling(office, document)
        recall.request_recall(None, document.id, note=NOTE)
        db.session.add(_stale_record(document, office.clerk))
    digest = document.files[0].sha256
    with pytest.raises(sa.exc.IntegrityError), unit_of_work():
        recall.accept_recall(office.leader, document.id)
    db.session.expire_all()
    assert document.status == IncomingStatus.HANDLING and document.recall_pending
    assert document.subject == METADATA["subject"] and [f.sha256 for f in document.files] == [digest]
    assert document.assignments and store.exists(digest)
    assert [t.assignee_id for t in open_tasks(instance_of(document))] == [office.spec_a1.id]
    assert codes(document) == ["01", "03", "04", "05"]  # no 15 went out either


def test_modules_deriving_rows_are_told_in_the_same_transaction(app, incoming_office):
    # NĐ 30 Phụ lục VI III.8.b: rows derived from the document elsewhere (a search index) go with it — and when such
    # a module fails, nothing is destroyed at all.
    from app.core.signals import object_destroyed

    office = incoming_office
    store = app.extensions["qlvb.blobs"]
    with unit_of_work():
        document = receive(office, scan_pdf(b"derived"))
        recall.request_recall(None, document.id, note=NOTE)
    seen = []

    def index_unavailable(sender, object_id, agency_id):
        seen.append((sender, object_id, agency_id))
        raise RuntimeError("search index unavailable")

    object_destroyed.connect(index_unavailable)
    try:
        with pytest.raises(RuntimeError), unit_of_work():
            recall.accept_recall(office.clerk, document.id)
    finally:
        object_destroyed.disconnect(index_unavailable)
    assert seen == [("incoming", document.id, office.agency.id)]
    db.session.expire_all()
    assert document.recall_pending and document.subject == METADATA["subject"]
    assert store.exists(document.files[0].sha256) and recall.record_of(document) is None


def test_files_the_disk_refused_are_destroyed_by_the_job(app, incoming_office, signed_pdf, monkeypatch):
    # NĐ 30 Phụ lục VI III.8.b: the bytes go after the commit; a failure on the disk is retried (issue 10).
    from app.core.storage import BlobStore
    from app.incoming import jobs

    office = incoming_office
    store = app.extensions["qlvb.blobs"]
    with unit_of_work():
        document = receive(office, scan_pdf(b"disk refuses"))
        recall.request_recall(None, document.id, note=NOTE)
    digest = document.files[0].sha256

    def refuse(self, digest):
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(BlobStore, "destroy", refuse)  # the disk, not our logic, fails
    with unit_of_work():
        recall.accept_recall(office.clerk, document.id)
    [pending] = recall.record_of(document).files
    assert (pending.fate, pending.attempts) == ("pending", 1) and "Permission denied" in pending.last_error
    assert store.exists(digest) and document.status == IncomingStatus.RECALLED and document.files == []
    assert jobs.destroy_recalled_files() == 0  # still refused: still pending
    monkeypatch.undo()

    assert jobs.destroy_recalled_files() == 1
    db.session.expire_all()
    assert (pending.fate, pending.attempts, pending.last_error) == ("destroyed", 3, None)
    assert not store.exists(digest) and pending.done_at is not None
    assert jobs.destroy_recalled_files() == 0  # idempotent


def _stale_record(document, clerk):
    from app.incoming.recall_models import RecallRecord

    return RecallRecord(
        agency_id=document.agency_id,
        incoming_document_id=document.id,
        channel=document.channel,
        sender_name="x",
        arrived_at=document.arrived_at,
        requested_at=document.arrived_at,
        decided_by_id=clerk.id,
        decided_by_name="x",
    )


def test_the_books_keep_the_number_and_lose_the_content(incoming_office):
    # NĐ 30 Phụ lục VI III.8.b: the printed sổ đăng ký / sổ theo dõi show the số đến as taken, nothing of the content.
    from app.incoming import printing
    from tests.incoming.test_printing import text_of

    office = incoming_office
    with unit_of_work():
        document = receive(office, scan_pdf(b"books"))
        to_handling(office, document)
        recall.request_recall(None, document.id, note=NOTE)
    year = document.arrival_year
    with unit_of_work():
        recall.accept_recall(office.clerk, document.id)
    for printed in (
        printing.print_register(office.clerk, year=year),
        printing.print_follow_up(office.clerk, year=year),
    ):
        text = " ".join(text_of(printed.data))
        assert "Văn bản đã thu hồi và hủy" in text and METADATA["subject"] not in text
        assert METADATA["sender_name"] not in text
    with pytest.raises(Conflict) as err:
        printing.print_handling_slip(office.clerk, document.id)
    assert err.value.code == "incoming_recalled"


def test_the_handling_history_and_the_search_entry_go_with_the_document(incoming_office, signed_pdf, frozen_clock):
    # NĐ 30 Phụ lục VI III.8.b: extension requests and progress notes are the document's processing history, and
    # a destroyed document is no longer found by search (III.6.d) — by its subject or its number.
    from app.documents.fulltext.models import SearchEntry
    from app.documents.fulltext.query import SearchQuery, search
    from app.incoming import handling
    from app.incoming.models_handling import IncomingExtension, IncomingNote
    from tests.incoming.test_handling import in_handling

    office = incoming_office
    with unit_of_work():
        document, _instance, _handle = in_handling(office, signed_pdf)
        handling.record_progress(office.spec_a1, document.id, "Đã tổng hợp số liệu", percent=40)
        handling.request_extension(office.spec_a1, document.id, reason="Chờ số liệu", proposed_date=date(2026, 12, 2))
    assert [hit.entry.object_id for hit in search(office.clerk, SearchQuery(q=METADATA["subject"])).hits] == [
        document.id
    ]
    with unit_of_work():
        recall.request_recall(None, document.id, note=NOTE)
    with unit_of_work():
        recall.accept_recall(office.clerk, document.id)
    for model in (IncomingExtension, IncomingNote):
        assert db.session.scalar(sa.select(sa.func.count()).where(model.document_id == document.id)) == 0
    assert search(office.clerk, SearchQuery(q=METADATA["subject"])).hits == []
    entries = sa.select(sa.func.count()).where(SearchEntry.kind == "incoming", SearchEntry.object_id == document.id)
    assert db.session.scalar(entries) == 0
