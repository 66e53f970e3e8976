"""`qlvb escalate [--now ISO]`: one scan of the ladder at a given instant, printing what fired."""

import click
from flask.cli import with_appcontext

from app.core import clock
from app.core.errors import DomainError
from app.escalation.models import LEVEL_LABELS

USAGE_ERROR = 2


@click.command("escalate")
@click.option(
    "--now",
    "at",
    metavar="ISO",
    help="Thời điểm quét (ISO 8601; không có múi giờ thì hiểu là giờ Việt Nam). Mặc định: bây giờ.",
)
@with_appcontext
def escalate_command(at: str | None):
    """Quét một lần: nhắc việc, báo quá hạn, báo cáo lãnh đạo những gì đã đến lúc (mỗi mức chỉ một lần)."""
    from app.escalation.scan import escalate
    from app.sla.calendar import parse_instant

    try:
        instant = parse_instant(at) if at else clock.now()
    except DomainError as exc:
        click.echo(f"Lỗi: {exc.message}", err=True)
        raise click.exceptions.Exit(USAGE_ERROR) from None
    # The notices and the fired rows carry the scan's instant, as if the scheduler had run then.
    with clock.frozen(instant):
        result = escalate(instant)
    click.echo(f"Quét lúc {clock.to_local(instant):%H:%M %d/%m/%Y}: {len(result.fired)} mức đã kích hoạt.")
    for fired in result.fired:
        told = ", ".join(fired.recipients) if fired.recipients else "không ai (đã quá hạn, bỏ qua lời nhắc)"
        click.echo(f"  việc #{fired.task_id} · {LEVEL_LABELS[fired.level]} · {fired.title} → {told}")
    if result.failed:
        click.echo(f"Lỗi khi xét {len(result.failed)} việc: {', '.join(map(str, result.failed))}", err=True)
        raise click.exceptions.Exit(1)
