"""Hủy tài liệu hết giá trị (seed 000 Điều 25; Luật Lưu trữ; the Alfresco Governance Services pattern:
disposition schedule → review → approval → destruction that keeps the record).

1. The archivist drafts a Danh mục tài liệu hết giá trị from the eligible dossiers (retention.eligible_for_destruction),
   records the opinion of the Hội đồng xác định giá trị tài liệu, and proposes it.
2. The head (permissions.can_approve_destruction) approves it with the number and date of the Quyết định hủy, or
   rejects it with a reason (the dossiers become eligible again).
3. Only then the archivist executes it, in one transaction: every dossier is checked again (archived, expired, not
   held — any failure refuses the whole execution), its description is kept in a DossierDestructionEntry, its items
   go and it moves to "destroyed". The executed list is the permanent record: no service edits or deletes it.

What is destroyed: the dossier's own content (items of kind file/history, their blobs), and the content of the
documents it links (văn bản đến/đi, dự thảo) that no living dossier still holds (`destruction_content`: their
files, case and searchable text; their register line stays, marked content_destroyed_at). A document another
dossier still holds is "kept" with the reason. The bytes go after the commit (`destroy_files`), like
app.incoming.destruction: content-addressed, so a blob another row still names stays ("shared"); a disk failure
leaves it "pending" for the retry job.

Blobs are not encrypted in this system (issue 12), so there is no key to destroy: removing the bytes is the
destruction.
"""

import logging

import sqlalchemy as sa
from flask import current_app

from app.audit import services as audit
from app.core import clock
from app.core.db import db
from app.core.errors import Conflict, NotFound, PermissionDenied, ValidationError
from app.core.transaction import after_commit, in_unit_of_work, unit_of_work
from app.dossiers import destruction_content, filing, permissions, retention
from app.dossiers.models import Dossier, DossierDestruction, DossierDestructionEntry
from app.dossiers.states import DOSSIER_STATUS_LABELS, DestructionStatus, DossierStatus, move
from app.org.models import User

log = logging.getLogger(__name__)

PENDING, DESTROYED, SHARED, KEPT = "pending", "destroyed", "shared", "kept"
GONE = destruction_content.GONE  # a document item whose content had already gone (no file left to list)
FATE_LABELS = {
    PENDING: "Chờ xóa tệp",
    DESTROYED: "Đã xóa tệp",
    SHARED: "Tệp còn thuộc đối tượng khác, được giữ",
    KEPT: "Còn trong hệ thống quản lý văn bản",
    GONE: "Nội dung văn bản đã được hủy",
}


def get(user: User, destruction_id: int) -> DossierDestruction:
    destruction = db.session.get(DossierDestruction, destruction_id)
    if destruction is None or not permissions.can_read_archive(user, destruction.agency_id):
        raise NotFound("Không tìm thấy danh mục hủy.", code="destruction_not_found")
    return destruction


def contents(destruction: DossierDestruction) -> dict[int, list[dict]]:
    """Each entry's lines for the list's "Tệp" column, by entry id.

    Executed: the record's lines (entry.files, written by `execute`). Before: what the dossier holds now, item by
    item, the content the execution will destroy — the head approves seeing it (seed 000 Điều 25: the list names
    what goes), not an empty column.
    """
    if destruction.status == DestructionStatus.EXECUTED:
        return {entry.id: list(entry.files or []) for entry in destruction.entries}
    return {
        entry.id: [
            {"ordinal": i.ordinal, "kind": i.kind, "subject": i.subject, "filename": i.filename, "size": i.size}
            for i in sorted(entry.dossier.items, key=lambda i: i.ordinal)
        ]
        for entry in destruction.entries
    }


def destructions(user: User) -> list[DossierDestruction]:
    if not permissions.can_read_archive(user, user.agency_id):
        raise PermissionDenied("Trang này dành cho Lưu trữ cơ quan và lãnh đạo cơ quan.")
    return list(
        db.session.scalars(
            sa.select(DossierDestruction)
            .where(DossierDestruction.agency_id == user.agency_id)
            .order_by(DossierDestruction.id.desc())
        )
    )


def _require_archivist(actor: User, agency_id: int) -> None:
    if not permissions.can_propose_destruction(actor, agency_id):
        raise PermissionDenied("Chỉ Lưu trữ cơ quan được lập và thực hiện danh mục hủy.")


