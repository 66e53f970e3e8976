"""Pages: the leaders' overdue list ("Việc quá hạn") and the administrators' escalation policy page."""

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from app.core import clock
from app.core.errors import DomainError, PermissionDenied
from app.core.inputs import bounded_int
from app.core.transaction import unit_of_work
from app.escalation import permissions, policy, queries
from app.escalation.forms import PolicyForm
from app.escalation.models import LEVEL_LABELS
from app.org import queries as org_queries
from app.org.permissions import chosen_agency_id, managed_agency_ids
from app.web.helpers import admin_required, show_errors

bp = Blueprint("escalation", __name__, template_folder="templates")

DOCUMENT_PAGES = {"incoming": "incoming.document", "outgoing": "outgoing.document"}


def document_url(task) -> str:
    """The document's page for a document's task; the task's page otherwise."""
    endpoint = DOCUMENT_PAGES.get(task.object_type)
    if endpoint and str(task.object_id).isdigit():
        return url_for(endpoint, document_id=int(task.object_id))
    return url_for("workflow.task_page", task_id=task.id)


@bp.get("/escalation/overdue")
@login_required
def overdue():
    if not permissions.sees_overdue_list(current_user):
        raise PermissionDenied("Trang này dành cho lãnh đạo cơ quan và lãnh đạo đơn vị.")
    page = max(1, request.args.get("page", type=bounded_int) or 1)
    now = clock.now()
    items, total = queries.overdue_items(
        current_user, now, limit=queries.PAGE_SIZE, offset=(page - 1) * queries.PAGE_SIZE
    )
    return render_template(
        "escalation/overdue.html",
        items=items,
        total=total,
        page=page,
        has_next=page * queries.PAGE_SIZE < total,
        now=now,
        document_url=document_url,
    )


def _agency_id() -> int:
    return chosen_agency_id(current_user, request.args.get("scope"))


@bp.route("/admin/escalation", methods=["GET", "POST"], endpoint="policy")
@admin_required
def policy_view():
    agency_id = _agency_id()
    current = policy.effective(agency_id)
    form = PolicyForm()
    if request.method == "GET":
        form.fill(current)
    elif form.validate_on_submit():
        try:
            with unit_of_work():
                policy.update_policy(current_user, agency_id, form.values())
        except DomainError as exc:
            show_errors(form, exc)
        else:
            flash("Đã lưu chính sách nhắc việc và báo cáo quá hạn.", "success")
            return redirect(url_for("escalation.policy", scope=agency_id))
    return render_template(
        "escalation/policy.html",
        form=form,
        agency=org_queries.get_agency(agency_id),
        scope=str(agency_id),
        scopes=[(str(a.id), a.name) for a in org_queries.list_agencies(managed_agency_ids(current_user))],
        current=current,
        defaults=policy.DEFAULTS,
        level_labels=LEVEL_LABELS,
    ), (422 if request.method == "POST" else 200)


@bp.post("/admin/escalation/reset")
@admin_required
def reset_policy():
    agency_id = _agency_id()
    policy.reset_policy(current_user, agency_id)
    flash("Đã đưa chính sách nhắc việc và báo cáo quá hạn về mặc định.", "success")
    return redirect(url_for("escalation.policy", scope=agency_id))
