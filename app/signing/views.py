"""Pages: administrators manage their agencies' signing credentials; each user sees their own certificate."""

import io

from flask import Blueprint, flash, redirect, render_template, request, send_file, url_for
from flask_login import current_user, login_required
from flask_wtf import FlaskForm
from flask_wtf.file import FileAllowed, FileField, FileRequired
from wtforms import PasswordField, SelectField, StringField
from wtforms.validators import DataRequired, Length

from app.core import clock
from app.core.errors import DomainError, NotFound
from app.core.transaction import unit_of_work
from app.org import queries as org_queries
from app.org.forms import REQUIRED, choices
from app.org.models import Role
from app.org.permissions import managed_agency_ids
from app.signing import credentials
from app.signing.models import CredentialKind
from app.web.helpers import admin_required, show_errors

bp = Blueprint("signing", __name__, template_folder="templates")

P12_FILES = FileAllowed(["p12", "pfx"], "Chỉ nhận tệp .p12 hoặc .pfx.")
PNG_FILES = FileAllowed(["png"], "Chỉ nhận ảnh .png nền trong suốt.")


class PersonalCredentialForm(FlaskForm):
    user_id = SelectField("Người ký", coerce=int, validators=[DataRequired(REQUIRED)])
    p12 = FileField("Tệp khóa PKCS#12 (.p12, .pfx)", validators=[FileRequired(REQUIRED), P12_FILES])
    pin = PasswordField("Mã PIN của tệp khóa", validators=[DataRequired(REQUIRED)], render_kw={"autocomplete": "off"})
    image = FileField("Ảnh chữ ký (PNG nền trong suốt, màu xanh; bỏ trống để tạo tự động)", validators=[PNG_FILES])


class OrganizationCredentialForm(FlaskForm):
    agency_id = SelectField("Cơ quan", coerce=int, validators=[DataRequired(REQUIRED)])
    kind = SelectField(
        "Dùng để",
        choices=choices((kind.value, kind.label) for kind in (CredentialKind.ORGANIZATION, CredentialKind.EXCHANGE)),
        default=CredentialKind.ORGANIZATION.value,
    )
    p12 = FileField("Tệp khóa PKCS#12 (.p12, .pfx)", validators=[FileRequired(REQUIRED), P12_FILES])
    passphrase = PasswordField(
        "Mật khẩu tệp khóa", validators=[DataRequired(REQUIRED)], render_kw={"autocomplete": "off"}
    )
    image = FileField(
        "Ảnh con dấu (PNG nền trong suốt, màu đỏ, đúng kích thước thật; bỏ trống để tạo tự động)",
        validators=[PNG_FILES],
    )


class DeactivateForm(FlaskForm):
    reason = StringField("Lý do", validators=[DataRequired(REQUIRED), Length(max=500)])


def _managed_credential(credential_id: int):
    # Another agency's credentials answer 404: their existence is not this administrator's business.
    credential = credentials.get_credential(credential_id)
    if credential.agency_id not in managed_agency_ids(current_user):
        raise NotFound("Không tìm thấy chứng thư số.", code="credential_not_found")
    return credential


def _upload(field) -> bytes | None:
    return field.data.read() if field.data else None


@bp.get("/admin/signing/credentials")
@admin_required
def credentials_list():
    agency_ids = managed_agency_ids(current_user)
    return render_template(
        "signing/credentials.html",
        credentials=credentials.list_credentials(agency_ids),
        now=clock.now(),
        deactivate_form=DeactivateForm(),
    )


