"""Destroy the content of a văn bản đến whose dossiers were destroyed, keeping its register line.

Seed 000 Điều 25.2: destroyed records must not be recoverable; NĐ 30/2020 Phụ lục IV: the sổ đăng ký văn bản đến
is itself kept. So, unlike a recall (app.incoming.destruction, which blanks the row), the metadata row stays as it
is — số đến, ngày đến, số/ký hiệu, trích yếu, nơi gửi — and what goes is the content, in the caller's transaction:

- the files (`IncomingFile` rows): the bytes are removed by the caller after its commit, content-addressed, so a
  blob another row still names (the sender's outgoing document in the same deployment, a bản sao) stays;
- the case (`app.workflow.erasure`): its tasks with the comments and form values people wrote, its case files;
- the handling history written about it (extension requests, progress notes, returns), as a recall does;
- the PDFs' text in the search catalogue: the catalogue rewrites the entry in this transaction from the files the
  document has left (app.documents.fulltext.indexing clears `body` when the files change), so the document is no
  longer found by its content.

The caller (app.dossiers.destruction) decides whether the content may go — no living dossier holds it — and
records what went in its destruction record.
"""

from datetime import datetime

import sqlalchemy as sa
from flask import current_app

from app.core.db import db
from app.core.errors import Conflict, Gone
from app.core.locking import lock_row
from app.incoming.models import IncomingDocument
from app.incoming.models_handling import IncomingExtension, IncomingNote
from app.workflow.erasure import erase_case, lock_case

OBJECT_TYPE = "incoming"  # the workflow instances' object_type (app.incoming.services.OBJECT_TYPE)
BUSY = Conflict("Văn bản đang được người khác xử lý, vui lòng thử lại.", code="incoming_busy")


def require_content(document: IncomingDocument) -> None:
    """Every route that serves a file of the document asks this first: 410 with a stable code."""
    if document.content_destroyed_at is not None:
        raise Gone("Nội dung văn bản đã được hủy theo danh mục tài liệu hết giá trị.", code="content_destroyed")


def destroy_content(
    document: IncomingDocument, *, destruction_id: int, when: datetime
) -> list[tuple[str, int | None, str]]:
    """Remove the document's files and case; (sha256, size, origin) of every blob they named.

    The case is locked before the document: the order a task completion takes its locks in.
    """
    store = current_app.extensions["qlvb.blobs"]
    lock_case(OBJECT_TYPE, document.id)
    document = lock_row(IncomingDocument, document.id, busy=BUSY, touch="status")
    if document.content_destroyed_at is not None:
        return []
    found = [(item.sha256, item.size, "document") for item in document.files]
    for digest in erase_case(OBJECT_TYPE, document.id):
        found.append((digest, store.size(digest) if store.exists(digest) else None, "case"))
    document.files.clear()  # delete-orphan: the rows go
    for model in (IncomingExtension, IncomingNote):
        db.session.execute(sa.delete(model).where(model.document_id == document.id))
    document.content_destroyed_at, document.content_destruction_id = when, destruction_id
    return found
