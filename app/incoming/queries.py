"""Lists and lookups of incoming documents, scoped to one agency (design.md §8 tenancy)."""

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

import sqlalchemy as sa
from sqlalchemy.orm import selectinload

from app.core import clock
from app.core.db import db
from app.core.folding import folded_search
from app.documents.symbols import normalized_agency_name, normalized_code, normalized_key, normalized_number
from app.incoming import permissions
from app.incoming.models import IncomingAssignment, IncomingDocument, IncomingStatus
from app.org.models import User

PAGE = 50
COUNT_CAP = 1000  # counts stop here, like the inbox's ("1000+")
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
    channel: str | None = None  # electronic | paper (app.incoming.models.Channel)


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
    query = _filtered(sa.select(IncomingDocument), user, flt)
    if before_id:
        query = query.where(IncomingDocument.id < before_id)
    return list(db.session.scalars(query.order_by(IncomingDocument.id.desc()).limit(limit)))


def count_query(user: User, flt: IncomingFilter, cap: int = COUNT_CAP):
    """How many documents `search` lists under `flt`, counted up to `cap`: a scalar subquery, so that a page's
    figures run as one statement (app.core.home.fetch_counts)."""
    capped = _filtered(sa.select(IncomingDocument.id), user, flt).limit(cap).subquery()
    return sa.select(sa.func.count()).select_from(capped).scalar_subquery()


def _filtered(query: sa.Select, user: User, flt: IncomingFilter) -> sa.Select:
    """`query` narrowed to what `user` may see and `flt` asks: one rule for the list and its counts."""
    query = query.where(permissions.visible_filter(user))
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
    if flt.channel:
        query = query.where(IncomingDocument.channel == flt.channel)
    if flt.lead_unit_id:
        query = query.where(IncomingDocument.lead_unit_id == flt.lead_unit_id)
    if flt.overdue:
        today = clock.to_local(clock.now()).date()
        query = query.where(IncomingDocument.status.in_(OPEN), IncomingDocument.handling_due < today)
    return query


def is_overdue(document: IncomingDocument, today: date) -> bool:
    """The "Quá hạn" filter's rule above, for a document already loaded (the list marks its deadline red)."""
    return document.status in OPEN and document.handling_due is not None and document.handling_due < today


@dataclass
class Duplicate:
    """A document already received that may be this one, and why (Phụ lục VI III.1.h)."""

    document: IncomingDocument
    reasons: list[str]  # "document_key": the same mã định danh; "symbol": the same số, ký hiệu and sender

    @property
    def label(self) -> str:
        doc = self.document
        issued = f", ngày {doc.issued_date:%d/%m/%Y}" if doc.issued_date else ""
        arrival = f" (số đến {doc.arrival_label}/{doc.arrival_year})" if doc.arrival_number else ""
        return f"{doc.symbol or '—'} — {doc.sender_name}{issued}{arrival}"

    def as_dict(self) -> dict:
        doc = self.document
        return {
            "id": doc.id,
            "label": self.label,
            "symbol": doc.symbol,
            "sender_name": doc.sender_name,
            "issued_date": doc.issued_date,
            "arrival_number": doc.arrival_number,
            "arrival_year": doc.arrival_year,
            "status": doc.status,
            "reasons": self.reasons,
        }


def find_duplicates(document: IncomingDocument, viewer: User | None = None, *, limit: int = 10) -> list[Duplicate]:
    """Documents of the same agency already received with the same mã định danh, or the same số, ký hiệu and
    sender (and ngày ban hành when both have one).

    NĐ 30/2020 Phụ lục VI III.1.h: warn the clerk when the mã định danh, or all three of số, ký hiệu and tên cơ
    quan ban hành, repeat. Written variants count as the same: "05" and "5", "QĐ-UBND" and "qd - ubnd", the sender's
    code, or else its name with diacritics, case, spacing and "UBND"/"Ủy ban nhân dân" folded
    (app.documents.symbols). Candidates are narrowed in SQL by the number (leading zeros trimmed, as
    `normalized_number` does), then compared in Python. A recalled document is destroyed: never a duplicate.
    With `viewer`, only documents the viewer may see (`permissions.visible_filter`: a clerk all of the agency's, a
    specialist those that concern them): a warning never names, nor links to, a document its reader may not open.
    """
    code = normalized_code(document.code_number, document.code_notation)
    key = normalized_key(document.document_key)
    if code is None and key is None:
        return []
    number = normalized_number(document.code_number)
    query = sa.select(IncomingDocument).where(
        IncomingDocument.agency_id == document.agency_id,
        IncomingDocument.id != document.id,
        IncomingDocument.status != IncomingStatus.RECALLED,
        sa.func.upper(sa.func.ltrim(sa.func.trim(IncomingDocument.code_number), "0")) == number.lstrip("0"),
    )
    if viewer is not None:
        query = query.where(permissions.visible_filter(viewer))
    if document.issued_date is not None:
        query = query.where(
            sa.or_(IncomingDocument.issued_date == document.issued_date, IncomingDocument.issued_date.is_(None))
        )
    found = []
    for other in db.session.scalars(query.order_by(IncomingDocument.id).limit(200)):
        reasons = []
        if key is not None and normalized_key(other.document_key) == key:
            reasons.append("document_key")
        same_code = code is not None and normalized_code(other.code_number, other.code_notation) == code
        if same_code and _same_sender(document, other):
            reasons.append("symbol")
        if reasons:
            found.append(Duplicate(other, reasons))
    return found[:limit]


def _same_sender(one: IncomingDocument, other: IncomingDocument) -> bool:
    """The sender's code decides when both have one; otherwise its name, folded (app.documents.symbols)."""
    if one.sender_code and other.sender_code:
        return one.sender_code.strip().upper() == other.sender_code.strip().upper()
    name = normalized_agency_name(one.sender_name)
    return bool(name) and name == normalized_agency_name(other.sender_name)


def possible_duplicates(document: IncomingDocument, viewer: User | None = None) -> list[IncomingDocument]:
    """The documents `find_duplicates` names (for the pages)."""
    return [duplicate.document for duplicate in find_duplicates(document, viewer)]


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