@bp.route("/admin/signing/credentials/personal", methods=["GET", "POST"])
@admin_required
def add_personal():
    form = PersonalCredentialForm()
    people = org_queries.list_users(managed_agency_ids(current_user), active=True)
    # Leaders first: they are the ones who sign (0 is "nobody chosen", refused as required).
    people.sort(key=lambda u: (not u.has_role(Role.AGENCY_LEADER, Role.UNIT_LEADER), u.agency_id, u.full_name))
    form.user_id.choices = choices(
        [(0, "— Chọn người ký —")] + [(u.id, f"{u.full_name} ({u.username}) · {u.agency.abbreviation}") for u in people]
    )
    if request.method == "GET":  # from a person's page: "Thêm chứng thư số, ảnh chữ ký" for them
        form.user_id.data = request.args.get("user_id", 0, type=int)
    if form.validate_on_submit():
        try:
            with unit_of_work():
                credential = credentials.add_personal(
                    current_user,
                    form.user_id.data,
                    p12=_upload(form.p12),
                    pin=form.pin.data,
                    image_png=_upload(form.image),
                )
        except DomainError as exc:
            show_errors(form, exc)
        else:
            flash(f"Đã thêm chứng thư số của {credential.owner_name}.", "success")
            return redirect(url_for("signing.credentials_list"))
    status = 422 if request.method == "POST" else 200
    return render_template("signing/credential_form.html", form=form, kind="personal"), status


@bp.route("/admin/signing/credentials/organization", methods=["GET", "POST"])
@admin_required
def add_organization():
    form = OrganizationCredentialForm()
    agencies = org_queries.list_agencies(managed_agency_ids(current_user))
    form.agency_id.choices = choices([(0, "— Chọn cơ quan —")] + [(a.id, a.name) for a in agencies])
    if request.method == "GET":  # from an agency's page: its seal
        form.agency_id.data = request.args.get("agency_id", 0, type=int)
    if form.validate_on_submit():
        try:
            with unit_of_work():
                if form.kind.data == CredentialKind.EXCHANGE.value:  # signs edXML envelopes: no seal image
                    credential = credentials.add_exchange(
                        current_user, form.agency_id.data, p12=_upload(form.p12), passphrase=form.passphrase.data
                    )
                else:
                    credential = credentials.add_organization(
                        current_user,
                        form.agency_id.data,
                        p12=_upload(form.p12),
                        passphrase=form.passphrase.data,
                        seal_png=_upload(form.image),
                    )
        except DomainError as exc:
            show_errors(form, exc)
        else:
            flash(f"Đã thêm chứng thư số ({credential.kind_label.lower()}) của {credential.owner_name}.", "success")
            return redirect(url_for("signing.credentials_list"))
    status = 422 if request.method == "POST" else 200
    return render_template("signing/credential_form.html", form=form, kind="organization"), status


@bp.post("/admin/signing/credentials/<int:credential_id>/deactivate")
@admin_required
def deactivate(credential_id: int):
    credential = _managed_credential(credential_id)
    form = DeactivateForm()
    if not form.validate_on_submit():
        flash("Cần nêu lý do vô hiệu hóa chứng thư số.", "danger")
        return redirect(url_for("signing.credentials_list"))
    credentials.deactivate(current_user, credential.id, form.reason.data)
    flash(f"Đã vô hiệu hóa chứng thư số của {credential.owner_name}.", "success")
    return redirect(url_for("signing.credentials_list"))


@bp.get("/admin/signing/credentials/<int:credential_id>/image")
@admin_required
def credential_image(credential_id: int):
    return _png(_managed_credential(credential_id))


@bp.get("/account/signature")
@login_required
def my_signature():
    mine = credentials.credentials_of(current_user)
    return render_template("signing/my_signature.html", credentials=mine, now=clock.now())


@bp.get("/account/signature/<int:credential_id>/image")
@login_required
def my_signature_image(credential_id: int):
    credential = credentials.get_credential(credential_id)
    if credential.user_id != current_user.id:
        raise NotFound("Không tìm thấy chứng thư số.", code="credential_not_found")
    return _png(credential)


def _png(credential):
    if not credential.image_sha256:  # an exchange credential has no image
        raise NotFound("Chứng thư số này không có ảnh.", code="credential_image_not_found")
    response = send_file(io.BytesIO(credentials.image_of(credential)), mimetype="image/png")
    response.headers["Cache-Control"] = "private, max-age=3600"  # content-addressed: the bytes never change
    return response
