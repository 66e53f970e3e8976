"""Văn bản đến that update, replace or correct an earlier document of the same sender (NĐ 30/2020 Điều 18.3).

The sender's package names the earlier document by its mã định danh (edXML Bussiness/DocumentId, legal.md §4.2,
§4.6); the agency's own copy of it is the incoming document with that key from that sender. Both pages show the
link, and the earlier copy is marked replaced, so whoever handles it knows a newer text is in force.
"""

from dataclasses import dataclass, field

import sqlalchemy as sa

from app.core.db import db
from app.incoming import permissions
from app.incoming.models import IncomingDocument, IncomingStatus
from app.org.models import User

RELATIONS = ("update", "replace", "correct")
RELATION_LABELS = {"update": "Cập nhật, sửa đổi", "replace": "Thay thế", "correct": "Đính chính"}
# What the earlier document is told about the later one ("Được thay thế bởi …").
SUCCESSOR_LABELS = {
    "update": "Được cập nhật, sửa đổi bởi",
    "replace": "Được thay thế bởi",
    "correct": "Được đính chính bởi",
}
# A copy refused (returned to the sender) or recalled is not the one the agency holds.
_NOT_HELD = (IncomingStatus.RETURNED.value, IncomingStatus.RECALLED.value)


def link_related(document: IncomingDocument, relation: str | None, related_key: str | None) -> None:
    """Record what the document changes and find the agency's copy of that earlier document, if it has one."""
    if relation not in RELATIONS or not related_key:
        return
    document.relation, document.related_key = relation, related_key[:100]
    document.related_id = find_earlier(document.agency_id, document.sender_code, related_key, exclude_id=document.id)


def find_earlier(agency_id: int, sender_code: str | None, key: str, *, exclude_id: int | None = None) -> int | None:
    """The agency's copy of the document `key` names, from that sender: one still held first, the newest first.

    The mã định danh begins with the sender's code, and the sender must match too: another agency cannot link
    a document to one it did not send. Keys are compared case-insensitively (app.documents.symbols.document_key).
    """
    if not sender_code:
        return None
    query = (
        sa.select(IncomingDocument.id)
        .where(
            IncomingDocument.agency_id == agency_id,
            sa.func.upper(IncomingDocument.sender_code) == sender_code.upper(),
            sa.or_(IncomingDocument.document_key == key, sa.func.upper(IncomingDocument.document_key) == key.upper()),
        )
        .order_by(IncomingDocument.status.in_(_NOT_HELD), IncomingDocument.id.desc())
        .limit(1)
    )
    if exclude_id is not None:
        query = query.where(IncomingDocument.id != exclude_id)
    return db.session.scalar(query)


@dataclass
class Successor:
    document: IncomingDocument
    visible: bool  # the user may open it (else only its số/ký hiệu and relation are shown)


@dataclass
class Related:
    relation: str | None = None
    related_key: str | None = None
    original: IncomingDocument | None = None  # the earlier copy, when the user may open it
    original_held: bool = False  # the agency has the earlier copy (visible to the user or not)
    successors: list[Successor] = field(default_factory=list)

    @property
    def replaced(self) -> bool:
        """A later document replaces this one: the badge "Đã bị thay thế" on its page and in the API."""
        return any(s.document.relation == "replace" for s in self.successors)


def successors_of(document_id: int) -> list[IncomingDocument]:
    return list(
        db.session.scalars(
            sa.select(IncomingDocument)
            .where(IncomingDocument.related_id == document_id, IncomingDocument.status.not_in(_NOT_HELD))
            .order_by(IncomingDocument.id)
        )
    )


def related_of(actor: User, document: IncomingDocument) -> Related:
    """What the page and the API show about the document's relations, within what the actor may see."""
    original = document.related if document.related_id else None
    return Related(
        relation=document.relation,
        related_key=document.related_key,
        original=original if original is not None and permissions.can_view(actor, original) else None,
        original_held=original is not None,
        successors=[Successor(d, permissions.can_view(actor, d)) for d in successors_of(document.id)],
    )
