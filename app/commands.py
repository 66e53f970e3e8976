"""The shell's own commands (demo data, the web server, the scheduler process); each module's come from its
declaration (app.modules.register_modules)."""

import click
from flask import current_app
from flask.cli import with_appcontext

from app.audit.context import origin
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
@click.option(
    "--workers", default=None, type=int, help="Số tiến trình xử lý (mặc định: 1 với SQLite, 2 với PostgreSQL)."
)
@with_appcontext
def serve_command(host: str, port: int, workers: int | None):
    """Chạy máy chủ web (gunicorn)."""
    from gunicorn.app.base import BaseApplication

    require_migrated_database()
    flask_app = current_app._get_current_object()
    workers, threads = serving_size(flask_app, workers)
    # QLVB_SCHEDULER=1: the scheduler also runs, in a process of its own (see app.serving.gunicorn_hooks).
    from app.serving import gunicorn_hooks

    hooks = gunicorn_hooks(flask_app, with_scheduler=flask_app.config["SCHEDULER_ENABLED"])

    class Server(BaseApplication):
        def load_config(self):
            self.cfg.set("bind", f"{host}:{port}")
            self.cfg.set("workers", workers)
            self.cfg.set("threads", threads)
            self.cfg.set("accesslog", "-")
            for name, hook in hooks.items():
                self.cfg.set(name, hook)

        def load(self):
            return flask_app

    click.echo(f"qlvb đang chạy tại http://{host}:{port}")
    Server().run()


def serving_size(flask_app, workers: int | None) -> tuple[int, int]:
    """(gunicorn workers, threads each). The embedded SQLite database has one writer at a time, so a second
    worker adds no write throughput, only memory (each worker's own copy of what it touched, ~40 MiB after some
    requests: bench/RESULTS.md, bench/http.py): one worker with 8 threads. PostgreSQL: 2 workers × 4 threads."""
    sqlite = flask_app.config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite")
    if workers is None:
        workers = 1 if sqlite else 2
    return workers, 8 if workers == 1 else 4
