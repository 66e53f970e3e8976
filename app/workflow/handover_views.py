"""The open work on an administrator's user page (loaded into app/org's page by endpoint name) and the
deactivation that hands it to a colleague. app/org sits below the engine, hence the panel lives here."""

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import current_user

from app.core import clock
from app.core.errors import DomainError
from app.core.transaction import unit_of_work
from app.org import queries as org_queries
from app.org.permissions import can_deactivate, managed_user
from app.web.helpers import admin_required
from app.workflow.handover import colleagues, deactivate_handing_over, only_taker_of
from app.workflow.queries import held_open_tasks

bp = Blueprint("workflow_handover", __name__, url_prefix="/admin/users", template_folder="templates")


def _managed_user(user_id: int):
    return managed_user(current_user, user_id)


@bp.get("/<int:user_id>/open-work")
@admin_required
def open_work(user_id: int):
    user = _managed_user(user_id)
    return render_template(
        "workflow/user_open_work.html",
        user=user,
        tasks=held_open_tasks(user.id),
        only_theirs=only_taker_of(user),
        colleagues=colleagues(user) if user.is_active else [],
        can_deactivate=can_deactivate(current_user, user),
        now=clock.now(),
    )


@bp.post("/<int:user_id>/deactivate-handing-over")
@admin_required
def deactivate(user_id: int):
    user = _managed_user(user_id)
    to_user_id = request.form.get("to_user_id", type=int)
    try:
        with unit_of_work():
            user, tasks = deactivate_handing_over(current_user, user.id, to_user_id)
    except DomainError as exc:
        flash(" ".join([exc.message, *exc.details.values()]), "danger")
        return redirect(url_for("admin.user_detail", user_id=user.id))
    done = f"Đã vô hiệu hóa tài khoản {user.username}."
    if tasks and to_user_id:
        done += f" {len(tasks)} việc đã được chuyển cho {org_queries.get_user(to_user_id).full_name}."
    elif tasks:
        done += f" {len(tasks)} việc đã trở về hộp việc chung của vai trò."
    flash(done, "success")
    return redirect(url_for("admin.user_detail", user_id=user.id))