def _draft(actor: User, destruction_id: int) -> DossierDestruction:
    destruction = get(actor, destruction_id)
    _require_archivist(actor, destruction.agency_id)
    if destruction.status == DestructionStatus.DISCARDED:
        raise Conflict("Danh mục này đã được bỏ: lập danh mục mới.", code="destruction_not_draft")
    if destruction.status != DestructionStatus.DRAFT:
        raise Conflict("Danh mục đã gửi phê duyệt: không sửa được nữa.", code="destruction_not_draft")
    return destruction


def create(actor: User, *, title: str, dossier_ids: list[int] = (), council_opinion: str | None = None):
    _require_archivist(actor, actor.agency_id)
    title = (title or "").strip()
    if not title:
        raise ValidationError("Nhập tên danh mục.", code="destruction_title_required", details={"title": "Bắt buộc."})
    destruction = DossierDestruction(
        agency_id=actor.agency_id,
        title=title[:500],
        status=DestructionStatus.DRAFT,
        proposed_by_id=actor.id,
        proposed_at=clock.now(),
        council_opinion=(council_opinion or "").strip() or None,
    )
    db.session.add(destruction)
    db.session.flush()
    for dossier_id in dict.fromkeys(dossier_ids or ()):
        _add(actor, destruction, int(dossier_id))
    audit.record(actor, "dossier.destruction_create", destruction, summary=f"Lập danh mục hủy: {destruction.title}")
    return destruction


def discard(actor: User, destruction_id: int) -> DossierDestruction:
    """Drop a list still being prepared (made by mistake, empty, or not to be sent): its dossiers are free for another
    list; the row stays, marked dropped, so its number never names another list in the audit trail (a deleted last
    row's id would be given again on SQLite). A proposed list is decided, not dropped."""
    destruction = _draft(actor, destruction_id)
    destruction.status = DestructionStatus.DISCARDED
    audit.record(
        actor, "dossier.destruction_discard", destruction, summary=f"Bỏ danh mục đang lập: {destruction.title}"
    )
    return destruction


def add_dossier(actor: User, destruction_id: int, dossier_id: int) -> DossierDestruction:
    destruction = _draft(actor, destruction_id)
    _add(actor, destruction, int(dossier_id))
    return destruction


def _add(actor: User, destruction: DossierDestruction, dossier_id: int) -> None:
    dossier = db.session.get(Dossier, dossier_id)
    if dossier is None or dossier.agency_id != destruction.agency_id:
        raise NotFound("Không tìm thấy hồ sơ.", code="dossier_not_found")
    _require_destroyable(dossier)
    listed = retention.listed_ids_clause().where(DossierDestructionEntry.dossier_id == dossier.id)
    if db.session.scalar(listed.limit(1)) is not None:
        raise Conflict(f"Hồ sơ {dossier.file_code} đã có trong một danh mục hủy.", code="dossier_listed")
    position = max((e.position for e in destruction.entries), default=0) + 1
    destruction.entries.append(DossierDestructionEntry(dossier_id=dossier.id, position=position, **_snapshot(dossier)))
    db.session.flush()
    audit.record(
        actor, "dossier.destruction_add", destruction, summary=f"Đưa hồ sơ {dossier.file_code} vào danh mục hủy"
    )


def remove_dossier(actor: User, destruction_id: int, dossier_id: int) -> DossierDestruction:
    destruction = _draft(actor, destruction_id)
    entry = next((e for e in destruction.entries if e.dossier_id == int(dossier_id)), None)
    if entry is None:
        raise NotFound("Hồ sơ không có trong danh mục.", code="dossier_not_found")
    destruction.entries.remove(entry)
    db.session.flush()
    audit.record(
        actor, "dossier.destruction_remove", destruction, summary=f"Rút hồ sơ {entry.file_code} khỏi danh mục hủy"
    )
    return destruction


