"""Making, listing, checking and pruning backups (seed 003 Điều 8.1: at least weekly; seed 004 Điều 13.5: daily).

`create_backup` writes the database, the instance's own files and every stored file into one dated archive
(app.backup.archive), checks it by reading it back, and only then gives it its final name; a failure removes what
was written. Each attempt is recorded in the audit log and in the folder's status file, which the page reads.

Key files (audit.key, signing.key, secret_key) stay out of the archive unless asked for (`with_keys`): an archive
holding the key-encryption key beside the keys it seals would unseal them for whoever copies it. The header keeps a
fingerprint of each key instead, so a restore onto an instance with other keys is refused with a clear message.
"""

import contextlib
import fcntl
import hashlib
import hmac
import json
import logging
import os
import shutil
import tarfile
import tempfile
from dataclasses import dataclass, field
from datetime import datetime
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

import sqlalchemy as sa
from flask import current_app

from app.backup import archive, database
from app.core import clock
from app.core.db import SQLITE_READER, db, sqlite_begin
from app.core.errors import Conflict, DomainError, NotFound

log = logging.getLogger(__name__)

STATUS_FILE = "qlvb-backup-status.json"
LOCK_FILE = ".qlvb-backup.lock"
KEY_FILES = ("audit.key", "signing.key", "secret_key")  # in the instance folder (app.config, app.signing)
TRUST_FOLDER = "trust"  # deployment trust roots (app.signing.trust.instance_trust_folder)


def app_version() -> str:
    try:
        return version("qlvb")
    except PackageNotFoundError:
        return "0"


def backup_folder() -> Path:
    return Path(current_app.config["BACKUP_PATH"])


def instance_folder() -> Path:
    return Path(current_app.instance_path)


# --- keys -----------------------------------------------------------------------------------------------------


def key_fingerprints() -> dict[str, str]:
    """A fingerprint of each key the data depends on: the audit chain's HMAC key and the signing key-encryption
    key. An HMAC of a fixed text, so the fingerprint says nothing about the key."""
    from app.audit.services import chain_key
    from app.signing.kek import key_encryption_key

    def fingerprint(key: bytes) -> str:
        return hmac.new(key, b"qlvb-backup-key-fingerprint", hashlib.sha256).hexdigest()[:16]

    return {"audit": fingerprint(chain_key()), "signing": fingerprint(key_encryption_key())}


# --- status ---------------------------------------------------------------------------------------------------


def read_status(folder: Path | None = None) -> dict:
    path = (folder or backup_folder()) / STATUS_FILE
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        data = {}
    if not isinstance(data, dict):
        data = {}
    # last: the newest attempt; verified: archive name → last check; scheduled_on: the day the job last ran
    return {"last": data.get("last"), "verified": data.get("verified") or {}, "scheduled_on": data.get("scheduled_on")}


def _update_status(folder: Path, change) -> None:
    """Read-modify-write the status file under a lock of its own, replaced atomically."""
    folder.mkdir(parents=True, exist_ok=True)
    with open(os.open(folder / (STATUS_FILE + ".lock"), os.O_RDWR | os.O_CREAT, 0o600)) as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        status = read_status(folder)
        change(status)
        names = {p.name for p in archive.archives_in(folder)}
        status["verified"] = {k: v for k, v in status["verified"].items() if k in names}
        tmp = folder / f".{STATUS_FILE}.{os.getpid()}"
        tmp.write_text(json.dumps(status, ensure_ascii=False, indent=2), encoding="utf-8")
        os.replace(tmp, folder / STATUS_FILE)


def record_verification(folder: Path, name: str, ok: bool, message: str) -> None:
    at = clock.now().isoformat(timespec="seconds")
    _update_status(folder, lambda s: s["verified"].__setitem__(name, {"at": at, "ok": ok, "message": message}))


def claim_scheduled_day(folder: Path, day: str) -> bool:
    """Mark `day` (local date) as the one the daily job ran on; False when it already ran that day."""
    claimed: list[bool] = []

    def change(status: dict) -> None:
        claimed.append(status.get("scheduled_on") != day)
        status["scheduled_on"] = day

    _update_status(folder, change)
    return claimed[0]


def record_run(folder: Path, *, ok: bool, trigger: str, name: str | None, message: str, size: int | None) -> None:
    last = {
        "at": clock.now().isoformat(timespec="seconds"),
        "ok": ok,
        "trigger": trigger,
        "archive": name,
        "message": message,
        "size": size,
    }
    _update_status(folder, lambda s: s.__setitem__("last", last))


# --- making one -----------------------------------------------------------------------------------------------


class BackupBusy(Conflict):
    code = "backup_running"
    message = "Một bản sao lưu khác đang được tạo: hãy chờ nó xong."


@dataclass
class BackupResult:
    path: Path
    size: int
    header: dict
    problems: list[str] = field(default_factory=list)


