"""Putting an archive back: the database, the stored files and the instance's own files, then migrations to head.

Nothing is touched before every check has passed: the archive's sums (a damaged archive is refused whole), its
schema revision (one this code does not know comes from a newer qlvb), its database kind, the keys the data
depends on, and that no server, scheduler or other session uses the instance. Restoring needs downtime, so it is a
command (`qlvb restore`), never a button.
"""

import contextlib
import hashlib
import os
import shutil
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import flask_migrate
from alembic.script import ScriptDirectory
from alembic.util import CommandError
from flask import current_app

from app.backup import archive, database
from app.backup.services import KEY_FILES, TRUST_FOLDER, instance_folder, key_fingerprints
from app.config import PROJECT_ROOT
from app.core.db import db
from app.core.errors import DomainError
from app.core.instance_lock import InstanceInUse, exclusive_use


class RestoreRefused(DomainError):
    code = "restore_refused"
    status = 409


@dataclass
class RestoreReport:
    header: dict
    blobs: int
    upgraded_from: str | None  # the archive's revision when migrations ran after the restore


def code_revisions() -> ScriptDirectory:
    return ScriptDirectory(str(PROJECT_ROOT / "migrations"))


def check_revision(revision: str | None, made_by: str | None = None) -> bool:
    """Refuse an archive this code cannot run; True when migrations must run after the restore."""
    if not revision:
        raise RestoreRefused("Bản sao lưu là của một cơ sở dữ liệu chưa được khởi tạo (không có phiên bản lược đồ).")
    script = code_revisions()
    try:
        known = script.get_revision(revision)
    except CommandError:
        known = None
    if known is None:
        raise RestoreRefused(
            f"Bản sao lưu có lược đồ cơ sở dữ liệu phiên bản {revision}, mới hơn phiên bản mã nguồn này biết "
            f"({', '.join(script.get_heads())}): hãy cài qlvb {made_by or ''} (phiên bản đã tạo bản sao lưu) "
            "hoặc mới hơn rồi phục hồi.",
            code="restore_newer_schema",
            details={"archive_revision": revision, "code_heads": ", ".join(script.get_heads())},
        )
    return revision not in script.get_heads()


def check_keys(header: dict, manifest_files: dict) -> None:
    """The data needs the keys it was written with: the audit chain's HMAC key and the signing KEK."""
    archived = {name.removeprefix("instance/keys/") for name in manifest_files if name.startswith("instance/keys/")}
    wanted = header.get("key_fingerprints") or {}
    mine = key_fingerprints()
    labels = {"audit": ("audit.key", "QLVB_AUDIT_KEY"), "signing": ("signing.key", "QLVB_KEY_ENCRYPTION_KEY")}
    for which, (filename, variable) in labels.items():
        if which not in wanted or wanted[which] == mine.get(which):
            continue
        if filename in archived and not os.environ.get(variable):
            continue  # the archive brings the key file, and no environment variable overrides it
        raise RestoreRefused(
            f"Khóa {filename} của máy này khác khóa lúc sao lưu: dữ liệu phục hồi sẽ không kiểm tra được "
            f"({'chuỗi nhật ký' if which == 'audit' else 'khóa ký số được niêm phong'}). Hãy đặt lại tệp "
            f"{instance_folder() / filename} (hoặc biến {variable}) như lúc sao lưu rồi chạy lại.",
            code="restore_key_mismatch",
            details={"key": filename},
        )


def restore_backup(path: Path, *, say: Callable[[str], object] = print) -> RestoreReport:
    """Restore `path` into this instance; raise (touching nothing) when a check fails."""
    try:
        with exclusive_use(current_app.instance_path):
            return _restore(path, say)
    except InstanceInUse as exc:
        raise RestoreRefused(str(exc), code="instance_in_use") from None


