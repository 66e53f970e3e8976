"""The shell's own commands (demo data, the web server, the scheduler process); each module's come from its
declaration (app.modules.register_modules)."""

import click
from flask import current_app
from flask.cli import with_appcontext

from app.audit.context import origin
from app.core.instance_lock import hold_for_command
from app.core.schema import require_migrated_database
from app.core.transaction import unit_of_work


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
    hold_for_command(flask_app.instance_path)  # `qlvb restore` refuses while this runs
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
