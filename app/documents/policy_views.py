"""Page: an administrator sets each agency's policy for received PDFs with active content."""

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import current_user
from flask_wtf import FlaskForm
from wtforms import BooleanField, RadioField, SelectField

from app.core.errors import DomainError
from app.core.transaction import unit_of_work
from app.documents import upload_policy
from app.org import queries as org_queries
from app.org.forms import choices
from app.org.permissions import managed_agency_ids
from app.web.helpers import admin_required, show_errors

bp = Blueprint("upload_policy", __name__, template_folder="templates")


class PolicyForm(FlaskForm):
    agency = SelectField("Cơ quan")
    active_pdf = RadioField(
        "Khi tệp PDF nhận được có nội dung chủ động",
        choices=choices((p.value, label) for p, label in upload_policy.ACTIVE_PDF_LABELS.items()),
    )
    keep_original = BooleanField("Giữ bản gốc đã nhận để đối chiếu khi gỡ bỏ (tệp có chữ ký số luôn được giữ)")


@bp.route("/admin/upload-policy", methods=["GET", "POST"])
@admin_required
def index():
    agencies = org_queries.list_agencies(managed_agency_ids(current_user))
    form = PolicyForm()
    form.agency.choices = choices((str(a.id), a.name) for a in agencies)
    chosen = request.values.get("agency") or str(current_user.agency_id)
    if chosen not in {c.value for c in form.agency.choices}:
        chosen = form.agency.choices[0].value
    status = 200
    if form.validate_on_submit():
        try:
            with unit_of_work():
                upload_policy.set_policy(
                    current_user,
                    int(form.agency.data),
                    active_pdf=form.active_pdf.data,
                    keep_original=form.keep_original.data,
                )
        except DomainError as exc:
            show_errors(form, exc)
            status = 422
        else:
            flash("Đã lưu chính sách tệp PDF có nội dung chủ động.", "success")
            return redirect(url_for("upload_policy.index", agency=form.agency.data))
    elif request.method == "POST":
        status = 422
    else:
        policy = upload_policy.policy_for(int(chosen))
        form.agency.data, form.active_pdf.data, form.keep_original.data = (
            chosen,
            policy.active_pdf,
            policy.keep_original,
        )
    from app.documents import pdfcheck  # pikepdf: imported on first use, not at start (tests/test_lazy_imports.py)

    shown = {c.value: c.label for c in form.agency.choices}.get(form.agency.data or chosen, "")
    page = render_template("documents/upload_policy.html", form=form, labels=pdfcheck.ACTIVE, agency_name=shown)
    return page, status