def propose(actor: User, destruction_id: int, *, council_opinion: str | None = None) -> DossierDestruction:
    """Send the list to the head, with the council's opinion (required: seed 000 Điều 25.1)."""
    destruction = _draft(actor, destruction_id)
    opinion = (council_opinion or destruction.council_opinion or "").strip()
    if not opinion:
        raise ValidationError(
            "Nhập ý kiến của Hội đồng xác định giá trị tài liệu.",
            code="council_opinion_required",
            details={"council_opinion": "Bắt buộc."},
        )
    if not destruction.entries:
        raise ValidationError("Danh mục chưa có hồ sơ nào.", code="destruction_empty")
    destruction.council_opinion = opinion
    destruction.status, destruction.proposed_at = DestructionStatus.PROPOSED, clock.now()
    audit.record(
        actor, "dossier.destruction_propose", destruction, summary=f"Trình duyệt danh mục hủy: {destruction.title}"
    )
    approvers = _approvers(destruction.agency_id)
    if approvers:
        from app.notifications.services import notify

        notify(
            approvers,
            kind="destruction_proposed",
            title=f"Trình duyệt danh mục tài liệu hết giá trị: {destruction.title}",
            body=f"{len(destruction.entries)} hồ sơ.",
            url=f"/archive/destructions/{destruction.id}",
            object_type="dossier_destruction",
            object_id=destruction.id,
        )
    return destruction


def _approvers(agency_id: int) -> list[User]:
    people = db.session.scalars(sa.select(User).where(User.agency_id == agency_id, User.is_active.is_(True)))
    return [p for p in people if permissions.can_approve_destruction(p, agency_id)]


def _proposed(actor: User, destruction_id: int) -> DossierDestruction:
    destruction = get(actor, destruction_id)
    if not permissions.can_approve_destruction(actor, destruction.agency_id):
        raise PermissionDenied("Chỉ người đứng đầu cơ quan được quyết định hủy tài liệu.")
    if destruction.status != DestructionStatus.PROPOSED:
        raise Conflict("Danh mục không ở trạng thái chờ phê duyệt.", code="destruction_not_proposed")
    return destruction


def approve(actor: User, destruction_id: int, *, decision_number: str, decision_date, note: str | None = None):
    destruction = _proposed(actor, destruction_id)
    number = (decision_number or "").strip()
    errors = {}
    if not number:
        errors["decision_number"] = "Bắt buộc."
    if decision_date is None:
        errors["decision_date"] = "Bắt buộc."
    elif problem := clock.future_problem(decision_date, "Ngày quyết định"):
        errors["decision_date"] = problem  # a destruction carried out "under" a decision not yet signed
    if errors:
        message = next(iter(errors.values())) if len(errors) == 1 and "decision_date" in errors else None
        raise ValidationError(
            message or "Nhập số và ngày Quyết định hủy tài liệu.", code="decision_required", details=errors
        )
    destruction.status = DestructionStatus.APPROVED
    destruction.decision_number, destruction.decision_date = number[:50], decision_date
    destruction.decided_by_id, destruction.decided_at = actor.id, clock.now()
    destruction.decision_note = (note or "").strip()[:1000] or None
    audit.record(
        actor,
        "dossier.destruction_approve",
        destruction,
        summary=f"Phê duyệt hủy tài liệu: {destruction.title} (Quyết định số {number})",
    )
    return destruction


def reject(actor: User, destruction_id: int, *, reason: str) -> DossierDestruction:
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError(
            "Nhập lý do không phê duyệt.", code="reject_reason_required", details={"reason": "Bắt buộc."}
        )
    destruction = _proposed(actor, destruction_id)
    destruction.status = DestructionStatus.REJECTED
    destruction.decided_by_id, destruction.decided_at, destruction.decision_note = actor.id, clock.now(), reason[:1000]
    audit.record(actor, "dossier.destruction_reject", destruction, summary=f"Không phê duyệt hủy: {reason[:300]}")
    return destruction


def _require_destroyable(dossier: Dossier) -> None:
    if dossier.status != DossierStatus.ARCHIVED:
        raise Conflict(
            f"Hồ sơ {dossier.file_code} đang ở trạng thái “{DOSSIER_STATUS_LABELS[dossier.status]}”: "
            "chỉ hủy được hồ sơ lưu trữ.",
            code="dossier_status",
            details={"dossier_id": str(dossier.id)},
        )
    if dossier.expires_on is None or dossier.expires_on > clock.local_today():
        raise Conflict(
            f"Hồ sơ {dossier.file_code} chưa hết thời hạn bảo quản.",
            code="dossier_not_expired",
            details={"dossier_id": str(dossier.id)},
        )
    retention.require_not_held(dossier)


