"""Lists and lookups of văn bản đi, scoped to one agency and to what the user may see (design.md §8 tenancy).

Who sees what is app.outgoing.permissions' rule (`visible_filter`): the văn thư and lãnh đạo cơ quan see every
outgoing document of the agency; everybody else the drafts they wrote or are to sign, those of their unit, those
their unit is consulted on or they have a step of, and every issued document. The "Của tôi" tab narrows that to the
drafts one wrote, signs, or (unit leader) reviews.
"""

from dataclasses import dataclass
from datetime import date, datetime, time

import sqlalchemy as sa
from sqlalchemy.orm import selectinload

from app.core import clock
from app.core.db import db
from app.core.folding import folded_search
from app.documents.replies import Reply
from app.incoming import permissions as incoming_permissions
from app.incoming.models import IncomingDocument
from app.org.models import Agency, Role, User, UserRole
from app.outgoing import permissions
from app.outgoing.models import OutgoingDocument, OutgoingRecipient, OutgoingStatus, RecipientKind

PAGE = 50
COUNT_CAP = 1000  # counts stop here, like the inbox's ("1000+")


@dataclass
class OutgoingFilter:
    q: str | None = None  # words of the trích yếu, diacritics optional
    status: str | None = None
    year: int | None = None  # the year of issue once issued, else the year the draft was made
    symbol: str | None = None  # số/ký hiệu as written ("05/QĐ-UBND") or a part of it
    mine: bool = False  # "Của tôi": drafted by me, to be signed by me, or of the unit I lead
    for_my_unit: bool = False  # "Nhận để biết": issued documents sent to my unit for information
    to_sign: bool = False  # "Chờ tôi ký": I am the proposed signer (with status=signing, what awaits my signature)
    unacknowledged: bool = False  # "Chưa được tiếp nhận quá hạn": a recipient flagged after 3 working days (Điều 16.8)


def sees_whole_agency(user: User) -> bool:
    return user.has_role(*permissions.OVERSEERS)


def _mine(user: User):
    """Drafts I wrote or am proposed to sign; for a unit leader, also the drafts of their unit (they review them)."""
    conditions = [OutgoingDocument.drafter_id == user.id, OutgoingDocument.signer_id == user.id]
    if user.unit_id and user.has_role(Role.UNIT_LEADER):
        conditions.append(OutgoingDocument.drafting_unit_id == user.unit_id)
    return sa.or_(*conditions)


def _sent_to_unit(user: User):
    """Issued documents whose recipients include the user's unit (kind `unit`: for information, NĐ 30/2020 Điều 16)."""
    if user.unit_id is None:
        return sa.false()
    sent = sa.select(OutgoingRecipient.id).where(
        OutgoingRecipient.document_id == OutgoingDocument.id,
        OutgoingRecipient.kind == RecipientKind.UNIT,
        OutgoingRecipient.unit_id == user.unit_id,
    )
    return sa.and_(OutgoingDocument.status.in_([s.value for s in permissions.PUBLIC_STATES]), sent.exists())


def count_sent_to_unit(user: User) -> int:
    """How many documents of the "Nhận để biết" tab (for its badge), capped like the inbox."""
    capped = sa.select(OutgoingDocument.id).where(_sent_to_unit(user)).limit(1000).subquery()
    return db.session.scalar(sa.select(sa.func.count()).select_from(capped))


def _local_start(day: date) -> datetime:
    return datetime.combine(day, time.min, tzinfo=clock.LOCAL_TZ)


def search(user: User, flt: OutgoingFilter, *, before_id: int | None = None, limit: int = PAGE):
    """Newest first; page on by id (a keyset: ids grow with creation), never OFFSET."""
    query = _filtered(sa.select(OutgoingDocument), user, flt)
    if before_id:
        query = query.where(OutgoingDocument.id < before_id)
    query = query.options(selectinload(OutgoingDocument.drafter)).order_by(OutgoingDocument.id.desc()).limit(limit)
    return list(db.session.scalars(query))


