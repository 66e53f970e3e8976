"""The daily backup (seed 004 Điều 13.5: "định kỳ hàng ngày sao lưu dữ liệu"; seed 003 Điều 8.1: at least weekly),
and the audited entry points every trigger goes through (the job, the page, the API, the CLI).

The scheduler runs jobs every N seconds; this one looks every 10 minutes whether today's backup is due (the local
hour QLVB_BACKUP_HOUR has passed and the job has not run today), so a scheduler that was down at that hour makes
it as soon as it is back. It runs once a day whatever the outcome: a failure is told to the deployment's
administrators (a notice, and an e-mail when SMTP is configured) rather than retried every 10 minutes.
"""

import logging
import threading
from pathlib import Path

from flask import current_app

from app.audit.context import current_origin, origin
from app.audit.services import record
from app.backup import archive, services
from app.backup.permissions import deployment_admin_ids, require_manage_backups
from app.core import clock
from app.core.jobs import Job
from app.core.schema import is_migrated
from app.core.transaction import unit_of_work
from app.notifications.services import notify

log = logging.getLogger(__name__)

TRIGGER_LABELS = {"scheduled": "tự động hằng ngày", "web": "bấm Sao lưu ngay", "api": "API", "cli": "dòng lệnh"}


def run_backup(*, trigger: str, actor=None, folder: Path | None = None, with_keys: bool = False):
    """Make a backup and audit the outcome; on failure also tell the administrators, then re-raise."""
    try:
        result = services.create_backup(folder=folder, trigger=trigger, with_keys=with_keys)
    except services.BackupBusy:
        raise  # another backup is being made: nothing failed
    except Exception as exc:
        message = services.describe(exc)
        log.exception("backup (%s) failed", trigger)
        with unit_of_work():
            record(
                actor,
                "backup.fail",
                summary=f"Sao lưu ({TRIGGER_LABELS.get(trigger, trigger)}) không thành công: {message}",
                object_type="backup",
                changes={"error": message[:400]},
            )
            _tell_admins(message)
        raise
    if trigger == "cli" and not is_migrated():
        # The backup one takes before `qlvb db upgrade`: the tables are older than the code's models, so the audit
        # event (and any notice) cannot be written in them; the archive and its manifest are the record.
        log.warning("backup %s made of a database not yet upgraded: not audited", result.path.name)
        return result
    with unit_of_work():
        record(
            actor,
            "backup.create",
            summary=f"Sao lưu ({TRIGGER_LABELS.get(trigger, trigger)}): {result.path.name}, {result.size} byte",
            object_type="backup",
            object_id=result.path.name,
            changes={"size": result.size, "problems": result.problems[:20]},
        )
        if result.problems:
            _tell_admins("Bản sao lưu đã tạo nhưng có cảnh báo: " + "; ".join(result.problems[:5]), warning=True)
    return result


def _tell_admins(message: str, *, warning: bool = False) -> None:
    """Once a day and kind: a failing button pressed again, or the job and the button, tell nobody twice."""
    kind = "backup_warning" if warning else "backup_failed"
    notify(
        deployment_admin_ids(),
        kind=kind,
        title="Sao lưu dữ liệu có cảnh báo" if warning else "Sao lưu dữ liệu không thành công",
        body=message[:2000],
        url="/admin/backups",
        dedupe_key=f"{kind}:{clock.local_today().isoformat()}",
        object_type="backup",
    )


def start_backup(actor, *, trigger: str) -> dict:
    """ "Sao lưu ngay" (page, API): in a background thread when configured (a backup of a large store takes minutes,
    longer than a request should), else in the caller's request. Returns what to tell the person."""
    require_manage_backups(actor)
    if current_app.config["BACKUP_IN_BACKGROUND"]:
        if services.backup_running():
            raise services.BackupBusy()
        app, actor_id, where = current_app._get_current_object(), actor.id if actor else None, current_origin()
        threading.Thread(
            target=_in_background, args=(app, actor_id, trigger, where), name="qlvb-backup", daemon=True
        ).start()
        return {
            "status": "started",
            "message": "Đang sao lưu; tải lại trang sau ít phút để xem kết quả.",
            "archive": None,
        }
    try:
        result = run_backup(trigger=trigger, actor=actor)
    except services.BackupBusy:
        raise
    except Exception as exc:  # audited and told by run_backup; the person reads why
        return {"status": "failed", "message": services.describe(exc), "archive": None}
    return {"status": "done", "message": f"Đã sao lưu: {result.path.name}.", "archive": result.path.name}


def _in_background(app, actor_id: int | None, trigger: str, where) -> None:
    from app.core.db import db
    from app.org.models import User

    with app.app_context(), origin(where.ip, where.user_agent):
        try:
            run_backup(trigger=trigger, actor=db.session.get(User, actor_id) if actor_id else None)
        except Exception:
            log.info("background backup did not complete (audited)")


def check_archive(actor, name: str) -> tuple[bool, str]:
    """ "Kiểm tra lại" (page): re-read an archive of the folder, remember and audit the verdict."""
    require_manage_backups(actor)
    path = services.archive_path(name)
    try:
        verified = services.verify_archive(path)
    except archive.ArchiveDamaged as exc:
        ok, message = False, services.describe(exc)
    else:
        ok, message = True, f"Toàn vẹn: {len(verified.manifest['files'])} phần, mọi mã băm khớp bảng kê."
    record(actor, "backup.verify", summary=f"Kiểm tra {name}: {message}", object_type="backup", object_id=name)
    return ok, message


def run_restore(path: Path, *, say=print):
    """Restore, then record it in the restored database's own audit chain (who restored what, when)."""
    from app.backup.restore import restore_backup

    report = restore_backup(path, say=say)
    with unit_of_work():
        record(
            None,
            "backup.restore",
            summary=f"Phục hồi dữ liệu từ bản sao lưu {path.name} (tạo lúc {report.header.get('created_at')})",
            object_type="backup",
            object_id=path.name,
            changes={"upgraded_from": report.upgraded_from, "blobs": report.blobs},
        )
    return report


def make_daily_backup() -> bool:
    """Make today's backup when it is due; True when one was attempted."""
    config = current_app.config
    if not config["BACKUP_DAILY"]:
        return False
    local_now = clock.to_local(clock.now())
    if local_now.hour < config["BACKUP_HOUR"]:
        return False
    try:
        if not services.claim_scheduled_day(services.backup_folder(), local_now.date().isoformat()):
            return False
    except OSError:
        pass  # the folder is unusable: the backup below fails on it, and says so to the administrators
    try:
        run_backup(trigger="scheduled")
    except services.BackupBusy:
        log.info("daily backup skipped: another backup is being made")
    except Exception:  # audited and told above; the scheduler must go on
        return True
    return True


JOBS = [
    Job(
        id="backup.make_daily_backup",
        func=make_daily_backup,
        seconds=600,
        description="Sao lưu dữ liệu hằng ngày (cơ sở dữ liệu, tệp lưu trữ)",
    )
]
