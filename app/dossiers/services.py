"""Opening a dossier and describing it while it is open (NĐ 30/2020 Điều 29.2; Phụ lục VI Phần II.III).

A dossier is opened from an entry of the agency's issued Danh mục hồ sơ — its title, số và ký hiệu and retention are
the entry's, its year the plan's — or ad hoc, for work the plan did not foresee (Điều 29.2.c: "trường hợp hồ sơ
không có trong Danh mục hồ sơ, cá nhân được giao nhiệm vụ … tự xác định các thông tin: tiêu đề hồ sơ, số và ký hiệu
hồ sơ, thời hạn bảo quản, người lập hồ sơ và thời gian bắt đầu"). Either way the FileCode is
OrganId.năm.số và ký hiệu (Phụ lục VI Phần II.III 1.1–1.3), unique in the agency.
"""

import re
from datetime import date

import sqlalchemy as sa

from app.audit import services as audit
from app.core import clock
from app.core.db import db
from app.core.errors import Conflict, NotFound, PermissionDenied, ValidationError
from app.core.transaction import unit_of_work
from app.dossiers import codes, permissions
from app.dossiers.case import start_case
from app.dossiers.filing import lock, require_open
from app.dossiers.models import Dossier, FilePlan, FilePlanEntry
from app.dossiers.states import PlanStatus
from app.org.models import Agency, User

# Số và ký hiệu hồ sơ: "01.TCCB", "15.VP-TH" — letters, digits, dots and dashes (it becomes part of the FileCode).
NOTATION = re.compile(r"^[0-9A-Za-z][0-9A-Za-z.\-]{0,19}$")
KINDS = {"general": "Hồ sơ công việc", "construction": "Hồ sơ xây dựng cơ bản"}
# What the creator may describe while the dossier is open; title, code and retention are fixed at closing
# (Điều 29.4: "kiểm tra, chỉnh sửa tiêu đề, số và ký hiệu hồ sơ, thời hạn bảo quản").
DESCRIBABLE = ("description", "keywords", "rights", "language", "kind", "settled_on")


def file_code(agency: Agency, year: int, notation: str) -> str:
    """FileCode = OrganId + "." + FileCatalog + "." + FileNotation (Phụ lục VI Phần II.III 1.1–1.3)."""
    return f"{agency.code}.{year}.{notation}"


def get_dossier(user: User, dossier_id: int) -> Dossier:
    """The dossier `user` may see, or 404 (another agency's, one not theirs: the same answer)."""
    return permissions.require_view(user, db.session.get(Dossier, dossier_id))


# ---- the plan's entries a person opens ----------------------------------------------------------------------


def plan_entries(user: User, year: int) -> list[FilePlanEntry]:
    """The entries of the agency's issued plan of `year` that `user` is to keep (permissions.can_open_entry), those
    already opened included (the page links them to their dossier); `app.dossiers.plan.open_entries` leaves those
    out."""
    query = (
        sa.select(FilePlanEntry)
        .join(FilePlan, FilePlan.id == FilePlanEntry.plan_id)
        .where(
            FilePlan.agency_id == user.agency_id,
            FilePlan.year == year,
            FilePlan.status == PlanStatus.APPROVED,
            permissions.open_entry_filter(user),
        )
        .order_by(FilePlanEntry.position, FilePlanEntry.id)
    )
    return list(db.session.scalars(query))


def opened_entries(entry_ids: list[int]) -> dict[int, Dossier]:
    """entry id → the dossier already opened from it."""
    if not entry_ids:
        return {}
    rows = db.session.scalars(sa.select(Dossier).where(Dossier.entry_id.in_(entry_ids)))
    return {d.entry_id: d for d in rows}


# ---- opening -------------------------------------------------------------------------------------------------


