"""Lists and lookups of incoming documents, scoped to one agency (design.md §8 tenancy)."""

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

import sqlalchemy as sa
from sqlalchemy.orm import selectinload

from app.core import clock
from app.core.db import db
from app.documents.search import folded_search
from app.incoming import permissions
from app.incoming.models import IncomingAssignment, IncomingDocument, IncomingStatus
from app.org.models import User

PAGE = 50
OPEN = (IncomingStatus.RECEIVED, IncomingStatus.REGISTERED, IncomingStatus.DIRECTED, IncomingStatus.HANDLING)


@dataclass
class IncomingFilter:
    q: str | None = None  # words of the trích yếu, diacritics optional
    number: int | None = None  # số đến
    symbol: str | None = None  # số/ký hiệu as written
    sender: str | None = None
    date_from: date | None = None  # ngày đến, local dates
    date_to: date | None = None
    status: str | None = None
    urgency: str | None = None
    lead_unit_id: int | None = None
    overdue: bool = False
    year: int | None = None


def _local_start(day: date) -> datetime:
    return datetime.combine(day, time.min, tzinfo=clock.LOCAL_TZ)


def _symbol_contains(text: str):
    """Part of the số/ký hiệu as printed ("567/STC-NS"): "567/STC", "STC-NS", "BTNMT" (ASCII: upper() suffices)."""
    printed = (
        sa.func.coalesce(IncomingDocument.code_number, "") + "/" + sa.func.coalesce(IncomingDocument.code_notation, "")
    )
    return sa.func.upper(printed).contains(text.strip().upper(), autoescape=True)


def search(user: User, flt: IncomingFilter, *, before_id: int | None = None, limit: int = PAGE):
    """The documents `user` may see (app.incoming.permissions), newest arrivals first; page on by id."""
    query = sa.select(IncomingDocument).where(permissions.visible_filter(user))
    if flt.q and flt.q.strip():
        # One search box: trích yếu, the sender, or part of the số/ký hiệu ("567/STC", "BTNMT").
        query = query.where(
            sa.or_(
                *(c for c in (folded_search(IncomingDocument.subject_folded, flt.q),) if c is not None),
                *(c for c in (folded_search(IncomingDocument.sender_folded, flt.q),) if c is not None),
                _symbol_contains(flt.q),
            )
        )
    if flt.number:
        query = query.where(IncomingDocument.arrival_number == flt.number)
    if flt.year:
        query = query.where(IncomingDocument.arrival_year == flt.year)
    if flt.symbol and flt.symbol.strip():
        query = query.where(_symbol_contains(flt.symbol))
    if flt.sender and (condition := folded_search(IncomingDocument.sender_folded, flt.sender)) is not None:
        query = query.where(condition)
    if flt.date_from:
        query = query.where(IncomingDocument.arrived_at >= _local_start(flt.date_from))
    if flt.date_to:
        query = query.where(IncomingDocument.arrived_at < _local_start(flt.date_to + timedelta(days=1)))
    if flt.status:
        query = query.where(IncomingDocument.status == flt.status)
    if flt.urgency:
        query = query.where(IncomingDocument.urgency == flt.urgency)
    if flt.lead_unit_id:
        query = query.where(IncomingDocument.lead_unit_id == flt.lead_unit_id)
    if flt.overdue:
        today = clock.to_local(clock.now()).date()
        query = query.where(IncomingDocument.status.in_(OPEN), IncomingDocument.handling_due < today)
    if before_id:
        query = query.where(IncomingDocument.id < before_id)
    return list(db.session.scalars(query.order_by(IncomingDocument.id.desc()).limit(limit)))


def possible_duplicates(document: IncomingDocument) -> list[IncomingDocument]:
    """Documents already received with the same mã định danh, or the same số, ký hiệu and sender.

    NĐ 30/2020 Phụ lục VI III.1.h: warn the clerk when these repeat.
    """
    # Case-insensitive on the ký hiệu: "TTr-UBND" and "TTR-UBND" are the same document (ASCII, so SQLite's
    # upper() suffices); the sender's name is compared as typed.
    same = []
    if document.document_key:
        same.append(sa.func.upper(IncomingDocument.document_key) == document.document_key.upper())
    if document.code_number and document.code_notation:
        same.append(
            sa.and_(
                IncomingDocument.code_number == document.code_number,
                sa.func.upper(IncomingDocument.code_notation) == document.code_notation.upper(),
                IncomingDocument.sender_name == document.sender_name,
            )
        )
    if not same:
        return []
    return list(
        db.session.scalars(
            sa.select(IncomingDocument)
            .where(IncomingDocument.agency_id == document.agency_id, IncomingDocument.id != document.id, sa.or_(*same))
            .order_by(IncomingDocument.id)
            .limit(10)
        )
    )


def register_entries(register_id: int, year: int, date_from: date | None = None, date_to: date | None = None):
    """The rows of a sổ đăng ký văn bản đến, by số đến."""
    query = sa.select(IncomingDocument).where(
        IncomingDocument.register_id == register_id, IncomingDocument.arrival_year == year
    )
    if date_from:
        query = query.where(IncomingDocument.arrived_at >= _local_start(date_from))
    if date_to:
        query = query.where(IncomingDocument.arrived_at < _local_start(date_to + timedelta(days=1)))
    # The books print each row's assignments (chủ trì, phối hợp): load them up front, not one query per row.
    assignments = selectinload(IncomingDocument.assignments)
    query = query.options(
        assignments.selectinload(IncomingAssignment.unit), assignments.selectinload(IncomingAssignment.user)
    )
    return list(db.session.scalars(query.order_by(IncomingDocument.arrival_number)))
