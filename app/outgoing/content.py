"""Destroy the content of a văn bản đi (or of one of its drafts) whose dossiers were destroyed, keeping its
register line.

Seed 000 Điều 25.2: destroyed records must not be recoverable; NĐ 30/2020 Phụ lục IV: the sổ đăng ký văn bản đi is
itself kept. The metadata row stays — số, ký hiệu, ngày, trích yếu, nơi nhận, người ký — and, in the caller's
transaction, the content goes:

- every file: each version's PDF and the DOCX it was converted from (`OutgoingVersion`), each attachment as
  uploaded and as organization-signed (`OutgoingAttachment`); the bytes are removed by the caller after its commit,
  content-addressed, so a blob another row still names (a recipient agency's incoming copy in the same
  deployment, a bản sao) stays with that row;
- the case (`app.workflow.erasure`): tasks with their comments and form values, case files; the reviews' opinions
  and comments on the drafts (`OutgoingReview`);
- the PDFs' text in the search catalogue, rewritten in this transaction from the files left (none).

A draft version filed on its own (dự thảo lần n) goes alone: its row and files. The caller (app.dossiers.destruction)
decides whether the content may go and records what went.
"""

from datetime import datetime

from flask import current_app

from app.core.errors import Conflict, Gone
from app.core.locking import lock_row
from app.outgoing.models import OutgoingDocument, OutgoingVersion
from app.workflow.erasure import erase_case, lock_case

OBJECT_TYPE = "outgoing"  # the workflow instances' object_type (app.outgoing.services.OBJECT_TYPE)
BUSY = Conflict("Văn bản đang được người khác xử lý, vui lòng thử lại.", code="outgoing_busy")


def require_content(document: OutgoingDocument) -> None:
    """Every route that serves a file of the document asks this first: 410 with a stable code."""
    if document.content_destroyed_at is not None:
        raise Gone("Nội dung văn bản đã được hủy theo danh mục tài liệu hết giá trị.", code="content_destroyed")


def version_files(version: OutgoingVersion) -> list[tuple[str, int | None, str]]:
    found = [(version.sha256, version.size, "version")]
    if version.source_sha256:
        found.append((version.source_sha256, None, "version_source"))
    return found


def destroy_content(
    document: OutgoingDocument, *, destruction_id: int, when: datetime
) -> list[tuple[str, int | None, str]]:
    """Remove the document's files and case; (sha256, size, origin) of every blob they named.

    The case is locked before the document: the order a task completion takes its locks in.
    """
    store = current_app.extensions["qlvb.blobs"]
    lock_case(OBJECT_TYPE, document.id)
    document = lock_row(OutgoingDocument, document.id, busy=BUSY, touch="status")
    if document.content_destroyed_at is not None:
        return []
    found = [entry for version in document.versions for entry in version_files(version)]
    for attachment in document.attachments:
        found.append((attachment.sha256, attachment.size, "attachment"))
        if attachment.signed_sha256:
            found.append((attachment.signed_sha256, None, "attachment_signed"))
    for digest in erase_case(OBJECT_TYPE, document.id):
        found.append((digest, None, "case"))
    document.versions.clear()  # delete-orphan: the rows go
    document.attachments.clear()
    document.reviews.clear()
    document.content_destroyed_at, document.content_destruction_id = when, destruction_id
    return [(digest, size if size is not None else _size(store, digest), origin) for digest, size, origin in found]


def destroy_version(version: OutgoingVersion) -> list[tuple[str, int | None, str]]:
    """Remove one draft version (its row and files); (sha256, size, origin) of the blobs it named."""
    store = current_app.extensions["qlvb.blobs"]
    found = version_files(version)
    version.document.versions.remove(version)  # delete-orphan
    return [(digest, size if size is not None else _size(store, digest), origin) for digest, size, origin in found]


def _size(store, digest: str) -> int | None:
    return store.size(digest) if store.exists(digest) else None
