"""The page of access-right changes waiting for confirmation (NĐ 30/2020 Phụ lục VI III.3.c), and the home panel
and API that show the same warnings (app.org.access_warnings)."""

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from app.core import clock
from app.core.errors import PermissionDenied
from app.core.home import Figure, HomePanel, Item, PanelContent
from app.org import access_warnings

bp = Blueprint("access_warnings", __name__, template_folder="templates")


def _require_overseer() -> None:
    if not access_warnings.overseen_agency_ids(current_user):
        raise PermissionDenied("Trang này dành cho lãnh đạo cơ quan và quản trị hệ thống.")


@bp.get("/access-warnings")
@login_required
def index():
    _require_overseer()
    return render_template(
        "org/access_warnings.html",
        warnings=access_warnings.open_warnings(current_user),
        confirmed=access_warnings.confirmed_warnings(current_user),
        what_changed=access_warnings.what_changed,
    )


@bp.post("/access-warnings/<int:warning_id>/confirm")
@login_required
def confirm(warning_id: int):
    access_warnings.confirm_warning(current_user, warning_id, note=request.form.get("note"))
    flash("Đã xác nhận thay đổi quyền truy cập.", "success")
    return redirect(url_for("access_warnings.index"))


def _panel(user) -> PanelContent | None:
    """Shown to whoever answers for the agency's access rights while a change waits: it stays until confirmed."""
    count = access_warnings.count_open(user) if access_warnings.overseen_agency_ids(user) else 0
    if not count:
        return None
    url = url_for("access_warnings.index")
    items = [
        Item(
            title=w.event.summary,
            url=url,
            detail=f"{w.event.actor_name} · {clock.to_local(w.event.occurred_at):%d/%m/%Y %H:%M}",
        )
        for w in access_warnings.open_warnings(user, limit=3)
    ]
    figure = Figure("access_warnings_open", "Chờ xác nhận", count, url=url, tone="warning")
    return PanelContent(figures=[figure], items=items, empty="Không có thay đổi nào chờ xác nhận.", more_url=url)


PANELS = [HomePanel("access_warnings", "Thay đổi quyền truy cập chờ xác nhận", _panel, order=50)]
