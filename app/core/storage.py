"""Content-addressed blob store: every file is named by the SHA-256 of its bytes.

Writes go to a temporary file in the same folder and are renamed into place, so a reader never sees a
half-written blob and a crash leaves at most a stray temp file. Reads verify the hash, so silent
corruption on disk is reported instead of served. Writing before the database commits is safe: the
same bytes always land at the same name, and an unreferenced blob is only garbage, never a wrong file.
"""

import hashlib
import os
import tempfile
from collections.abc import Iterable
from pathlib import Path
from typing import BinaryIO

from app.core.errors import DomainError, NotFound

CHUNK = 1024 * 1024


class BlobCorrupted(DomainError):
    code = "blob_corrupted"
    status = 500
    message = "Tệp lưu trữ bị hỏng: nội dung không khớp mã băm."


class BlobStore:
    def __init__(self, root: str | os.PathLike) -> None:
        self.root = Path(root)

    def path_for(self, digest: str) -> Path:
        if len(digest) != 64 or any(c not in "0123456789abcdef" for c in digest):
            raise NotFound("Mã tệp không hợp lệ.", code="blob_not_found")
        return self.root / digest[:2] / digest[2:4] / digest

    def put(self, data: bytes | BinaryIO | Iterable[bytes]) -> str:
        """Store the bytes and return their SHA-256 hex digest."""
        self.root.mkdir(parents=True, exist_ok=True)
        sha = hashlib.sha256()
        fd, tmp_name = tempfile.mkstemp(prefix=".incoming-", dir=self.root)
        try:
            with os.fdopen(fd, "wb") as tmp:
                for chunk in _chunks(data):
                    sha.update(chunk)
                    tmp.write(chunk)
                tmp.flush()
                os.fsync(tmp.fileno())
            digest = sha.hexdigest()
            target = self.path_for(digest)
            target.parent.mkdir(parents=True, exist_ok=True)
            os.replace(tmp_name, target)
            return digest
        except BaseException:
            if os.path.exists(tmp_name):
                os.unlink(tmp_name)
            raise

    def exists(self, digest: str) -> bool:
        return self.path_for(digest).is_file()

    def read(self, digest: str) -> bytes:
        """Return the blob's bytes after checking them against their name."""
        path = self.path_for(digest)
        try:
            data = path.read_bytes()
        except FileNotFoundError as exc:
            raise NotFound("Không tìm thấy tệp.", code="blob_not_found") from exc
        if hashlib.sha256(data).hexdigest() != digest:
            raise BlobCorrupted(details={"digest": digest})
        return data

    def size(self, digest: str) -> int:
        return self.path_for(digest).stat().st_size


def _chunks(data: bytes | BinaryIO | Iterable[bytes]) -> Iterable[bytes]:
    if isinstance(data, bytes | bytearray | memoryview):
        yield bytes(data)
    elif hasattr(data, "read"):
        while chunk := data.read(CHUNK):
            yield chunk
    else:
        yield from data
