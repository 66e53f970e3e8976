"""Retention of archival records: the archive list, what has expired, and legal holds (phong tỏa).

- `eligible_for_destruction`: archived dossiers of the agency whose thời hạn bảo quản ended (expires_on <= today,
  ix_dossier_expiry), in no active hold and in no destruction list that is still alive (not rejected) — one query.
  Seed 000 Điều 25: the archivist reviews these and proposes the Danh mục tài liệu hết giá trị.
- Holds (Phụ lục VI IV.1.g: "không cho phép xóa, sửa … hồ sơ đang được phong tỏa"): while a hold is active its
  dossiers are refused from destruction lists and from execution (code `dossier_on_hold`).
"""

from datetime import date

import sqlalchemy as sa

from app.audit import services as audit
from app.core import clock
from app.core.db import db
from app.core.errors import Conflict, NotFound, PermissionDenied, ValidationError
from app.core.folding import folded_search
from app.dossiers import permissions
from app.dossiers.models import (
    Dossier,
    DossierDestruction,
    DossierDestructionEntry,
    DossierHold,
    hold_dossier,
)
from app.dossiers.states import DestructionStatus, DossierStatus
from app.org.models import User

PAGE_SIZE = 50


def held_ids_clause(agency_id: int | None = None) -> sa.Select:
    """Ids of dossiers in an active (unreleased) hold (of the agency's holds when given)."""
    query = (
        sa.select(hold_dossier.c.dossier_id)
        .join(DossierHold, DossierHold.id == hold_dossier.c.hold_id)
        .where(DossierHold.released_at.is_(None))
    )
    return query.where(DossierHold.agency_id == agency_id) if agency_id is not None else query


def listed_ids_clause(agency_id: int | None = None) -> sa.Select:
    """Ids of dossiers already in a destruction list that is not rejected nor dropped (of the agency's lists when
    given)."""
    query = (
        sa.select(DossierDestructionEntry.dossier_id)
        .join(DossierDestruction, DossierDestruction.id == DossierDestructionEntry.destruction_id)
        .where(DossierDestruction.status.not_in((DestructionStatus.REJECTED, DestructionStatus.DISCARDED)))
    )
    return query.where(DossierDestruction.agency_id == agency_id) if agency_id is not None else query


def eligible_query(agency_id: int, today: date) -> sa.Select:
    return (
        sa.select(Dossier)
        .where(
            Dossier.agency_id == agency_id,
            Dossier.status == DossierStatus.ARCHIVED,
            Dossier.expires_on.is_not(None),
            Dossier.expires_on <= today,
            Dossier.id.not_in(held_ids_clause(agency_id)),
            Dossier.id.not_in(listed_ids_clause(agency_id)),
        )
        .order_by(Dossier.expires_on, Dossier.file_code)
    )


def eligible_for_destruction(
    agency_id: int, today: date | None = None, *, limit: int | None = None, offset: int = 0
) -> list[Dossier]:
    """The eligible dossiers, soonest expired first; a page of them with `limit` (lists of years of an archive are
    long: bench/dossiers.py measured 1/150 of the cost for a page of 100 against loading 50 000 rows)."""
    query = eligible_query(agency_id, today or clock.local_today())
    if limit is not None:
        query = query.limit(limit).offset(offset)
    return list(db.session.scalars(query))


def count_eligible(agency_id: int, today: date | None = None) -> int:
    query = eligible_query(agency_id, today or clock.local_today()).order_by(None)
    return db.session.scalar(sa.select(sa.func.count()).select_from(query.subquery()))


def is_held(dossier_id: int) -> bool:
    return db.session.scalar(held_ids_clause().where(hold_dossier.c.dossier_id == dossier_id).limit(1)) is not None


def require_not_held(dossier: Dossier) -> None:
    if is_held(dossier.id):
        raise Conflict(
            f"Hồ sơ {dossier.file_code} đang bị phong tỏa: không được đưa vào danh mục hủy hoặc hủy.",
            code="dossier_on_hold",
            details={"dossier_id": str(dossier.id)},
        )


def active_holds_of(dossier: Dossier) -> list[DossierHold]:
    return list(
        db.session.scalars(
            sa.select(DossierHold)
            .join(hold_dossier, hold_dossier.c.hold_id == DossierHold.id)
            .where(hold_dossier.c.dossier_id == dossier.id, DossierHold.released_at.is_(None))
            .order_by(DossierHold.id)
        )
    )


# ---- the archive list ------------------------------------------------------------------------------------------


