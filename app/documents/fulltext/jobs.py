"""The job that reads the PDFs' text into the search catalogue, after the documents' transactions committed.

NĐ 30/2020 Phụ lục VI III.6.d ("nội dung của văn bản"). Extraction is slow and needs no lock: each document's text
is read outside any transaction and written in its own short unit of work, only if its PDFs are still the ones
read (app.documents.fulltext.indexing.store_body). A document whose PDF cannot be read is still marked done:
found by its metadata, not retried forever.
"""

import logging

import sqlalchemy as sa

from app.core.db import db
from app.core.jobs import Job
from app.core.transaction import unit_of_work
from app.documents.fulltext import indexing
from app.documents.fulltext.models import SearchEntry
from app.documents.fulltext.sources import SOURCES

log = logging.getLogger(__name__)
BATCH = 50


def index_pdf_text(limit: int = BATCH) -> int:
    """Extract the text of up to `limit` documents waiting for it. Returns how many were written."""
    with unit_of_work():
        ids = indexing.pending_ids(limit)
    return indexing.extract_bodies(ids)


def index_all_pdf_text() -> int:
    """Run `index_pdf_text` until nothing waits (the reindex command; tests)."""
    total = 0
    while True:
        with unit_of_work():
            waiting = indexing.pending_ids(1)
        if not waiting:
            return total
        done = index_pdf_text()
        total += done
        if not done:  # the rest failed: leave them to the scheduler rather than loop
            return total


def reindex(kinds: list[str] | None = None) -> int:
    """Rewrite every document's entry from its source (existing data, a repaired index). Returns the count."""
    count = 0
    for kind, source in SOURCES.items():
        if (kinds and kind not in kinds) or source.all_ids is None:
            continue
        with unit_of_work():
            ids = list(db.session.scalars(source.all_ids()))
        for start in range(0, len(ids), 200):
            with unit_of_work():
                for object_id in ids[start : start + 200]:
                    indexing.refresh(db.session, kind, object_id)
                    count += 1
    with unit_of_work():  # entries of documents that no longer exist (or of a kind no module declares)
        gone = sa.or_(
            SearchEntry.kind.not_in(list(SOURCES)),
            *(
                sa.and_(SearchEntry.kind == kind, SearchEntry.object_id.not_in(source.all_ids()))
                for kind, source in SOURCES.items()
                if source.all_ids is not None and (not kinds or kind in kinds)
            ),
        )
        for entry in db.session.scalars(sa.select(SearchEntry).where(gone)).all():
            indexing.remove(db.session, entry)
    return count


JOBS = [
    Job(
        id="documents.index_pdf_text",
        func=index_pdf_text,
        seconds=30,
        description="Đọc nội dung tệp PDF của văn bản vào chỉ mục tìm kiếm",
    )
]
