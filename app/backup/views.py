from flask import Blueprint

bp = Blueprint("backup", __name__, url_prefix="/admin/backups", template_folder="templates")
