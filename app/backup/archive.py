"""The backup archive: one uncompressed tar, written as a stream, checkable member by member.

Layout (in this order):
    qlvb-backup.json        the header: format, versions, database kind, schema revision, created at, key
                            fingerprints — small and first, so a listing reads it without scanning the archive
    database/…              the database (an SQLite file made with the online backup API, or a pg_dump archive)
    instance/…              what the instance folder keeps besides: the audit checkpoint, deployment trust roots,
                            and, only when asked, the key files
    blobs/ab/cd/<sha256>    every stored file (content-addressed, app.core.storage)
    manifest.json           the header again plus every member's SHA-256 and size — last, because the sums are known
                            only once each member has been streamed

Uncompressed: PDFs and the SQLite file barely compress, and a plain tar can be read and verified with standard
tools (`tar tf`, `sha256sum`). The archive is written under a temporary name and renamed once complete and read
back, so a name of the form qlvb-backup-*.tar is always a whole archive.
"""

import contextlib
import hashlib
import io
import json
import os
import tarfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import BinaryIO

from app.core.errors import DomainError

FORMAT = "qlvb-backup/1"
HEADER = "qlvb-backup.json"
MANIFEST = "manifest.json"
PREFIX = "qlvb-backup-"
SUFFIX = ".tar"
CHUNK = 1024 * 1024


class ArchiveDamaged(DomainError):
    code = "backup_damaged"
    status = 422
    message = "Tệp sao lưu bị hỏng hoặc không đầy đủ: không phục hồi từ tệp này."


def _tarinfo(name: str, size: int, mtime: float) -> tarfile.TarInfo:
    info = tarfile.TarInfo(name)
    info.size, info.mtime, info.mode = size, int(mtime), 0o600
    return info


class _HashingReader(io.RawIOBase):
    """Reads a file while hashing what was read: the sum covers exactly the bytes that went into the archive."""

    def __init__(self, handle: BinaryIO) -> None:
        self.handle, self.sha = handle, hashlib.sha256()

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:
        data = self.handle.read(len(buffer))
        self.sha.update(data)
        buffer[: len(data)] = data
        return len(data)


@dataclass
class ArchiveWriter:
    """Streams files into a tar and keeps their sums for the manifest."""

    tar: tarfile.TarFile
    files: dict[str, dict] = field(default_factory=dict)

    def add_bytes(self, name: str, data: bytes, mtime: float) -> None:
        self.tar.addfile(_tarinfo(name, len(data), mtime), io.BytesIO(data))
        self.files[name] = {"sha256": hashlib.sha256(data).hexdigest(), "size": len(data)}

    def add_manifest(self, header: dict, problems: list[str], mtime: float) -> None:
        """The last member: the header's fields, every member's sum and size, and what the backup reported."""
        data = header_bytes({**header, "files": self.files, "problems": problems})
        self.tar.addfile(_tarinfo(MANIFEST, len(data), mtime), io.BytesIO(data))

    def add_file(self, name: str, path: Path) -> str:
        """Stream `path` in; return the SHA-256 of what was written. The size is taken from the open file, so a file
        that grows meanwhile (the checkpoint) is cut at that size rather than breaking the tar."""
        with open(path, "rb") as handle:
            stat = os.fstat(handle.fileno())
            reader = _HashingReader(handle)
            # Unbuffered: tarfile reads exactly `size` bytes, and the sum must cover those and no read-ahead.
            self.tar.addfile(_tarinfo(name, stat.st_size, stat.st_mtime), reader)
        digest = reader.sha.hexdigest()
        self.files[name] = {"sha256": digest, "size": stat.st_size}
        return digest


def header_bytes(header: dict) -> bytes:
    return json.dumps(header, ensure_ascii=False, indent=2, sort_keys=True).encode()


