"""Kết thúc hồ sơ (NĐ 30/2020 Điều 29.4; seed 000 Điều 19.2.b "Kết thúc hồ sơ") and mở lại.

Điều 29.4.b: when the work ends the creator checks the dossier, removes duplicates (bản trùng) and drafts (bản
nháp), re-sets the retention and fixes the title and số và ký hiệu; Điều 29.4.d: the System numbers the documents
("biên mục"). `review` shows what to weigh; `close` does it all in one transaction: remove the ticked items, number
the rest 1..n in chronological order, recount, set the end date, the closing stamp and the nộp lưu deadline
(Điều 30.2, `settings.transfer_due_on`), and move the dossier to "closed" (`states.move`, the only way).
"""

from dataclasses import dataclass, field
from datetime import date

import sqlalchemy as sa

from app.audit import services as audit
from app.core import clock
from app.core.db import db
from app.core.errors import Conflict, NotFound, ValidationError
from app.dossiers import filing, permissions, settings
from app.dossiers.codes import MAINTENANCE, years_of
from app.dossiers.contents import item_file
from app.dossiers.models import Dossier, DossierItem
from app.dossiers.states import move, require_move
from app.org.models import Agency, User

DOCUMENT_KINDS = frozenset({"incoming", "outgoing", "draft"})
NOTATION_MAX = 20  # Phụ lục VI Phần II.III 1.3: FileNotation String 20


@dataclass
class ReviewRow:
    item: DossierItem
    duplicate_of: int | None = None  # the ordinal of the first item with the same document or bytes
    is_draft: bool = False

    @property
    def suggested(self) -> bool:
        """Ticked by default on the review page: duplicates and drafts (Điều 29.4.b)."""
        return self.duplicate_of is not None or self.is_draft


@dataclass
class CloseRequest:
    remove_item_ids: list[int] = field(default_factory=list)
    title: str | None = None
    notation: str | None = None
    maintenance: str | None = None
    retention_years: int | None = None
    end_date: date | None = None
    settled_on: date | None = None
    version: int | None = None  # the version the form was drawn from: a stale form is refused


def chronological(items: list[DossierItem]) -> list[DossierItem]:
    """The order of the Mục lục and the exports: by document date, then by the order they were filed (undated last)."""
    return sorted(items, key=lambda i: (i.dated_on is None, i.dated_on or date.min, i.ordinal))


def review(dossier: Dossier) -> list[ReviewRow]:
    """The items in chronological order, with duplicates (the same document, or the same bytes twice) and drafts
    flagged; the first of a group is kept, the later ones are the duplicates."""
    rows, seen_objects, seen_bytes = [], {}, {}
    for item in chronological(list(dossier.items)):
        row = ReviewRow(item, is_draft=item.kind == "draft")
        # The same document filed twice; a history or file item naming a document is its companion, not a copy.
        is_document = item.kind in DOCUMENT_KINDS and item.object_id is not None
        key = (item.object_type, item.object_id) if is_document else None
        found = item_file(item)
        if key is not None and key in seen_objects:
            row.duplicate_of = seen_objects[key]
        elif found is not None and found.sha256 in seen_bytes:
            row.duplicate_of = seen_bytes[found.sha256]
        if key is not None:
            seen_objects.setdefault(key, item.ordinal)
        if found is not None:
            seen_bytes.setdefault(found.sha256, item.ordinal)
        rows.append(row)
    return rows


def default_end_date(dossier: Dossier) -> date:
    """The latest document date of the dossier, else today."""
    dates = [i.dated_on for i in dossier.items if i.dated_on is not None]
    return max(dates) if dates else clock.local_today()


