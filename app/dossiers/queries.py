"""Read-only lists of dossiers: "Hồ sơ công việc" (the person's own and those they may see) and the API's list."""

from dataclasses import dataclass

import sqlalchemy as sa

from app.core.db import db
from app.core.folding import folded_search
from app.dossiers import permissions
from app.dossiers.models import Dossier, DossierDestructionEntry, DossierItem
from app.dossiers.states import DOSSIER_STATUS_LABELS, DossierStatus
from app.org.models import User

PAGE_SIZE = 50


@dataclass
class DossierFilter:
    year: int | None = None
    status: str | None = None
    text: str | None = None  # in the title or the code
    mine: bool = False  # only the dossiers the person created


def status_choices(user: User) -> dict[str, str]:
    """The statuses the list may be filtered by: "Đã hủy" only for who reads the destruction record."""
    if permissions.can_read_archive(user, user.agency_id):
        return dict(DOSSIER_STATUS_LABELS)
    return {code: label for code, label in DOSSIER_STATUS_LABELS.items() if code != DossierStatus.DESTROYED}


def search(user: User, flt: DossierFilter, *, before_id: int | None = None, limit: int = PAGE_SIZE) -> list[Dossier]:
    """The dossiers `user` may see matching `flt`, newest first; keyset paging on the id (`before_id`).

    A destroyed dossier is no longer anyone's to open, but its line (mã, tiêu đề, the decision) stays findable for
    the archive and the agency's leaders when they ask for "Đã hủy" (Phụ lục VI IV.1.g: the destruction record)."""
    if flt.status == DossierStatus.DESTROYED:
        if flt.status not in status_choices(user):
            return []
        query = sa.select(Dossier).where(Dossier.agency_id == user.agency_id)
    else:
        query = sa.select(Dossier).where(permissions.visible_filter(user))
    if flt.mine:
        query = query.where(Dossier.creator_id == user.id)
    if flt.year:
        query = query.where(Dossier.year == flt.year)
    if flt.status:
        query = query.where(Dossier.status == flt.status)
    if flt.text and flt.text.strip():
        # "hồ sơ tuyển dụng", "ho so tuyen dung" and a code such as "2026.01.TCCB" all find the dossier.
        in_title = folded_search(Dossier.title_folded, flt.text)
        if flt.status == DossierStatus.DESTROYED:  # its title lives on in the destruction record only
            recorded = sa.select(DossierDestructionEntry.dossier_id).where(
                sa.func.lower(DossierDestructionEntry.title).like(f"%{flt.text.strip().lower()}%")
            )
            in_title = Dossier.id.in_(recorded)
        in_code = sa.func.upper(Dossier.file_code).like(f"%{flt.text.strip().upper()}%")
        query = query.where(sa.or_(in_title, in_code) if in_title is not None else in_code)
    if before_id:
        query = query.where(Dossier.id < before_id)
    return list(db.session.scalars(query.order_by(Dossier.id.desc()).limit(limit)))


def destruction_lines(dossiers: list[Dossier]) -> dict[int, DossierDestructionEntry]:
    """dossier id → its line in the destruction record (title, documents, dates as they were), for destroyed ones."""
    pairs = [(d.id, d.destruction_id) for d in dossiers if d.destruction_id]
    if not pairs:
        return {}
    query = sa.select(DossierDestructionEntry).where(
        sa.tuple_(DossierDestructionEntry.dossier_id, DossierDestructionEntry.destruction_id).in_(pairs)
    )
    return {entry.dossier_id: entry for entry in db.session.scalars(query)}


def item_links(items: list[DossierItem]) -> dict[int, tuple[str, int]]:
    """item id → (endpoint, document id) of the document page an item links to (drafts: their document's page).

    An item with a file of its own (a processing history names its document too) links to that file instead: the
    dossier page would otherwise never open the "Quá trình xử lý" PDF."""
    links = {}
    version_ids = [i.object_id for i in items if i.object_type == "outgoing_version" and i.object_id]
    documents_of = {}
    if version_ids:
        from app.outgoing.models import OutgoingVersion

        documents_of = dict(
            db.session.execute(
                sa.select(OutgoingVersion.id, OutgoingVersion.document_id).where(OutgoingVersion.id.in_(version_ids))
            ).all()
        )
    for item in items:
        if item.sha256:
            continue
        if item.object_type == "incoming":
            links[item.id] = ("incoming.document", item.object_id)
        elif item.object_type == "outgoing":
            links[item.id] = ("outgoing.document", item.object_id)
        elif item.object_type == "outgoing_version" and item.object_id in documents_of:
            links[item.id] = ("outgoing.document", documents_of[item.object_id])
    return links
