"""Read-only lookups for document types, registers, counters and number assignments."""

import sqlalchemy as sa

from app.core.db import db
from app.core.errors import NotFound
from app.core.folding import folded_search
from app.documents.models import DocumentType, NumberAssignment, Register, RegisterCounter, RegisterKind


def get_document_type(type_id: int) -> DocumentType:
    found = db.session.get(DocumentType, type_id)
    if found is None:
        raise NotFound("Không tìm thấy loại văn bản.", code="document_type_not_found")
    return found


def _visible_to(agency_id: int | None):
    """Global types, plus the agency's own."""
    if agency_id is None:
        return DocumentType.agency_id.is_(None)
    return sa.or_(DocumentType.agency_id.is_(None), DocumentType.agency_id == agency_id)


def list_document_types(
    agency_id: int | None,
    *,
    search: str | None = None,
    category: str | None = None,
    active_only: bool = True,
) -> list[DocumentType]:
    """The types an agency can use: the global catalogue (Phụ lục III order) then its own, by name."""
    query = sa.select(DocumentType).where(_visible_to(agency_id))
    if active_only:
        query = query.where(DocumentType.is_active.is_(True))
    if category:
        query = query.where(DocumentType.category == category)
    if (condition := folded_search(DocumentType.name_folded, search)) is not None:
        query = query.where(condition)
    query = query.order_by(DocumentType.agency_id.is_not(None), DocumentType.sort_order, DocumentType.name)
    return list(db.session.scalars(query))


def find_document_type(agency_id: int | None, code: str) -> DocumentType | None:
    """The type with this code for an agency: its own first, then the global one."""
    query = (
        sa.select(DocumentType)
        .where(_visible_to(agency_id), DocumentType.code == (code or "").strip().upper())
        .order_by(DocumentType.agency_id.is_(None))
        .limit(1)
    )
    return db.session.scalar(query)


def get_register(register_id: int) -> Register:
    found = db.session.get(Register, register_id)
    if found is None:
        raise NotFound("Không tìm thấy sổ đăng ký văn bản.", code="register_not_found")
    return found


def list_registers(agency_id: int, *, kind: str | None = None, active_only: bool = False) -> list[Register]:
    query = sa.select(Register).where(Register.agency_id == agency_id)
    if kind:
        query = query.where(Register.kind == kind)
    if active_only:
        query = query.where(Register.is_active.is_(True))
    # Incoming first, the default first within a kind, then by name.
    query = query.order_by(Register.kind, Register.is_default.desc(), Register.name)
    return list(db.session.scalars(query))


def find_default_register(agency_id: int, kind: RegisterKind | str) -> Register | None:
    return db.session.scalar(
        sa.select(Register).where(
            Register.agency_id == agency_id, Register.kind == str(kind), Register.is_default.is_(True)
        )
    )


def last_numbers(register_ids: list[int], year: int) -> dict[int, int]:
    """{register id: last number taken in `year`}; registers without a number yet are absent."""
    if not register_ids:
        return {}
    rows = db.session.execute(
        sa.select(RegisterCounter.register_id, RegisterCounter.last_number).where(
            RegisterCounter.register_id.in_(register_ids), RegisterCounter.year == year
        )
    )
    return dict(rows.tuples().all())


def assignments_of(object_type: str, object_id: int) -> list[NumberAssignment]:
    """The numbers an object was given (one per register), oldest first."""
    query = sa.select(NumberAssignment).where(
        NumberAssignment.object_type == object_type, NumberAssignment.object_id == object_id
    )
    return list(db.session.scalars(query.order_by(NumberAssignment.id)))


def find_assignment(register_id: int, year: int, number: int) -> NumberAssignment | None:
    """Who holds a number of a register in a year (what a printed register line or a "Số đến" stamp points to)."""
    return db.session.scalar(
        sa.select(NumberAssignment).where(
            NumberAssignment.register_id == register_id,
            NumberAssignment.year == year,
            NumberAssignment.number == number,
        )
    )
