"""The `qlvb` command group: Flask's commands (db upgrade, routes, shell…) plus what the app registers."""

import sys

import click
import sqlalchemy as sa
from flask.cli import FlaskGroup

from app.core.schema import NOT_MIGRATED


def _create_app():
    from app import create_app

    return create_app()  # its commands: app.commands (the shell's own) and each module's declaration


UNREACHABLE = "Không kết nối được cơ sở dữ liệu: {reason}\nCannot reach the database: check QLVB_DATABASE_URL."


def _missing_schema(exc: sa.exc.DBAPIError) -> bool:
    text = str(exc.orig).lower()
    return any(mark in text for mark in ("no such table", "no such column", "does not exist", "undefined"))


class QlvbGroup(FlaskGroup):
    """Flask's command group, where a database that was never migrated (or cannot be reached) is a one-line
    message and exit 2, not a SQLAlchemy traceback."""

    def invoke(self, ctx):
        try:
            return super().invoke(ctx)
        except (sa.exc.OperationalError, sa.exc.ProgrammingError) as exc:
            if _missing_schema(exc):
                click.echo(NOT_MIGRATED, err=True)
            else:
                reason = (str(exc.orig).strip().splitlines() or ["?"])[0]
                click.echo(UNREACHABLE.format(reason=reason), err=True)
            sys.exit(2)


@click.group(cls=QlvbGroup, create_app=_create_app, add_version_option=False, load_dotenv=False, set_debug_flag=False)
def main():
    """qlvb — Hệ thống quản lý văn bản và điều hành."""
