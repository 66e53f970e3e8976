""" "Văn bản chưa lập hồ sơ": documents a person finished handling that are in no dossier yet (seed 000 Điều 19.2.b:
each person files the documents of the work they handled; the automatic filing needs a dossier to file into).

A plain query, no list kept: a văn bản đến whose handling the person led (completed), a văn bản đi they drafted
(issued and not recalled since), that no dossier item names. Filing it by hand takes it off the list.
"""

from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa

from app.core.db import db
from app.core.home import COUNT_CAP, Figure, HomePanel, Item, PanelContent
from app.dossiers.filing import unfileable_outgoing_statuses
from app.dossiers.models import DossierItem
from app.org.models import User


@dataclass(frozen=True)
class Unfiled:
    object_type: str
    id: int
    subject: str
    finished_at: datetime | None

    @property
    def url(self) -> str:
        return f"/{self.object_type}/{self.id}"


def _incoming(user: User) -> sa.Select:
    from app.incoming.models import IncomingDocument, IncomingStatus

    filed = sa.select(DossierItem.id).where(
        DossierItem.object_type == "incoming", DossierItem.object_id == IncomingDocument.id
    )
    return sa.select(
        sa.literal("incoming").label("object_type"),
        IncomingDocument.id,
        IncomingDocument.subject,
        IncomingDocument.completed_at.label("finished_at"),
    ).where(
        IncomingDocument.agency_id == user.agency_id,
        IncomingDocument.lead_user_id == user.id,
        IncomingDocument.status == IncomingStatus.COMPLETED,
        ~filed.exists(),
    )


def _outgoing(user: User) -> sa.Select:
    from app.outgoing.models import OutgoingDocument, OutgoingVersion

    filed = sa.select(DossierItem.id).where(
        sa.or_(
            sa.and_(DossierItem.object_type == "outgoing", DossierItem.object_id == OutgoingDocument.id),
            sa.and_(
                DossierItem.object_type == "outgoing_version",
                DossierItem.object_id.in_(
                    sa.select(OutgoingVersion.id).where(OutgoingVersion.document_id == OutgoingDocument.id)
                ),
            ),
        )
    )
    return sa.select(
        sa.literal("outgoing").label("object_type"),
        OutgoingDocument.id,
        OutgoingDocument.subject,
        OutgoingDocument.issued_at.label("finished_at"),
    ).where(
        OutgoingDocument.agency_id == user.agency_id,
        OutgoingDocument.drafter_id == user.id,
        OutgoingDocument.issued_at.is_not(None),
        OutgoingDocument.status.not_in(unfileable_outgoing_statuses()),  # recalled since: never filed, never due
        ~filed.exists(),
    )


def unfiled(user: User, limit: int = 50) -> list[Unfiled]:
    """The person's finished documents in no dossier, latest first."""
    union = sa.union_all(_incoming(user), _outgoing(user)).subquery()
    rows = db.session.execute(
        sa.select(union).order_by(union.c.finished_at.desc().nulls_last(), union.c.id.desc()).limit(limit)
    )
    return [Unfiled(r.object_type, r.id, r.subject, r.finished_at) for r in rows]


def unfiled_count(user: User) -> int:
    union = sa.union_all(_incoming(user), _outgoing(user)).subquery()
    capped = sa.select(union.c.id).limit(COUNT_CAP).subquery()
    return db.session.scalar(sa.select(sa.func.count()).select_from(capped)) or 0


def _panel(user: User) -> PanelContent | None:
    count = unfiled_count(user)
    if not count:
        return None  # nothing waits: no card
    first = unfiled(user, limit=5)
    return PanelContent(
        figures=[Figure("unfiled", "Chưa lập hồ sơ", count, None, "warning", COUNT_CAP)],
        items=[
            Item(
                title=doc.subject,
                url=doc.url,
                detail="Văn bản đến đã giải quyết" if doc.object_type == "incoming" else "Văn bản đi đã phát hành",
            )
            for doc in first
        ],
        items_title="Lưu các văn bản này vào hồ sơ công việc của bạn",
        empty="Mọi văn bản bạn đã xử lý đều đã có trong hồ sơ.",
    )


PANELS = [HomePanel("unfiled_documents", "Văn bản chưa lập hồ sơ", _panel, order=40)]
