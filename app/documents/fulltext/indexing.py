"""Keeping the search catalogue in step with the documents.

Metadata: any flush that adds, changes or deletes an object a source watches marks its document; before the
transaction commits, the document's `SearchEntry` is rewritten from the source's description — in the same
transaction, so a document is findable by its metadata the moment it exists, and a rolled-back change leaves the
catalogue as it was. A failure here never breaks the user's action: it runs in a savepoint and the document is
left for the reindex command.

PDF text (NĐ 30/2020 Phụ lục VI III.6.d, "nội dung của văn bản"): extracting it is slow, so it is never done in
the transaction. The entry records the digest of the PDFs it should have read (`files_digest`) and flags itself
`body_pending`. Once the user's unit of work has committed, its documents' text is read at once (after the
response's data is safe: a failure there only leaves the entry pending), so what was just received is found by its
content; the scheduler's job `documents.index_pdf_text` reads whatever is still pending (a restart, a failure,
data written outside a unit of work), each document in its own unit of work (app.documents.fulltext.jobs).
"""

import hashlib
import io
import logging

import sqlalchemy as sa
from flask import current_app
from sqlalchemy import event
from sqlalchemy.orm import Session

from app.core import clock
from app.core.transaction import after_commit, in_unit_of_work, unit_of_work
from app.documents.fulltext.models import FTS_TABLE, PG_COLUMN, PG_INDEX, SearchEntry
from app.documents.fulltext.sources import SOURCES, EntryFields
from app.documents.fulltext.text import BODY_LIMIT, words

log = logging.getLogger(__name__)

_DIRTY = "qlvb.search_dirty"
_AT_ONCE = 5  # documents whose text is read right after their commit; more wait for the job
_MAX_ROUNDS = 5  # describing documents may load (and flush) more; a few rounds settle it

# The weighted vector stored in search_entry.search_tsv on PostgreSQL, with a GIN index on it: trích yếu and số/ký
# hiệu weigh most, the other metadata next, the PDFs' text least. Stored, not an expression index, so that ranking a
# word most documents contain reads the vectors instead of parsing every matching text again (bench/search.py: a
# common word took 2.2 s at 5 000 documents with the expression).
PG_VECTOR = (
    "(setweight(to_tsvector('simple'::regconfig, search_entry.title_folded), 'A') || "
    "setweight(to_tsvector('simple'::regconfig, search_entry.meta_folded), 'B') || "
    "setweight(to_tsvector('simple'::regconfig, search_entry.body_folded), 'D'))"
)
PG_COLUMN_DDL = f"ALTER TABLE search_entry ADD COLUMN {PG_COLUMN} tsvector"
PG_INDEX_DDL = f"CREATE INDEX {PG_INDEX} ON search_entry USING gin ({PG_COLUMN})"
FTS_DDL = f"CREATE VIRTUAL TABLE {FTS_TABLE} USING fts5(title, meta, body, tokenize = 'unicode61 remove_diacritics 2')"


# --- marking -----------------------------------------------------------------------------------------------


def _keys_of(session: Session) -> set[tuple[str, int]]:
    keys = set()
    for bucket in (session.new, session.dirty, session.deleted):
        for obj in bucket:
            for source in SOURCES.values():
                getter = source.watches.get(type(obj))
                if getter is not None and (object_id := getter(obj)) is not None:
                    keys.add((source.kind, object_id))
    return keys


@event.listens_for(Session, "after_flush")
def _mark(session, _flush_context) -> None:
    # After the flush new objects have their ids, and new/dirty/deleted still list what was flushed.
    if SOURCES and not session.info.get("qlvb.search_indexing") and (keys := _keys_of(session)):
        session.info.setdefault(_DIRTY, set()).update(keys)


@event.listens_for(Session, "after_soft_rollback")
def _forget(session, _previous) -> None:
    if not session.in_transaction():
        session.info.pop(_DIRTY, None)