@contextlib.contextmanager
def folder_lock(folder: Path):
    """One backup at a time per folder (the scheduler, a button, the CLI); the kernel drops it with the process."""
    folder.mkdir(parents=True, exist_ok=True)
    fd = os.open(folder / LOCK_FILE, os.O_RDWR | os.O_CREAT, 0o600)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise BackupBusy() from None
        yield
    finally:
        os.close(fd)


def create_backup(*, folder: Path | None = None, trigger: str = "cli", with_keys: bool = False) -> BackupResult:
    """Write one archive into `folder` (default the configured one) and prune the old ones; raise on failure,
    leaving no archive behind. Records the attempt in the status file; the caller audits it."""
    folder = folder or backup_folder()
    with folder_lock(folder):
        try:
            result = _write_archive(folder, trigger=trigger, with_keys=with_keys)
        except Exception as exc:
            record_run(folder, ok=False, trigger=trigger, name=None, message=describe(exc), size=None)
            raise
        message = "Đã sao lưu và kiểm tra." + (f" Cảnh báo: {'; '.join(result.problems)}" if result.problems else "")
        record_run(folder, ok=True, trigger=trigger, name=result.path.name, message=message, size=result.size)
        record_verification(folder, result.path.name, True, "Đã kiểm tra khi tạo.")
        prune(folder, current_app.config["BACKUP_KEEP"])
        return result


def describe(exc: BaseException) -> str:
    if isinstance(exc, DomainError):
        details = "; ".join(f"{k}: {v}" for k, v in (exc.details or {}).items())
        return exc.message + (f" ({details})" if details else "")
    return f"{type(exc).__name__}: {exc}"


def _write_archive(folder: Path, *, trigger: str, with_keys: bool) -> BackupResult:
    created_at = clock.now()
    final = folder / archive.archive_name(created_at)
    if final.exists():
        raise Conflict("Đã có bản sao lưu tạo cùng thời điểm này.", code="backup_exists")
    for stale in folder.glob(".qlvb-backup-*.partial*"):  # left by a crash; we hold the folder's lock
        with contextlib.suppress(OSError):
            stale.unlink()
    engine = db.engine
    kind = database.kind_of(engine.url)
    tmp = folder / f".{final.name}.partial-{os.getpid()}"
    try:
        with tempfile.TemporaryDirectory(prefix=".qlvb-backup-work-", dir=folder) as work:
            # The checkpoint before the database: it then names a head the dump contains (a later one would name
            # rows the dump lacks, and the restored chain would look truncated).
            checkpoint = _read_checkpoint()
            dump = Path(work) / "database"
            if kind == database.SQLITE:
                database.dump_sqlite(engine.url, dump)
                revision = database.schema_revision_sqlite(dump)
            else:
                revision = database.schema_revision_live(engine)
                database.dump_postgresql(engine, dump)
            header = {
                "format": archive.FORMAT,
                "app_version": app_version(),
                "created_at": created_at.isoformat(timespec="seconds"),
                "database": kind,
                "schema_revision": revision,
                "trigger": trigger,
                "with_keys": with_keys,
                "key_fingerprints": key_fingerprints(),
            }
            # Blobs listed after the dump: every file the dump names exists by then (files are written before the
            # rows that name them commit).
            problems = _write_tar(tmp, header, dump, kind, checkpoint, with_keys)
        archive.verify(tmp)  # read back: what reaches the disk is what the manifest says
        archive.fsync_and_rename(tmp, final)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            tmp.unlink()
        raise
    return BackupResult(path=final, size=final.stat().st_size, header=header, problems=problems)


def _read_checkpoint() -> bytes | None:
    setting = current_app.config.get("AUDIT_CHECKPOINTS")
    if not setting:
        return None
    try:
        return Path(setting).read_bytes()
    except FileNotFoundError:
        return None


def _write_tar(tmp: Path, header: dict, dump: Path, kind: str, checkpoint: bytes | None, with_keys: bool) -> list:
    now = clock.now().timestamp()
    # Readable by the service's account only: the archive holds every agency's documents.
    with (
        open(os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600), "wb") as raw,
        tarfile.open(fileobj=raw, mode="w", format=tarfile.PAX_FORMAT) as tar,
    ):
        writer = archive.ArchiveWriter(tar)
        writer.add_bytes(archive.HEADER, archive.header_bytes(header), now)
        writer.add_file(database.MEMBER[kind], dump)
        if checkpoint is not None:
            writer.add_bytes("instance/audit-checkpoints.log", checkpoint, now)
        trust = instance_folder() / TRUST_FOLDER
        for path in sorted(trust.iterdir()) if trust.is_dir() else ():
            if path.is_file():
                writer.add_file(f"instance/{TRUST_FOLDER}/{path.name}", path)
        if with_keys:
            for name in KEY_FILES:
                if (instance_folder() / name).is_file():
                    writer.add_file(f"instance/keys/{name}", instance_folder() / name)
        problems = _add_blobs(writer)
        writer.add_manifest(header, problems, now)
    return problems


