"""Pages: the agency's electronic copies, making one (from a document or a digitised paper file), downloading."""

import io

from flask import Blueprint, flash, redirect, render_template, request, send_file, url_for
from flask_login import current_user, login_required

from app.copies import services
from app.copies.models import COPY_FORM_LABELS, CopyForm, SourceKind
from app.core.errors import DomainError
from app.core.transaction import unit_of_work
from app.documents.uploads import Upload
from app.org.models import Role
from app.web.helpers import role_required

bp = Blueprint("copies", __name__, url_prefix="/copies", template_folder="templates")


@bp.get("")
@login_required
def copies():
    return render_template("copies/list.html", copies=services.list_copies(current_user))


@bp.route("/new", methods=["GET", "POST"])
@role_required(Role.CLERK)
def new():
    values = request.form.to_dict() if request.method == "POST" else request.args.to_dict()
    errors = {}
    if request.method == "POST":
        file = request.files.get("file")
        upload = Upload(file.filename, file.read()) if file and file.filename else None
        try:
            with unit_of_work():
                copy = services.make_copy(
                    current_user,
                    form=values.get("form") or "",
                    source_kind=values.get("source_kind") or SourceKind.UPLOAD.value,
                    source_id=_int(values.get("source_id")),
                    file_id=_int(values.get("file_id")),
                    upload=upload,
                    source_symbol=values.get("source_symbol"),
                    subject=values.get("subject"),
                )
        except DomainError as exc:
            errors = exc.details if isinstance(exc.details, dict) else {}
            flash(exc.message, "danger")
        else:
            flash(f"Đã tạo bản sao điện tử số {copy.symbol}.", "success")
            return redirect(url_for("copies.copies"))
    sao_y = [c for c in services.list_copies(current_user) if c.form == CopyForm.SAO_Y]
    return render_template(
        "copies/new.html",
        values=values,
        errors=errors,
        forms=COPY_FORM_LABELS,
        sao_y=sao_y,
        SourceKind=SourceKind,
    ), (422 if errors or request.method == "POST" else 200)


@bp.get("/<int:copy_id>/file")
@login_required
def file(copy_id: int):
    with unit_of_work():
        copy, data = services.copy_file(current_user, copy_id)
    return send_file(io.BytesIO(data), mimetype="application/pdf", download_name=copy.filename)


def _int(value) -> int | None:
    return int(value) if value and str(value).isdigit() else None
