"""The file plan (Danh mục hồ sơ) of an agency and a year: headings, entries, numbering, approval, copying.

NĐ 30/2020 Điều 28 and Phụ lục V.I:
- main headings (đề mục lớn) are numbered I, II … and carry the abbreviation that becomes the ký hiệu of their hồ sơ;
  sub-headings (đề mục nhỏ) are numbered 1, 2 … inside their main heading (V.I.1);
- số và ký hiệu hồ sơ = a two-digit number, ".", the main heading's abbreviation (01.TCCB); numbered either through
  the whole plan from 01 ("plan") or from 01 in each main heading ("heading") (V.I.2);
- the head issues the plan (Điều 28; seed 000 Điều 19.2.a). While it is a draft, every change renumbers it; once
  issued, existing numbers never change — a dossier's code (OrganId.year.notation) was made from them — and a new hồ
  sơ (seed 000 Điều 19.2.a: "Cá nhân tự cập nhật bổ sung danh mục hồ sơ phát sinh") takes the next number.

Services take the actor first, check `permissions`, lock the plan's row (so numbering never races) and flush; the
caller's unit of work commits. Headings and entries are `plan_items`, the checks of their values `plan_rules`,
the import from XLSX `plan_import`, the printed forms `plan_print`.
"""

from dataclasses import dataclass
from datetime import date

import sqlalchemy as sa

from app.audit import services as audit
from app.core import clock, inputs
from app.core.db import db
from app.core.errors import Conflict, NotFound, PermissionDenied, ValidationError
from app.core.locking import lock_row
from app.dossiers import permissions
from app.dossiers import plan_rules as rules
from app.dossiers.codes import retention_label
from app.dossiers.models import Dossier, FilePlan, FilePlanEntry, FilePlanHeading
from app.dossiers.states import PLAN_STATUS_LABELS, PlanStatus
from app.org.models import Unit, User

NUMBERINGS = {
    "plan": "Đánh số liên tục trong toàn Danh mục, từ số 01",
    "heading": "Đánh số liên tục trong từng đề mục lớn, từ số 01",
}
BUSY = Conflict("Danh mục hồ sơ đang được người khác cập nhật, vui lòng thử lại.", code="file_plan_busy")
_ROMAN = [(1000, "M"), (900, "CM"), (500, "D"), (400, "CD"), (100, "C"), (90, "XC"), (50, "L"), (40, "XL")]
_ROMAN += [(10, "X"), (9, "IX"), (5, "V"), (4, "IV"), (1, "I")]


def roman(number: int) -> str:
    out = []
    for value, letters in _ROMAN:
        count, number = divmod(number, value)
        out.append(letters * count)
    return "".join(out)


def heading_numeral(heading: FilePlanHeading) -> str:
    """I, II … for a main heading, 1, 2 … for a sub-heading (Phụ lục V.I.1)."""
    return roman(heading.position) if heading.parent_id is None else str(heading.position)


def notation_of(number: int, abbreviation: str) -> str:
    return f"{number:02d}.{abbreviation}"


# ---- reading ---------------------------------------------------------------------------------------------------


def get_plan(user: User, plan_id: int) -> FilePlan:
    """The plan by id, 404 for another agency's."""
    return permissions.require_read_plan(user, db.session.get(FilePlan, plan_id))


def plan_of_year(agency_id: int, year: int) -> FilePlan | None:
    return db.session.scalar(sa.select(FilePlan).where(FilePlan.agency_id == agency_id, FilePlan.year == year))


def plans_of(user: User) -> list[FilePlan]:
    """The agency's plans, the newest year first."""
    query = sa.select(FilePlan).where(FilePlan.agency_id == user.agency_id).order_by(FilePlan.year.desc())
    return list(db.session.scalars(query))


@dataclass(frozen=True)
class Row:
    """A line of the printed plan: a main heading, a sub-heading or an entry (Phụ lục V.II)."""

    kind: str  # "main" | "sub" | "entry"
    heading: FilePlanHeading | None = None
    entry: FilePlanEntry | None = None
    main: FilePlanHeading | None = None  # the main heading an entry or sub-heading belongs to

    @property
    def label(self) -> str:
        if self.kind == "entry":
            return self.entry.title
        return f"{heading_numeral(self.heading)}. {self.heading.title}"


