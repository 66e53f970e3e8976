"""A job module whose only job always fails, for the scheduler tests."""

from app.core.jobs import Job


def break_things() -> None:
    raise RuntimeError("hỏng có chủ đích")


JOBS = [Job("failing.break_things", break_things, 60, "Luôn lỗi")]
