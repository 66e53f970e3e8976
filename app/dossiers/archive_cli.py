"""`qlvb dossiers remind [--today YYYY-MM-DD]`: the nộp lưu reminder once, printing who was told."""

from datetime import date

import click
from flask.cli import AppGroup

USAGE_ERROR = 2

dossiers_cli = AppGroup("dossiers", help="Hồ sơ và Lưu trữ cơ quan.")


@dossiers_cli.command("remind")
@click.option("--today", metavar="YYYY-MM-DD", help="Ngày xét (giờ Việt Nam). Mặc định: hôm nay.")
def remind_command(today: str | None):
    """Nhắc người lập hồ sơ đến hạn nộp lưu (mỗi hồ sơ một lần, Phụ lục VI III.5.b)."""
    from app.dossiers.jobs import remind

    try:
        day = date.fromisoformat(today) if today else None
    except ValueError:
        click.echo("Lỗi: ngày không hợp lệ, dùng dạng YYYY-MM-DD.", err=True)
        raise click.exceptions.Exit(USAGE_ERROR) from None
    result = remind(day)
    click.echo(f"Đã nhắc {len(result.reminded)} hồ sơ đến hạn nộp lưu.")
    for dossier in result.reminded:
        click.echo(f"  {dossier.file_code} · hạn {dossier.transfer_due_on:%d/%m/%Y} · {dossier.title}")
    if result.failed:
        click.echo(f"Lỗi khi nhắc {len(result.failed)} hồ sơ: {', '.join(map(str, result.failed))}", err=True)
        raise click.exceptions.Exit(1)