@event.listens_for(Session, "before_commit")
def _index_marked(session) -> None:
    # Savepoints commit too (SQLAlchemy emits before_commit for them): only the outermost commit indexes, once.
    if not SOURCES or session.info.get("qlvb.search_indexing") or session.in_nested_transaction():
        return
    session.flush()
    for _ in range(_MAX_ROUNDS):
        keys = session.info.pop(_DIRTY, set())
        if not keys:
            return
        session.info["qlvb.search_indexing"] = True
        try:
            with session.begin_nested():
                entries = [refresh(session, kind, object_id) for kind, object_id in sorted(keys)]
            pending = [entry.id for entry in entries if entry is not None and entry.body_pending]
            if pending and in_unit_of_work():
                after_commit(lambda ids=pending[:_AT_ONCE]: extract_bodies(ids))
        except Exception:  # the user's action stands; `python -m app search reindex` repairs the entry
            log.exception("search index: could not refresh %s", sorted(keys))
        finally:
            session.info["qlvb.search_indexing"] = False


# --- writing -----------------------------------------------------------------------------------------------


def _digest(digests: list[str]) -> str:
    return hashlib.sha256(" ".join(sorted(set(digests))).encode()).hexdigest() if digests else ""


def _apply(entry: SearchEntry, fields: EntryFields) -> None:
    entry.agency_id = fields.agency_id
    entry.symbol = (fields.symbol or "")[:100]
    entry.subject = (fields.subject or "")[:500]
    entry.party = (fields.party or "")[:1000]
    entry.type_name = (fields.type_name or "")[:100]
    entry.signer = (fields.signer or "")[:200]
    entry.urgency = fields.urgency or ""
    entry.status = fields.status or ""
    entry.number = fields.number
    entry.year = fields.year
    entry.issued_date = fields.issued_date
    entry.arrival_date = fields.arrival_date
    entry.subject_folded = words(fields.subject)[:500]
    entry.party_folded = words(fields.party)[:1000]
    entry.signer_folded = words(fields.signer)[:200]
    entry.title_folded = words(fields.symbol, fields.subject)
    dates = [d.strftime("%d/%m/%Y") for d in (fields.issued_date, fields.arrival_date) if d]
    entry.meta_folded = words(
        fields.party, fields.type_name, fields.signer, fields.number, *dates, *fields.other, fields.urgency
    )
    entry.files_digest = _digest(fields.pdf_digests)
    if entry.files_digest != entry.body_digest:
        # The PDFs changed (a new version, a recall that destroyed them): the old text goes at once, in this
        # transaction (NĐ 30/2020 Phụ lục VI III.8.b: a destroyed document is not found by its content either).
        entry.body, entry.body_folded, entry.body_digest = "", "", ""
    entry.body_pending = entry.files_digest != entry.body_digest
    entry.updated_at = clock.now()


def _write_index(session: Session, entry: SearchEntry) -> None:
    """The entry's row in the full-text index: SQLite's FTS5 table, PostgreSQL's stored vector (GIN-indexed)."""
    if session.get_bind().dialect.name == "postgresql":
        session.execute(sa.text(f"UPDATE search_entry SET {PG_COLUMN} = {PG_VECTOR} WHERE id = :id"), {"id": entry.id})
        return
    if session.get_bind().dialect.name != "sqlite":
        return
    session.execute(sa.text(f"DELETE FROM {FTS_TABLE} WHERE rowid = :id"), {"id": entry.id})
    session.execute(
        sa.text(f"INSERT INTO {FTS_TABLE} (rowid, title, meta, body) VALUES (:id, :title, :meta, :body)"),
        {"id": entry.id, "title": entry.title_folded, "meta": entry.meta_folded, "body": entry.body_folded},
    )


def remove(session: Session, entry: SearchEntry) -> None:
    if session.get_bind().dialect.name == "sqlite":
        session.execute(sa.text(f"DELETE FROM {FTS_TABLE} WHERE rowid = :id"), {"id": entry.id})
    session.delete(entry)
    session.flush()


def _entry(session: Session, kind: str, object_id: int) -> SearchEntry | None:
    return session.scalar(sa.select(SearchEntry).where(SearchEntry.kind == kind, SearchEntry.object_id == object_id))


