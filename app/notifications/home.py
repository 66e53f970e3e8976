"""The home page's "Thông báo chưa đọc" (app.core.home): the unread count and the newest unread notices."""

from flask import url_for

from app.core.home import Figure, HomePanel, Item, PanelContent
from app.notifications import queries
from app.org.models import User

SHOWN = 5


def _unread(user: User) -> PanelContent:
    # One statement: the newest unread notices, one more than shown; the count is the bell's (capped) only when
    # there are more than fit, so the usual page costs a single indexed read here.
    rows = queries.list_notices(user, unread=True, limit=SHOWN + 1)
    count = len(rows) if len(rows) <= SHOWN else queries.unread_count(user)
    unread_url = url_for("notifications.notices", unread=1)
    return PanelContent(
        figures=[Figure("unread", "Chưa đọc", count, unread_url, "primary", queries.UNREAD_CAP)],
        items=[
            Item(
                title=notice.title,
                url=url_for("notifications.open_notice", notice_id=notice.id),
                detail=notice.body.splitlines()[0] if notice.body else None,
            )
            for notice in rows[:SHOWN]
        ],
        items_title="Mới nhất" if rows else None,
        empty="Không có thông báo chưa đọc.",
        more_url=url_for("notifications.notices"),
    )


PANELS = [HomePanel("notifications", "Thông báo chưa đọc", _unread, order=15)]
