"""Headings (đề mục) and entries (hồ sơ) of a file plan: add, edit, move, delete (Phụ lục V.I; NĐ 30 Điều 28).

While the plan is a draft every change renumbers it (`plan.renumber`). Once issued, nothing may move: headings may
be added and renamed, hồ sơ added at the end of their heading with the next number (seed 000 Điều 19.2.a), edited
without changing their số và ký hiệu, and deleted only while no dossier was opened from them.
"""

import sqlalchemy as sa

from app.core.db import db
from app.core.errors import Conflict, PermissionDenied, ValidationError
from app.dossiers import permissions
from app.dossiers.models import Dossier, FilePlan, FilePlanEntry, FilePlanHeading
from app.dossiers.plan import (
    entries_of,
    entry_of,
    heading_numeral,
    heading_of,
    lock_plan,
    main_of,
    next_number,
    notation_of,
    record,
    renumber,
    require_draft,
    touch,
)
from app.dossiers.plan_rules import (
    NOTE_MAX,
    TITLE_MAX,
    check_abbreviation,
    check_responsible,
    check_retention,
)
from app.dossiers.plan_rules import text as _text
from app.dossiers.states import PlanStatus
from app.org.models import User

DIRECTIONS = ("up", "down")


def _siblings(plan: FilePlan, parent_id: int | None) -> list[FilePlanHeading]:
    return sorted((h for h in plan.headings if h.parent_id == parent_id), key=lambda h: h.position)


def _check_abbreviation_free(plan: FilePlan, abbreviation: str, heading_id: int | None = None) -> None:
    """Two main headings with one abbreviation would print two "01.TCCB" (numbering per heading)."""
    for other in plan.headings:
        if other.parent_id is None and other.id != heading_id and (other.abbreviation or "") == abbreviation:
            raise ValidationError(
                f"Chữ viết tắt {abbreviation} đã dùng cho đề mục “{other.title}”.",
                code="heading_abbreviation_taken",
                details={"abbreviation": "Mỗi đề mục lớn một chữ viết tắt riêng."},
            )


def _swap(items: list, item, direction: str) -> bool:
    """Exchange `item`'s position with its neighbour's; False at the edge."""
    if direction not in DIRECTIONS:
        raise ValidationError("Hướng di chuyển không hợp lệ.", details={"direction": "Chọn “up” hoặc “down”."})
    index = items.index(item)
    other = index - 1 if direction == "up" else index + 1
    if not 0 <= other < len(items):
        return False
    for position, each in enumerate(items, 1):  # positions compact (1, 2 …) before the swap
        each.position = position
    items[index].position, items[other].position = items[other].position, items[index].position
    return True


# ---- headings --------------------------------------------------------------------------------------------------


def add_heading(
    actor: User,
    plan: FilePlan,
    *,
    title: str,
    abbreviation: str | None = None,
    parent_id: int | None = None,
    version: int | None = None,
) -> FilePlanHeading:
    """A main heading (no parent: numbered I, II …, with its abbreviation) or a sub-heading (1, 2 … inside its
    main heading), at the end of its siblings — also on an issued plan (no number moves)."""
    plan = lock_plan(actor, plan, version)
    title = _text(title, "title", "Tên đề mục", TITLE_MAX)
    parent = None
    if parent_id is not None:
        parent = heading_of(plan, parent_id)
        if parent.parent_id is not None:
            raise ValidationError(
                "Đề mục nhỏ chỉ nằm trong một đề mục lớn.",
                code="heading_depth",
                details={"parent_id": "Chọn đề mục lớn."},
            )
        abbreviation = None
    else:
        abbreviation = check_abbreviation(abbreviation)
        _check_abbreviation_free(plan, abbreviation)
    siblings = _siblings(plan, parent.id if parent else None)
    heading = FilePlanHeading(
        plan=plan,
        parent=parent,
        position=max((h.position for h in siblings), default=0) + 1,
        abbreviation=abbreviation,
        title=title,
    )
    db.session.add(heading)
    db.session.flush()
    touch(plan)
    record(actor, "file_plan.heading_added", plan, heading, f"Thêm đề mục {heading_numeral(heading)}. {title}")
    return heading