def read_header(path: Path) -> dict:
    """The header of an archive (its first member), without reading further; ArchiveDamaged if it is not one."""
    try:
        with tarfile.open(path, "r:") as tar:
            member = tar.next()
            if member is None or member.name != HEADER or not member.isfile() or member.size > 1024 * 1024:
                raise ArchiveDamaged("Tệp không phải bản sao lưu qlvb (thiếu phần đầu qlvb-backup.json).")
            header = json.loads(tar.extractfile(member).read())
    except (tarfile.TarError, OSError, ValueError) as exc:
        raise ArchiveDamaged(details={"reason": str(exc)}) from exc
    if not isinstance(header, dict) or header.get("format") != FORMAT:
        raise ArchiveDamaged("Tệp không phải bản sao lưu qlvb theo định dạng này.")
    return header


@dataclass
class Verified:
    header: dict
    manifest: dict


def verify(path: Path) -> Verified:
    """Read the whole archive once and check every member against the manifest; raise ArchiveDamaged otherwise.

    A member listed but absent, present but unlisted, of another size or sum, a header that disagrees with the
    manifest, or a tar cut short: each is damage, named in the error's details.
    """
    seen: dict[str, dict] = {}
    manifest = header = None
    try:
        with tarfile.open(path, "r:") as tar:
            for member in tar:
                if not member.isfile():
                    raise ArchiveDamaged(details={"member": member.name, "reason": "không phải tệp"})
                handle = tar.extractfile(member)
                if member.name in (HEADER, MANIFEST):
                    data = handle.read()
                    parsed = json.loads(data)
                    if member.name == HEADER:
                        header = parsed
                        seen[HEADER] = {"sha256": hashlib.sha256(data).hexdigest(), "size": len(data)}
                    else:
                        manifest = parsed
                    continue
                sha, size = hashlib.sha256(), 0
                while chunk := handle.read(CHUNK):
                    sha.update(chunk)
                    size += len(chunk)
                seen[member.name] = {"sha256": sha.hexdigest(), "size": size}
    except (tarfile.TarError, OSError, ValueError, EOFError) as exc:
        raise ArchiveDamaged(details={"reason": f"không đọc được: {exc}"}) from exc
    if header is None or manifest is None:
        raise ArchiveDamaged(details={"reason": "thiếu phần đầu hoặc bảng kê (manifest.json): tệp bị cắt cụt?"})
    files = manifest.get("files") if isinstance(manifest, dict) else None
    if not isinstance(files, dict):
        raise ArchiveDamaged(details={"reason": "bảng kê không hợp lệ"})
    for name in sorted(set(files) | set(seen)):
        if name not in seen:
            raise ArchiveDamaged(details={"member": name, "reason": "thiếu trong tệp sao lưu"})
        if name not in files:
            raise ArchiveDamaged(details={"member": name, "reason": "không có trong bảng kê"})
        if files[name] != seen[name]:
            raise ArchiveDamaged(details={"member": name, "reason": "mã băm SHA-256 hoặc kích thước không khớp"})
    if {k: v for k, v in manifest.items() if k not in ("files", "problems")} != header:
        raise ArchiveDamaged(details={"reason": "phần đầu và bảng kê không khớp"})
    return Verified(header=header, manifest=manifest)


def members(path: Path) -> Iterator[tuple[tarfile.TarInfo, BinaryIO]]:
    """Each data member and its stream, in archive order (header and manifest left out); call after `verify`."""
    with tarfile.open(path, "r:") as tar:
        for member in tar:
            if member.name in (HEADER, MANIFEST) or not member.isfile():
                continue
            yield member, tar.extractfile(member)


def archive_name(created_at) -> str:
    return f"{PREFIX}{created_at.strftime('%Y%m%dT%H%M%SZ')}{SUFFIX}"


def is_archive_name(name: str) -> bool:
    return name.startswith(PREFIX) and name.endswith(SUFFIX) and "/" not in name and not name.startswith(".")


def archives_in(folder: Path) -> list[Path]:
    """The complete archives of the folder, newest first (the name carries the UTC time)."""
    if not folder.is_dir():
        return []
    return sorted((p for p in folder.iterdir() if p.is_file() and is_archive_name(p.name)), reverse=True)


def fsync_and_rename(tmp: Path, final: Path) -> None:
    with open(tmp, "rb") as handle:
        os.fsync(handle.fileno())
    os.replace(tmp, final)
    with contextlib.suppress(OSError):  # the rename itself durable (not every filesystem allows opening a dir)
        fd = os.open(final.parent, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)
