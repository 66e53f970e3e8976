"""What a person files into their dossier, and what a document's page says about the dossiers holding it.

- Documents: an incoming or outgoing document the person may see, or an outgoing draft version (dự thảo lần 1,
  2, 3 …: Phụ lục VI III.4.c), found by a search over the documents they see; linked through `filing`, never copied.
- Files: any tài liệu — photos, recordings, videos, PDFs, office files (III.4.c "tài liệu khác") — checked like
  every upload of the system (app.documents.uploads: empty, size limit, format told by the bytes) and kept in the
  blob store under their SHA-256.
"""

from dataclasses import dataclass, field
from datetime import date

import sqlalchemy as sa
from flask import current_app

from app.core import clock
from app.core.db import db
from app.core.errors import NotFound, ValidationError
from app.core.folding import folded_search
from app.documents.uploads import ALLOWED, PDF, Upload, upload_problem
from app.dossiers import filing, permissions
from app.dossiers.models import Dossier, DossierItem
from app.dossiers.services import get_dossier
from app.dossiers.states import EDITABLE
from app.org.models import User

# Beyond the documents' formats, a dossier keeps photos, recordings and videos (Điều 29; III.4.c) and older office
# files — each told by its bytes (design.md §8), never by the name the browser sends.
MEDIA_MAGIC = [
    (0, b"GIF87a", "image/gif"),
    (0, b"GIF89a", "image/gif"),
    (0, b"ID3", "audio/mpeg"),
    (0, b"\xff\xfb", "audio/mpeg"),
    (0, b"\xff\xf3", "audio/mpeg"),
    (0, b"OggS", "audio/ogg"),
    (0, b"fLaC", "audio/flac"),
    (0, b"\x1a\x45\xdf\xa3", "video/webm"),
    (0, b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "application/msword"),  # OLE: .doc, .xls, .ppt
]
RIFF = {b"WAVE": "audio/wav", b"AVI ": "video/x-msvideo", b"WEBP": "image/webp"}
FTYP = {  # ISO base media: the brand at bytes 8–12
    b"M4A ": "audio/mp4",
    b"qt  ": "video/quicktime",
    b"heic": "image/heic",
    b"heix": "image/heic",
}
OFFICE_ZIP = {
    ".pptx": "application/vnd.openxmlformats-officedocument.presentationml.presentation",
    ".odt": "application/vnd.oasis.opendocument.text",
    ".ods": "application/vnd.oasis.opendocument.spreadsheet",
}
ACCEPTED_LABEL = (
    "PDF, ảnh (JPG, PNG, TIFF, GIF, WEBP, HEIC), âm thanh (MP3, WAV, OGG, M4A), video (MP4, MOV, WEBM, AVI), "
    "DOC, DOCX, XLS, XLSX, PPTX, ZIP"
)
SEARCH_LIMIT = 20


def content_type_of(filename: str, data: bytes) -> str | None:
    """The type of a file told by its content; None when it is none of the accepted ones."""
    known = Upload(filename, data).content_type
    if known in OFFICE_ZIP.values():  # a PPTX, told by its parts
        return known
    if known == "application/zip":
        lowered = filename.lower()
        return next((t for ext, t in OFFICE_ZIP.items() if lowered.endswith(ext)), known)
    if known in ALLOWED:
        return known
    for offset, magic, kind in MEDIA_MAGIC:
        if data[offset : offset + len(magic)] == magic:
            return kind
    if data[:4] == b"RIFF" and data[8:12] in RIFF:
        return RIFF[data[8:12]]
    if data[4:8] == b"ftyp":
        return FTYP.get(data[8:12], "video/mp4")
    return None


