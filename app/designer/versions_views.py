"""The versions pages of a process: the list, one version's diagram, the download, the diff and rollback."""

from flask import Blueprint, Response, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from app.core.errors import Conflict, DomainError
from app.core.transaction import unit_of_work
from app.designer import versions
from app.org.models import Role
from app.web.helpers import role_required

bp = Blueprint("designer_versions", __name__, url_prefix="/designer", template_folder="templates")


def _actor():
    return current_user._get_current_object()


@bp.get("/<process_id>/versions")
@role_required(Role.DESIGNER)
def index(process_id: str):
    rows = versions.version_rows(_actor(), process_id)
    return render_template("designer/versions.html", process_id=process_id, rows=rows, name=rows[0].version.name)


@bp.get("/<process_id>/versions/<int:version_id>")
@role_required(Role.DESIGNER)
def show(process_id: str, version_id: int):
    version = versions.get_version(_actor(), version_id, process_id)
    return render_template(
        "designer/versions_show.html", process_id=process_id, row=versions.version_row(_actor(), version.id)
    )


@bp.get("/<process_id>/versions/<int:version_id>/bpmn")
@role_required(Role.DESIGNER)
def download(process_id: str, version_id: int):
    """The version's BPMN file as deployed: it opens in bpmn.io or Camunda Modeler (and feeds the viewers)."""
    version = versions.get_version(_actor(), version_id, process_id)
    scope = f"-{version.agency_id}" if version.agency_id else ""
    response = Response(version.bpmn_xml, mimetype="application/xml")
    if "inline" not in request.args:
        filename = f"{version.process_id}{scope}-v{version.version}.bpmn"
        response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@bp.get("/<process_id>/versions/compare")
@role_required(Role.DESIGNER)
def compare(process_id: str):
    a, b = request.args.get("a", type=int), request.args.get("b", type=int)
    if a is None or b is None:
        flash("Chọn hai phiên bản để so sánh.", "warning")
        return redirect(url_for(".index", process_id=process_id))
    diff = versions.compare(_actor(), a, b)
    if diff.a.process_id != process_id:
        abort(404)
    return render_template(
        "designer/versions_compare.html",
        process_id=process_id,
        diff=diff,
        rows={row.version.id: row for row in versions.version_rows(_actor(), process_id)},
    )


@bp.post("/<process_id>/versions/<int:version_id>/rollback")
@role_required(Role.DESIGNER)
def rollback(process_id: str, version_id: int):
    versions.get_version(_actor(), version_id, process_id)  # another process's or agency's version: 404
    try:
        with unit_of_work():
            new = versions.rollback(_actor(), version_id, request.form.get("reason"))
    except Conflict as exc:
        flash(exc.message, "info")
    except DomainError as exc:
        problems = getattr(exc, "problems", [])
        flash(" ".join([exc.message, *problems]), "danger")
    else:
        flash(f"Đã khôi phục: {new.display_name} ({new.name}) được dùng cho hồ sơ mới.", "success")
    return redirect(url_for(".index", process_id=process_id))
