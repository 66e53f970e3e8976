"""The home page (issue 11): the panels the modules declare (app.core.home), and the web shell's own one.

Lower modules' panels are registered by app.modules (`home_panels`), so the shell renders the cards of modules it
never imports; `GET /api/v1/home` (app.web.api) gives the same figures as JSON.
"""

from flask import current_app

from app.core import clock
from app.core.home import HomePanel, Item, PanelContent
from app.org import queries as org_queries
from app.org.models import User


def panels_for(user: User) -> list[tuple[HomePanel, PanelContent]]:
    """The panels that apply to `user`, in order, each with what it shows."""
    built = ((panel, panel.build(user)) for panel in current_app.extensions["qlvb.home_panels"])
    return [(panel, content) for panel, content in built if content is not None]


def _delegations(user: User) -> PanelContent:
    """Ủy quyền đang có hiệu lực cho tôi: whose work I may do now, and until when (the inbox includes it)."""
    items = [
        Item(
            title=f"{d.from_user.full_name}" + (f" ({d.from_user.position})" if d.from_user.position else ""),
            detail=f"đến {clock.to_local(d.ends_at):%d/%m/%Y %H:%M}" if d.ends_at else None,
        )
        for d in org_queries.active_delegations_to(user)
    ]
    return PanelContent(items=items, empty="Không có.")


PANELS = [HomePanel("delegations", "Ủy quyền đang có hiệu lực cho bạn", _delegations, order=900)]
