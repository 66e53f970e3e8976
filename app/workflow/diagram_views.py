"""The case diagram on pages: its data for the viewer script, and which case a document page may draw."""

from flask import Blueprint, jsonify
from flask_login import current_user, login_required

from app.workflow import case_path, permissions, queries

bp = Blueprint("case_diagram", __name__, template_folder="templates")


@bp.app_template_global()
def viewable_case(object_type: str, object_id):
    """The case of a business object when the signed-in user may see it (the document pages draw its diagram)."""
    if not current_user.is_authenticated:
        return None
    instance = queries.instance_for(object_type, object_id)
    return instance if instance is not None and permissions.can_view_case(current_user, instance) else None


@bp.get("/cases/<int:instance_id>/diagram.json")
@login_required
def diagram_data(instance_id: int):
    """What static/js/case-diagram.js draws (the same body as GET /api/v1/cases/<id>/diagram)."""
    return jsonify(case_path.as_json(case_path.case_path_for(current_user, instance_id)))
