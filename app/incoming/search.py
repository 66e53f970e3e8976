"""What the search (app.documents.fulltext) finds of văn bản đến: every metadata field and the text of its PDFs.

NĐ 30/2020 Phụ lục VI III.6.d. Declared in this module's `Module(search_sources=...)`; who may see a document is
this module's own rule (permissions.visible_filter).
"""

import sqlalchemy as sa

from app.core import clock
from app.core.db import db
from app.documents.fulltext.sources import EntryFields, SearchSource
from app.incoming import permissions
from app.incoming.models import STATUS_LABELS, IncomingAssignment, IncomingDocument, IncomingFile


def _is_pdf(item: IncomingFile) -> bool:
    return item.content_type == "application/pdf" or item.filename.lower().endswith(".pdf")


def describe(document_id: int) -> EntryFields | None:
    doc = db.session.get(IncomingDocument, document_id)
    if doc is None:
        return None
    assigned = [a.unit.name if a.unit else a.user.full_name if a.user else "" for a in doc.assignments]
    return EntryFields(
        agency_id=doc.agency_id,
        symbol=doc.symbol,
        subject=doc.subject,
        party=doc.sender_name,
        type_name=doc.type_name,
        signer=" ".join(p for p in (doc.signer_position, doc.signer_name) if p),
        urgency=doc.urgency,
        status=doc.status,
        number=doc.arrival_number,
        year=doc.arrival_year or (doc.issued_date.year if doc.issued_date else None),
        issued_date=doc.issued_date,
        arrival_date=clock.to_local(doc.arrived_at).date() if doc.arrived_at else None,
        other=[
            doc.sender_code,
            doc.document_key,
            doc.description,
            doc.recipients,
            doc.direction,
            doc.result,
            doc.language,
            doc.lead_unit.name if doc.lead_unit else None,
            doc.lead_user.full_name if doc.lead_user else None,
            *assigned,
        ],
        pdf_digests=[f.sha256 for f in doc.files if _is_pdf(f)],
    )


SOURCE = SearchSource(
    kind="incoming",
    label="Văn bản đến",
    watches={
        IncomingDocument: lambda d: d.id,
        IncomingFile: lambda f: f.document_id,
        IncomingAssignment: lambda a: a.document_id,
    },
    describe=describe,
    visible_ids=lambda user: sa.select(IncomingDocument.id).where(permissions.visible_filter(user)),
    endpoint="incoming.document",
    id_arg="document_id",
    status_labels={str(k): v for k, v in STATUS_LABELS.items()},
    all_ids=lambda: sa.select(IncomingDocument.id),
)
