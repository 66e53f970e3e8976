"""What the search (app.documents.fulltext) finds of bản sao điện tử: its number, the copied document's số/ký hiệu
and trích yếu, and the text of the signed copy (NĐ 30/2020 Phụ lục VI III.6.d). Who sees a copy: permissions."""

import sqlalchemy as sa

from app.copies import permissions
from app.copies.models import ElectronicCopy
from app.core import clock
from app.core.db import db
from app.documents.fulltext.sources import EntryFields, SearchSource


def describe(copy_id: int) -> EntryFields | None:
    copy = db.session.get(ElectronicCopy, copy_id)
    if copy is None:
        return None
    return EntryFields(
        agency_id=copy.agency_id,
        symbol=copy.symbol,
        subject=copy.subject,
        type_name=f"Bản sao ({copy.form_label})",
        number=copy.number,
        year=copy.year,
        issued_date=clock.to_local(copy.created_at).date() if copy.created_at else None,
        other=[copy.source_symbol, copy.filename],
        pdf_digests=[copy.sha256],
    )


SOURCE = SearchSource(
    kind="copy",
    label="Bản sao",
    watches={ElectronicCopy: lambda c: c.id},
    describe=describe,
    visible_ids=lambda user: sa.select(ElectronicCopy.id).where(permissions.visible_filter(user)),
    endpoint="copies.file",
    id_arg="copy_id",
    all_ids=lambda: sa.select(ElectronicCopy.id),
)
