"""A job module for the scheduler tests: records each run with what the scheduler promised around it."""

import sqlalchemy as sa
from flask import current_app

from app.audit.context import current_origin
from app.core.db import db
from app.core.jobs import Job

runs: list[dict] = []


def _record(job_id: str) -> None:
    runs.append(
        {
            "job": job_id,
            "app": current_app.name,  # raises outside an app context
            "origin": current_origin(),
            "db": db.session.execute(sa.text("SELECT 1")).scalar(),
        }
    )


def count_things() -> None:
    _record("fake.count_things")


def tidy_things() -> None:
    _record("fake.tidy_things")


JOBS = [
    Job("fake.count_things", count_things, 60, "Đếm thử"),
    Job("fake.tidy_things", tidy_things, 300, "Dọn thử"),
]
