"""Whether the database is at the newest migration: checked before serving or scheduling anything."""

import sys

import click

from app.config import PROJECT_ROOT

NOT_MIGRATED = (
    "Cơ sở dữ liệu chưa được khởi tạo hoặc chưa được cập nhật: hãy chạy `qlvb db upgrade` trước.\n"
    "The database is missing or not migrated: run `qlvb db upgrade` first."
)


def is_migrated() -> bool:
    """Whether the database is at the newest migration, i.e. its tables are the ones the models describe."""
    from alembic.runtime.migration import MigrationContext
    from alembic.script import ScriptDirectory

    from app.core.db import db

    heads = set(ScriptDirectory(str(PROJECT_ROOT / "migrations")).get_heads())
    with db.engine.connect() as connection:
        current = set(MigrationContext.configure(connection).get_current_heads())
    db.engine.dispose()  # no pooled connection may outlive this check into a forked gunicorn worker
    return current == heads


def require_migrated_database() -> None:
    """Exit 2 with the message when the database is not at the newest migration (before serving anything)."""
    if not is_migrated():
        click.echo(NOT_MIGRATED, err=True)
        sys.exit(2)