def count_query(user: User, flt: OutgoingFilter, cap: int = COUNT_CAP):
    """How many documents `search` lists under `flt`, counted up to `cap`: a scalar subquery, so that a page's
    figures run as one statement (app.core.home.fetch_counts)."""
    capped = _filtered(sa.select(OutgoingDocument.id), user, flt).limit(cap).subquery()
    return sa.select(sa.func.count()).select_from(capped).scalar_subquery()


def _filtered(query: sa.Select, user: User, flt: OutgoingFilter) -> sa.Select:
    """`query` narrowed to what `user` may see and `flt` asks: one rule for the list and its counts."""
    query = query.where(permissions.visible_filter(user))
    if flt.to_sign:
        query = query.where(OutgoingDocument.signer_id == user.id)
    if flt.mine:
        query = query.where(_mine(user))
    if flt.for_my_unit:
        query = query.where(_sent_to_unit(user))
    if flt.unacknowledged:
        late = sa.select(OutgoingRecipient.id).where(
            OutgoingRecipient.document_id == OutgoingDocument.id,
            OutgoingRecipient.ack_flagged_at.is_not(None),
            OutgoingRecipient.acknowledged_at.is_(None),
        )
        query = query.where(late.exists(), OutgoingDocument.status == OutgoingStatus.ISSUED)  # recalled: not awaited
    if (condition := folded_search(OutgoingDocument.subject_folded, flt.q)) is not None:
        query = query.where(condition)
    if flt.status:
        query = query.where(OutgoingDocument.status == flt.status)
    if flt.symbol:
        query = query.where(
            sa.func.upper(OutgoingDocument.symbol).contains(flt.symbol.strip().upper(), autoescape=True)
        )
    if flt.year:
        start, end = _local_start(date(flt.year, 1, 1)), _local_start(date(flt.year + 1, 1, 1))
        query = query.where(
            sa.or_(
                OutgoingDocument.number_year == flt.year,
                sa.and_(
                    OutgoingDocument.number_year.is_(None),
                    OutgoingDocument.created_at >= start,
                    OutgoingDocument.created_at < end,
                ),
            )
        )
    return query


def default_place(agency_id: int) -> str | None:
    """The địa danh the agency's drafts last used: the agency has no place of its own, and its date line names the
    same place on every document (NĐ 30/2020 Phụ lục I, Phần I, II.4.a: "Địa danh, ngày … tháng … năm …")."""
    return db.session.scalar(
        sa.select(OutgoingDocument.place)
        .where(OutgoingDocument.agency_id == agency_id, sa.func.length(sa.func.trim(OutgoingDocument.place)) > 0)
        .order_by(OutgoingDocument.id.desc())
        .limit(1)
    )


def years(agency_id: int) -> list[int]:
    """The years offered by the list's filter: this year and every year a document was numbered in."""
    numbered = db.session.scalars(
        sa.select(OutgoingDocument.number_year)
        .where(OutgoingDocument.agency_id == agency_id, OutgoingDocument.number_year.is_not(None))
        .distinct()
    )
    return sorted({clock.to_local(clock.now()).year, *numbered}, reverse=True)


def recent_incoming(
    user: User, *, limit: int = 100, include_id: int | None = None, kept_id: int | None = None
) -> list[IncomingDocument]:
    """Incoming documents `user` may answer (app.incoming.permissions.answerable_filter: those they may see, not
    recalled): the newest, plus `include_id` when it is older. `kept_id`, what the draft being edited already
    answers, stays offered even if since recalled, so saving the form does not silently drop it (the service
    keeps it too: clean_outgoing_metadata's `kept_reply_to`)."""
    answerable = incoming_permissions.answerable_filter(user)
    rows = list(
        db.session.scalars(
            sa.select(IncomingDocument).where(answerable).order_by(IncomingDocument.id.desc()).limit(limit)
        )
    )
    if include_id and all(d.id != include_id for d in rows):
        allowed = IncomingDocument.agency_id == user.agency_id if include_id == kept_id else answerable
        extra = db.session.scalar(sa.select(IncomingDocument).where(IncomingDocument.id == include_id, allowed))
        if extra is not None:
            rows.insert(0, extra)
    return rows


