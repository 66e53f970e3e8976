"""Scheduler entry points of văn bản đến: finish destroying the files of recalled documents (Phụ lục VI III.8.b)."""

from app.core.jobs import Job
from app.incoming.destruction import destroy_files


def destroy_recalled_files() -> int:
    """Remove the bytes of recalled documents' files that an earlier attempt could not (each in its own unit)."""
    return destroy_files()


JOBS = [
    Job(
        id="incoming.destroy_recalled_files",
        func=destroy_recalled_files,
        seconds=600,
        description="Xóa tệp của văn bản đến đã thu hồi mà lần xóa trước chưa xong",
    )
]
