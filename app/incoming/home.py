"""The home page's "Văn bản đến" (app.core.home): the clerk's intake queue, what awaits a leader's direction, what
awaits a unit leader's assignment, and what is past its handling deadline.

Each figure is `queries.count` of the incoming list under the filter its link opens (app.incoming.queries._filtered,
the visibility rule included), so the number and the list never disagree. The queues are the document statuses
(app.incoming.models.IncomingStatus: received = waiting for the clerk's check and registration, NĐ 30/2020 Điều 20–
21; registered = waiting for direction, Điều 22; directed = the lead unit still to assign it, Điều 23).
"""

from flask import url_for

from app.core.home import Figure, HomePanel, Item, PanelContent
from app.incoming import queries
from app.incoming.models import Channel, IncomingDocument, IncomingStatus
from app.org.models import Role, User
from app.sla.rules import URGENT_LEVELS

TOP = 5


def _figure(user: User, key: str, label: str, tone: str, **flt) -> Figure:
    count = queries.count(user, queries.IncomingFilter(**flt))
    return Figure(key, label, count, url_for("incoming.documents", **flt), tone, queries.COUNT_CAP)


def _items(user: User, **flt) -> list[Item]:
    return [_item(doc) for doc in queries.search(user, queries.IncomingFilter(**flt), limit=TOP)]


def _item(doc: IncomingDocument) -> Item:
    number = f"Số đến {doc.arrival_label} · " if doc.arrival_number else ""
    return Item(
        title=doc.subject,
        url=url_for("incoming.document", document_id=doc.id),
        detail=f"{number}{doc.sender_name}" + (f" · {doc.symbol}" if doc.symbol else ""),
        is_urgent=doc.urgency in URGENT_LEVELS,
    )


def _incoming(user: User) -> PanelContent | None:
    roles = user.roles
    figures: list[Figure] = []
    items: list[Item] = []
    items_title = None
    if Role.CLERK in roles:
        received = IncomingStatus.RECEIVED.value
        figures.append(_figure(user, "to_receive", "Chờ tiếp nhận, vào sổ", "warning", status=received))
        electronic = Channel.ELECTRONIC.value
        figures.append(
            _figure(user, "electronic", "Điện tử chờ tiếp nhận", "primary", status=received, channel=electronic)
        )
        if figures[0].count:
            items, items_title = _items(user, status=received), "Văn bản chờ tiếp nhận"
    if Role.AGENCY_LEADER in roles:
        registered = IncomingStatus.REGISTERED.value
        figures.append(_figure(user, "to_direct", "Chờ cho ý kiến chỉ đạo", "warning", status=registered))
        if figures[-1].count and not items:
            items, items_title = _items(user, status=registered), "Văn bản chờ chỉ đạo"
    if Role.UNIT_LEADER in roles and user.unit_id:
        directed = IncomingStatus.DIRECTED.value
        flt = {"status": directed, "lead_unit_id": user.unit_id}
        figures.append(_figure(user, "to_assign", "Đơn vị chủ trì, chờ phân công", "warning", **flt))
        if figures[-1].count and not items:
            items, items_title = _items(user, **flt), "Văn bản chờ phân công"
    if roles & {Role.CLERK, Role.AGENCY_LEADER, Role.UNIT_LEADER, Role.SPECIALIST}:
        figures.append(_figure(user, "overdue", "Quá hạn giải quyết", "danger", overdue=1))
    if not figures:
        return None  # an archivist, a designer, an administrator: no incoming work of their own
    return PanelContent(
        figures=figures,
        items=items,
        items_title=items_title,
        empty="Không có văn bản đến nào đang chờ bạn.",
        more_url=url_for("incoming.documents"),
    )


PANELS = [HomePanel("incoming", "Văn bản đến", _incoming, order=20)]
