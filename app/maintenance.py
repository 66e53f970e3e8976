"""Housekeeping of the deployment as a whole: jobs and checks that need every module's declarations (app.modules).

The orphan-blob sweep: a blob is kept while a row of any module names it (each module declares its blob columns,
`Module(blobs=…)`); what no row names and nobody stored lately goes (design.md §8: a refusal leaves nothing).

The consistency check (`qlvb check`): every rule the modules declare (`Module(checks=…)`), plus the shell's own —
every blob a row names exists. A crash may leave an unreferenced blob (the sweep's business), never a missing one.
"""

import logging

import sqlalchemy as sa
from flask import current_app

from app.core.checks import Inconsistency
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


def blobs_exist(batch: int = 1000) -> list[Inconsistency]:
    """Every digest a declared column names is a file of the blob store."""
    from app.modules import blob_columns

    store = current_app.extensions["qlvb.blobs"]
    problems = []
    for column in blob_columns():
        where = f"{column.table.name}.{column.name}"
        query = sa.select(column).where(column.is_not(None), column != "").distinct().execution_options(yield_per=batch)
        for digest in db.session.scalars(query):
            if not store.exists(digest):
                problems.append(Inconsistency("blobs.missing", f"{where} {digest[:12]}…", "tệp lưu trữ không tồn tại"))
    return problems


def check_consistency() -> list[Inconsistency]:
    """Run every consistency rule of the deployment, in module order, then the shell's; what each finds."""
    from app.core.modules import resolve
    from app.modules import declared_modules

    rules = [rule for module in declared_modules() for reference in module.checks for rule in resolve(reference)]
    problems: list[Inconsistency] = []
    for rule in [*rules, blobs_exist]:
        with unit_of_work():
            problems += rule()
    return problems


JOBS = [
    Job(
        id="maintenance.sweep_orphan_blobs",
        func=sweep_orphan_blobs,
        seconds=6 * 3600,
        description="Xóa tệp lưu trữ không còn thuộc văn bản, hồ sơ nào",
    )
]