def update_heading(
    actor: User,
    plan: FilePlan,
    heading_id: int,
    *,
    title: str | None = None,
    abbreviation: str | None = None,
    version: int | None = None,
) -> FilePlanHeading:
    plan = lock_plan(actor, plan, version)
    heading = heading_of(plan, heading_id)
    changes = {}
    if title is not None:
        new_title = _text(title, "title", "Tên đề mục", TITLE_MAX)
        if new_title != heading.title:
            changes["title"], heading.title = [heading.title, new_title], new_title
    if abbreviation is not None and heading.parent_id is None:
        new_abbreviation = check_abbreviation(abbreviation)
        if new_abbreviation != heading.abbreviation:
            require_draft(plan, "đổi chữ viết tắt của đề mục")
            _check_abbreviation_free(plan, new_abbreviation, heading.id)
            changes["abbreviation"] = [heading.abbreviation, new_abbreviation]
            heading.abbreviation = new_abbreviation
            renumber(plan)
    if changes:
        touch(plan)
        record(actor, "file_plan.heading_updated", plan, heading, f"Sửa đề mục {heading.title}", changes)
    return heading


def move_heading(actor: User, plan: FilePlan, heading_id: int, direction: str, *, version: int | None = None):
    plan = lock_plan(actor, plan, version)
    heading = heading_of(plan, heading_id)
    require_draft(plan, "chuyển vị trí đề mục")
    if _swap(_siblings(plan, heading.parent_id), heading, direction):
        renumber(plan)
        touch(plan)
        record(
            actor,
            "file_plan.heading_moved",
            plan,
            heading,
            f"Chuyển vị trí đề mục {heading.title}",
            {"direction": direction},
        )
    return heading


def delete_heading(actor: User, plan: FilePlan, heading_id: int, *, version: int | None = None) -> None:
    """Only an empty heading of a draft (no hồ sơ, no sub-heading): deleting never takes hồ sơ with it."""
    plan = lock_plan(actor, plan, version)
    heading = heading_of(plan, heading_id)
    require_draft(plan, "xóa đề mục")
    if any(e.heading_id == heading.id for e in plan.entries) or any(h.parent_id == heading.id for h in plan.headings):
        raise Conflict("Đề mục còn hồ sơ hoặc đề mục nhỏ: chuyển hoặc xóa chúng trước.", code="heading_not_empty")
    siblings = [h for h in _siblings(plan, heading.parent_id) if h.id != heading.id]
    record(actor, "file_plan.heading_deleted", plan, heading, f"Xóa đề mục {heading.title}")
    plan.headings.remove(heading)
    db.session.delete(heading)
    for position, each in enumerate(siblings, 1):
        each.position = position
    renumber(plan)
    touch(plan)


# ---- entries ---------------------------------------------------------------------------------------------------


def add_entry(
    actor: User,
    plan: FilePlan,
    *,
    heading_id: int,
    title: str,
    maintenance: str,
    retention_years: int | None = None,
    responsible_id: int | None = None,
    responsible_unit_id: int | None = None,
    note: str | None = None,
    version: int | None = None,
) -> FilePlanEntry:
    """A hồ sơ at the end of its heading. On an issued plan it takes the next number (seed 000 Điều 19.2.a); a
    member who is not of the office adds only their own (they become its người lập hồ sơ)."""
    permissions.require_read_plan(actor, plan)
    if not permissions.can_append_entry(actor, plan):
        raise PermissionDenied("Chỉ văn phòng (văn thư) và lãnh đạo cơ quan được sửa Danh mục hồ sơ dự thảo.")
    editor = permissions.can_edit_plan(actor, plan.agency_id)
    plan = lock_plan(actor, plan, version, edit=False)
    heading = heading_of(plan, heading_id)
    title = _text(title, "title", "Tiêu đề hồ sơ", TITLE_MAX)
    maintenance, years = check_retention(maintenance, retention_years)
    if not editor:
        responsible_id, responsible_unit_id = actor.id, actor.unit_id
    responsible_id, responsible_unit_id = check_responsible(plan.agency_id, responsible_id, responsible_unit_id)
    main = main_of(heading)
    approved = plan.status == PlanStatus.APPROVED
    number = next_number(plan, main) if approved else 0
    entry = FilePlanEntry(
        plan=plan,
        heading=heading,
        position=max((e.position for e in entries_of(plan, heading)), default=0) + 1,
        number=number,
        notation=notation_of(number, main.abbreviation) if approved else "~new",
        title=title,
        maintenance=maintenance,
        retention_years=years,
        responsible_id=responsible_id,
        responsible_unit_id=responsible_unit_id,
        note=_text(note, "note", "Ghi chú", NOTE_MAX, required=False),
        appended=approved,
    )
    db.session.add(entry)
    db.session.flush()
    if not approved:
        renumber(plan)
    touch(plan)
    record(
        actor, "file_plan.entry_added", plan, entry, f"Thêm hồ sơ {entry.notation} {title} vào Danh mục năm {plan.year}"
    )
    return entry


