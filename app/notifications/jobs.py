"""Scheduler entry points: send the queued e-mails (every minute), the daily digest (checked every minute)."""

import logging

from app.core.jobs import Job
from app.notifications.digest import send_daily_digests
from app.notifications.email import send_due_emails

log = logging.getLogger(__name__)


def send_emails() -> None:
    report = send_due_emails()
    if report.sent or report.retried or report.failed:
        log.info("notification e-mails: %d sent, %d to retry, %d failed", report.sent, report.retried, report.failed)


def send_digests() -> None:
    if sent := send_daily_digests():
        log.info("daily digests: %d sent", sent)


JOBS = [
    Job(id="notifications.send_emails", func=send_emails, seconds=60, description="Gửi thư điện tử thông báo"),
    Job(
        id="notifications.send_daily_digests",
        func=send_digests,
        seconds=60,
        description="Gửi bản tổng hợp công việc đến hạn, quá hạn hằng ngày",
    ),
]
