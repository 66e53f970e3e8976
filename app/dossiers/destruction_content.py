"""What a destruction does to the documents its dossiers link (văn bản đến, văn bản đi, dự thảo).

Seed 000 Điều 25.2: "phải bảo đảm thông tin đã bị hủy không thể khôi phục lại được"; issue 12 point 5: destruction
applies to whole dossiers and makes their content unrecoverable. A document item is a link, not a copy
(NĐ 30/2020 Phụ lục VI III.4.e): the same document may be in several dossiers. So its content goes only when no
other dossier — one not destroyed in this same execution — still holds it (the document itself, or for a văn bản
đi also any of its drafts); otherwise it stays and the record says "kept" and where.

When it goes, the module that owns the document removes its files and case (app.incoming.content,
app.outgoing.content) in the execution's transaction, and every blob is listed in the record with fate "pending":
`destruction.destroy_files` removes the bytes after the commit (content-addressed: a blob another row still names,
such as the recipient agency's incoming copy in the same deployment, ends "shared"). The document's row stays —
its register line (số, ngày, trích yếu) is a permanent record (Phụ lục IV) — marked `content_destroyed_at`.
"""

from datetime import datetime

import sqlalchemy as sa

from app.audit import services as audit
from app.core.db import db
from app.dossiers import transfer
from app.dossiers.models import Dossier, DossierDestruction, DossierItem
from app.org.models import User

PENDING, KEPT, GONE = "pending", "kept", "content_gone"


def settle(actor: User, item: DossierItem, executing: set[int], destruction: DossierDestruction, when: datetime):
    """The record's lines for one document item; its content destroyed when no living dossier holds it."""
    line = {
        "ordinal": item.ordinal,
        "kind": item.kind,
        "object_type": item.object_type,
        "object_id": item.object_id,
        "subject": item.subject[:300],
    }
    if item.object_type == "incoming":
        return _incoming(actor, item, line, executing, destruction, when)
    if item.object_type in ("outgoing", "outgoing_version"):
        return _outgoing(actor, item, line, executing, destruction, when)
    return [_kept(item, line, "Không phải văn bản của hệ thống quản lý văn bản")]


def _kept(item: DossierItem, line: dict, reason: str) -> dict:
    return {**line, "documents_sha256": transfer.document_hashes(item), "fate": KEPT, "reason": reason}


def _holders(executing: set[int], *objects: tuple[str, list[int]]) -> list[str]:
    """File codes of the dossiers outside this execution that hold any of `objects` (object_type, ids)."""
    clauses = [
        sa.and_(DossierItem.object_type == object_type, DossierItem.object_id.in_(ids))
        for object_type, ids in objects
        if ids
    ]
    if not clauses:
        return []
    query = (
        sa.select(Dossier.file_code)
        .join(DossierItem, DossierItem.dossier_id == Dossier.id)
        .where(sa.or_(*clauses), Dossier.id.not_in(executing))
        .distinct()
        .order_by(Dossier.file_code)
    )
    return list(db.session.scalars(query))


def _held_reason(holders: list[str]) -> str:
    return "Còn trong hồ sơ " + ", ".join(holders[:5]) + (" …" if len(holders) > 5 else "")


def _destroyed(line: dict, found, *, note: str | None = None) -> list[dict]:
    if not found:
        return [{**line, "fate": GONE, "note": note or "Văn bản không còn tệp nào"}]
    return [{**line, "sha256": d, "size": size, "origin": origin, "fate": PENDING} for d, size, origin in found]


def _incoming(actor, item, line, executing, destruction, when) -> list[dict]:
    from app.incoming import content
    from app.incoming.models import IncomingDocument

    document = db.session.get(IncomingDocument, item.object_id)
    if document is None:
        return [_kept(item, line, "Không tìm thấy văn bản")]
    if document.content_destroyed_at is not None:
        return _destroyed(line, [], note="Nội dung đã được hủy cùng hồ sơ khác")
    if holders := _holders(executing, ("incoming", [document.id])):
        return [_kept(item, line, _held_reason(holders))]
    found = content.destroy_content(document, destruction_id=destruction.id, when=when)
    notation = "/".join(p for p in (document.code_number, document.code_notation) if p)
    audit.record(
        actor,
        "incoming.content_destroy",
        document,
        summary=f"Hủy nội dung văn bản đến số đến {document.arrival_number or ''} ({notation}) theo Quyết định số "
        f"{destruction.decision_number}",
        changes={"destruction_id": destruction.id, "files": [d for d, _, _ in found]},
    )
    return _destroyed(line, found)


def _outgoing(actor, item, line, executing, destruction, when) -> list[dict]:
    from app.outgoing import content
    from app.outgoing.models import OutgoingDocument, OutgoingVersion

    version = None
    if item.object_type == "outgoing_version":
        version = db.session.get(OutgoingVersion, item.object_id)
        document = version.document if version is not None else None
        if version is None:
            # Gone with its document earlier in this execution (or before): nothing of it is left.
            return _destroyed(line, [], note="Dự thảo đã được hủy cùng văn bản")
    else:
        document = db.session.get(OutgoingDocument, item.object_id)
    if document is None:
        return [_kept(item, line, "Không tìm thấy văn bản")]
    if document.content_destroyed_at is not None:
        return _destroyed(line, [], note="Nội dung đã được hủy cùng hồ sơ khác")
    # The whole document's content goes with its drafts: a living dossier holding either keeps it. A lone draft
    # goes when neither it nor its document is held elsewhere, and never the document's current file.
    version_ids = [v.id for v in document.versions] if version is None else [version.id]
    if holders := _holders(executing, ("outgoing", [document.id]), ("outgoing_version", version_ids)):
        return [_kept(item, line, _held_reason(holders))]
    label = document.symbol or f"“{document.subject[:80]}”"
    if version is not None:
        if version is document.main_version:
            return [_kept(item, line, "Là tệp hiện hành của văn bản")]
        number = version.number
        found = content.destroy_version(version)
        summary = f"Hủy dự thảo lần {number} của văn bản đi {label}"
    else:
        found = content.destroy_content(document, destruction_id=destruction.id, when=when)
        summary = f"Hủy nội dung văn bản đi {label}"
    audit.record(
        actor,
        "outgoing.content_destroy",
        document,
        summary=f"{summary} theo Quyết định số {destruction.decision_number}",
        changes={"destruction_id": destruction.id, "files": [d for d, _, _ in found]},
    )
    return _destroyed(line, found)
