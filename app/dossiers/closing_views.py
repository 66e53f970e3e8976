"""Pages: the closing review (Kết thúc hồ sơ, NĐ 30/2020 Điều 29.4), reopening, and the exports (PDF, XML, SIP;
Phụ lục VI III.4.g). Thin: the services decide; the dossier page shows `dossiers/_actions_closing.html`."""

from datetime import date

from flask import Blueprint, flash, redirect, render_template, request, send_file, url_for
from flask_login import current_user, login_required
from werkzeug.routing import BuildError

from app.core.db import db
from app.core.errors import DomainError, ValidationError
from app.core.transaction import unit_of_work
from app.dossiers import closing, permissions
from app.dossiers.closing import CloseRequest
from app.dossiers.codes import MAINTENANCE
from app.dossiers.models import Dossier
from app.dossiers.states import can_move

bp = Blueprint("dossier_closing", __name__, template_folder="templates")


@bp.app_context_processor
def closing_actions():
    """What the dossier page's closing partial may show `user` (the rules stay in `permissions`, `states`)."""

    def actions(dossier: Dossier, user) -> dict:
        editor = permissions.can_edit(user, dossier)
        return {
            "close": editor and can_move(dossier.status, "close"),
            "reopen": editor and can_move(dossier.status, "reopen"),
            "export": permissions.can_view(user, dossier),
        }

    return {"dossier_closing_actions": actions}


def dossier_url(dossier: Dossier) -> str:
    """The dossier's page (app.dossiers.views), else the closing page itself."""
    try:
        return url_for("dossiers.dossier", dossier_id=dossier.id)
    except BuildError:
        return url_for("dossier_closing.review", dossier_id=dossier.id)


def _dossier(dossier_id: int) -> Dossier:
    return permissions.require_view(current_user, db.session.get(Dossier, dossier_id))


def _date(name: str) -> date | None:
    text = (request.form.get(name) or "").strip()
    if not text:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise ValidationError("Ngày không hợp lệ.", code="date_invalid", details={name: "Ngày không hợp lệ."}) from None


def _request() -> CloseRequest:
    years = (request.form.get("retention_years") or "").strip()
    version = (request.form.get("version") or "").strip()
    return CloseRequest(
        remove_item_ids=[int(v) for v in request.form.getlist("remove") if v.isdigit()],
        title=request.form.get("title"),
        notation=request.form.get("notation"),
        maintenance=request.form.get("maintenance") or None,
        retention_years=int(years) if years.isdigit() else None,
        end_date=_date("end_date"),
        settled_on=_date("settled_on"),
        version=int(version) if version.isdigit() else None,
    )


@bp.route("/dossiers/<int:dossier_id>/close", methods=["GET", "POST"], endpoint="review")
@login_required
def review(dossier_id):
    dossier = _dossier(dossier_id)
    permissions.require_edit(current_user, dossier)
    errors, status = {}, 200
    if request.method == "POST":
        try:
            with unit_of_work():
                closing.close(current_user, dossier, _request())
        except DomainError as exc:
            flash(exc.message, "danger")
            errors = exc.details if isinstance(exc.details, dict) else {}
            status = 409 if exc.status == 409 else 422
            dossier = db.session.get(Dossier, dossier_id)
        else:
            flash(f"Đã kết thúc hồ sơ {dossier.file_code}.", "success")
            return redirect(dossier_url(dossier))
    rows = closing.review(dossier)
    return render_template(
        "dossiers/close.html",
        dossier=dossier,
        rows=rows,
        form=request.form if request.method == "POST" else None,
        errors=errors,
        maintenance=MAINTENANCE,
        end_date=closing.default_end_date(dossier),
        dossier_url=dossier_url(dossier),
    ), status


@bp.post("/dossiers/<int:dossier_id>/reopen", endpoint="reopen")
@login_required
def reopen(dossier_id):
    dossier = closing.reopen(current_user, _dossier(dossier_id))
    flash(f"Đã mở lại hồ sơ {dossier.file_code}.", "success")
    return redirect(dossier_url(dossier))


def _send(dossier_id: int, fmt: str):
    from app.dossiers import exports  # reportlab, pikepdf: imported on first use (test_lazy_imports)

    handle, name, mimetype = exports.export(current_user, _dossier(dossier_id), fmt)
    return send_file(handle, mimetype=mimetype, as_attachment=True, download_name=name)


@bp.get("/dossiers/<int:dossier_id>/export.pdf", endpoint="export_pdf")
@login_required
def export_pdf(dossier_id):
    return _send(dossier_id, "pdf")


@bp.get("/dossiers/<int:dossier_id>/export.xml", endpoint="export_xml")
@login_required
def export_xml(dossier_id):
    return _send(dossier_id, "xml")


@bp.get("/dossiers/<int:dossier_id>/sip.zip", endpoint="export_sip")
@login_required
def export_sip(dossier_id):
    return _send(dossier_id, "sip")