def file_upload(
    actor: User,
    dossier_id: int,
    *,
    filename: str,
    data: bytes,
    subject: str | None = None,
    dated_on: date | None = None,
    author: str | None = None,
    pages: int = 0,
    note: str | None = None,
) -> DossierItem:
    """File an uploaded tài liệu into the creator's open dossier; its bytes go to the blob store."""
    dossier = get_dossier(actor, dossier_id)
    permissions.require_edit(actor, dossier)
    filing.require_open(dossier)
    filename = (filename or "").strip() or "tai-lieu"
    upload = Upload(filename, data)
    problem = upload_problem(upload, check_format=False, refuse_active=True)
    if problem:
        code, message = problem
        raise ValidationError(message, code=code, details={"file": message})
    content_type = content_type_of(filename, data)
    if content_type is None:
        message = f"Tệp “{filename}” không thuộc định dạng được chấp nhận ({ACCEPTED_LABEL})."
        raise ValidationError(message, code="invalid_files", details={"file": message})
    if pages is None or pages < 0 or pages > 100_000:
        raise ValidationError("Số trang không hợp lệ.", code="item_invalid", details={"pages": "Từ 0."})
    if dated_on is not None and (problem := clock.future_problem(dated_on, "Ngày của tài liệu")):
        raise ValidationError(problem, code="item_invalid", details={"dated_on": problem})
    if not pages and content_type == PDF:
        # Left blank: a PDF counts its own pages (the dossier's record and its hand-over list sum them).
        from app.documents.pdfcheck import inspect_pdf

        pages = inspect_pdf(data).pages or 0
    digest = current_app.extensions["qlvb.blobs"].put(data)
    return filing.file_content(
        actor,
        dossier,
        sha256=digest,
        filename=filename,
        content_type=content_type,
        size=len(data),
        subject=(subject or "").strip() or filename,
        dated_on=dated_on,
        author=(author or "").strip() or None,
        pages=pages or 0,
        note=(note or "").strip()[:500] or None,
    )


def file_document(actor: User, dossier_id: int, kind: str, object_id: int, note: str | None = None) -> DossierItem:
    """File a document the person may see (or an outgoing draft version) into their open dossier."""
    dossier = get_dossier(actor, dossier_id)
    if kind not in filing.OBJECT_TYPES:
        raise ValidationError("Loại văn bản không hợp lệ.", code="item_kind_invalid", details={"kind": "Sai loại."})
    return filing.file_document(actor, dossier, kind, object_id, note=(note or "").strip()[:500] or None)


def remove(actor: User, dossier_id: int, item_id: int) -> DossierItem:
    return filing.remove_item(actor, get_dossier(actor, dossier_id), item_id)


def item_file(actor: User, dossier_id: int, item_id: int) -> tuple[DossierItem, bytes]:
    """The own file of an item (an uploaded tài liệu, a processing history) of a dossier `actor` may see."""
    dossier = get_dossier(actor, dossier_id)
    item = db.session.get(DossierItem, item_id)
    if item is None or item.dossier_id != dossier.id or not item.sha256:
        raise NotFound("Không tìm thấy tệp của văn bản, tài liệu.", code="item_not_found")
    return item, current_app.extensions["qlvb.blobs"].read(item.sha256)


# ---- finding documents to file -------------------------------------------------------------------------------


@dataclass
class Candidate:
    """A document the person may file: its kind, id, what the list shows; drafts of an outgoing one."""

    kind: str
    object_id: int
    notation: str | None
    dated_on: date | None
    subject: str
    drafts: list[tuple[int, int]] = field(default_factory=list)  # (version id, lần)


