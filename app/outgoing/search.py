"""What the search (app.documents.fulltext) finds of văn bản đi: every metadata field and the text of its PDFs.

NĐ 30/2020 Phụ lục VI III.6.d. Declared in this module's `Module(search_sources=...)`; who may see a document is
this module's own rule (permissions.visible_filter). The text searched is the newest version's PDF (the issued
original once there is one) and the PDF attachments.
"""

import sqlalchemy as sa

from app.core.db import db
from app.documents.fulltext.sources import EntryFields, SearchSource
from app.org.models import Unit, User
from app.outgoing import permissions
from app.outgoing.models import (
    STATUS_LABELS,
    OutgoingAttachment,
    OutgoingDocument,
    OutgoingRecipient,
    OutgoingVersion,
)


def _name(model, object_id) -> str | None:
    if not object_id:
        return None
    return db.session.scalar(sa.select(model.name if model is Unit else model.full_name).where(model.id == object_id))


def describe(document_id: int) -> EntryFields | None:
    # Columns and queries only, never the document's relationships: loading them here (at commit) would leave a
    # collection or a many-to-one the caller set by its foreign key stale for the rest of the transaction.
    doc = db.session.get(OutgoingDocument, document_id)
    if doc is None:
        return None
    recipients = db.session.execute(
        sa.select(OutgoingRecipient.name, OutgoingRecipient.code)
        .where(OutgoingRecipient.document_id == document_id)
        .order_by(OutgoingRecipient.id)
    ).all()
    main = db.session.scalar(
        sa.select(OutgoingVersion.sha256)
        .where(OutgoingVersion.document_id == document_id)
        .order_by(OutgoingVersion.id.desc())
        .limit(1)
    )
    attachments = db.session.execute(
        sa.select(OutgoingAttachment.filename, OutgoingAttachment.sha256, OutgoingAttachment.signed_sha256).where(
            OutgoingAttachment.document_id == document_id
        )
    ).all()
    return EntryFields(
        agency_id=doc.agency_id,
        symbol=doc.symbol or doc.notation or "",
        subject=doc.subject,
        party="; ".join(r.name for r in recipients),
        type_name=doc.type_name,
        signer=" ".join(p for p in (doc.signer_title, _name(User, doc.signer_id)) if p),
        urgency=doc.urgency,
        status=doc.status,
        number=doc.number,
        year=doc.number_year or (doc.issued_date.year if doc.issued_date else None),
        issued_date=doc.issued_date,
        other=[
            doc.notation,
            doc.place,
            doc.language,
            _name(User, doc.drafter_id),
            _name(Unit, doc.drafting_unit_id),
            doc.recall_reason,
            *(r.code for r in recipients),
        ],
        pdf_digests=([main] if main else [])
        + [a.signed_sha256 or a.sha256 for a in attachments if a.filename.lower().endswith(".pdf")],
    )


SOURCE = SearchSource(
    kind="outgoing",
    label="Văn bản đi",
    watches={
        OutgoingDocument: lambda d: d.id,
        OutgoingVersion: lambda v: v.document_id,
        OutgoingRecipient: lambda r: r.document_id,
        OutgoingAttachment: lambda a: a.document_id,
    },
    describe=describe,
    visible_ids=lambda user: sa.select(OutgoingDocument.id).where(permissions.visible_filter(user)),
    endpoint="outgoing.document",
    id_arg="document_id",
    status_labels={str(k): v for k, v in STATUS_LABELS.items()},
    all_ids=lambda: sa.select(OutgoingDocument.id),
)