def main_headings(plan: FilePlan) -> list[FilePlanHeading]:
    return sorted((h for h in plan.headings if h.parent_id is None), key=lambda h: h.position)


def sub_headings(plan: FilePlan, main: FilePlanHeading) -> list[FilePlanHeading]:
    return sorted((h for h in plan.headings if h.parent_id == main.id), key=lambda h: h.position)


def entries_of(plan: FilePlan, heading: FilePlanHeading) -> list[FilePlanEntry]:
    return sorted((e for e in plan.entries if e.heading_id == heading.id), key=lambda e: (e.position, e.id or 0))


def outline(plan: FilePlan) -> list[Row]:
    """The plan in print order: each main heading, its own hồ sơ, then each sub-heading and its hồ sơ."""
    rows = []
    for main in main_headings(plan):
        rows.append(Row("main", heading=main, main=main))
        rows += [Row("entry", entry=e, main=main) for e in entries_of(plan, main)]
        for sub in sub_headings(plan, main):
            rows.append(Row("sub", heading=sub, main=main))
            rows += [Row("entry", entry=e, main=main) for e in entries_of(plan, sub)]
    return rows


@dataclass(frozen=True)
class Counts:
    """The footer of Phụ lục V.II: "… hồ sơ, bao gồm: … vĩnh viễn; … có thời hạn"."""

    total: int
    permanent: int
    term: int


def counts(plan: FilePlan) -> Counts:
    permanent = sum(1 for e in plan.entries if e.maintenance == "01")
    return Counts(len(plan.entries), permanent, len(plan.entries) - permanent)


def status_label(plan: FilePlan) -> str:
    return PLAN_STATUS_LABELS[plan.status]


def retention_of(entry: FilePlanEntry) -> str:
    return retention_label(entry.maintenance, entry.retention_years)


def responsible_label(entry: FilePlanEntry) -> str:
    """Người lập hồ sơ as printed: the person, else the unit."""
    if entry.responsible is not None:
        return entry.responsible.full_name
    if entry.responsible_unit_id is not None:
        unit = db.session.get(Unit, entry.responsible_unit_id)
        return unit.name if unit else ""
    return ""


def open_entries(user: User, year: int) -> list[FilePlanEntry]:
    """The entries of the agency's issued plan of `year` that `user` may open a dossier from
    (`permissions.can_open_entry`: theirs, their unit's, or naming nobody) and nobody has opened yet (seed 000 Điều
    19.2.a: "Văn phòng … cập nhật Danh mục hồ sơ cho từng tài khoản đơn vị, cá nhân")."""
    if not user.is_active:
        return []
    opened = sa.select(Dossier.id).where(Dossier.entry_id == FilePlanEntry.id).exists()
    query = (
        sa.select(FilePlanEntry)
        .join(FilePlan, FilePlan.id == FilePlanEntry.plan_id)
        .where(
            FilePlan.agency_id == user.agency_id,
            FilePlan.year == year,
            FilePlan.status == PlanStatus.APPROVED,
            permissions.open_entry_filter(user),
            ~opened,
        )
        .order_by(FilePlanEntry.notation)
    )
    return list(db.session.scalars(query))


# ---- shared checks ---------------------------------------------------------------------------------------------


def lock_plan(actor: User, plan: FilePlan, version: int | None, *, edit: bool = True) -> FilePlan:
    """The plan re-read under its row lock; refused when the actor may not edit it or their form is stale."""
    permissions.require_read_plan(actor, plan)
    if edit and not permissions.can_edit_plan(actor, plan.agency_id):
        raise PermissionDenied("Chỉ văn phòng (văn thư) và lãnh đạo cơ quan được sửa Danh mục hồ sơ.")
    locked = lock_row(FilePlan, plan.id, busy=BUSY, touch="version")
    if version is not None and locked.version != version:
        raise Conflict(
            "Danh mục hồ sơ vừa được người khác thay đổi: tải lại trang rồi thử lại.", code="file_plan_stale"
        )
    return locked


def touch(plan: FilePlan) -> None:
    """Count the change (stale forms are refused) and write it out (services flush, the caller commits)."""
    plan.version = (plan.version or 0) + 1
    db.session.flush()


def require_draft(plan: FilePlan, what: str) -> None:
    if plan.status != PlanStatus.DRAFT:
        raise Conflict(
            f"Danh mục hồ sơ đã ban hành: không thể {what} (số và ký hiệu hồ sơ đã ban hành không được thay đổi).",
            code="file_plan_approved",
        )