def close(actor: User, dossier: Dossier, request: CloseRequest) -> Dossier:
    """Close the dossier as `request` says; refused without change when anything is wrong. The caller holds the unit of
    work."""
    permissions.require_edit(actor, dossier)
    dossier = filing.lock(dossier.id)
    require_move(dossier, "close")
    if request.version is not None and request.version != dossier.version:
        raise Conflict("Hồ sơ vừa được thay đổi, vui lòng tải lại trang.", code="dossier_stale")
    before = {"title": dossier.title, "notation": dossier.notation, "maintenance": dossier.maintenance}
    removing = _chosen(dossier, request.remove_item_ids)
    kept = chronological([i for i in dossier.items if i not in removing])
    if not kept:
        raise Conflict(
            "Hồ sơ chưa có văn bản, tài liệu nào (hoặc tất cả đều bị chọn rút ra): không thể kết thúc hồ sơ rỗng.",
            code="dossier_empty",
        )
    _describe(dossier, request, _end_problem(dossier, request.end_date) if request.end_date else None)
    removed = _remove(dossier, removing)
    _renumber(dossier, kept)
    filing.recount(dossier)
    dossier.end_date = request.end_date or default_end_date(dossier)
    if problem := _end_problem(dossier, dossier.end_date):  # the default, from the items kept
        code, message = problem
        raise ValidationError(message, code=code, details={"end_date": message})
    if request.settled_on is not None:
        dossier.settled_on = request.settled_on
    dossier.closed_at, dossier.closed_by_id = clock.now(), actor.id
    dossier.transfer_due_on = settings.transfer_due_on(dossier)
    move(dossier, "close", actor)
    audit.record(
        actor,
        "dossier.close",
        dossier,
        summary=f"Kết thúc hồ sơ {dossier.file_code}: {dossier.doc_total} văn bản, {dossier.page_total} trang"
        + (f", rút {len(removed)} văn bản trùng, dự thảo" if removed else ""),
        changes={
            "removed": [{"ordinal": i.ordinal, "kind": i.kind, "subject": i.subject[:200]} for i in removed],
            "before": before,
            "end_date": dossier.end_date.isoformat(),
            "transfer_due_on": dossier.transfer_due_on.isoformat() if dossier.transfer_due_on else None,
        },
    )
    return dossier


def reopen(actor: User, dossier: Dossier) -> Dossier:
    """Open a closed (or returned) dossier again: its creator adds what was missing, then closes it again."""
    permissions.require_edit(actor, dossier)
    dossier = filing.lock(dossier.id)
    move(dossier, "reopen", actor)
    dossier.closed_at = dossier.closed_by_id = None
    dossier.transfer_due_on = dossier.transfer_reminded_at = None
    audit.record(actor, "dossier.reopen", dossier, summary=f"Mở lại hồ sơ {dossier.file_code}")
    return dossier


def _end_problem(dossier: Dossier, end: date) -> tuple[str, str] | None:
    """(code, message) when the end is after today (core.clock.future_problem) or before the dossier's start."""
    if problem := clock.future_problem(end, "Thời gian kết thúc"):
        return "dossier_end_in_future", problem
    if end < dossier.start_date:
        message = f"Thời gian kết thúc không được trước thời gian bắt đầu ({dossier.start_date:%d/%m/%Y})."
        return "dossier_end_before_start", message
    return None


def _describe(dossier: Dossier, request: CloseRequest, end_problem: tuple[str, str] | None) -> None:
    """Điều 29.4.b: the title, the số và ký hiệu (unique in the agency's year) and the retention, as corrected;
    refused with the end date's problem and its own, all at once (the end date's code when it is the only one)."""
    errors = {"end_date": end_problem[1]} if end_problem else {}
    if request.title is not None:
        title = request.title.strip()
        if not title:
            errors["title"] = "Nhập tiêu đề hồ sơ."
        dossier.title = title[:500]
    if request.notation is not None and request.notation.strip() != dossier.notation:
        notation = request.notation.strip()
        if not notation or len(notation) > NOTATION_MAX:
            errors["notation"] = f"Số và ký hiệu hồ sơ bắt buộc, tối đa {NOTATION_MAX} ký tự."
        elif _notation_taken(dossier, notation):
            raise Conflict(
                f"Số và ký hiệu hồ sơ “{notation}” đã dùng cho một hồ sơ khác của cơ quan trong năm {dossier.year}.",
                code="dossier_notation_taken",
                details={"notation": "Đã có hồ sơ khác mang số, ký hiệu này."},
            )
        else:
            old_code = dossier.file_code
            dossier.notation = notation
            dossier.file_code = f"{db.session.get(Agency, dossier.agency_id).code}.{dossier.year}.{notation}"
            _rename_stamps(old_code, dossier.file_code)
    if request.maintenance is not None:
        if request.maintenance not in MAINTENANCE:
            errors["maintenance"] = "Thời hạn bảo quản không hợp lệ."
        elif request.maintenance == "07" and not (request.retention_years and request.retention_years > 0):
            errors["retention_years"] = "Nhập số năm bảo quản."
        else:
            dossier.maintenance = request.maintenance
            dossier.retention_years = years_of(request.maintenance, request.retention_years)
    if end_problem and set(errors) == {"end_date"}:
        raise ValidationError(end_problem[1], code=end_problem[0], details=errors)
    if errors:
        raise ValidationError("Thông tin kết thúc hồ sơ chưa hợp lệ.", code="dossier_close_invalid", details=errors)


