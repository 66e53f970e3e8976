"""Housekeeping of the deployment as a whole: jobs that need every module's declarations (app.modules).

The orphan-blob sweep: a blob is kept while a row of any module names it (each module declares its blob columns,
`Module(blobs=…)`); what no row names and nobody stored lately goes (design.md §8: a refusal leaves nothing).
"""

import logging

import sqlalchemy as sa
from flask import current_app

from app.core.db import db
from app.core.jobs import Job
from app.core.transaction import unit_of_work

log = logging.getLogger(__name__)


def referenced_blobs(digests: list[str]) -> set[str]:
    """Which of `digests` some declared column names."""
    from app.modules import blob_columns

    found: set[str] = set()
    for column in blob_columns():
        found |= set(db.session.scalars(sa.select(column).where(column.in_(digests)).distinct()))
    return found


def sweep_orphan_blobs() -> int:
    """Remove the blobs no row names, untouched for QLVB_BLOB_SWEEP_HOURS (default 24)."""
    hours = current_app.config["BLOB_SWEEP_HOURS"]

    def referenced(digests: list[str]) -> set[str]:
        with unit_of_work():
            return referenced_blobs(digests)

    removed = current_app.extensions["qlvb.blobs"].sweep(referenced, older_than=hours * 3600)
    if removed:
        log.info("orphan-blob sweep removed %d file(s)", removed)
    return removed


JOBS = [
    Job(
        id="maintenance.sweep_orphan_blobs",
        func=sweep_orphan_blobs,
        seconds=6 * 3600,
        description="Xóa tệp lưu trữ không còn thuộc văn bản, hồ sơ nào",
    )
]
