"""Content-addressed blob store: every file is named by the SHA-256 of its bytes.

Writes go to a temporary file in the same folder and are renamed into place, so a reader never sees a
half-written blob and a crash leaves at most a stray temp file. Reads verify the hash, so silent
corruption on disk is reported instead of served. Writing before the database commits is safe: the
same bytes always land at the same name, and an unreferenced blob is only garbage, never a wrong file.

A refused action leaves nothing behind: the blobs a transaction wrote are removed when it rolls back — each
only if the file is still the one this transaction wrote (its inode), so a concurrent transaction that stored
the same bytes meanwhile keeps its file.
"""

import contextlib
import hashlib
import itertools
import logging
import os
import tempfile
import time
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import BinaryIO

from sqlalchemy import event
from sqlalchemy.orm import Session

from app.core.errors import DomainError, NotFound

log = logging.getLogger(__name__)

CHUNK = 1024 * 1024
_WRITTEN = "qlvb.blobs.written"  # session.info: (store, digest, inode) written by the open transaction


class BlobCorrupted(DomainError):
    code = "blob_corrupted"
    status = 500
    message = "Tệp lưu trữ bị hỏng: nội dung không khớp mã băm."


class BlobStore:
    def __init__(self, root: str | os.PathLike, *, referenced: Callable[[list[str]], set[str]] | None = None) -> None:
        self.root = Path(root)
        # Which of the given digests some row still names (app.maintenance.referenced_blobs, given by create_app):
        # what `destroy` asks before removing bytes that several rows may share.
        self.referenced = referenced

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
            if _place(tmp_name, target):
                stat = os.stat(target)
                _written_in_this_transaction(self, digest, (stat.st_ino, stat.st_mtime_ns))
            return digest
        finally:
            if os.path.exists(tmp_name):
                os.unlink(tmp_name)

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

    def destroy(self, digest: str) -> bool:
        """Remove a blob whose row was destroyed, unless another row still names the same bytes; True once gone.

        Content addressing means one file may serve several rows (the sender's issued PDF and the recipient's
        incoming copy in one deployment, a bản sao of it): the bytes go only when no declared column names them
        (`referenced`). Call it after the commit that removed the row, in a transaction of its own. A concurrent
        `put` of the same bytes touches the file, so `_discard` spares it (the sweep takes it if that put rolls
        back). Returns False when the bytes stay for someone else; raises OSError when the disk refuses.
        """
        if self.referenced is None:
            raise RuntimeError("BlobStore.destroy needs the `referenced` check")
        path = self.path_for(digest)
        try:
            stat = path.stat()
        except FileNotFoundError:
            return True  # gone already (an earlier attempt, the orphan sweep)
        if digest in self.referenced([digest]):
            return False
        return _discard(self, digest, (stat.st_ino, stat.st_mtime_ns)) or not path.exists()

    def sweep(self, referenced: Callable[[list[str]], set[str]], *, older_than: float, batch: int = 500) -> int:
        """Remove the blobs no row names, untouched for `older_than` seconds, and stray temporary files.

        A crash between writing a blob and committing the row that names it leaves the blob behind; so does a
        savepoint rolled back inside a committed transaction. `referenced(digests)` returns those some row
        names. A blob stored again meanwhile is spared: storing touches it, and the check after moving it aside
        sees that (the same guard a rollback uses). Returns how many files went.
        """
        if not self.root.is_dir():
            return 0
        cutoff_ns = time.time_ns() - int(older_than * 1e9)
        removed = 0
        strays = itertools.chain(self.root.glob(".incoming-*"), self.root.glob("??/??/.discard-*"))
        for stray in strays:  # left by a crash mid-write or mid-removal
            with contextlib.suppress(FileNotFoundError):
                if stray.is_file() and stray.stat().st_mtime_ns < cutoff_ns:
                    stray.unlink()
                    removed += 1
        old = self._older_than(cutoff_ns)
        while candidates := dict(itertools.islice(old, batch)):
            keep = referenced(list(candidates))
            for digest, identity in candidates.items():
                if digest not in keep:
                    removed += _discard(self, digest, identity)
        return removed

    def _older_than(self, cutoff_ns: int) -> Iterator[tuple[str, tuple[int, int]]]:
        for path in self.root.glob("??/??/*"):
            with contextlib.suppress(FileNotFoundError):
                stat = path.stat()
                if len(path.name) == 64 and stat.st_mtime_ns < cutoff_ns:
                    yield path.name, (stat.st_ino, stat.st_mtime_ns)


def _chunks(data: bytes | BinaryIO | Iterable[bytes]) -> Iterable[bytes]:
    if isinstance(data, bytes | bytearray | memoryview):
        yield bytes(data)
    elif hasattr(data, "read"):
        while chunk := data.read(CHUNK):
            yield chunk
    else:
        yield from data


def _place(tmp_name: str, target: Path) -> bool:
    """Put the written file at `target` unless it is there already; True when this call created it.

    An existing file is "claimed" by touching it: should the transaction that created it roll back, it sees
    the file changed and leaves it to whoever else stored the same bytes.
    """
    for _attempt in range(3):
        try:
            os.link(tmp_name, target)  # create-if-absent, atomically
            return True
        except FileExistsError:
            try:
                # Moved to now (the orphan sweep spares what was claimed lately), and by at least one nanosecond:
                # file times are coarse, "now" may equal the creation time.
                stat = os.stat(target)
                os.utime(target, ns=(stat.st_atime_ns, max(time.time_ns(), stat.st_mtime_ns + 1)))
                return False
            except FileNotFoundError:  # its creator removed it this instant: create it ourselves
                continue
    raise OSError(f"could not place blob {target.name}")


def _written_in_this_transaction(store: BlobStore, digest: str, identity: tuple[int, int]) -> None:
    from app.core.db import db

    try:
        session = db.session()
    except RuntimeError:  # no application context: nothing to roll back with
        return
    session.connection()  # a transaction to end: its rollback (or commit) is what decides the blob's fate
    session.info.setdefault(_WRITTEN, []).append((store, digest, identity))


def _discard(store: BlobStore, digest: str, identity: tuple[int, int]) -> bool:
    """Remove a blob (one this transaction wrote, or an orphan), unless it was claimed or replaced meanwhile."""
    path = store.path_for(digest)
    trash = path.with_name(f".discard-{digest}-{os.getpid()}-{id(path)}")
    try:
        os.rename(path, trash)  # atomic: from here on a concurrent put() writes a fresh file at `path`
    except FileNotFoundError:
        return False
    stat = os.stat(trash)
    if (stat.st_ino, stat.st_mtime_ns) != identity:  # claimed (touched) or replaced by another transaction
        if not path.exists():
            os.rename(trash, path)  # put it back
        else:
            os.unlink(trash)  # the other transaction wrote its own copy of the same bytes meanwhile
        return False
    with contextlib.suppress(FileNotFoundError):
        os.unlink(trash)
    return True


@event.listens_for(Session, "after_commit")
def _keep_written_blobs(session: Session) -> None:
    session.info.pop(_WRITTEN, None)


# insert=True: before other rollback listeners that may commit a transaction of their own (refused PIN audit).
@event.listens_for(Session, "after_soft_rollback", insert=True)
def _remove_written_blobs(session: Session, _previous) -> None:
    if session.in_transaction():
        return  # a savepoint: its blobs may be shared with the rest of the transaction; the sweep takes strays
    for store, digest, identity in session.info.pop(_WRITTEN, []):
        try:
            _discard(store, digest, identity)
        except OSError:
            log.exception("could not remove blob %s after rollback", digest)