def _add_blobs(writer: archive.ArchiveWriter) -> list[str]:
    """Every file of the blob store, checked against its name as it is copied; a referenced file that is absent or
    damaged is reported (the backup still holds everything else: refusing would leave no recent backup at all)."""
    store = current_app.extensions["qlvb.blobs"]
    copied: set[str] = set()
    problems: list[str] = []
    root = store.root
    for path in sorted(root.glob("??/??/*")) if root.is_dir() else ():
        digest = path.name
        if len(digest) != 64 or path.parent.parent.name != digest[:2] or path.parent.name != digest[2:4]:
            continue  # a stray temporary file
        try:
            written = writer.add_file(f"blobs/{digest[:2]}/{digest[2:4]}/{digest}", path)
        except FileNotFoundError:
            continue  # removed by the orphan sweep meanwhile: nothing names it
        if written != digest:
            problems.append(f"tệp {digest} bị hỏng trên đĩa (nội dung không khớp mã băm)")
        copied.add(digest)
    missing = referenced_digests() - copied
    problems += [f"thiếu tệp {digest} mà cơ sở dữ liệu có nhắc tới" for digest in sorted(missing)]
    return problems


def referenced_digests() -> set[str]:
    """Every digest some declared blob column names (the columns come from the modules' declarations)."""
    found: set[str] = set()
    # A connection of its own, a reader on SQLite: the caller may be inside a request's unit of work, which holds
    # the write lock (app.core.db.sqlite_begin).
    reader = sqlite_begin.set(SQLITE_READER)
    try:
        with db.engine.connect() as connection:
            inspector = sa.inspect(connection)
            tables = set(inspector.get_table_names())
            columns: dict[str, set[str]] = {}
            for column in current_app.extensions["qlvb.blob_columns"]():
                # A database not yet migrated to this code (the backup made before an upgrade, as it should be) may
                # lack a newer module's table or column.
                if column.table.name not in tables:
                    continue
                if column.table.name not in columns:
                    columns[column.table.name] = {c["name"] for c in inspector.get_columns(column.table.name)}
                if column.name in columns[column.table.name]:
                    found |= set(connection.scalars(sa.select(column).where(column.is_not(None)).distinct()))
    finally:
        sqlite_begin.reset(reader)
    return found


def prune(folder: Path, keep: int) -> list[str]:
    """Remove all but the newest `keep` archives (never the newest one, whatever `keep` says)."""
    removed = []
    for path in archive.archives_in(folder)[max(keep, 1) :]:
        with contextlib.suppress(FileNotFoundError):
            path.unlink()
            removed.append(path.name)
    if removed:
        log.info("backup retention removed %s", ", ".join(removed))
    return removed


# --- listing and checking -------------------------------------------------------------------------------------


@dataclass
class ArchiveInfo:
    name: str
    size: int
    created_at: datetime | None
    database: str | None
    schema_revision: str | None
    app_version: str | None
    with_keys: bool
    verified: dict | None  # {"at", "ok", "message"} of the last check, None when never checked
    readable: bool = True


def list_backups(folder: Path | None = None) -> list[ArchiveInfo]:
    folder = folder or backup_folder()
    verified = read_status(folder)["verified"]
    found = []
    for path in archive.archives_in(folder):
        try:
            header, readable = archive.read_header(path), True
        except archive.ArchiveDamaged:
            header, readable = {}, False
        created = header.get("created_at")
        found.append(
            ArchiveInfo(
                name=path.name,
                size=path.stat().st_size,
                created_at=datetime.fromisoformat(created) if created else None,
                database=header.get("database"),
                schema_revision=header.get("schema_revision"),
                app_version=header.get("app_version"),
                with_keys=bool(header.get("with_keys")),
                verified=verified.get(path.name)
                or (None if readable else {"ok": False, "message": "Không đọc được phần đầu."}),
                readable=readable,
            )
        )
    return found


def archive_path(name: str, folder: Path | None = None) -> Path:
    folder = folder or backup_folder()
    if not archive.is_archive_name(name) or not (folder / name).is_file():
        raise NotFound("Không tìm thấy bản sao lưu.", code="backup_not_found")
    return folder / name


def verify_archive(path: Path) -> archive.Verified:
    """Check every sum of an archive; remember the result when it lies in the backup folder."""
    try:
        verified = archive.verify(path)
    except archive.ArchiveDamaged as exc:
        if path.parent.resolve() == backup_folder().resolve():
            record_verification(path.parent, path.name, False, describe(exc))
        raise
    if path.parent.resolve() == backup_folder().resolve():
        record_verification(path.parent, path.name, True, "Toàn vẹn: mọi mã băm khớp bảng kê.")
    return verified


def free_space(folder: Path) -> int | None:
    with contextlib.suppress(OSError):
        return shutil.disk_usage(folder if folder.exists() else folder.parent).free
    return None


def backup_running(folder: Path | None = None) -> bool:
    """Whether a backup is being made into the folder now (its lock is held)."""
    folder = folder or backup_folder()
    try:
        with folder_lock(folder):
            return False
    except BackupBusy:
        return True
    except OSError:
        return False
