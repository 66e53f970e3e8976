"""Scheduler entry point of the ladder: one scan every minute (each look its own unit of work, app.escalation.scan)."""

import logging

from app.core.jobs import Job
from app.escalation.scan import escalate

log = logging.getLogger(__name__)


def escalate_overdue_tasks() -> int:
    """Fire what is due now; returns how many levels fired."""
    result = escalate()
    if result.fired:
        log.info("escalation: %d level(s) fired over %d task(s)", len(result.fired), result.looked)
    return len(result.fired)


JOBS = [
    Job(
        id="escalation.escalate_overdue_tasks",
        func=escalate_overdue_tasks,
        seconds=60,
        description="Nhắc việc, báo quá hạn và báo cáo lãnh đạo theo chính sách của cơ quan",
    )
]
