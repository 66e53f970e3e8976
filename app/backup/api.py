from flask_smorest import Blueprint

blp = Blueprint("backups", __name__, url_prefix="/admin/backups")
