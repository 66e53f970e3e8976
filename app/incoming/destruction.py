"""Destroy a recalled văn bản đến, keeping only the metadata of the recall (NĐ 30 Phụ lục VI III.8.b–c).

NĐ 30/2020 Điều 18.4.b: "bên nhận hủy bỏ văn bản điện tử bị thu hồi trên Hệ thống". What goes, in the decider's
transaction (all or nothing):

- the document's files (`IncomingFile` rows), its assignments, its case (`app.workflow.erasure`: the instance,
  every task with its comments and form values, the files forms attached);
- every metadata field of the document row, blanked. The row itself stays as a tombstone with its id, its số đến
  (numbers are gap-free: the register shows the number was taken), its delivery id (a retried delivery must not
  bring the document back, design.md §7) and the recall's dates: other rows point at it (status messages, a
  reply being drafted, the number assignment, the audit chain).

What stays is a `RecallRecord` (III.8.c): who asked, who agreed, when, the document's identifiers and the SHA-256
of each destroyed file. The bytes go after the commit (`destroy_files`): the blob store is content-addressed, so
a file is removed only when no other row names the same bytes (the sender's own outgoing document in the same
deployment, a bản sao); those stay with their owner and the record says so. A failure on the disk leaves the file
pending; the job `incoming.destroy_recalled_files` retries it.

The audit chain is append-only and hash-chained (app.audit): the events recorded while the document lived keep
their summaries (a receipt's names the trích yếu). They are the agency's evidence of who did what — itself part of
the recall's history III.8.c asks to keep — readable by administrators only, and rewriting one would break every
link after it and the checkpoint kept outside the database. The events of the recall itself name the document by
its số/ký hiệu only, and the case is deleted without a "workflow.cancel" event (whose summary is the case title).
"""

import logging

import sqlalchemy as sa
from flask import current_app

from app.audit.queries import latest_event
from app.core import clock
from app.core.db import db
from app.core.signals import object_destroyed
from app.core.transaction import after_commit, in_unit_of_work, unit_of_work
from app.incoming.models import IncomingDocument
from app.incoming.models_handling import IncomingExtension, IncomingNote
from app.incoming.recall_models import BlobFate, RecallFile, RecallRecord
from app.org.models import User
from app.workflow.erasure import erase_case

log = logging.getLogger(__name__)

OBJECT_TYPE = "incoming"  # the workflow instances' object_type (app.incoming.services.OBJECT_TYPE)

# Columns of the tombstone that survive: identity, tenancy, the số đến taken, the delivery id, the recall's dates.
# Every other column — today's and any added later — is blanked by `_blank`.
KEEP = frozenset(
    {
        "id",
        "agency_id",
        "channel",
        "status",
        "message_id",
        "arrived_at",
        "register_id",
        "arrival_year",
        "arrival_number",
        "registered_at",
        "registered_by_id",
        "created_by_id",
        "recall_requested_at",
        "recall_decided_by_id",
        "recalled_at",
    }
)


def destroy_document(actor: User, document: IncomingDocument) -> RecallRecord:
    """Destroy the (locked, accepted) document's rows and metadata; the record of the recall; files after commit."""
    store = current_app.extensions["qlvb.blobs"]
    record = RecallRecord(
        agency_id=document.agency_id,
        incoming_document_id=document.id,
        channel=document.channel,
        message_id=document.message_id,
        document_key=document.document_key,
        sender_code=document.sender_code,
        sender_name=document.sender_name,
        code_number=document.code_number,
        code_notation=document.code_notation,
        issued_date=document.issued_date,
        arrival_year=document.arrival_year,
        arrival_number=document.arrival_number,
        arrived_at=document.arrived_at,
        requested_at=document.recall_requested_at,
        request_note=document.recall_note,
        requested_by_id=_requester_id(document),
        decided_at=document.recalled_at or clock.now(),
        decided_by_id=actor.id,
        decided_by_name=actor.full_name[:50],
    )
    for item in document.files:
        record.files.append(RecallFile(origin="document", sha256=item.sha256, size=item.size, is_main=item.is_main))
    for digest in erase_case(OBJECT_TYPE, document.id):
        size = store.size(digest) if store.exists(digest) else None
        record.files.append(RecallFile(origin="case", sha256=digest, size=size))
    document.files.clear()  # delete-orphan: the rows go
    # The handling history (extension requests, progress notes, returns) is the document's too (III.8.b).
    for model in (IncomingExtension, IncomingNote):
        db.session.execute(sa.delete(model).where(model.document_id == document.id))
    document.assignments.clear()
    _blank(document)
    object_destroyed.send(OBJECT_TYPE, object_id=document.id, agency_id=document.agency_id)  # derived rows go too
    db.session.add(record)
    db.session.flush()
    if in_unit_of_work():
        record_id = record.id
        after_commit(lambda: destroy_files(record_id))
    return record


def _blank(document: IncomingDocument) -> None:
    """Every metadata column outside KEEP: NULL, or its default, or empty when it may not be NULL."""
    for attribute in sa.inspect(IncomingDocument).column_attrs:
        column = attribute.columns[0]
        if attribute.key in KEEP or column.primary_key:
            continue
        if column.nullable:
            value = None
        elif column.default is not None and column.default.is_scalar:
            value = column.default.arg
        elif isinstance(column.type, sa.String | sa.Text):
            value = ""
        elif isinstance(column.type, sa.Boolean):
            value = False
        else:
            continue
        setattr(document, attribute.key, value)


def _requester_id(document: IncomingDocument) -> int | None:
    """The clerk who entered the sender's request (None: it came through the exchange), from the audit chain."""
    event = latest_event(IncomingDocument.__tablename__, document.id, "incoming.recall_request")
    return event.actor_id if event is not None else None


def destroy_files(record_id: int | None = None, *, limit: int = 500) -> int:
    """Remove the bytes of destroyed files still pending (of one record, or all): each in its own transaction.

    Idempotent: a file already gone counts as destroyed; one still named by another row is left to that row
    (SHARED). A failure on the disk keeps the file PENDING with the error, for the next run. Returns how many
    files were settled.
    """
    query = sa.select(RecallFile.id).where(RecallFile.fate == BlobFate.PENDING)
    if record_id is not None:
        query = query.where(RecallFile.record_id == record_id)
    with unit_of_work():
        ids = list(db.session.scalars(query.order_by(RecallFile.id).limit(limit)))
    return sum(_destroy_one(file_id) for file_id in ids)


def _destroy_one(file_id: int) -> bool:
    store = current_app.extensions["qlvb.blobs"]
    with unit_of_work():
        item = db.session.get(RecallFile, file_id)
        if item is None or item.fate != BlobFate.PENDING:
            return False
        item.attempts += 1
        try:
            gone = store.destroy(item.sha256)
        except OSError as exc:
            item.last_error = f"{type(exc).__name__}: {exc}"[:500]
            log.warning("recalled file %s of recall record %s not removed yet: %s", item.sha256, item.record_id, exc)
            return False
        item.fate = BlobFate.DESTROYED if gone else BlobFate.SHARED
        item.done_at, item.last_error = clock.now(), None
        return True
