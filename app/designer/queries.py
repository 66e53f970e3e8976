"""What the designer's pages read: the processes an agency runs, their versions and the cases on each."""

from dataclasses import dataclass

import sqlalchemy as sa

from app.core.db import db
from app.workflow.definitions import newest_version
from app.workflow.models import InstanceStatus, ProcessVersion, WorkflowInstance

OPEN_STATUSES = (InstanceStatus.RUNNING, InstanceStatus.WAITING, InstanceStatus.ERROR)


@dataclass(frozen=True)
class ProcessOverview:
    process_id: str
    current: ProcessVersion  # what a new case of the agency starts on
    own_versions: int  # how many versions the agency deployed itself (0: it runs the global default)
    running: int  # the agency's open cases of this process, on any version


def running_counts(agency_id: int) -> dict[int, int]:
    """process_version.id → the agency's open cases on that version (the version page shows them)."""
    rows = db.session.execute(
        sa.select(WorkflowInstance.process_version_id, sa.func.count())
        .where(WorkflowInstance.agency_id == agency_id, WorkflowInstance.status.in_(OPEN_STATUSES))
        .group_by(WorkflowInstance.process_version_id)
    )
    return dict(rows.all())


def running_cases(agency_id: int, process_id: str) -> int:
    """The agency's open cases of one process, on any version (the deploy's confirmation names them)."""
    return db.session.scalar(
        sa.select(sa.func.count())
        .select_from(WorkflowInstance)
        .join(ProcessVersion, ProcessVersion.id == WorkflowInstance.process_version_id)
        .where(
            WorkflowInstance.agency_id == agency_id,
            WorkflowInstance.status.in_(OPEN_STATUSES),
            ProcessVersion.process_id == process_id,
        )
    )


def process_overview(agency_id: int) -> list[ProcessOverview]:
    process_ids = db.session.scalars(
        sa.select(ProcessVersion.process_id)
        .where(sa.or_(ProcessVersion.agency_id.is_(None), ProcessVersion.agency_id == agency_id))
        .distinct()
    ).all()
    own = dict(
        db.session.execute(
            sa.select(ProcessVersion.process_id, sa.func.count())
            .where(ProcessVersion.agency_id == agency_id)
            .group_by(ProcessVersion.process_id)
        ).all()
    )
    counts = running_counts(agency_id)
    by_process: dict[str, int] = {}
    for version_id, process_id in db.session.execute(
        sa.select(ProcessVersion.id, ProcessVersion.process_id).where(ProcessVersion.id.in_(counts or [0]))
    ):
        by_process[process_id] = by_process.get(process_id, 0) + counts[version_id]
    overview = [
        ProcessOverview(pid, newest_version(pid, agency_id), own.get(pid, 0), by_process.get(pid, 0))
        for pid in process_ids
    ]
    return sorted(overview, key=lambda p: p.current.name)
