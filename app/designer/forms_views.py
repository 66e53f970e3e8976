"""The designer's form pages: the forms the agency may attach, and an editor with a live preview.

The preview is drawn by the inbox's own macro (workflow/_form.html render_fields) with the agency's data sources,
so what the designer sees is what the person handling the task will see.
"""

import json

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from app.core.errors import DomainError
from app.core.transaction import unit_of_work
from app.designer import forms_service
from app.workflow.forms import field_order, options_for
from app.workflow.registry import INSTALLED

bp = Blueprint("designer_forms", __name__, url_prefix="/designer/forms", template_folder="templates")


@bp.before_request
@login_required
def designers_only():
    forms_service.require_designer(current_user)


def render_preview(form: dict | None, problems: list[str], agency_id: int, actor_id: int | None) -> str:
    """The HTML fragment the editor shows beside the JSON: the rendered form, or what is wrong with it."""
    if not problems:

        def options(name):
            return options_for(form, name, agency_id, None, actor_id)

        try:
            return render_template(
                "designer/forms_preview.html", form=form, order=field_order(form), options=options, problems=[]
            )
        except Exception as exc:  # a form the checks let through but the renderer cannot draw
            problems = [f"Không hiển thị được biểu mẫu: {exc}"]
    return render_template("designer/forms_preview.html", form=None, problems=problems)


def _pretty(definition: dict) -> str:
    return json.dumps(definition, ensure_ascii=False, indent=2)


@bp.get("")
def index():
    rows = forms_service.form_list(current_user)
    return render_template("designer/forms.html", rows=rows)


@bp.get("/new")
def new():
    """'Tạo biểu mẫu mới': a valid key not yet used opens the editor on a starter form (saved only on Lưu)."""
    key = (request.args.get("key") or "").strip()
    try:
        edited = forms_service.edited_form(current_user, key, new=True)
    except DomainError as exc:
        if exc.status != 422:
            raise
        flash(exc.message, "danger")
        return redirect(url_for("designer_forms.index"))
    if edited.scope is not None:
        flash(f"Biểu mẫu “{key}” đã có, mở để sửa.", "info")
    return redirect(url_for("designer_forms.edit", key=edited.key))


@bp.post("/preview")
def preview():
    forms_service.require_designer(current_user)
    form, problems = forms_service.parse_definition(request.form.get("definition", ""))
    return render_preview(form, problems, current_user.agency_id, current_user.id)


@bp.get("/<path:key>")
def edit(key: str):
    edited = forms_service.edited_form(current_user, key, new=True)
    return _editor(edited, _pretty(edited.definition), [])


def _editor(edited, text: str, problems: list[str], status: int = 200):
    form, preview_problems = forms_service.parse_definition(text)
    return render_template(
        "designer/forms_edit.html",
        edited=edited,
        text=text,
        problems=problems,
        preview=render_preview(form, preview_problems, current_user.agency_id, current_user.id),
        widgets=forms_service.widget_names(),
        sources=sorted(INSTALLED.data_sources),
        scope_labels=forms_service.SCOPE_LABELS,
        used_by=forms_service.form_usage(current_user.agency_id).get(edited.key, []),
    ), status


@bp.post("/<path:key>")
def save(key: str):
    actor = current_user._get_current_object()
    if request.form.get("action") == "reset":
        with unit_of_work():
            forms_service.reset_form(actor, key)
        flash(
            f"Đã khôi phục biểu mẫu mặc định “{key}”. Lần triển khai quy trình sau sẽ dùng biểu mẫu mặc định.",
            "success",
        )
        return redirect(url_for("designer_forms.edit", key=key))
    text = request.form.get("definition", "")
    form, problems = forms_service.parse_definition(text)
    if not problems:
        try:
            with unit_of_work():
                forms_service.save_form(actor, key, form)
        except DomainError as exc:
            if exc.status != 422:
                raise
            problems = getattr(exc, "problems", None) or [exc.message]
    if problems:
        edited = forms_service.edited_form(actor, key, new=True)
        flash("Biểu mẫu không hợp lệ, chưa được lưu.", "danger")
        return _editor(edited, text, problems, status=422)
    flash(
        f"Đã lưu biểu mẫu “{key}” của cơ quan. Các phiên bản đang chạy không đổi; "
        "lần triển khai quy trình sau sẽ dùng biểu mẫu này.",
        "success",
    )
    return redirect(url_for("designer_forms.edit", key=key))