def open_from_entry(actor: User, entry_id: int, *, start_date: date | None = None) -> Dossier:
    """Open the dossier of a file-plan entry: one per entry; by its responsible person or a member of its unit."""
    entry = db.session.get(FilePlanEntry, entry_id)
    if entry is None or entry.plan.agency_id != actor.agency_id or not actor.is_active:
        raise NotFound("Không tìm thấy hồ sơ trong Danh mục hồ sơ.", code="plan_entry_not_found")
    if entry.plan.status != PlanStatus.APPROVED:
        raise Conflict("Danh mục hồ sơ chưa được ban hành: chưa mở được hồ sơ.", code="plan_not_approved")
    if not permissions.can_open_entry(actor, entry):
        raise PermissionDenied(
            "Hồ sơ này do người hoặc đơn vị khác lập theo Danh mục hồ sơ.", code="not_entry_responsible"
        )
    if db.session.scalar(sa.select(Dossier.id).where(Dossier.entry_id == entry.id)) is not None:
        raise Conflict("Hồ sơ này đã được mở.", code="dossier_exists")
    _require_begun(start_date)
    dossier = Dossier(
        agency_id=entry.plan.agency_id,
        year=entry.plan.year,
        entry_id=entry.id,
        notation=entry.notation,
        title=entry.title,
        maintenance=entry.maintenance,
        retention_years=entry.retention_years,
        start_date=start_date or clock.local_today(),
    )
    return _open(actor, dossier, summary="theo Danh mục hồ sơ")


def open_ad_hoc(
    actor: User,
    *,
    title: str,
    notation: str,
    maintenance: str,
    retention_years: int | None = None,
    start_date: date | None = None,
    **described,
) -> Dossier:
    """Open a dossier the plan did not foresee (Điều 29.2.c): the creator sets its title, số và ký hiệu, retention
    and start; the year is the start date's. The notation must not be one of that year's plan or another dossier."""
    if not permissions.can_open(actor, actor.agency_id):
        raise PermissionDenied("Bạn không được lập hồ sơ.", code="permission_denied")
    start_date = start_date or clock.local_today()
    errors = {}
    title, notation = (title or "").strip(), (notation or "").strip()
    if not title:
        errors["title"] = "Nhập tiêu đề hồ sơ."
    elif len(title) > 500:
        errors["title"] = "Tiêu đề tối đa 500 ký tự."
    if not NOTATION.match(notation):
        errors["notation"] = "Số và ký hiệu hồ sơ gồm chữ, số, dấu chấm, gạch ngang (tối đa 20 ký tự), ví dụ 15.TH."
    years = _retention(maintenance, retention_years, errors)
    if problem := clock.future_problem(start_date, "Thời gian bắt đầu"):
        errors["start_date"] = problem  # the year of the dossier's code is the start's
    if errors:
        raise ValidationError("Thông tin hồ sơ chưa hợp lệ.", code="dossier_invalid", details=errors)
    year = start_date.year
    if _notation_taken(actor.agency_id, year, notation):
        raise Conflict(
            f"Số và ký hiệu hồ sơ “{notation}” đã có trong Danh mục hồ sơ hoặc ở hồ sơ khác năm {year}.",
            code="notation_taken",
            details={"notation": "Đã được dùng."},
        )
    dossier = Dossier(
        agency_id=actor.agency_id,
        year=year,
        entry_id=None,
        notation=notation,
        title=title,
        maintenance=maintenance,
        retention_years=years,
        start_date=start_date,
    )
    _apply_description(dossier, described)
    return _open(actor, dossier, summary="phát sinh ngoài Danh mục (Điều 29.2.c)")


def _require_begun(start_date: date | None) -> None:
    if start_date is not None and (problem := clock.future_problem(start_date, "Thời gian bắt đầu")):
        raise ValidationError(problem, code="dossier_invalid", details={"start_date": problem})


def _open(actor: User, dossier: Dossier, *, summary: str) -> Dossier:
    dossier.file_code = file_code(actor.agency, dossier.year, dossier.notation)
    dossier.creator_id, dossier.unit_id = actor.id, actor.unit_id
    try:
        with unit_of_work():  # a savepoint: a parallel opening of the same code loses on the unique constraint
            db.session.add(dossier)
            db.session.flush()
    except sa.exc.IntegrityError as exc:
        raise Conflict("Hồ sơ có số và ký hiệu này đã được mở.", code="notation_taken") from exc
    audit.record(
        actor,
        "dossier.open",
        dossier,
        summary=f"Mở hồ sơ {dossier.file_code} “{dossier.title[:200]}” ({summary})",
        changes={"file_code": dossier.file_code, "entry_id": dossier.entry_id, "maintenance": dossier.maintenance},
    )
    start_case(actor, dossier)  # the case follows the dossier: "Lập hồ sơ" in its creator's inbox
    return dossier