def signers(agency_id: int) -> list[User]:
    """Who may be proposed to sign: the agency's lãnh đạo first, then unit leaders, who sign thừa lệnh (TL.)
    when the head of the agency so decides (NĐ 30/2020 Điều 13.4). The service checks the pair signer/authority."""

    def with_role(role: Role) -> list[User]:
        return list(
            db.session.scalars(
                sa.select(User)
                .where(
                    User.agency_id == agency_id,
                    User.is_active.is_(True),
                    User.id.in_(sa.select(UserRole.user_id).where(UserRole.role == role)),
                )
                .order_by(User.full_name)
            )
        )

    leaders = with_role(Role.AGENCY_LEADER)
    return leaders + [u for u in with_role(Role.UNIT_LEADER) if u not in leaders]


def deployment_agencies(exclude_id: int | None = None) -> list[Agency]:
    """The active agencies of this deployment, by name: recipients reached through the exchange."""
    query = sa.select(Agency).where(Agency.is_active.is_(True)).order_by(Agency.name)
    if exclude_id is not None:
        query = query.where(Agency.id != exclude_id)
    return list(db.session.scalars(query))


def register_entries(register_id: int, year: int, date_from: date | None = None, date_to: date | None = None):
    """The rows of a sổ đăng ký văn bản đi: the documents numbered in it that year, by number."""
    query = sa.select(OutgoingDocument).where(
        OutgoingDocument.register_id == register_id,
        OutgoingDocument.number_year == year,
        OutgoingDocument.number.is_not(None),
    )
    if date_from:
        query = query.where(OutgoingDocument.issued_date >= date_from)
    if date_to:
        query = query.where(OutgoingDocument.issued_date <= date_to)
    # Each row prints the signer, the recipients and the drafting unit: load them up front, not one query per row.
    query = query.options(
        selectinload(OutgoingDocument.recipients),
        selectinload(OutgoingDocument.signer),
        selectinload(OutgoingDocument.drafting_unit),
    )
    return list(db.session.scalars(query.order_by(OutgoingDocument.number)))


def replies_to(incoming_ids: list[int], user: User | None = None, **_extra) -> list[Reply]:
    """The outgoing documents answering incoming ones (app.documents.replies): those `user` may see, oldest first;
    for the printed follow-up book (no user), the issued ones in the order they were issued."""
    query = sa.select(OutgoingDocument).where(OutgoingDocument.reply_to_id.in_(incoming_ids))
    if user is None:
        query = query.where(OutgoingDocument.status.in_([OutgoingStatus.ISSUED, OutgoingStatus.RECALLED]))
        query = query.order_by(OutgoingDocument.issued_at, OutgoingDocument.id)
    else:
        query = query.where(permissions.visible_filter(user)).order_by(OutgoingDocument.id)
    return [
        Reply(doc.reply_to_id, doc.id, "outgoing.document", doc.symbol, doc.subject, doc.issued_date)
        for doc in db.session.scalars(query)
    ]


# The act that ended a document's life, by its status: its audit event names who did it.
_ENDED_BY = {OutgoingStatus.CANCELLED: "outgoing.cancel", OutgoingStatus.RECALLED: "outgoing.recall"}


def ending_of(document: OutgoingDocument) -> dict | None:
    """Who cancelled or recalled the document, when and why, as the audit chain holds it (the record of the act:
    the document keeps no copy of who did it), for the banner on its page."""
    action = _ENDED_BY.get(document.status)
    if action is None:
        return None
    from app.audit.queries import latest_event

    event = latest_event(OutgoingDocument.__tablename__, document.id, action)
    if event is None:
        return None
    person = db.session.get(User, event.actor_id) if event.actor_id else None
    by = person.full_name if person is not None else event.actor_name
    reason = (event.changes or {}).get("reason") or document.recall_reason
    return {"by": by, "at": event.occurred_at, "reason": reason}
