"""The home page's "Văn bản đến" (app.core.home): the clerk's intake queue, what awaits a leader's direction, what
awaits a unit leader's assignment, and what is past its handling deadline.

Each figure is `queries.count_query` of the incoming list under the filter its link opens (app.incoming.queries.
_filtered, the visibility rule included), so the number and the list never disagree; a panel's figures run as one
statement. The queues are the document statuses (app.incoming.models.IncomingStatus: received = waiting for the
clerk's check and registration, NĐ 30/2020 Điều 20–21; registered = waiting for direction, Điều 22; directed = the
lead unit still to assign it, Điều 23).
"""

from flask import url_for

from app.core.db import db
from app.core.home import Figure, HomePanel, Item, PanelContent, fetch_counts
from app.incoming import queries
from app.incoming.models import Channel, IncomingDocument, IncomingStatus
from app.org.models import Role, User
from app.sla.rules import URGENT_LEVELS

TOP = 5
STAFF = {Role.CLERK, Role.AGENCY_LEADER, Role.UNIT_LEADER, Role.SPECIALIST}


def _queues(user: User) -> list[tuple[str, str, str, dict, str | None]]:
    """(key, label, tone, filter of its list, title of its top items or None) for each figure `user`'s roles have."""
    roles, found = user.roles, []
    received = IncomingStatus.RECEIVED.value
    if Role.CLERK in roles:
        found.append(("to_receive", "Chờ tiếp nhận, vào sổ", "warning", {"status": received}, "Văn bản chờ tiếp nhận"))
        electronic = {"status": received, "channel": Channel.ELECTRONIC.value}
        found.append(("electronic", "Điện tử chờ tiếp nhận", "primary", electronic, None))
    if Role.AGENCY_LEADER in roles:
        registered = {"status": IncomingStatus.REGISTERED.value}
        found.append(("to_direct", "Chờ cho ý kiến chỉ đạo", "warning", registered, "Văn bản chờ chỉ đạo"))
    if Role.UNIT_LEADER in roles and user.unit_id:
        directed = {"status": IncomingStatus.DIRECTED.value, "lead_unit_id": user.unit_id}
        found.append(("to_assign", "Đơn vị chủ trì, chờ phân công", "warning", directed, "Văn bản chờ phân công"))
    if roles & STAFF:
        found.append(("overdue", "Quá hạn giải quyết", "danger", {"overdue": 1}, None))
    return found


def _item(doc: IncomingDocument) -> Item:
    number = f"Số đến {doc.arrival_label} · " if doc.arrival_number else ""
    return Item(
        title=doc.subject,
        url=url_for("incoming.document", document_id=doc.id),
        detail=f"{number}{doc.sender_name}" + (f" · {doc.symbol}" if doc.symbol else ""),
        is_urgent=doc.urgency in URGENT_LEVELS,
    )


def _incoming(user: User) -> PanelContent | None:
    queues = _queues(user)
    if not queues:
        return None  # an archivist, a designer, an administrator: no incoming work of their own
    counts = fetch_counts([queries.count_query(user, queries.IncomingFilter(**flt)) for _k, _l, _t, flt, _i in queues])
    figures = [
        Figure(key, label, count, url_for("incoming.documents", **flt), tone, queries.COUNT_CAP)
        for (key, label, tone, flt, _i), count in zip(queues, counts, strict=True)
    ]
    # The first queue with something in it lists its top few: the most pressing one first (the order above).
    first = next(
        ((flt, title) for (_k, _l, _t, flt, title), n in zip(queues, counts, strict=True) if n and title), None
    )
    items = [_item(doc) for doc in queries.search(user, queries.IncomingFilter(**first[0]), limit=TOP)] if first else []
    return PanelContent(
        figures=figures,
        items=items,
        items_title=first[1] if first else None,
        empty="Không có văn bản đến nào đang chờ bạn.",
        more_url=url_for("incoming.documents"),
    )


def _extensions(user: User) -> PanelContent | None:
    """Đề nghị gia hạn waiting for this person's decision (NĐ 30 Phụ lục VI III.1.l): not a step of the engine, so
    not in the inbox; here, beside it, until decided (shown only when there is one)."""
    if not user.roles & {Role.AGENCY_LEADER, Role.UNIT_LEADER}:
        return None
    from app.incoming.handling import extensions_to_decide

    waiting = extensions_to_decide(user, limit=TOP + 1)
    if not waiting:
        return None
    items = [
        Item(
            title=db.session.get(IncomingDocument, e.document_id).subject,
            url=url_for("incoming.document", document_id=e.document_id, _anchor="xu-ly"),
            detail=f"{e.requested_by.full_name} đề nghị gia hạn đến {e.proposed_date:%d/%m/%Y}: {e.reason}"[:300],
        )
        for e in waiting[:TOP]
    ]
    return PanelContent(
        items=items,
        items_title="Đề nghị gia hạn chờ bạn cho ý kiến",
        more_url=url_for("incoming.documents") if len(waiting) > TOP else None,
    )


PANELS = [
    HomePanel("incoming", "Văn bản đến", _incoming, order=20),
    HomePanel("incoming_extensions", "Đề nghị gia hạn", _extensions, order=18),
]
