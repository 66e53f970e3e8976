"""The search catalogue (one row per searchable document), saved searches and each person's choice of columns.

The dialect's index over the catalogue is not a model: on PostgreSQL a GIN index on the weighted tsvector of the
folded columns, on SQLite an FTS5 table kept by app.documents.fulltext.indexing. Migration 0018 creates them;
`UNMODELLED` names them so the models-versus-migrations comparison leaves them alone.
"""

from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from app.core import clock
from app.core.db import UTCDateTime, db

# Objects of the search index that only the migration creates (dialect-specific): never compared with the models.
FTS_TABLE = "search_fts"  # SQLite FTS5 (and its shadow tables search_fts_*)
PG_COLUMN = "search_tsv"  # PostgreSQL: the weighted tsvector, stored (parsed once, not at every query)
PG_INDEX = "ix_search_entry_tsv"  # PostgreSQL GIN on it
UNMODELLED = (FTS_TABLE, PG_COLUMN, PG_INDEX)


def is_unmodelled(name: str | None) -> bool:
    """True for the index objects above (the FTS5 table's shadow tables included)."""
    return bool(name) and any(name == n or name.startswith(f"{n}_") for n in UNMODELLED)


class SearchEntry(db.Model):
    """One document as the search sees it: display values of its metadata, folded words, its PDFs' text."""

    __tablename__ = "search_entry"
    __table_args__ = (
        sa.UniqueConstraint("kind", "object_id", name="uq_search_entry_object"),
        sa.Index("ix_search_entry_agency", "agency_id", "kind"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    agency_id: Mapped[int] = mapped_column(sa.ForeignKey("agency.id"))
    kind: Mapped[str] = mapped_column(sa.String(16))  # "incoming", "outgoing": the source's kind
    object_id: Mapped[int] = mapped_column()
    # Display values, as the document shows them (the result list's columns, the exports).
    symbol: Mapped[str] = mapped_column(sa.String(100), default="")  # số/ký hiệu
    subject: Mapped[str] = mapped_column(sa.String(500), default="")  # trích yếu
    party: Mapped[str] = mapped_column(sa.String(1000), default="")  # nơi gửi (đến) / nơi nhận (đi)
    type_name: Mapped[str] = mapped_column(sa.String(100), default="")
    signer: Mapped[str] = mapped_column(sa.String(200), default="")
    urgency: Mapped[str] = mapped_column(sa.String(16), default="")
    status: Mapped[str] = mapped_column(sa.String(16), default="")
    number: Mapped[int | None] = mapped_column()  # số đến / số đi
    year: Mapped[int | None] = mapped_column()
    issued_date: Mapped[date | None] = mapped_column(sa.Date)  # ngày ban hành
    arrival_date: Mapped[date | None] = mapped_column(sa.Date)  # ngày đến (văn bản đến)
    # Folded words (fold_vietnamese, punctuation dropped): what the index matches.
    subject_folded: Mapped[str] = mapped_column(sa.String(500), default="")
    party_folded: Mapped[str] = mapped_column(sa.String(1000), default="")
    signer_folded: Mapped[str] = mapped_column(sa.String(200), default="")
    title_folded: Mapped[str] = mapped_column(sa.Text, default="")  # số/ký hiệu + trích yếu: ranked first
    meta_folded: Mapped[str] = mapped_column(sa.Text, default="")  # every other metadata field
    body: Mapped[str] = mapped_column(sa.Text, default="")  # the PDFs' text as extracted (for the snippet)
    body_folded: Mapped[str] = mapped_column(sa.Text, default="")
    files_digest: Mapped[str] = mapped_column(sa.String(64), default="")  # the PDFs the document has now
    body_digest: Mapped[str] = mapped_column(sa.String(64), default="")  # the PDFs whose text is in `body`
    body_pending: Mapped[bool] = mapped_column(default=False, index=True)  # the job has text to extract
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=clock.now)


class SavedSearch(db.Model):
    """A person's named query (NĐ 30/2020 Phụ lục VI III.6.e), with the columns to show (III.6.đ)."""

    __tablename__ = "saved_search"
    __table_args__ = (sa.UniqueConstraint("user_id", "name", name="uq_saved_search_name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("user_account.id"), index=True)
    name: Mapped[str] = mapped_column(sa.String(100))
    params: Mapped[dict] = mapped_column(sa.JSON)  # the query's fields (SearchQuery.to_params)
    columns: Mapped[list | None] = mapped_column(sa.JSON)  # None: the person's chosen columns
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=clock.now)


class SearchColumns(db.Model):
    """The result-list columns a person chose (NĐ 30/2020 Phụ lục VI III.6.đ), kept between searches."""

    __tablename__ = "search_columns"

    user_id: Mapped[int] = mapped_column(sa.ForeignKey("user_account.id"), primary_key=True)
    columns: Mapped[list] = mapped_column(sa.JSON)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=clock.now, onupdate=clock.now)
