"""Who is using this instance: `qlvb serve` and `qlvb scheduler` hold a shared lock for as long as they run, and
`qlvb restore` takes it exclusively, so a restore never replaces the database under a running server.

A `flock` on `<instance>/qlvb.in-use.lock`: the kernel drops it when the process dies, however it dies, so a
crashed server never blocks a restore. Gunicorn's workers inherit the master's open file, which keeps the lock
while any of them lives. The lock covers the processes of this machine only; on PostgreSQL the restore also asks
the server who else is connected (app.backup.database).
"""

import contextlib
import fcntl
import os
from collections.abc import Iterator
from pathlib import Path

LOCK_FILE = "qlvb.in-use.lock"
_held: dict[str, int] = {}  # instance folder → the descriptor this process holds for its lifetime


class InstanceInUse(RuntimeError):
    """Another process of this instance runs (serve, scheduler) or restores it."""


def _open(instance_path: str | os.PathLike) -> int:
    folder = Path(instance_path)
    folder.mkdir(parents=True, exist_ok=True)
    return os.open(folder / LOCK_FILE, os.O_RDWR | os.O_CREAT, 0o600)


def hold_in_use(instance_path: str | os.PathLike) -> None:
    """Mark the instance in use until this process ends; refuse while a restore runs."""
    if str(instance_path) in _held:
        return
    fd = _open(instance_path)
    try:
        fcntl.flock(fd, fcntl.LOCK_SH | fcntl.LOCK_NB)
    except BlockingIOError:
        os.close(fd)
        raise InstanceInUse("Đang phục hồi dữ liệu (qlvb restore): hãy chờ phục hồi xong rồi chạy lại.") from None
    _held[str(instance_path)] = fd


def hold_for_command(instance_path: str | os.PathLike) -> None:
    """`hold_in_use` for `qlvb serve` and `qlvb scheduler`: a restore under way is a one-line message, exit 1."""
    import click

    try:
        hold_in_use(instance_path)
    except InstanceInUse as exc:
        raise click.ClickException(str(exc)) from None


@contextlib.contextmanager
def exclusive_use(instance_path: str | os.PathLike) -> Iterator[None]:
    """Hold the instance alone for the block; raise InstanceInUse when a server or scheduler runs."""
    fd = _open(instance_path)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise InstanceInUse(
                "Máy chủ web (qlvb serve) hoặc bộ lập lịch (qlvb scheduler) đang chạy trên thư mục dữ liệu "
                f"{instance_path}: hãy dừng chúng trước (ví dụ `systemctl stop qlvb qlvb-scheduler` hoặc "
                "`docker compose stop web scheduler`), rồi chạy lại lệnh phục hồi."
            ) from None
        yield
    finally:
        with contextlib.suppress(OSError):
            fcntl.flock(fd, fcntl.LOCK_UN)
        os.close(fd)
