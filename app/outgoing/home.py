"""The home page's "Văn bản đi" (app.core.home): what awaits my signature, my content review, the clerk's format
check and the clerk's number, seal and dispatch, drafts returned to me, and replies owed to us that are late.

Each figure is `queries.count` of the outgoing list under the filter its link opens (app.outgoing.queries._filtered,
the visibility rule included), or `replies_due.count_replies_due` of the replies page's own query, so the number and
the list never disagree. The queues are the document statuses (app.outgoing.models.OutgoingStatus: reviewing = the
unit leader's content review, NĐ 30/2020 Điều 12.1; format_check = the clerk's check, Điều 12.2; signing = the
signer's approval, Điều 13; signed = number, seal and dispatch by the clerk, Điều 15–16).
"""

from flask import url_for

from app.core.home import Figure, HomePanel, Item, PanelContent
from app.org.models import Role, User
from app.outgoing import queries, replies_due
from app.outgoing.models import OutgoingDocument
from app.outgoing.models import OutgoingStatus as S
from app.sla.rules import URGENT_LEVELS

TOP = 5
LEADERS = {Role.AGENCY_LEADER, Role.UNIT_LEADER}
DRAFTERS = {Role.SPECIALIST, Role.UNIT_LEADER, Role.AGENCY_LEADER, Role.CLERK}


def _figure(user: User, key: str, label: str, tone: str, **flt) -> Figure:
    count = queries.count(user, queries.OutgoingFilter(**flt))
    args = {k: (1 if v is True else v) for k, v in flt.items() if k != "mine"}
    if flt.get("mine"):
        args["tab"] = "mine"
    return Figure(key, label, count, url_for("outgoing.documents", **args), tone, queries.COUNT_CAP)


def _item(doc: OutgoingDocument) -> Item:
    return Item(
        title=doc.subject,
        url=url_for("outgoing.document", document_id=doc.id),
        detail=doc.symbol or None,
        is_urgent=doc.urgency in URGENT_LEVELS,
    )


def _queues(user: User) -> list[tuple[Figure, dict]]:
    """The figures that apply to `user`'s roles, each with the filter of its list."""
    roles, found = user.roles, []

    def add(key: str, label: str, tone: str, **flt) -> None:
        found.append((_figure(user, key, label, tone, **flt), flt))

    if roles & LEADERS:
        add("to_sign", "Chờ tôi ký duyệt", "warning", status=S.SIGNING.value, to_sign=True)
    if Role.UNIT_LEADER in roles and user.unit_id:
        add("to_review", "Chờ duyệt nội dung", "warning", status=S.REVIEWING.value, mine=True)
    if Role.CLERK in roles:
        add("format_check", "Chờ kiểm tra thể thức", "warning", status=S.FORMAT_CHECK.value)
        add("to_issue", "Đã ký, chờ cấp số, đóng dấu, phát hành", "primary", status=S.SIGNED.value)
    if Role.SPECIALIST in roles:
        add("returned", "Dự thảo bị trả lại", "danger", status=S.RETURNED.value, mine=True)
    return found


def _outgoing(user: User) -> PanelContent | None:
    if not user.roles & DRAFTERS:
        return None  # an archivist, a designer, an administrator: no outgoing work of their own
    queues = _queues(user)
    figures = [figure for figure, _flt in queues]
    late = replies_due.count_replies_due(user, replies_due.ReplyState.OVERDUE)
    url = url_for("outgoing.replies_due_page", state=replies_due.ReplyState.OVERDUE.value)
    figures.append(Figure("replies_overdue", "Quá hạn trả lời (nơi nhận)", late, url, "danger", replies_due.LIMIT))
    # The first queue with something in it lists its top few: the most pressing one first (the order above).
    first = next(((figure, flt) for figure, flt in queues if figure.count), None)
    items = [_item(doc) for doc in queries.search(user, queries.OutgoingFilter(**first[1]), limit=TOP)] if first else []
    return PanelContent(
        figures=figures,
        items=items,
        items_title=first[0].label if first else None,
        empty="Không có văn bản đi nào đang chờ bạn.",
        more_url=url_for("outgoing.documents"),
    )


PANELS = [HomePanel("outgoing", "Văn bản đi", _outgoing, order=30)]