def heading_of(plan: FilePlan, heading_id) -> FilePlanHeading:
    heading = db.session.get(FilePlanHeading, heading_id) if isinstance(heading_id, int) else None
    if heading is None or heading.plan_id != plan.id:
        raise NotFound("Không tìm thấy đề mục.", code="heading_not_found")
    return heading


def entry_of(plan: FilePlan, entry_id) -> FilePlanEntry:
    entry = db.session.get(FilePlanEntry, entry_id) if isinstance(entry_id, int) else None
    if entry is None or entry.plan_id != plan.id:
        raise NotFound("Không tìm thấy hồ sơ trong danh mục.", code="entry_not_found")
    return entry


def main_of(heading: FilePlanHeading) -> FilePlanHeading:
    return heading.parent if heading.parent_id is not None else heading


def record(actor, action: str, plan: FilePlan, obj, summary: str, changes: dict | None = None) -> None:
    """Audit a change of the plan (`action`: a code of app.audit.actions, "file_plan.…")."""
    audit.record(actor, action, obj, summary=summary, changes=changes, agency_id=plan.agency_id)


# ---- numbering -------------------------------------------------------------------------------------------------


def renumber(plan: FilePlan) -> None:
    """Give every entry of a draft plan its number and notation from its place in the outline (Phụ lục V.I.2).

    Changed notations pass through a temporary value first: the (plan, notation) unique key is checked row by
    row on PostgreSQL, so swapping 01.TCCB and 02.TCCB directly would collide.
    """
    db.session.flush()
    db.session.expire(plan, ["headings", "entries"])
    counter: dict[int | None, int] = {}
    wanted = []
    for row in outline(plan):
        if row.kind != "entry":
            continue
        key = None if plan.numbering == "plan" else row.main.id
        counter[key] = counter.get(key, 0) + 1
        wanted.append((row.entry, counter[key], notation_of(counter[key], row.main.abbreviation or "")))
    changed = [(e, n, t) for e, n, t in wanted if e.notation != t or e.number != n]
    for index, (entry, _number, _notation) in enumerate(changed):
        entry.notation = f"~t{index}"
    db.session.flush()
    for entry, number, notation in changed:
        entry.number, entry.notation = number, notation
    db.session.flush()


def next_number(plan: FilePlan, main: FilePlanHeading) -> int:
    """The number a hồ sơ added to an issued plan takes: after the last of the plan, or of its main heading."""
    if plan.numbering == "plan":
        numbers = [e.number for e in plan.entries]
    else:
        numbers = [e.number for e in plan.entries if main_of(e.heading).id == main.id]
    return max(numbers, default=0) + 1


# ---- the plan --------------------------------------------------------------------------------------------------


def _check_numbering(numbering: str) -> str:
    if numbering not in NUMBERINGS:
        raise ValidationError(
            "Cách đánh số không hợp lệ.",
            code="numbering_invalid",
            details={"numbering": "Chọn “plan” (toàn Danh mục) hoặc “heading” (từng đề mục lớn)."},
        )
    return numbering


def create_plan(actor: User, year: int, numbering: str = "plan") -> FilePlan:
    """A new draft plan of the actor's agency for `year`."""
    if not permissions.can_edit_plan(actor, actor.agency_id):
        raise PermissionDenied("Chỉ văn phòng (văn thư) và lãnh đạo cơ quan được lập Danh mục hồ sơ.")
    if not isinstance(year, int) or not inputs.YEAR_MIN <= year <= inputs.YEAR_MAX:
        raise ValidationError("Năm không hợp lệ.", code="year_invalid", details={"year": "Năm không hợp lệ."})
    _check_numbering(numbering)
    if plan_of_year(actor.agency_id, year) is not None:
        raise Conflict(f"Cơ quan đã có Danh mục hồ sơ năm {year}.", code="file_plan_exists")
    plan = FilePlan(agency_id=actor.agency_id, year=year, numbering=numbering, created_by_id=actor.id)
    try:
        with db.session.begin_nested():  # two clerks at once: the (agency, year) key decides, the second is told
            db.session.add(plan)
    except sa.exc.IntegrityError as exc:
        raise Conflict(f"Cơ quan đã có Danh mục hồ sơ năm {year}.", code="file_plan_exists") from exc
    record(actor, "file_plan.created", plan, plan, f"Lập Danh mục hồ sơ năm {year}", {"numbering": numbering})
    return plan


