"""What the search (app.documents.fulltext) finds of văn bản đến: every metadata field and the text of its PDFs.

NĐ 30/2020 Phụ lục VI III.6.d. Declared in this module's `Module(search_sources=...)`; who may see a document is
this module's own rule (permissions.visible_filter).
"""

import sqlalchemy as sa

from app.core import clock
from app.core.db import db
from app.documents.fulltext.sources import EntryFields, SearchSource
from app.incoming import permissions
from app.incoming.models import STATUS_LABELS, IncomingAssignment, IncomingDocument, IncomingFile, IncomingStatus
from app.org.models import Unit, User


def _names(model, ids) -> list[str]:
    ids = [i for i in ids if i]
    return list(
        db.session.scalars(sa.select(model.name if model is Unit else model.full_name).where(model.id.in_(ids)))
    )


def describe(document_id: int) -> EntryFields | None:
    # Columns and queries only, never the document's relationships: loading them here (at commit) would leave a
    # collection or a many-to-one the caller set by its foreign key stale for the rest of the transaction.
    doc = db.session.get(IncomingDocument, document_id)
    if doc is None or doc.status == IncomingStatus.RECALLED:  # destroyed: not found (Phụ lục VI III.8.b)
        return None
    assigned = db.session.execute(
        sa.select(IncomingAssignment.unit_id, IncomingAssignment.user_id).where(
            IncomingAssignment.document_id == document_id
        )
    ).all()
    files = db.session.execute(
        sa.select(IncomingFile.sha256, IncomingFile.filename, IncomingFile.content_type).where(
            IncomingFile.document_id == document_id
        )
    ).all()
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
            *_names(Unit, [doc.lead_unit_id, *(a.unit_id for a in assigned)]),
            *_names(User, [doc.lead_user_id, *(a.user_id for a in assigned)]),
        ],
        pdf_digests=[
            f.sha256 for f in files if f.content_type == "application/pdf" or f.filename.lower().endswith(".pdf")
        ],
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