UNSET = object()


def update_entry(
    actor: User,
    plan: FilePlan,
    entry_id: int,
    *,
    title: str | None = None,
    maintenance: str | None = None,
    retention_years=UNSET,
    responsible_id=UNSET,
    responsible_unit_id=UNSET,
    note=UNSET,
    heading_id: int | None = None,
    version: int | None = None,
) -> FilePlanEntry:
    """Change what is given; a new heading only in a draft (on an issued plan the số và ký hiệu stays)."""
    plan = lock_plan(actor, plan, version)
    entry = entry_of(plan, entry_id)
    before = {
        k: getattr(entry, k)
        for k in ("title", "maintenance", "retention_years", "responsible_id", "responsible_unit_id", "note")
    }
    before["heading_id"] = entry.heading_id
    if title is not None:
        entry.title = _text(title, "title", "Tiêu đề hồ sơ", TITLE_MAX)
    if maintenance is not None:
        years = entry.retention_years if retention_years is UNSET else retention_years
        entry.maintenance, entry.retention_years = check_retention(maintenance, years)
    person = entry.responsible_id if responsible_id is UNSET else responsible_id
    unit = entry.responsible_unit_id if responsible_unit_id is UNSET else responsible_unit_id
    if (person, unit) != (entry.responsible_id, entry.responsible_unit_id):
        entry.responsible_id, entry.responsible_unit_id = check_responsible(plan.agency_id, person, unit)
    if note is not UNSET:
        entry.note = _text(note, "note", "Ghi chú", NOTE_MAX, required=False)
    if heading_id is not None and heading_id != entry.heading_id:
        require_draft(plan, "chuyển hồ sơ sang đề mục khác")
        heading = heading_of(plan, heading_id)
        entry.position = max((e.position for e in entries_of(plan, heading)), default=0) + 1
        entry.heading = heading
        renumber(plan)
    changes = {k: [v, getattr(entry, k)] for k, v in before.items() if getattr(entry, k) != v}
    if changes:
        touch(plan)
        record(actor, "file_plan.entry_updated", plan, entry, f"Sửa hồ sơ {entry.notation} trong Danh mục", changes)
    return entry


def move_entry(actor: User, plan: FilePlan, entry_id: int, direction: str, *, version: int | None = None):
    plan = lock_plan(actor, plan, version)
    entry = entry_of(plan, entry_id)
    require_draft(plan, "chuyển vị trí hồ sơ")
    if _swap(entries_of(plan, entry.heading), entry, direction):
        renumber(plan)
        touch(plan)
        record(
            actor, "file_plan.entry_moved", plan, entry, f"Chuyển vị trí hồ sơ {entry.title}", {"direction": direction}
        )
    return entry


def may_delete_entry(plan: FilePlan, entry: FilePlanEntry) -> bool:
    """A draft's entries, and on an issued plan those appended after it was issued (NĐ 30 Điều 28: the issued
    entries are the head's decision)."""
    return plan.status != PlanStatus.APPROVED or entry.appended


def delete_entry(actor: User, plan: FilePlan, entry_id: int, *, version: int | None = None) -> None:
    """Refused once a dossier was opened from the entry (its code was made from the số và ký hiệu)."""
    plan = lock_plan(actor, plan, version)
    entry = entry_of(plan, entry_id)
    if db.session.scalar(sa.select(Dossier.id).where(Dossier.entry_id == entry.id).limit(1)) is not None:
        raise Conflict(f"Đã có hồ sơ được mở từ {entry.notation}: không thể xóa khỏi Danh mục.", code="entry_in_use")
    if not may_delete_entry(plan, entry):
        raise Conflict(
            f"Hồ sơ {entry.notation} thuộc Danh mục hồ sơ đã ban hành theo quyết định của người đứng đầu cơ quan: "
            "không xóa được (ghi chú vào cột Ghi chú nếu hồ sơ không phát sinh).",
            code="entry_issued",
        )
    record(actor, "file_plan.entry_deleted", plan, entry, f"Xóa hồ sơ {entry.notation} {entry.title} khỏi Danh mục")
    plan.entries.remove(entry)
    db.session.delete(entry)
    if plan.status == PlanStatus.DRAFT:
        renumber(plan)
    else:
        db.session.flush()
    touch(plan)
