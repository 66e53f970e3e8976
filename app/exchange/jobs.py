"""Scheduler entry points of the exchange: send the outbox, forget old request nonces."""

from app.core.jobs import Job
from app.core.transaction import unit_of_work
from app.exchange.connector_auth import prune_nonces
from app.exchange.outbox import send_due


def send_outbox() -> int:
    """Send every due message of the outbound queue, each on its own (app.exchange.outbox); then prune the nonces
    past the freshness window, which only the connector's replay check reads."""
    report = send_due()
    with unit_of_work():
        prune_nonces()
    return report.sent


JOBS = [
    Job(
        id="exchange.send_outbox",
        func=send_outbox,
        seconds=30,
        description="Gửi văn bản và trạng thái xử lý liên thông đang chờ đến hệ thống khác",
    )
]
