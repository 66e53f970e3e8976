"""Scheduler entry points of văn bản đi: retry the deliveries that failed (design.md §7: idempotent, retried)."""

import logging
from datetime import datetime

from app.core.jobs import Job
from app.core.transaction import unit_of_work
from app.outgoing.dispatch import due_recipient_ids, retry_delivery

log = logging.getLogger(__name__)


def retry_pending_deliveries(now: datetime | None = None) -> int:
    """Try every due pending delivery once, each in its own unit of work. Returns how many got through."""
    with unit_of_work():
        ids = due_recipient_ids(now)
    delivered = 0
    for recipient_id in ids:
        try:
            with unit_of_work():
                delivered += retry_delivery(recipient_id)
        except Exception:  # one broken delivery must not stop the others
            log.exception("retrying delivery to outgoing recipient %s failed", recipient_id)
    return delivered


JOBS = [
    Job(
        id="outgoing.retry_pending_deliveries",
        func=retry_pending_deliveries,
        seconds=120,
        description="Gửi lại văn bản đi chưa chuyển được đến cơ quan nhận",
    )
]
