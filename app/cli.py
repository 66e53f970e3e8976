"""The `qlvb` command group: Flask's commands (db upgrade, routes, shell…) plus qlvb's own."""

import sys

import click
from flask import current_app
from flask.cli import FlaskGroup, with_appcontext

from app.audit.context import origin
from app.core.transaction import unit_of_work


def _create_app():
    from app import create_app

    return create_app()


@click.group(cls=FlaskGroup, create_app=_create_app, add_version_option=False, load_dotenv=False, set_debug_flag=False)
def main():
    """qlvb — Hệ thống quản lý văn bản và điều hành."""


def register_cli(app) -> None:
    app.cli.add_command(demo_command)
    app.cli.add_command(audit_group)
    app.cli.add_command(serve_command)
    from app.sla.cli import sla_group

    app.cli.add_command(sla_group)
    from app.workflow.cli import commands as workflow_commands

    for command in workflow_commands:
        app.cli.add_command(command)
    from app.signing.cli import commands as signing_commands

    for command in signing_commands:
        app.cli.add_command(command)
    from app.scheduler import scheduler_command

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


@click.command("serve")
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=5000, show_default=True, type=int)
@click.option("--workers", default=2, show_default=True, type=int)
@with_appcontext
def serve_command(host: str, port: int, workers: int):
    """Chạy máy chủ web (gunicorn)."""
    from gunicorn.app.base import BaseApplication

    flask_app = current_app._get_current_object()
    # QLVB_SCHEDULER=1: the scheduler also runs, in a process of its own (see app.scheduler.gunicorn_hooks).
    hooks = {}
    if flask_app.config["SCHEDULER_ENABLED"]:
        from app.scheduler import gunicorn_hooks

        hooks = gunicorn_hooks(flask_app)

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
