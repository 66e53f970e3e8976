"""`qlvb reports …`: maintenance of the figures the reports read."""

import click
from flask.cli import with_appcontext


@click.group("reports")
def reports_group():
    """Báo cáo, thống kê."""


@reports_group.command("backfill")
@click.option("--batch", default=1000, show_default=True, help="Số công việc mỗi giao dịch.")
@with_appcontext
def backfill_command(batch: int):
    """Tính thời gian xử lý (giờ làm việc) của các công việc đã hoàn thành trước khi có cột working_minutes."""
    from app.reports.services import backfill_working_minutes

    click.echo(f"Đã tính thời gian xử lý cho {backfill_working_minutes(batch)} công việc.")
