"""Page: the outbox of the connector (hàng đợi gửi liên thông) — what waits, what failed and why, "Gửi lại ngay"."""

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from app.core.errors import PermissionDenied
from app.exchange import outbox_queries
from app.exchange.directory import resolve
from app.exchange.permissions import can_view_outbox

bp = Blueprint("outbox", __name__, url_prefix="/exchange/outbox")


def _require_view() -> None:
    if not can_view_outbox(current_user):
        raise PermissionDenied("Trang này dành cho văn thư và quản trị hệ thống.", code="outbox_denied")


@bp.get("")
@login_required
def index():
    _require_view()
    state = request.args.get("state") or None
    rows = outbox_queries.list_outbox(current_user, state=state)
    names = {}
    for row in rows:
        if row.to_code not in names:
            route = resolve(row.to_code)
            names[row.to_code] = route.name if route else ""
    return render_template(
        "exchange/outbox.html",
        rows=rows,
        state=state,
        names=names,
        counts=outbox_queries.count_by_state(current_user),
        state_labels=outbox_queries.VIEW_LABELS,
        view_state=outbox_queries.view_state,
        kind_labels=outbox_queries.KIND_LABELS,
    )


@bp.post("/<int:message_id>/retry")
@login_required
def retry(message_id: int):
    _require_view()
    row = outbox_queries.retry(current_user, message_id)
    flash(f"Đã đưa thông điệp gửi {row.to_code} vào lượt gửi ngay.", "success")
    return redirect(url_for("exchange.outbox.index", state=request.args.get("state") or None))