def _restore(path: Path, say) -> RestoreReport:
    say(f"Đang kiểm tra {path.name}…")
    verified = archive.verify(path)
    header, files = verified.header, verified.manifest["files"]
    engine = db.engine
    kind = database.kind_of(engine.url)
    if header.get("database") != kind:
        raise RestoreRefused(
            f"Bản sao lưu là của cơ sở dữ liệu {header.get('database')}, máy này dùng {kind}.",
            code="restore_other_database",
        )
    upgrade = check_revision(header.get("schema_revision"), header.get("app_version"))
    check_keys(header, files)
    db.session.remove()
    engine.dispose()
    if kind == database.POSTGRESQL and (others := database.other_sessions(engine)):
        raise RestoreRefused(
            "Còn kết nối khác tới cơ sở dữ liệu: " + ", ".join(others) + ". Hãy dừng máy chủ web và bộ lập lịch "
            "trên mọi máy rồi chạy lại.",
            code="instance_in_use",
        )
    store_root = current_app.extensions["qlvb.blobs"].root
    with tempfile.TemporaryDirectory(prefix=".qlvb-restore-", dir=instance_folder()) as work:
        staged_db, staged_files, blobs = _extract(path, Path(work), store_root)
        say(f"Đã chép {blobs} tệp lưu trữ; đang nạp cơ sở dữ liệu…")
        if kind == database.SQLITE:
            database.restore_sqlite(engine.url, staged_db)
        else:
            database.restore_postgresql(engine, staged_db)
        engine.dispose()
        _put_instance_files(staged_files)
    if upgrade:
        say(f"Bản sao lưu có lược đồ {header['schema_revision']}: đang nâng cấp lên phiên bản hiện tại…")
        flask_migrate.upgrade(directory=str(PROJECT_ROOT / "migrations"))
        engine.dispose()
    return RestoreReport(header=header, blobs=blobs, upgraded_from=header["schema_revision"] if upgrade else None)


def _extract(path: Path, work: Path, store_root: Path) -> tuple[Path, Path, int]:
    """Stream the members out: the database and the instance files into `work`, the blobs straight into the
    store (each under its own name, checked again as written; a blob already there is replaced by the archived
    bytes, which also mends a damaged one)."""
    staged_db, staged_files, blobs = work / "database", work / "instance", 0
    for member, stream in archive.members(path):
        name = member.name
        if name in database.MEMBER.values():
            _copy(stream, staged_db)
        elif name.startswith("instance/"):
            relative = Path(name.removeprefix("instance/"))
            if ".." in relative.parts or relative.is_absolute():
                raise archive.ArchiveDamaged(details={"member": name, "reason": "đường dẫn không hợp lệ"})
            _copy(stream, staged_files / relative)
        elif name.startswith("blobs/"):
            _put_blob(stream, store_root, name.rsplit("/", 1)[-1])
            blobs += 1
    if not staged_db.exists():
        raise archive.ArchiveDamaged(details={"reason": "không có cơ sở dữ liệu trong tệp sao lưu"})
    return staged_db, staged_files, blobs


def _copy(stream, target: Path) -> None:
    target.parent.mkdir(parents=True, exist_ok=True)
    with open(target, "wb") as out:
        shutil.copyfileobj(stream, out, archive.CHUNK)


def _put_blob(stream, root: Path, digest: str) -> None:
    if len(digest) != 64 or any(c not in "0123456789abcdef" for c in digest):
        raise archive.ArchiveDamaged(details={"member": digest, "reason": "tên tệp lưu trữ không hợp lệ"})
    target = root / digest[:2] / digest[2:4] / digest
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=".incoming-", dir=root)
    try:
        sha = hashlib.sha256()
        with os.fdopen(fd, "wb") as out:
            while chunk := stream.read(archive.CHUNK):
                sha.update(chunk)
                out.write(chunk)
            out.flush()
            os.fsync(out.fileno())
        if sha.hexdigest() != digest:
            raise archive.ArchiveDamaged(details={"member": digest, "reason": "nội dung không khớp mã băm"})
        os.replace(tmp, target)
    finally:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)


def _put_instance_files(staged: Path) -> None:
    """The audit checkpoint, the deployment's trust roots and (when archived) the key files take the archive's
    version; a checkpoint of the replaced database is removed, since it names rows the restored one never had."""
    instance = instance_folder()
    checkpoint_setting = current_app.config.get("AUDIT_CHECKPOINTS")
    if checkpoint_setting:
        archived = staged / "audit-checkpoints.log"
        target = Path(checkpoint_setting)
        if archived.exists():
            target.parent.mkdir(parents=True, exist_ok=True)
            os.replace(archived, target)
        else:
            with contextlib.suppress(FileNotFoundError):
                target.unlink()
    trust, archived_trust = instance / TRUST_FOLDER, staged / TRUST_FOLDER
    if trust.is_dir():
        shutil.rmtree(trust)
    if archived_trust.is_dir():
        shutil.copytree(archived_trust, trust)
    for name in KEY_FILES:
        key = staged / "keys" / name
        if key.exists():
            os.chmod(key, 0o600)
            os.replace(key, instance / name)
            if name == "audit.key" and not os.environ.get("QLVB_AUDIT_KEY"):
                # This process goes on (migrations, the audit event of the restore) with the key it put back.
                current_app.config["AUDIT_KEY"] = (instance / name).read_text().strip()
    current_app.extensions.pop("qlvb.signing_kek", None)  # app.signing.credentials re-reads signing.key
