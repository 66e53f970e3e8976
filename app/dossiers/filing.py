"""Filing văn bản, tài liệu into a dossier: automatic ordinals and totals (NĐ 30 Phụ lục VI III.4.b–e).

Every way into a dossier passes here — the person's "Lưu vào hồ sơ", an upload, the automatic filing at the end of a
procedure (seed 000 Điều 19.2.b) — so the rules hold once:

- only an open dossier takes items, and only from its creator (or the system at the end of a procedure);
- a document is linked, never copied (III.4.e): the item names the incoming/outgoing document or draft version;
  the same document may be in several dossiers of different people, but only once in one dossier;
- only a document the person may see (the incoming and outgoing modules' own visibility rules);
- the DocOrdinal comes from the dossier's counter under the dossier's row lock, so two filings at once never share
  one; an ordinal is never reused while the dossier is open (closing renumbers, Điều 29.4.d "biên mục");
- DocTotal and PageTotal (Phụ lục VI Phần II.III 9–10) are kept with each change.
- Thời gian bắt đầu (field 7) moves back to an item dated before it: the dossier spans its documents.

What the Mục lục văn bản prints (Phụ lục V.IV: số ký hiệu, ngày, tên loại và trích yếu, tác giả, số trang) is kept
on the item at filing: exports, the archive and the destruction record read the dossier alone.
"""

from dataclasses import dataclass
from datetime import date

import sqlalchemy as sa

from app.audit import services as audit
from app.core import clock
from app.core.db import db
from app.core.errors import Conflict, NotFound, ValidationError
from app.core.locking import lock_row
from app.dossiers import permissions
from app.dossiers.models import Dossier, DossierItem
from app.dossiers.states import DOSSIER_STATUS_LABELS, EDITABLE
from app.org.models import User

KINDS = {
    "incoming": "Văn bản đến",
    "outgoing": "Văn bản đi",
    "draft": "Dự thảo",
    "file": "Tài liệu",
    "history": "Quá trình xử lý",
}
# The object a document item names: its kind → object_type.
OBJECT_TYPES = {"incoming": "incoming", "outgoing": "outgoing", "draft": "outgoing_version"}

BUSY = Conflict("Hồ sơ đang được người khác cập nhật, vui lòng thử lại.", code="dossier_busy")


@dataclass(frozen=True)
class Described:
    """A document as the Mục lục văn bản shows it."""

    code_notation: str | None
    dated_on: date | None
    subject: str
    author: str | None
    pages: int


def lock(dossier_id: int) -> Dossier:
    """The dossier re-read under its row lock (held to commit): filing, closing and moving it serialize here."""
    dossier = lock_row(Dossier, dossier_id, busy=BUSY, touch="version")
    if dossier is None:
        raise NotFound("Không tìm thấy hồ sơ.", code="dossier_not_found")
    return dossier


def require_open(dossier: Dossier) -> None:
    if dossier.status not in EDITABLE:
        raise Conflict(
            f"Hồ sơ đang ở trạng thái “{DOSSIER_STATUS_LABELS[dossier.status]}”: không thể thay đổi văn bản, tài liệu.",
            code="dossier_not_open",
        )


def describe(actor: User | None, kind: str, object_id: int) -> Described:
    """The document an item of `kind` names, as the Mục lục shows it; 404 when it is not `actor`'s to see
    (`actor` None: the system, filing at the end of a procedure — the document's agency is checked by the caller)."""
    if kind == "incoming":
        from app.incoming import permissions as incoming_permissions
        from app.incoming.models import IncomingDocument, IncomingStatus

        doc = db.session.get(IncomingDocument, object_id)
        if (
            doc is None
            or doc.status == IncomingStatus.RECALLED
            or (actor is not None and not incoming_permissions.can_view(actor, doc))
        ):
            raise NotFound(
                "Không tìm thấy văn bản đến hoặc bạn không có quyền xem văn bản này.", code="document_not_found"
            )
        _require_content(doc)
        notation = "/".join(p for p in (doc.code_number, doc.code_notation) if p) or None
        return Described(
            notation, doc.issued_date, _typed(doc.type_name, doc.subject), doc.sender_name, doc.page_count or 0
        )
    if kind in ("outgoing", "draft"):
        from app.outgoing import permissions as outgoing_permissions
        from app.outgoing.models import OutgoingDocument, OutgoingStatus, OutgoingVersion

        version = None
        if kind == "draft":
            version = db.session.get(OutgoingVersion, object_id)
            doc = version.document if version is not None else None
        else:
            doc = db.session.get(OutgoingDocument, object_id)
        if doc is None or (actor is not None and not outgoing_permissions.can_view(actor, doc)):
            raise NotFound(
                "Không tìm thấy văn bản đi hoặc bạn không có quyền xem văn bản này.", code="document_not_found"
            )
        _require_content(doc)
        if doc.status in unfileable_outgoing_statuses():
            # A recalled document (Điều 18.4) is no longer in force; a cancelled draft was abandoned: neither is
            # evidence of the work the dossier records.
            word = "đã bị thu hồi" if doc.status == OutgoingStatus.RECALLED else "đã bị hủy bỏ"
            raise Conflict(f"Văn bản {word}: không lưu vào hồ sơ.", code=f"document_{doc.status}")
        if kind == "outgoing" and doc.issued_at is None:
            raise ValidationError(
                "Văn bản chưa phát hành: lưu dự thảo vào hồ sơ thay cho văn bản.", code="document_not_issued"
            )
        if version is not None:
            subject = f"{_typed(doc.type_name, doc.subject)} (dự thảo lần {version.number})"
            dated = clock.to_local(version.created_at).date()
            return Described(None, dated, subject, doc.organ_name, doc.page_count or 0)
        notation = doc.symbol  # already "05/QĐ-UBND" (app.outgoing.issuing.symbol_for): the number is in it
        return Described(
            notation, doc.issued_date, _typed(doc.type_name, doc.subject), doc.organ_name, doc.page_count or 0
        )
    raise ValidationError("Loại văn bản, tài liệu không hợp lệ.", code="item_kind_invalid")