def _notation_taken(agency_id: int, year: int, notation: str) -> bool:
    folded = notation.upper()
    in_plan = (
        sa.select(FilePlanEntry.id)
        .join(FilePlan, FilePlan.id == FilePlanEntry.plan_id)
        .where(FilePlan.agency_id == agency_id, FilePlan.year == year, sa.func.upper(FilePlanEntry.notation) == folded)
    )
    in_dossiers = sa.select(Dossier.id).where(
        Dossier.agency_id == agency_id, Dossier.year == year, sa.func.upper(Dossier.notation) == folded
    )
    return db.session.scalar(sa.select(sa.or_(in_plan.exists(), in_dossiers.exists()))) or False


def _retention(maintenance: str, retention_years: int | None, errors: dict) -> int | None:
    """The retention in years of a TT 05/2025 code ("07" Khác: the years given)."""
    if maintenance not in codes.MAINTENANCE:
        errors["maintenance"] = "Chọn thời hạn bảo quản."
        return None
    if maintenance == "07":
        if not retention_years or not 1 <= retention_years <= 200:
            errors["retention_years"] = "Nhập số năm bảo quản (1–200)."
        return retention_years
    return codes.years_of(maintenance)


# ---- describing while open -----------------------------------------------------------------------------------


def describe_dossier(actor: User, dossier_id: int, values: dict, *, version: int | None = None) -> Dossier:
    """Change the description of an open dossier (mô tả, từ khóa, chế độ sử dụng, ngôn ngữ, loại hồ sơ): its
    creator. A stale form (another change since it was read) is refused."""
    dossier = get_dossier(actor, dossier_id)
    permissions.require_edit(actor, dossier)
    dossier = lock(dossier.id)
    require_open(dossier)
    if version is not None and version != dossier.version:
        raise Conflict("Hồ sơ vừa được người khác thay đổi, vui lòng tải lại trang.", code="stale_version")
    before = {name: _plain(getattr(dossier, name)) for name in DESCRIBABLE}
    _apply_description(dossier, {k: v for k, v in values.items() if k in DESCRIBABLE})
    after = {name: _plain(getattr(dossier, name)) for name in DESCRIBABLE}
    changes = {name: [before[name], after[name]] for name in DESCRIBABLE if before[name] != after[name]}
    if changes:
        dossier.version += 1
        summary = f"Sửa thông tin hồ sơ {dossier.file_code}"
        audit.record(actor, "dossier.describe", dossier, summary=summary, changes=changes)
    return dossier


def _plain(value):
    return value.isoformat() if isinstance(value, date) else value


def _apply_description(dossier: Dossier, values: dict) -> None:
    errors = {}
    for name, value in values.items():
        if name in ("description", "keywords"):
            text = (value or "").strip()
            if len(text) > 500:
                errors[name] = "Tối đa 500 ký tự."
            setattr(dossier, name, text or None)
        elif name == "rights":
            if value not in codes.RIGHTS:
                errors[name] = "Chọn chế độ sử dụng."
            dossier.rights = value
        elif name == "language":
            listed = value if isinstance(value, list) else str(value or "").split(",")
            parts = [p.strip() for p in listed if p.strip()]
            if not parts or any(p not in codes.LANGUAGES for p in parts):
                errors[name] = "Chọn ngôn ngữ."
            dossier.language = ",".join(parts)
        elif name == "kind":
            if value not in KINDS:
                errors[name] = "Chọn loại hồ sơ."
            dossier.kind = value
        elif name == "settled_on":
            dossier.settled_on = value or None
    if dossier.settled_on is not None and dossier.kind != "construction":
        errors["settled_on"] = "Chỉ hồ sơ xây dựng cơ bản có ngày quyết toán công trình."
    if errors:
        raise ValidationError("Thông tin hồ sơ chưa hợp lệ.", code="dossier_invalid", details=errors)
