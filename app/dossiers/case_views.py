"""The templates of the dossier's case and automatic filing (the task card, the home panel): a blueprint without
routes, so Flask finds app/dossiers/templates before the dossier pages' own blueprint exists."""

from flask import Blueprint

bp = Blueprint("dossier_case", __name__, template_folder="templates")