def unfileable_outgoing_statuses() -> tuple:
    """Statuses of a văn bản đi that is not filed: recalled (no longer in force) or cancelled (abandoned). Asked by
    the filing itself and by the list of documents offered for filing (app.dossiers.items.candidates)."""
    from app.outgoing.models import OutgoingStatus

    return (OutgoingStatus.RECALLED, OutgoingStatus.CANCELLED)


def _require_content(doc) -> None:
    """A document whose content was destroyed with its dossiers (seed 000 Điều 25.2) has nothing left to file."""
    if doc.content_destroyed_at is not None:
        raise Conflict(
            "Nội dung văn bản đã được hủy theo danh mục tài liệu hết giá trị: không lưu vào hồ sơ được.",
            code="content_destroyed",
        )


def _typed(type_name: str | None, subject: str) -> str:
    """ "Tên loại và trích yếu nội dung" (Phụ lục V.IV column 4)."""
    return f"{type_name} {subject}".strip() if type_name and not subject.startswith(type_name) else subject


def file_document(
    actor: User | None, dossier: Dossier, kind: str, object_id: int, *, auto: bool = False, note: str | None = None
) -> DossierItem:
    """Link an incoming or outgoing document (or an outgoing draft version) into the dossier; the item.

    `actor` None with `auto`: the system at the end of a procedure. The caller holds the unit of work; the dossier
    is locked here. Filing the same document twice into one dossier is refused (code `item_exists`).
    """
    dossier = _lock_for_filing(actor, dossier)
    described = describe(actor, kind, object_id)
    object_type = OBJECT_TYPES[kind]
    exists = db.session.scalar(
        sa.select(DossierItem.id).where(
            DossierItem.dossier_id == dossier.id,
            DossierItem.object_type == object_type,
            DossierItem.object_id == object_id,
        )
    )
    if exists is not None:
        raise Conflict("Văn bản này đã có trong hồ sơ.", code="item_exists")
    item = _add(
        dossier,
        actor,
        kind=kind,
        object_type=object_type,
        object_id=object_id,
        auto=auto,
        note=note,
        described=described,
    )
    _stamp_document(kind, object_id, dossier, item)
    return item


def file_content(
    actor: User | None,
    dossier: Dossier,
    *,
    sha256: str,
    filename: str,
    content_type: str,
    size: int,
    subject: str,
    kind: str = "file",
    dated_on: date | None = None,
    author: str | None = None,
    code_notation: str | None = None,
    pages: int = 0,
    auto: bool = False,
    note: str | None = None,
    object_type: str | None = None,
    object_id: int | None = None,
) -> DossierItem:
    """File content the dossier holds itself (an uploaded tài liệu, photo, recording, video; a processing history):
    the bytes are already in the blob store under `sha256`."""
    if kind not in ("file", "history"):
        raise ValidationError("Loại tài liệu không hợp lệ.", code="item_kind_invalid")
    if not subject or not subject.strip():
        raise ValidationError(
            "Nhập tên, nội dung tài liệu.", code="item_subject_required", details={"subject": "Bắt buộc."}
        )
    dossier = _lock_for_filing(actor, dossier)
    described = Described(code_notation, dated_on or clock.local_today(), subject.strip()[:1000], author, pages)
    item = _add(
        dossier,
        actor,
        kind=kind,
        object_type=object_type,
        object_id=object_id,
        auto=auto,
        note=note,
        described=described,
    )
    item.sha256, item.filename, item.content_type, item.size = sha256, filename[:255], content_type[:100], size
    return item


