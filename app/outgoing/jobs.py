"""Scheduler entry points of văn bản đi: retry the deliveries that failed (design.md §7: idempotent, retried); flag
the deliveries not acknowledged within 3 working days (seed 004 Điều 16.8)."""

import logging
from datetime import datetime

from app.core.jobs import Job
from app.core.transaction import unit_of_work
from app.outgoing.acknowledgement import FlagResult, due_for_flag, flag_one
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


def flag_unacknowledged(now: datetime | None = None) -> FlagResult:
    """Flag every delivery past 3 working days without acknowledgement and tell the sender; one unit of work each,
    so one broken row neither stops nor undoes the others."""
    result = FlagResult()
    with unit_of_work():
        ids = due_for_flag(now)
    for recipient_id in ids:
        try:
            with unit_of_work():
                if flag_one(recipient_id, now):
                    result.flagged.append(recipient_id)
        except Exception:
            log.exception("flagging unacknowledged outgoing recipient %s failed", recipient_id)
            result.failed.append(recipient_id)
    return result


JOBS = [
    Job(
        id="outgoing.retry_pending_deliveries",
        func=retry_pending_deliveries,
        seconds=120,
        description="Gửi lại văn bản đi chưa chuyển được đến cơ quan nhận",
    ),
    Job(
        id="outgoing.flag_unacknowledged",
        func=flag_unacknowledged,
        seconds=3600,
        description="Báo văn thư, người soạn thảo: nơi nhận quá 3 ngày làm việc chưa tiếp nhận văn bản đi",
    ),
]
