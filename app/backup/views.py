"""Page: the backups (/admin/backups) — the archives, the last run, "Sao lưu ngay"; how to restore (CLI only)."""

from datetime import datetime

from flask import Blueprint, current_app, flash, redirect, render_template, url_for
from flask_login import current_user, login_required

from app.backup import jobs, services
from app.backup.permissions import require_manage_backups

bp = Blueprint("backup", __name__, url_prefix="/admin/backups", template_folder="templates")


@bp.get("")
@login_required
def index():
    require_manage_backups(current_user)
    folder = services.backup_folder()
    config = current_app.config
    status = services.read_status(folder)
    last = status["last"]
    return render_template(
        "backup/index.html",
        archives=services.list_backups(folder),
        last=last,
        last_at=datetime.fromisoformat(last["at"]) if last else None,
        running=services.backup_running(folder),
        folder=folder,
        free=services.free_space(folder),
        daily=config["BACKUP_DAILY"],
        hour=config["BACKUP_HOUR"],
        keep=config["BACKUP_KEEP"],
        inside_instance=folder.resolve().is_relative_to(services.instance_folder().resolve()),
        trigger_labels=jobs.TRIGGER_LABELS,
    )


@bp.post("")
@login_required
def start():
    outcome = jobs.start_backup(current_user, trigger="web")
    flash(outcome["message"], "danger" if outcome["status"] == "failed" else "success")
    return redirect(url_for("backup.index"))


@bp.post("/<name>/verify")
@login_required
def verify(name: str):
    ok, message = jobs.check_archive(current_user, name)
    flash(f"{name}: {message}", "success" if ok else "danger")
    return redirect(url_for("backup.index"))
