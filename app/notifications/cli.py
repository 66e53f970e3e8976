"""`qlvb notifications …`: send the queued e-mails or the daily digests now (operations, tests, the demo)."""

import click
from flask.cli import with_appcontext

from app.core import clock


@click.group("notifications")
def notifications_group():
    """Thông báo: gửi thư điện tử đang chờ, gửi bản tổng hợp hằng ngày."""


@notifications_group.command("send-emails")
@with_appcontext
def send_emails_command():
    """Gửi ngay các thư thông báo đến hạn gửi (như tác vụ notifications.send_emails)."""
    from app.notifications.email import send_due_emails
    from app.notifications.services import email_configured

    if not email_configured():
        click.echo("Chưa cấu hình máy chủ thư (QLVB_SMTP_HOST): không gửi thư nào.")
        return
    report = send_due_emails()
    click.echo(f"Đã gửi {report.sent}, chờ gửi lại {report.retried}, thất bại {report.failed}.")


@notifications_group.command("digest")
@click.option("--now", "at", metavar="ISO", help="Chạy tại thời điểm này (ISO 8601; mặc định: bây giờ).")
@with_appcontext
def digest_command(at: str | None):
    """Gửi bản tổng hợp công việc đến hạn, quá hạn cho người đã đăng ký (mỗi người một lần mỗi ngày)."""
    from app.core.errors import DomainError
    from app.notifications.digest import send_daily_digests
    from app.sla.calendar import parse_instant

    if at:
        try:
            instant = parse_instant(at)
        except DomainError as exc:
            click.echo(f"Lỗi: {exc.message}", err=True)
            raise click.exceptions.Exit(2) from None
        with clock.frozen(instant):
            sent = send_daily_digests()
    else:
        sent = send_daily_digests()
    click.echo(f"Đã gửi {sent} bản tổng hợp.")