def _snapshot(dossier: Dossier) -> dict:
    return {
        "file_code": dossier.file_code,
        "title": dossier.title,
        "maintenance": dossier.maintenance,
        "start_date": dossier.start_date,
        "end_date": dossier.end_date,
        "doc_total": dossier.doc_total,
        "page_total": dossier.page_total,
    }


def execute(actor: User, destruction_id: int) -> DossierDestruction:
    """Destroy every dossier of the approved list in the caller's one transaction; the files after commit."""
    destruction = get(actor, destruction_id)
    _require_archivist(actor, destruction.agency_id)
    if destruction.status != DestructionStatus.APPROVED:
        raise Conflict(
            "Danh mục chưa được người đứng đầu cơ quan phê duyệt: không được hủy.", code="destruction_not_approved"
        )
    now = clock.now()
    dossiers = []
    for entry in destruction.entries:
        dossier = filing.lock(entry.dossier_id)
        _require_destroyable(dossier)  # any refusal rolls the whole execution back
        dossiers.append(dossier)
    executing = {d.id for d in dossiers}  # a document these alone hold loses its content with them
    for entry, dossier in zip(destruction.entries, dossiers, strict=True):
        for key, value in _snapshot(dossier).items():
            setattr(entry, key, value)
        files = []
        for item in dossier.items:
            if item.sha256:
                files.append(
                    {
                        "ordinal": item.ordinal,
                        "kind": item.kind,
                        "sha256": item.sha256,
                        "size": item.size,
                        "fate": PENDING,
                    }
                )
            else:
                files.extend(destruction_content.settle(actor, item, executing, destruction, now))
        entry.files = files
        dossier.items.clear()  # delete-orphan: the item rows go in this transaction
        move(dossier, "destroy", actor)
        dossier.destroyed_at, dossier.destruction_id = now, destruction.id
        # The description is content too: the row keeps its identifiers (file_code, notation: the uq of the year's
        # numbering and the FKs of grants, transfers, holds); the title and the rest live on in the record only.
        dossier.title, dossier.keywords, dossier.description = "", None, None
        dossier.doc_total = dossier.page_total = 0
    destruction.status = DestructionStatus.EXECUTED
    destruction.executed_by_id, destruction.executed_at = actor.id, now
    db.session.flush()
    audit.record(
        actor,
        "dossier.destruction_execute",
        destruction,
        summary=f"Hủy tài liệu hết giá trị: {destruction.title} ({len(destruction.entries)} hồ sơ, "
        f"Quyết định số {destruction.decision_number})",
        changes={"dossiers": [e.file_code for e in destruction.entries]},
    )
    if in_unit_of_work():
        after_commit(lambda: destroy_files(destruction.id))
    return destruction


def destroy_files(destruction_id: int | None = None, *, limit: int = 200) -> int:
    """Remove the bytes of destroyed dossiers' files still pending, each entry in its own transaction; how many
    files were settled. Idempotent: a file already gone counts as destroyed."""
    with unit_of_work():
        query = (
            sa.select(DossierDestructionEntry.id)
            .join(DossierDestruction, DossierDestruction.id == DossierDestructionEntry.destruction_id)
            .where(
                DossierDestruction.status == DestructionStatus.EXECUTED,
                sa.cast(DossierDestructionEntry.files, sa.Text).like(f"%{PENDING}%"),
            )
        )
        if destruction_id is not None:
            query = query.where(DossierDestruction.id == destruction_id)
        ids = list(db.session.scalars(query.order_by(DossierDestructionEntry.id).limit(limit)))
    return sum(_destroy_entry(entry_id) for entry_id in ids)


def _destroy_entry(entry_id: int) -> int:
    store = current_app.extensions["qlvb.blobs"]
    settled = 0
    with unit_of_work():
        entry = db.session.get(DossierDestructionEntry, entry_id)
        files = [dict(f) for f in entry.files or []]
        for item in files:
            if item.get("fate") != PENDING:
                continue
            try:
                gone = store.destroy(item["sha256"])
            except OSError as exc:
                item["error"] = f"{type(exc).__name__}: {exc}"[:300]
                log.warning("destroyed dossier file %s not removed yet: %s", item["sha256"], exc)
                continue
            item["fate"] = DESTROYED if gone else SHARED
            item["done_at"] = clock.now().isoformat()
            item.pop("error", None)
            settled += 1
        entry.files = files  # a new list: the JSON column sees the change
    return settled
