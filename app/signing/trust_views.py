"""Pages: the trust roots an administrator adds, disables, re-enables or removes (app.signing.trust_store)."""

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import current_user
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import SelectField, StringField
from wtforms.validators import Length, Optional

from app.core import clock
from app.core.errors import DomainError
from app.core.transaction import unit_of_work
from app.org import queries as org_queries
from app.org.forms import REQUIRED
from app.org.permissions import managed_agency_ids
from app.signing import trust_store
from app.signing.trust import trust_roots_from_config
from app.web.helpers import admin_required, show_errors

bp = Blueprint("trust_roots", __name__, template_folder="templates")

DEPLOYMENT = "all"  # the scope choice for "the whole deployment" (a SelectField value must be a string)


class TrustRootForm(FlaskForm):
    file = FileField("Tệp chứng thư (PEM hoặc DER: .pem, .crt, .cer, .der)", validators=[FileRequired(REQUIRED)])
    scope = SelectField("Phạm vi tin cậy")
    note = StringField("Ghi chú (nguồn, căn cứ)", validators=[Optional(), Length(max=500)])


def _form() -> TrustRootForm:
    form = TrustRootForm()
    scopes = []
    if trust_store.can_manage_deployment_roots(current_user):
        scopes.append((DEPLOYMENT, "Toàn hệ thống (mọi cơ quan)"))
    agencies = org_queries.list_agencies(managed_agency_ids(current_user))
    scopes += [(str(a.id), f"{a.name} và các cơ quan trực thuộc") for a in agencies]
    form.scope.choices = scopes
    if request.method == "GET":
        form.scope.data = str(current_user.agency_id)
    return form


def _configured_roots() -> list[dict]:
    """The roots from QLVB_TRUST_ROOTS and <instance>/trust/, shown read-only (the deployment owns them)."""
    try:
        roots = trust_roots_from_config()
    except DomainError as exc:
        return [{"error": exc.message}]
    return [
        {
            "subject": r.subject.human_friendly,
            "issuer": r.issuer.human_friendly,
            "not_after": r["tbs_certificate"]["validity"]["not_after"].native,
            "fingerprint": r.sha256.hex(),
        }
        for r in roots
    ]


@bp.route("/admin/signing/trust-roots", methods=["GET", "POST"])
@admin_required
def index():
    form = _form()
    status = 200
    if form.validate_on_submit():
        agency_id = None if form.scope.data == DEPLOYMENT else int(form.scope.data)
        try:
            with unit_of_work():
                row = trust_store.add(
                    current_user, data=form.file.data.read(), agency_id=agency_id, note=form.note.data
                )
        except DomainError as exc:
            show_errors(form, exc)
            status = 422
        else:
            flash(f"Đã thêm chứng thư gốc tin cậy {row.common_name}.", "success")
            return redirect(url_for("trust_roots.index"))
    elif request.method == "POST":
        status = 422
    return render_template(
        "signing/trust_roots.html",
        form=form,
        rows=trust_store.list_visible(current_user),
        configured=_configured_roots(),
        can_manage=lambda row: trust_store.can_manage(current_user, row.agency_id),
        now=clock.now(),
    ), status


@bp.post("/admin/signing/trust-roots/<int:certificate_id>/<any(disable, enable):change>")
@admin_required
def set_active(certificate_id: int, change: str):
    row = trust_store.set_active(current_user, certificate_id, change == "enable")
    verb = "Đã tin cậy lại" if row.active else "Đã ngừng tin cậy"
    flash(f"{verb} chứng thư gốc {row.common_name}.", "success")
    return redirect(url_for("trust_roots.index"))


@bp.post("/admin/signing/trust-roots/<int:certificate_id>/remove")
@admin_required
def remove(certificate_id: int):
    trust_store.remove(current_user, certificate_id)
    flash("Đã xóa chứng thư gốc khỏi danh sách tin cậy.", "success")
    return redirect(url_for("trust_roots.index"))