def refresh(session: Session, kind: str, object_id: int) -> SearchEntry | None:
    """Rewrite one document's entry from its source (remove it when the document is gone)."""
    source = SOURCES.get(kind)
    entry = _entry(session, kind, object_id)
    fields = source.describe(object_id) if source else None
    if fields is None:
        if entry is not None:
            remove(session, entry)
        return None
    indexed = None if entry is None else (entry.title_folded, entry.meta_folded, entry.body_folded)
    if entry is None:
        entry = SearchEntry(kind=kind, object_id=object_id, body_digest="")
        session.add(entry)
    _apply(entry, fields)
    session.flush()
    # Most steps of a procedure change a document's status, not its words: the full-text row (FTS5, or the
    # PostgreSQL vector) is rewritten only when the text it is built from changed (bench/http.py, incoming).
    if (entry.title_folded, entry.meta_folded, entry.body_folded) != indexed:
        _write_index(session, entry)
    return entry


# --- PDF text (after commit, in the job) -------------------------------------------------------------------


def extract_text(data: bytes) -> str:
    """The text of a PDF, page after page (pypdf); empty when the file has none (a scan) or cannot be read."""
    from pypdf import PdfReader

    from app.documents.pdfcheck import bounds_problem

    if bounds_problem(data) is not None:  # a bomb or a looping tree: found by its metadata only
        return ""
    try:
        reader = PdfReader(io.BytesIO(data))
        parts, size = [], 0
        for page in reader.pages:
            text = page.extract_text() or ""
            parts.append(text)
            size += len(text)
            if size >= BODY_LIMIT:
                break
        return "\n".join(parts)[:BODY_LIMIT]
    except Exception:  # a damaged or encrypted PDF is still a document: found by its metadata
        log.warning("search index: no text could be read from a PDF", exc_info=True)
        return ""


def pending_ids(limit: int = 50) -> list[int]:
    from app.core.db import db

    query = sa.select(SearchEntry.id).where(SearchEntry.body_pending.is_(True)).order_by(SearchEntry.id).limit(limit)
    return list(db.session.scalars(query))


def pdf_text_of(entry_id: int) -> tuple[str, str] | None:
    """(files digest, text) of an entry's PDFs as they are now; None when the entry or document is gone."""
    from app.core.db import db

    entry = db.session.get(SearchEntry, entry_id)
    source = SOURCES.get(entry.kind) if entry else None
    fields = source.describe(entry.object_id) if source else None
    if fields is None:
        return None
    blobs = current_app.extensions["qlvb.blobs"]
    texts = [extract_text(blobs.read(d)) for d in fields.pdf_digests if blobs.exists(d)]
    return _digest(fields.pdf_digests), "\n".join(t for t in texts if t)[:BODY_LIMIT]


def store_body(entry_id: int, files_digest: str, body: str) -> bool:
    """Write extracted text into the entry unless its PDFs changed meanwhile (the next run takes them)."""
    from app.core.db import db

    entry = db.session.get(SearchEntry, entry_id)
    if entry is None or entry.files_digest != files_digest:
        return False
    entry.body = body
    entry.body_folded = words(body)
    entry.body_digest = files_digest
    entry.body_pending = False
    db.session.flush()
    _write_index(db.session, entry)
    return True


def extract_bodies(ids: list[int]) -> int:
    """Read the PDFs' text of these entries, each in its own units of work (outside any lock). Returns how many."""
    written = 0
    for entry_id in ids:
        try:
            with unit_of_work():
                read = pdf_text_of(entry_id)
            if read is None:
                continue
            with unit_of_work():
                written += store_body(entry_id, *read)
        except Exception:  # one broken document must not stop the others
            log.exception("search index: reading the PDFs of entry %s failed", entry_id)
    return written


# Databases built with metadata.create_all (not the migrations) get the same index objects.
event.listen(SearchEntry.__table__, "after_create", sa.DDL(FTS_DDL).execute_if(dialect="sqlite"))
event.listen(SearchEntry.__table__, "after_create", sa.DDL(PG_COLUMN_DDL).execute_if(dialect="postgresql"))
event.listen(SearchEntry.__table__, "after_create", sa.DDL(PG_INDEX_DDL).execute_if(dialect="postgresql"))
event.listen(
    SearchEntry.__table__, "before_drop", sa.DDL(f"DROP TABLE IF EXISTS {FTS_TABLE}").execute_if(dialect="sqlite")
)
