"""What an item of a dossier holds: its file in the blob store and its metadata (Phụ lục VI Phần II.I–II), read from
the module that owns the document. Closing (duplicates), the PDF/XML exports and the SIP ask here, so "which file is
an outgoing document's" is decided once.

- incoming: its main IncomingFile (the first file when none is marked main);
- outgoing: its issued original (VersionStage.ISSUED, bản gốc Điều 19.2), else its newest version — the same file
  the outgoing module shows as `main_version`;
- draft: that OutgoingVersion's PDF;
- file / history: the item's own blob.
"""

import hashlib
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import sqlalchemy as sa
from flask import current_app

from app.core.db import db
from app.core.errors import Conflict
from app.dossiers.models import DossierItem

CHUNK = 1024 * 1024
PDF = "application/pdf"


@dataclass(frozen=True)
class ItemFile:
    sha256: str
    filename: str
    content_type: str


class ContentMissing(Conflict):
    """A file of the dossier is gone or damaged in the blob store: the export stops and changes nothing."""

    code = "dossier_file_missing"


def item_file(item: DossierItem) -> ItemFile | None:
    """The file of the item, or None (a document without any file, e.g. a paper incoming document)."""
    if item.kind in ("file", "history"):
        if not item.sha256:
            return None
        return ItemFile(item.sha256, item.filename or "tai-lieu", item.content_type or "application/octet-stream")
    if item.object_id is None:
        return None
    if item.kind == "incoming":
        from app.incoming.models import IncomingFile

        row = db.session.scalars(
            sa.select(IncomingFile)
            .where(IncomingFile.document_id == item.object_id)
            .order_by(IncomingFile.is_main.desc(), IncomingFile.id)
            .limit(1)
        ).first()
        return ItemFile(row.sha256, row.filename, row.content_type) if row is not None else None
    from app.outgoing.models import OutgoingDocument, OutgoingVersion, VersionStage

    if item.kind == "draft":
        version = db.session.get(OutgoingVersion, item.object_id)
    else:
        doc = db.session.get(OutgoingDocument, item.object_id)
        if doc is None:
            return None
        issued = [v for v in doc.versions if v.stage == VersionStage.ISSUED]
        version = issued[-1] if issued else doc.main_version
    if version is None:
        return None
    return ItemFile(version.sha256, version.download_name, PDF)


def blob_path(item: DossierItem, found: ItemFile) -> Path:
    """Where the item's bytes lie; refused (409 `dossier_file_missing`) when they are gone."""
    path = current_app.extensions["qlvb.blobs"].path_for(found.sha256)
    if not path.is_file():
        raise ContentMissing(
            f"Không đọc được tệp của văn bản số thứ tự {item.ordinal} ({found.filename}) trong kho lưu trữ tệp.",
            details={"ordinal": item.ordinal, "sha256": found.sha256},
        )
    return path


def verified_chunks(item: DossierItem, found: ItemFile) -> Iterator[bytes]:
    """The item's bytes in chunks, checked against their SHA-256 at the end (damage is refused, never exported)."""
    path = blob_path(item, found)
    sha = hashlib.sha256()
    with path.open("rb") as source:
        while chunk := source.read(CHUNK):
            sha.update(chunk)
            yield chunk
    if sha.hexdigest() != found.sha256:
        raise ContentMissing(
            f"Tệp của văn bản số thứ tự {item.ordinal} ({found.filename}) bị hỏng: nội dung không khớp mã băm.",
            details={"ordinal": item.ordinal, "sha256": found.sha256},
        )


def verify(item: DossierItem, found: ItemFile) -> Path:
    """Check the item's bytes against their name without holding them; their path."""
    for _chunk in verified_chunks(item, found):
        pass
    return blob_path(item, found)


@dataclass
class DocMeta:
    """The Phụ lục VI Phần II.I–II fields of one item (fields 3–11 and the incoming/outgoing ones)."""

    type_name: str
    code_number: str | None
    code_notation: str | None
    issued_date: date | None
    organ_name: str | None
    subject: str
    language: str
    page_amount: int
    description: str | None
    arrival_date: date | None = None
    arrival_number: int | None = None
    signer_position: str | None = None
    signer_name: str | None = None


def metadata(item: DossierItem) -> DocMeta:
    """The item's document as the archive describes it; falls back to what the item kept at filing."""
    from app.dossiers.filing import KINDS

    fallback = DocMeta(
        KINDS.get(item.kind, "Tài liệu"),
        None,
        item.code_notation,
        item.dated_on,
        item.author,
        item.subject,
        "Tiếng Việt",
        item.pages or 0,
        item.note,
    )
    if item.object_id is None:
        return fallback
    if item.kind == "incoming":
        from app.core import clock
        from app.incoming.models import IncomingDocument

        doc = db.session.get(IncomingDocument, item.object_id)
        if doc is None:
            return fallback
        return DocMeta(
            doc.type_name,
            doc.code_number,
            doc.code_notation,
            doc.issued_date,
            doc.sender_name,
            doc.subject,
            doc.language or "Tiếng Việt",
            doc.page_count or item.pages or 0,
            item.note or doc.description,
            clock.to_local(doc.arrived_at).date() if doc.arrived_at else None,
            doc.arrival_number,
            doc.signer_position,
            doc.signer_name,
        )
    if item.kind in ("outgoing", "draft"):
        from app.outgoing.models import OutgoingDocument, OutgoingVersion

        if item.kind == "draft":
            version = db.session.get(OutgoingVersion, item.object_id)
            doc = version.document if version is not None else None
        else:
            doc = db.session.get(OutgoingDocument, item.object_id)
        if doc is None:
            return fallback
        issued = item.kind == "outgoing"
        return DocMeta(
            doc.type_name,
            str(doc.number) if issued and doc.number else None,
            doc.notation if issued else None,
            doc.issued_date if issued else item.dated_on,
            doc.organ_name,
            item.subject if not issued else doc.subject,
            doc.language or "Tiếng Việt",
            doc.page_count or item.pages or 0,
            item.note or doc.description,
            signer_position=doc.signer_title,
            signer_name=doc.signer_name,
        )
    return fallback
