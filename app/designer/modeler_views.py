"""The modeler's page (/designer/<process_id>/edit) and the JSON calls it makes with the browser session:
check, deploy and the deadline preview (the same services as the REST API in modeler_api.py)."""

from flask import Blueprint, jsonify, render_template, request
from flask_login import current_user

from app.core.errors import ValidationError
from app.core.inputs import bounded_int
from app.core.transaction import unit_of_work
from app.designer import modeler, queries
from app.org.models import Role
from app.web.helpers import role_required

bp = Blueprint("designer_modeler", __name__, url_prefix="/designer", template_folder="templates")


@bp.get("/<process_id>/edit")
@role_required(Role.DESIGNER)
def edit(process_id: str):
    from_id = request.args.get("from", type=bounded_int)
    version = modeler.version_to_edit(current_user, process_id, from_id)
    return render_template(
        "designer/modeler.html",
        version=version,
        process_id=process_id,
        options=modeler.panel_options(current_user.agency_id),
        running=queries.running_cases(current_user.agency_id, process_id),
    )


def _body() -> tuple[str, dict]:
    payload = request.get_json(silent=True) or {}
    xml = payload.get("bpmn")
    if not isinstance(xml, str) or not xml.strip():
        raise ValidationError("Chưa có sơ đồ BPMN.", details={"bpmn": "Thiếu nội dung tệp BPMN."})
    return xml, payload


def refused(error: ValidationError):
    """422 with each problem structured (element_id, message), for the page to pin on its element."""
    problems = modeler.problems_of(error)
    details = {"bpmn": "\n".join(f"{p['element_id']}: {p['message']}" for p in problems), "problems": problems}
    return jsonify(code=error.code, message=error.message, details=details), 422


@bp.post("/<process_id>/check")
@role_required(Role.DESIGNER)
def check(process_id: str):
    xml, _ = _body()
    problems = modeler.check(current_user, process_id, xml)
    return jsonify(valid=not problems, problems=problems)


@bp.post("/<process_id>/deploy")
@role_required(Role.DESIGNER)
def deploy(process_id: str):
    xml, payload = _body()
    based_on_id = payload.get("based_on_id")
    try:
        with unit_of_work():
            version, created = modeler.deploy_from_modeler(
                current_user._get_current_object(),
                process_id,
                xml,
                comment=str(payload.get("comment") or ""),
                based_on_id=int(based_on_id) if str(based_on_id or "").isdigit() else None,
            )
            body = {
                "id": version.id,
                "version": version.version,
                "display_name": version.display_name,
                "name": version.name,
                "created": created,
            }
    except ValidationError as error:
        if error.code != "invalid_bpmn":
            raise
        return refused(error)
    return jsonify(body), 201 if created else 200


@bp.get("/sla-preview")
@role_required(Role.DESIGNER)
def sla_preview():
    result = modeler.sla_preview(
        current_user, request.args.get("spec", ""), urgent=request.args.get("urgent") in ("1", "true")
    )
    due = result["due_at"]
    return jsonify({**result, "due_at": due.isoformat() if due else None})
