"""Scheduler entry points of the engine: wake the instances whose timers are due."""

import logging
from datetime import datetime

from app.core.jobs import Job
from app.core.transaction import unit_of_work
from app.workflow.services import due_instance_ids, wake_instance

log = logging.getLogger(__name__)


def tick(now: datetime | None = None) -> int:
    """Wake every instance whose next timer is due; each in its own unit of work. Returns how many moved."""
    woken = 0
    while True:
        with unit_of_work():
            ids = due_instance_ids(now)
        progressed = 0
        for instance_id in ids:
            try:
                with unit_of_work():
                    progressed += wake_instance(instance_id)
            except Exception:  # one broken case must not stop the others
                log.exception("waking workflow instance %s failed", instance_id)
        woken += progressed
        if len(ids) < 500 or not progressed:
            return woken


JOBS = [Job(id="workflow.fire_due_timers", func=tick, seconds=60, description="Kích hoạt các mốc hẹn giờ đến hạn")]