def archive_list(
    user: User,
    *,
    q: str | None = None,
    year: int | None = None,
    maintenance: str | None = None,
    limit: int = PAGE_SIZE,
    offset: int = 0,
) -> tuple[list[Dossier], int]:
    """Archival records the user may see, searched by code/title, year and retention code."""
    query = sa.select(Dossier).where(permissions.visible_filter(user), Dossier.status == DossierStatus.ARCHIVED)
    if q and q.strip():
        # As the dossier list searches (app.dossiers.queries): words of the title without diacritics, or the code.
        in_title = folded_search(Dossier.title_folded, q)
        in_code = sa.func.upper(Dossier.file_code).like(f"%{q.strip().upper()}%")
        query = query.where(sa.or_(in_title, in_code) if in_title is not None else in_code)
    if year:
        query = query.where(Dossier.year == year)
    if maintenance:
        query = query.where(Dossier.maintenance == maintenance)
    total = db.session.scalar(sa.select(sa.func.count()).select_from(query.subquery()))
    rows = db.session.scalars(query.order_by(Dossier.year.desc(), Dossier.file_code).limit(limit).offset(offset))
    return list(rows), int(total or 0)


# ---- holds -----------------------------------------------------------------------------------------------------


def _require_manage(actor: User, agency_id: int) -> None:
    if not permissions.can_manage_holds(actor, agency_id):
        raise PermissionDenied("Chỉ Lưu trữ cơ quan và lãnh đạo cơ quan được phong tỏa hồ sơ.")


def get_hold(user: User, hold_id: int) -> DossierHold:
    hold = db.session.get(DossierHold, hold_id)
    if hold is None or not permissions.can_manage_holds(user, hold.agency_id):
        raise NotFound("Không tìm thấy lệnh phong tỏa.", code="hold_not_found")
    return hold


def holds(user: User, *, active_only: bool = False) -> list[DossierHold]:
    _require_manage(user, user.agency_id)
    query = sa.select(DossierHold).where(DossierHold.agency_id == user.agency_id)
    if active_only:
        query = query.where(DossierHold.released_at.is_(None))
    return list(db.session.scalars(query.order_by(DossierHold.released_at.is_not(None), DossierHold.id.desc())))


def _hold_dossier(actor: User, dossier_id: int) -> Dossier:
    dossier = db.session.get(Dossier, int(dossier_id))
    if dossier is None or dossier.agency_id != actor.agency_id or dossier.status == DossierStatus.DESTROYED:
        raise NotFound("Không tìm thấy hồ sơ.", code="dossier_not_found")
    return dossier


def create_hold(actor: User, *, name: str, reason: str, dossier_ids: list[int] = ()) -> DossierHold:
    _require_manage(actor, actor.agency_id)
    name, reason = (name or "").strip(), (reason or "").strip()
    errors = {k: "Bắt buộc." for k, v in (("name", name), ("reason", reason)) if not v}
    if errors:
        raise ValidationError("Nhập tên và lý do phong tỏa.", code="hold_invalid", details=errors)
    hold = DossierHold(
        agency_id=actor.agency_id, name=name[:255], reason=reason[:1000], created_by_id=actor.id, created_at=clock.now()
    )
    db.session.add(hold)
    for dossier_id in dict.fromkeys(dossier_ids or ()):
        hold.dossiers.append(_hold_dossier(actor, dossier_id))
    db.session.flush()
    audit.record(
        actor,
        "dossier.hold",
        hold,
        summary=f"Phong tỏa hồ sơ: {hold.name} ({len(hold.dossiers)} hồ sơ)",
        changes={"dossier_ids": [d.id for d in hold.dossiers]},
    )
    return hold


def _open_hold(actor: User, hold_id: int) -> DossierHold:
    hold = get_hold(actor, hold_id)
    if hold.released_at is not None:
        raise Conflict("Lệnh phong tỏa đã được gỡ.", code="hold_released")
    return hold


def add_to_hold(actor: User, hold_id: int, dossier_id: int) -> DossierHold:
    hold = _open_hold(actor, hold_id)
    dossier = _hold_dossier(actor, dossier_id)
    if dossier not in hold.dossiers:
        hold.dossiers.append(dossier)
        db.session.flush()
        audit.record(actor, "dossier.hold_add", hold, summary=f"Phong tỏa thêm hồ sơ {dossier.file_code}")
    return hold


def remove_from_hold(actor: User, hold_id: int, dossier_id: int) -> DossierHold:
    hold = _open_hold(actor, hold_id)
    dossier = next((d for d in hold.dossiers if d.id == int(dossier_id)), None)
    if dossier is None:
        raise NotFound("Hồ sơ không thuộc lệnh phong tỏa này.", code="dossier_not_found")
    hold.dossiers.remove(dossier)
    db.session.flush()
    audit.record(actor, "dossier.hold_remove", hold, summary=f"Gỡ phong tỏa hồ sơ {dossier.file_code}")
    return hold


def release_hold(actor: User, hold_id: int, *, note: str) -> DossierHold:
    note = (note or "").strip()
    if not note:
        raise ValidationError("Nhập lý do gỡ phong tỏa.", code="release_note_required", details={"note": "Bắt buộc."})
    hold = _open_hold(actor, hold_id)
    hold.released_at, hold.released_by_id, hold.release_note = clock.now(), actor.id, note[:1000]
    audit.record(actor, "dossier.hold_release", hold, summary=f"Gỡ phong tỏa: {hold.name}. {note[:300]}")
    return hold
