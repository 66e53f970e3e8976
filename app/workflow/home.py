"""The home page's "Việc của tôi" (app.core.home): my open tasks overdue, due today and new, and the first few.

Every figure is a capped count of the inbox under one of its filters and links to that filtered inbox, so the
number and the list never disagree (app.workflow.queries.InboxFilter).
"""

from flask import url_for

from app.core import clock
from app.core.home import COUNT_CAP, Figure, HomePanel, Item, PanelContent
from app.org.models import User
from app.workflow import queries


def _my_work(user: User) -> PanelContent:
    summary = queries.work_summary(user)
    at = clock.now()
    inbox = "workflow.inbox"
    figures = [
        Figure("overdue", "Quá hạn", summary.overdue, url_for(inbox, overdue=1), "danger", COUNT_CAP),
        Figure("due_today", "Đến hạn hôm nay", summary.due_today, url_for(inbox, due="today"), "warning", COUNT_CAP),
        Figure("new", "Mới (24 giờ qua)", summary.new, url_for(inbox, new=1), "primary", COUNT_CAP),
        Figure("open", "Tất cả việc đang mở", summary.total, url_for(inbox), "secondary", COUNT_CAP),
    ]
    items = [
        Item(
            title=task.title,
            url=url_for("workflow.task_page", task_id=task.id),
            detail=task.object_title,
            due_at=task.due_at,
            is_overdue=task.due_at is not None and task.due_at < at,
            is_urgent=task.urgency == "urgent",
        )
        for task in summary.first
    ]
    return PanelContent(
        figures=figures,
        items=items,
        items_title="Việc cần làm trước" if items else None,
        empty="Không có việc nào đang chờ bạn.",
        more_url=url_for(inbox) if summary.total > len(items) else None,
        notes=["Không có việc quá hạn."] if summary.total and not summary.overdue else [],
    )


PANELS = [HomePanel("my_work", "Việc của tôi", _my_work, order=10)]
