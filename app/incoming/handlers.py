"""What app.incoming answers when the exchange hands it a package or a recall request (app.exchange.delivery)."""

import sqlalchemy as sa

from app.core.db import db
from app.documents.uploads import Upload
from app.exchange.delivery import package_arrived, recall_requested
from app.exchange.edxml import Package
from app.incoming import recall
from app.incoming.models import IncomingDocument
from app.incoming.services import receive_incoming


def receive_package(package: Package, *, actor, agency_id: int | None, message_id: str | None) -> IncomingDocument:
    """An electronic document: the package's header is the metadata, its attachments the files (the first the
    main one)."""
    uploads = [Upload(name, data, is_main=(i == 0)) for i, (name, data) in enumerate(package.uploads)]
    return receive_incoming(
        actor,
        channel="electronic",
        metadata=package.metadata,
        uploads=uploads,
        agency_id=agency_id,
        message_id=message_id,
        relation=package.relation,  # an update, replacement or correction (BussinessDocType 2, 3)
        related_key=package.related_key,
    )


def recall_delivered(message_id: str, *, agency_id: int, note: str) -> bool:
    """The sender's 13 (Lấy lại) for the document its message delivered here, if it is here."""
    document_id = db.session.scalar(
        sa.select(IncomingDocument.id).where(
            IncomingDocument.agency_id == agency_id, IncomingDocument.message_id == message_id
        )
    )
    if document_id is None:
        return False
    recall.request_recall(None, document_id, note=note)
    return True


RECEIVERS = [(package_arrived, receive_package), (recall_requested, recall_delivered)]  # app.incoming.MODULE
