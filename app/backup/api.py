"""REST endpoints of the backups: list them, start one. Restoring needs downtime: `qlvb restore` only."""

from flask import current_app

from app.api import api_blueprint
from app.api.auth import api_user
from app.backup import jobs, services
from app.backup.permissions import require_manage_backups
from app.backup.schemas import BackupListSchema, BackupStartedSchema

blp = api_blueprint("backup_api", __name__, tag="Sao lưu", description="Bản sao lưu dữ liệu; tạo bản sao lưu ngay")


@blp.route("/admin/backups", methods=["GET"])
@blp.response(200, BackupListSchema)
def list_backups():
    """Các bản sao lưu (mới nhất trước), kết quả lần sao lưu gần nhất và thiết lập."""
    require_manage_backups(api_user())
    folder, config = services.backup_folder(), current_app.config
    return {
        "folder": str(folder),
        "daily": config["BACKUP_DAILY"],
        "hour": config["BACKUP_HOUR"],
        "keep": config["BACKUP_KEEP"],
        "running": services.backup_running(folder),
        "last_run": services.read_status(folder)["last"],
        "archives": services.list_backups(folder),
    }


@blp.route("/admin/backups", methods=["POST"])
@blp.response(202, BackupStartedSchema)
def start_backup():
    """Sao lưu ngay (chạy nền; kết quả xem ở GET)."""
    return jobs.start_backup(api_user(), trigger="api")