def remove_item(actor: User, dossier: Dossier, item_id: int) -> DossierItem:
    """Take an item out of an open dossier (a duplicate, a stray draft: Điều 29.4.b); the document itself stays."""
    permissions.require_edit(actor, dossier)
    dossier = lock(dossier.id)
    require_open(dossier)
    item = db.session.get(DossierItem, item_id)
    if item is None or item.dossier_id != dossier.id:
        raise NotFound("Không tìm thấy văn bản, tài liệu trong hồ sơ.", code="item_not_found")
    db.session.delete(item)
    db.session.flush()
    recount(dossier)
    audit.record(
        actor,
        "dossier.remove_item",
        dossier,
        summary=f"Rút khỏi hồ sơ {dossier.file_code}: {item.subject[:200]}",
        changes={"ordinal": item.ordinal, "kind": item.kind},
    )
    return item


def recount(dossier: Dossier) -> None:
    """DocTotal and PageTotal from the items (Phụ lục VI Phần II.III 9–10: filled by the system)."""
    total, pages = db.session.execute(
        sa.select(sa.func.count(DossierItem.id), sa.func.coalesce(sa.func.sum(DossierItem.pages), 0)).where(
            DossierItem.dossier_id == dossier.id
        )
    ).one()
    dossier.doc_total, dossier.page_total = int(total), int(pages)


def holding_dossiers(kind: str, object_id: int) -> list[Dossier]:
    """The dossiers an item of this document is in (its page's "Hồ sơ" panel, destruction's shared check)."""
    return list(
        db.session.scalars(
            sa.select(Dossier)
            .join(DossierItem, DossierItem.dossier_id == Dossier.id)
            .where(DossierItem.object_type == OBJECT_TYPES[kind], DossierItem.object_id == object_id)
            .order_by(Dossier.id)
        )
    )


def _lock_for_filing(actor: User | None, dossier: Dossier) -> Dossier:
    if actor is not None:
        permissions.require_edit(actor, dossier)
    dossier = lock(dossier.id)
    require_open(dossier)
    return dossier


def _add(dossier: Dossier, actor: User | None, *, kind, object_type, object_id, auto, note, described) -> DossierItem:
    ordinal = dossier.next_ordinal or 1
    dossier.next_ordinal = ordinal + 1
    item = DossierItem(
        dossier_id=dossier.id,
        ordinal=ordinal,
        kind=kind,
        object_type=object_type,
        object_id=object_id,
        code_notation=(described.code_notation or None) and described.code_notation[:60],
        dated_on=described.dated_on,
        subject=described.subject[:1000],
        author=(described.author or None) and described.author[:255],
        pages=described.pages or 0,
        note=note,
        auto=auto,
        filed_at=clock.now(),
        filed_by_id=actor.id if actor is not None else None,
    )
    db.session.add(item)
    db.session.flush()
    recount(dossier)
    changes = {"ordinal": ordinal, "kind": kind, "object_type": object_type, "object_id": object_id}
    moved = _widen_start(dossier, item.dated_on)
    if moved:
        changes["start_date"] = [moved.isoformat(), dossier.start_date.isoformat()]
    audit.record(
        actor,
        "dossier.file",
        dossier,
        summary=f"Lưu vào hồ sơ {dossier.file_code} ({KINDS[kind]}"
        + (", tự động" if auto else "")
        + f"): {item.subject[:200]}"
        + (f"; thời gian bắt đầu lùi về {dossier.start_date:%d/%m/%Y}" if moved else ""),
        changes=changes,
    )
    return item


def _widen_start(dossier: Dossier, dated_on: date | None) -> date | None:
    """Move the dossier's Thời gian bắt đầu back to a document dated before it; the former start, or None.

    StartDate/EndDate (Phụ lục VI Phần II.III 7–8) span the dossier's documents, earliest to latest: the end is
    the latest document's when closing (closing.default_end_date), so the start must not stay after an earlier
    document, or closing would refuse an end the documents justify. The year of the code (FileCatalog) stays."""
    if dated_on is None or dossier.start_date is None or dated_on >= dossier.start_date:
        return None
    before, dossier.start_date = dossier.start_date, dated_on
    return before


def document_model(kind: str):
    """The model of the document an item of `kind` ("incoming", "outgoing") names; None for other kinds."""
    if kind == "incoming":
        from app.incoming.models import IncomingDocument

        return IncomingDocument
    if kind == "outgoing":
        from app.outgoing.models import OutgoingDocument

        return OutgoingDocument
    return None


def _stamp_document(kind: str, object_id: int, dossier: Dossier, item: DossierItem) -> None:
    """Phụ lục VI Phần II.I–II fields 1–2 (FileCode, DocOrdinal) on the document: its first dossier's."""
    model = document_model(kind)
    doc = db.session.get(model, object_id) if model is not None else None
    if doc is not None and doc.file_code is None:
        doc.file_code, doc.doc_ordinal = dossier.file_code, item.ordinal
