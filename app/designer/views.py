"""The designer's pages: the processes of the agency, each opened in the modeler."""

from flask import Blueprint, render_template
from flask_login import current_user

from app.designer import queries
from app.org.models import Role
from app.web.helpers import role_required

bp = Blueprint("designer", __name__, url_prefix="/designer", template_folder="templates")


@bp.get("")
@role_required(Role.DESIGNER)
def index():
    return render_template("designer/index.html", processes=queries.process_overview(current_user.agency_id))
