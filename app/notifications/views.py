"""Pages: the bell in the header, the list of one's notices, opening one, marking read, one's choices."""

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from markupsafe import Markup

from app.api.schemas import id_cursor
from app.core.errors import ValidationError
from app.notifications import queries, services
from app.org.models import User

bp = Blueprint("notifications", __name__, url_prefix="/notifications", template_folder="templates")

PAGE_SIZE = 30


def bell(user: User) -> Markup:
    """The header's bell with the unread count (Module.header_items): one capped, indexed count per page.

    Rendered from the template alone: render_template would run the context processors, and so this, again."""
    template = current_app.jinja_env.get_template("notifications/_bell.html")
    return Markup(template.render(unread=queries.unread_count(user)))


@bp.get("")
@login_required
def notices():
    unread = request.args.get("unread") == "1"
    try:
        before_id = id_cursor(request.args.get("after"))
    except ValidationError:
        before_id = None
    rows = queries.list_notices(current_user, unread=unread, before_id=before_id, limit=PAGE_SIZE + 1)
    next_cursor = rows[PAGE_SIZE - 1].id if len(rows) > PAGE_SIZE else None
    return render_template(
        "notifications/list.html",
        notices=rows[:PAGE_SIZE],
        unread_only=unread,
        unread=queries.unread_count(current_user),
        next_cursor=next_cursor,
        paged=before_id is not None,
    )


@bp.get("/<int:notice_id>")
@login_required
def open_notice(notice_id: int):
    """Open a notice (also the link of its e-mail): mark it read, go where it leads — only inside qlvb."""
    target = services.open_notice(current_user, notice_id)
    return redirect(target or url_for("notifications.notices"))


@bp.post("/<int:notice_id>/read")
@login_required
def mark_read(notice_id: int):
    services.mark_read(current_user, notice_id)
    return redirect(_back())


@bp.post("/read-all")
@login_required
def mark_all_read():
    count = services.mark_all_read(current_user)
    flash(f"Đã đánh dấu {count} thông báo là đã đọc." if count else "Không có thông báo chưa đọc.", "success")
    return redirect(_back())


@bp.route("/settings", methods=["GET", "POST"])
@login_required
def settings():
    if request.method == "POST":
        services.update_preferences(
            current_user,
            current_user.id,
            email_enabled=request.form.get("email_enabled") == "1",
            digest_enabled=request.form.get("digest_enabled") == "1",
        )
        flash("Đã lưu cài đặt thông báo.", "success")
        return redirect(url_for("notifications.settings"))
    return render_template(
        "notifications/settings.html",
        preference=queries.preferences_of(current_user.id),
        email_configured=services.email_configured(),
    )


def _back() -> str:
    """Back to the list as it was (its filter and page), never elsewhere."""
    back = services.local_path(request.form.get("next"))
    return back if back and back.startswith(bp.url_prefix) else url_for("notifications.notices")