def candidates(actor: User, text: str | None, limit: int = SEARCH_LIMIT) -> list[Candidate]:
    """Incoming and outgoing documents `actor` may see whose số/ký hiệu or trích yếu matches `text`, newest first;
    each outgoing one with its draft versions."""
    from app.incoming import permissions as incoming_permissions
    from app.incoming.models import IncomingDocument, IncomingStatus
    from app.outgoing import permissions as outgoing_permissions
    from app.outgoing.models import OutgoingDocument, OutgoingVersion, VersionStage

    text = (text or "").strip()
    if not text:
        return []
    pattern = f"%{text.upper()}%"
    incoming_match = sa.or_(
        *[c for c in [folded_search(IncomingDocument.subject_folded, text)] if c is not None],
        sa.func.upper(
            sa.func.coalesce(IncomingDocument.code_number, "")
            + "/"
            + sa.func.coalesce(IncomingDocument.code_notation, "")
        ).like(pattern),
    )
    incoming = db.session.scalars(
        sa.select(IncomingDocument)
        .where(
            incoming_permissions.visible_filter(actor),
            IncomingDocument.status != IncomingStatus.RECALLED,
            IncomingDocument.content_destroyed_at.is_(None),
            incoming_match,
        )
        .order_by(IncomingDocument.id.desc())
        .limit(limit)
    )
    found = [
        Candidate("incoming", d.id, d.symbol or None, d.issued_date, f"{d.type_name} {d.subject}".strip())
        for d in incoming
    ]
    outgoing_match = sa.or_(
        *[c for c in [folded_search(OutgoingDocument.subject_folded, text)] if c is not None],
        sa.func.upper(sa.func.coalesce(OutgoingDocument.symbol, "")).like(pattern),
    )
    outgoing = list(
        db.session.scalars(
            sa.select(OutgoingDocument)
            .where(
                outgoing_permissions.visible_filter(actor),
                OutgoingDocument.status.not_in(filing.unfileable_outgoing_statuses()),  # refused if chosen
                OutgoingDocument.content_destroyed_at.is_(None),
                outgoing_match,
            )
            .order_by(OutgoingDocument.id.desc())
            .limit(limit)
        )
    )
    drafts: dict[int, list[tuple[int, int]]] = {}
    if outgoing:
        rows = db.session.execute(
            sa.select(OutgoingVersion.document_id, OutgoingVersion.id, OutgoingVersion.number)
            .where(
                OutgoingVersion.document_id.in_([d.id for d in outgoing]),
                OutgoingVersion.stage == VersionStage.DRAFT,
            )
            .order_by(OutgoingVersion.number)
        )
        for document_id, version_id, number in rows:
            drafts.setdefault(document_id, []).append((version_id, number))
    for d in outgoing:
        kind = "outgoing" if d.issued_at is not None else "draft"
        found.append(
            Candidate(kind, d.id, d.symbol, d.issued_date, f"{d.type_name} {d.subject}".strip(), drafts.get(d.id, []))
        )
    return found


# ---- a document's page: the dossiers holding it --------------------------------------------------------------


@dataclass
class Panel:
    holding: list[Dossier]  # the dossiers holding the document that the person may see
    open_mine: list[Dossier]  # the person's open dossiers that do not hold it yet
    kind: str  # what filing it here files: "incoming", "outgoing", or "draft" (an unissued outgoing document)
    object_id: int | None  # the document, or its latest draft version


def document_panel(user: User, kind: str, document_id: int) -> Panel | None:
    """What the "Hồ sơ" panel of a document's page shows; None when there is nothing to show (no dossier of the
    person's holds it and they have no open dossier)."""
    if not getattr(user, "is_authenticated", False) or kind not in ("incoming", "outgoing"):
        return None
    keys = [(kind, document_id)]
    file_kind, object_id = kind, document_id
    if kind == "outgoing":
        from app.outgoing.models import OutgoingDocument, OutgoingVersion, VersionStage

        doc = db.session.get(OutgoingDocument, document_id)
        if doc is None:
            return None
        versions = db.session.execute(
            sa.select(OutgoingVersion.id, OutgoingVersion.stage)
            .where(OutgoingVersion.document_id == document_id)
            .order_by(OutgoingVersion.number)
        ).all()
        keys += [("outgoing_version", vid) for vid, _stage in versions]
        if doc.issued_at is None:
            drafts = [vid for vid, stage in versions if stage == VersionStage.DRAFT]
            file_kind, object_id = "draft", (drafts[-1] if drafts else None)
    else:
        from app.incoming.models import IncomingDocument

        doc = db.session.get(IncomingDocument, document_id)
        if doc is None:
            return None
    if doc.content_destroyed_at is not None:
        object_id = None  # nothing left to file (filing.describe refuses it: content_destroyed)
    holding_ids = sa.select(DossierItem.dossier_id).where(
        sa.or_(*(sa.and_(DossierItem.object_type == t, DossierItem.object_id == i) for t, i in keys))
    )
    holding = list(
        db.session.scalars(
            sa.select(Dossier)
            .where(Dossier.id.in_(holding_ids), permissions.visible_filter(user))
            .order_by(Dossier.year.desc(), Dossier.id.desc())
        )
    )
    open_mine = []
    if object_id is not None:
        held = {d.id for d in holding}
        open_mine = [
            d
            for d in db.session.scalars(
                sa.select(Dossier)
                .where(
                    Dossier.agency_id == user.agency_id,
                    Dossier.creator_id == user.id,
                    Dossier.status.in_([s.value for s in EDITABLE]),
                )
                .order_by(Dossier.year.desc(), Dossier.notation)
            )
            if d.id not in held
        ]
    if not holding and not open_mine:
        return None
    return Panel(holding, open_mine, file_kind, object_id)