def _notation_taken(dossier: Dossier, notation: str) -> bool:
    return (
        db.session.scalar(
            sa.select(Dossier.id).where(
                Dossier.agency_id == dossier.agency_id,
                Dossier.year == dossier.year,
                Dossier.notation == notation,
                Dossier.id != dossier.id,
            )
        )
        is not None
    )


def _chosen(dossier: Dossier, item_ids: list[int]) -> list[DossierItem]:
    by_id = {item.id: item for item in dossier.items}
    chosen = []
    for item_id in dict.fromkeys(item_ids or []):
        item = by_id.get(item_id)
        if item is None:
            raise NotFound("Không tìm thấy văn bản, tài liệu trong hồ sơ.", code="item_not_found")
        chosen.append(item)
    return chosen


def _remove(dossier: Dossier, removed: list[DossierItem]) -> list[DossierItem]:
    for item in removed:
        _unstamp(dossier, item)
        dossier.items.remove(item)  # delete-orphan
    db.session.flush()
    return removed


def _renumber(dossier: Dossier, kept: list[DossierItem]) -> None:
    """Biên mục (Điều 29.4.d): DocOrdinal 1..n in chronological order. Two steps, so the unique (dossier, ordinal)
    never sees two rows with one number in between."""
    for position, item in enumerate(kept, start=1):
        item.ordinal = -position
    db.session.flush()
    for position, item in enumerate(kept, start=1):
        item.ordinal = position
        _restamp(dossier, item)
    dossier.next_ordinal = len(kept) + 1
    db.session.flush()
    db.session.expire(dossier, ["items"])  # read again in the new order


def _restamp(dossier: Dossier, item: DossierItem) -> None:
    """The document's FileCode/DocOrdinal (Phụ lục VI Phần II.I–II 1–2) follow the renumbering when they name this
    dossier."""
    model = filing.document_model(item.kind)
    doc = db.session.get(model, item.object_id) if model is not None else None
    if doc is not None and doc.file_code == dossier.file_code:
        doc.doc_ordinal = item.ordinal


def _unstamp(dossier: Dossier, item: DossierItem) -> None:
    """A removed document that named this dossier names its next dossier instead, or none."""
    model = filing.document_model(item.kind)
    doc = db.session.get(model, item.object_id) if model is not None else None
    if doc is None or doc.file_code != dossier.file_code:
        return
    other = db.session.execute(
        sa.select(Dossier.file_code, DossierItem.ordinal)
        .join(DossierItem, DossierItem.dossier_id == Dossier.id)
        .where(
            DossierItem.object_type == item.object_type,
            DossierItem.object_id == item.object_id,
            Dossier.id != dossier.id,
        )
        .order_by(Dossier.id)
        .limit(1)
    ).first()
    doc.file_code, doc.doc_ordinal = (other[0], other[1]) if other is not None else (None, None)


def _rename_stamps(old_code: str, new_code: str) -> None:
    from app.incoming.models import IncomingDocument
    from app.outgoing.models import OutgoingDocument

    for model in (IncomingDocument, OutgoingDocument):
        db.session.execute(
            sa.update(model).where(model.file_code == old_code).values(file_code=new_code),
            execution_options={"synchronize_session": "fetch"},
        )
