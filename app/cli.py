"""The `qlvb` command group: Flask's commands (db upgrade, routes, shell…) plus qlvb's own."""

import sys

import click
import sqlalchemy as sa
from flask import current_app
from flask.cli import FlaskGroup, with_appcontext

from app.audit.context import origin
from app.core.schema import NOT_MIGRATED, require_migrated_database
from app.core.transaction import unit_of_work


def _create_app():
    from app import create_app

    return create_app()


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


def register_cli(app) -> None:
    """The shell's own commands; each module's come from its declaration (app.modules.register_modules)."""
    from app.scheduler import scheduler_command

    app.cli.add_command(demo_command)
    app.cli.add_command(serve_command)
    app.cli.add_command(scheduler_command)


@click.command("demo")
@with_appcontext
def demo_command():
    """Nạp dữ liệu mẫu (chạy lại nhiều lần không thay đổi gì)."""
    from app.demo import DEMO_PASSWORD, load_demo

    with origin("cli", "qlvb demo"), unit_of_work():
        accounts = load_demo()
    click.echo(f"Dữ liệu mẫu đã sẵn sàng. Tài khoản demo (mật khẩu chung: {DEMO_PASSWORD}):")
    for username, roles, agency in accounts:
        click.echo(f"  {username:<24} {roles:<48} {agency}")


@click.command("serve")
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=5000, show_default=True, type=int)
@click.option("--workers", default=2, show_default=True, type=int)
@with_appcontext
def serve_command(host: str, port: int, workers: int):
    """Chạy máy chủ web (gunicorn)."""
    from gunicorn.app.base import BaseApplication

    require_migrated_database()
    flask_app = current_app._get_current_object()
    # QLVB_SCHEDULER=1: the scheduler also runs, in a process of its own (see app.serving.gunicorn_hooks).
    from app.serving import gunicorn_hooks

    hooks = gunicorn_hooks(flask_app, with_scheduler=flask_app.config["SCHEDULER_ENABLED"])

    class Server(BaseApplication):
        def load_config(self):
            self.cfg.set("bind", f"{host}:{port}")
            self.cfg.set("workers", workers)
            self.cfg.set("threads", 4)
            self.cfg.set("accesslog", "-")
            for name, hook in hooks.items():
                self.cfg.set(name, hook)

        def load(self):
            return flask_app

    click.echo(f"qlvb đang chạy tại http://{host}:{port}")
    Server().run()
