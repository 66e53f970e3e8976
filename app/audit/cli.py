"""`qlvb audit`: check the audit chain from the command line."""

import sys

import click
from flask.cli import with_appcontext


@click.group("audit")
def audit_group():
    """Nhật ký hệ thống (chuỗi băm)."""


@audit_group.command("verify")
@with_appcontext
def audit_verify():
    """Kiểm tra toàn vẹn chuỗi nhật ký; báo mắt xích hỏng đầu tiên."""
    from app.audit.services import verify_chain

    result = verify_chain()
    if result.ok:
        click.echo(f"OK: {result.checked} sự kiện, chuỗi nhật ký toàn vẹn.")
        return
    click.echo(
        f"LỖI: chuỗi nhật ký hỏng tại sự kiện số {result.broken_seq}: {result.reason} "
        f"({result.checked} sự kiện trước đó hợp lệ).",
        err=True,
    )
    sys.exit(1)
