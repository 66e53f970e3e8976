"""What the search (app.documents.fulltext) finds of văn bản đi: every metadata field and the text of its PDFs.

NĐ 30/2020 Phụ lục VI III.6.d. Declared in this module's `Module(search_sources=...)`; who may see a document is
this module's own rule (permissions.visible_filter). The text searched is the newest version's PDF (the issued
original once there is one) and the PDF attachments.
"""

import sqlalchemy as sa

from app.core.db import db
from app.documents.fulltext.sources import EntryFields, SearchSource
from app.outgoing import permissions
from app.outgoing.models import (
    STATUS_LABELS,
    OutgoingAttachment,
    OutgoingDocument,
    OutgoingRecipient,
    OutgoingVersion,
)


def describe(document_id: int) -> EntryFields | None:
    doc = db.session.get(OutgoingDocument, document_id)
    if doc is None:
        return None
    main = doc.main_version
    attachments = [a.signed_sha256 or a.sha256 for a in doc.attachments if a.filename.lower().endswith(".pdf")]
    return EntryFields(
        agency_id=doc.agency_id,
        symbol=doc.symbol or doc.notation or "",
        subject=doc.subject,
        party="; ".join(r.name for r in doc.recipients),
        type_name=doc.type_name,
        signer=" ".join(p for p in (doc.signer_title, doc.signer.full_name if doc.signer else None) if p),
        urgency=doc.urgency,
        status=doc.status,
        number=doc.number,
        year=doc.number_year or (doc.issued_date.year if doc.issued_date else None),
        issued_date=doc.issued_date,
        other=[
            doc.notation,
            doc.place,
            doc.language,
            doc.drafter.full_name if doc.drafter else None,
            doc.drafting_unit.name if doc.drafting_unit else None,
            doc.recall_reason,
            *(r.code for r in doc.recipients),
        ],
        pdf_digests=([main.sha256] if main else []) + attachments,
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