def set_numbering(actor: User, plan: FilePlan, numbering: str, *, version: int | None = None) -> FilePlan:
    plan = lock_plan(actor, plan, version)
    require_draft(plan, "đổi cách đánh số")
    _check_numbering(numbering)
    if plan.numbering != numbering:
        before, plan.numbering = plan.numbering, numbering
        renumber(plan)
        touch(plan)
        record(
            actor,
            "file_plan.numbering_set",
            plan,
            plan,
            f"Đổi cách đánh số Danh mục hồ sơ năm {plan.year}",
            {"numbering": [before, numbering]},
        )
    return plan


def approve_plan(
    actor: User, plan: FilePlan, *, decision_number: str, decision_date: date, version: int | None = None
) -> FilePlan:
    """Issue the plan: the head's decision (NĐ 30 Điều 28). From now on its numbers are fixed."""
    permissions.require_read_plan(actor, plan)
    if not permissions.can_approve_plan(actor, plan.agency_id):
        raise PermissionDenied("Chỉ người đứng đầu cơ quan được phê duyệt, ban hành Danh mục hồ sơ (NĐ 30 Điều 28).")
    plan = lock_plan(actor, plan, version)
    require_draft(plan, "phê duyệt lại")
    number = rules.text(decision_number, "decision_number", "Số quyết định", 50)
    if not isinstance(decision_date, date):
        raise ValidationError("Thiếu ngày quyết định.", details={"decision_date": "Nhập ngày ký quyết định."})
    if problem := clock.future_problem(decision_date, "Ngày quyết định"):  # issuing is not undone
        raise ValidationError(problem, code="decision_date_future", details={"decision_date": problem})
    if not plan.entries:
        raise ValidationError("Danh mục hồ sơ chưa có hồ sơ nào.", code="file_plan_empty")
    renumber(plan)
    plan.status = PlanStatus.APPROVED
    plan.decision_number, plan.decision_date = number, decision_date
    plan.approved_by_id, plan.approved_at = actor.id, clock.now()
    touch(plan)
    record(
        actor,
        "file_plan.approved",
        plan,
        plan,
        f"Ban hành Danh mục hồ sơ năm {plan.year}, Quyết định số {number}",
        {"decision_number": number, "decision_date": decision_date, "entries": len(plan.entries)},
    )
    return plan


def copy_previous(actor: User, year: int) -> FilePlan:
    """A draft plan for `year` with the headings and hồ sơ of the year before; people kept while still active."""
    previous = plan_of_year(actor.agency_id, year - 1) if isinstance(year, int) else None
    if previous is None:
        raise NotFound(f"Không có Danh mục hồ sơ năm {year - 1} để sao chép.", code="file_plan_previous_missing")
    plan = create_plan(actor, year, previous.numbering)
    mapping: dict[int, FilePlanHeading] = {}
    for source in sorted(previous.headings, key=lambda h: (h.parent_id is not None, h.position)):
        copy = FilePlanHeading(
            plan=plan,
            parent=mapping.get(source.parent_id),
            position=source.position,
            abbreviation=source.abbreviation,
            title=source.title,
        )
        db.session.add(copy)
        mapping[source.id] = copy
    for index, source in enumerate(previous.entries):
        person = source.responsible
        keep = person is not None and person.is_active and person.agency_id == plan.agency_id
        unit = db.session.get(Unit, source.responsible_unit_id) if source.responsible_unit_id else None
        db.session.add(
            FilePlanEntry(
                plan=plan,
                heading=mapping[source.heading_id],
                position=source.position,
                number=0,
                notation=f"~c{index}",
                title=source.title,
                maintenance=source.maintenance,
                retention_years=source.retention_years,
                responsible_id=person.id if keep else None,
                responsible_unit_id=unit.id if unit is not None and unit.is_active else None,
                note=source.note,
            )
        )
    renumber(plan)
    record(
        actor,
        "file_plan.copied",
        plan,
        plan,
        f"Sao chép Danh mục hồ sơ năm {year - 1} sang năm {year}",
        {"from_plan_id": previous.id, "entries": len(plan.entries)},
    )
    return plan
