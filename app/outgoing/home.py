"""The home page's "Văn bản đi" (app.core.home): what awaits my signature, my content review, the clerk's format
check and the clerk's number, seal and dispatch, drafts returned to me, and replies owed to us that are late.

Each figure is `queries.count_query` of the outgoing list under the filter its link opens (app.outgoing.queries.
_filtered, the visibility rule included), or `replies_due.count_query` of the replies page's own query, so the number
and the list never disagree; a panel's figures run as one statement. The queues are the document statuses
(app.outgoing.models.OutgoingStatus: reviewing = the unit leader's content review, NĐ 30/2020 Điều 12.1;
format_check = the clerk's check, Điều 12.2; signing = the signer's approval, Điều 13; signed = number, seal and
dispatch by the clerk, Điều 15–16).
"""

from flask import url_for

from app.core.home import Figure, HomePanel, Item, PanelContent, fetch_counts
from app.org.models import Role, User
from app.outgoing import queries, replies_due
from app.outgoing.models import OutgoingDocument
from app.outgoing.models import OutgoingStatus as S
from app.sla.rules import URGENT_LEVELS

TOP = 5
LEADERS = {Role.AGENCY_LEADER, Role.UNIT_LEADER}
DRAFTERS = {Role.SPECIALIST, Role.UNIT_LEADER, Role.AGENCY_LEADER, Role.CLERK}


def _queues(user: User) -> list[tuple[str, str, str, dict]]:
    """(key, label, tone, filter of its list) for each figure `user`'s roles have, the most pressing first."""
    roles, found = user.roles, []
    if roles & LEADERS:
        found.append(("to_sign", "Chờ tôi ký duyệt", "warning", {"status": S.SIGNING.value, "to_sign": True}))
    if Role.UNIT_LEADER in roles and user.unit_id:
        found.append(("to_review", "Chờ duyệt nội dung", "warning", {"status": S.REVIEWING.value, "mine": True}))
    if Role.CLERK in roles:
        found.append(("format_check", "Chờ kiểm tra thể thức", "warning", {"status": S.FORMAT_CHECK.value}))
        found.append(("to_issue", "Đã ký, chờ cấp số, đóng dấu, phát hành", "primary", {"status": S.SIGNED.value}))
    if Role.SPECIALIST in roles:
        found.append(("returned", "Dự thảo bị trả lại", "danger", {"status": S.RETURNED.value, "mine": True}))
    return found


def _list_url(flt: dict) -> str:
    """The outgoing list under `flt`: "mine" is the "Của tôi" tab, a flag is "1"."""
    args = {k: (1 if v is True else v) for k, v in flt.items() if k != "mine"}
    return url_for("outgoing.documents", **args, **({"tab": "mine"} if flt.get("mine") else {}))


def _item(doc: OutgoingDocument) -> Item:
    return Item(
        title=doc.subject,
        url=url_for("outgoing.document", document_id=doc.id),
        detail=doc.symbol or None,
        is_urgent=doc.urgency in URGENT_LEVELS,
    )


def _outgoing(user: User) -> PanelContent | None:
    if not user.roles & DRAFTERS:
        return None  # an archivist, a designer, an administrator: no outgoing work of their own
    queues = _queues(user)
    late = replies_due.ReplyState.OVERDUE
    counts = fetch_counts(
        [queries.count_query(user, queries.OutgoingFilter(**flt)) for _k, _l, _t, flt in queues]
        + [replies_due.count_query(user, late)]
    )
    figures = [
        Figure(key, label, count, _list_url(flt), tone, queries.COUNT_CAP)
        for (key, label, _t, flt), count, tone in zip(queues, counts, (q[2] for q in queues), strict=False)
    ]
    url = url_for("outgoing.replies_due_page", state=late.value)
    figures.append(
        Figure("replies_overdue", "Quá hạn trả lời (nơi nhận)", counts[-1], url, "danger", replies_due.LIMIT)
    )
    # The first queue with something in it lists its top few: the most pressing one first (the order above).
    first = next(((label, flt) for (_k, label, _t, flt), n in zip(queues, counts, strict=False) if n), None)
    items = [_item(doc) for doc in queries.search(user, queries.OutgoingFilter(**first[1]), limit=TOP)] if first else []
    return PanelContent(
        figures=figures,
        items=items,
        items_title=first[0] if first else None,
        empty="Không có văn bản đi nào đang chờ bạn.",
        more_url=url_for("outgoing.documents"),
    )


PANELS = [HomePanel("outgoing", "Văn bản đi", _outgoing, order=30)]
