"""The shell's own commands (demo data, the web server, the scheduler process); each module's come from its
declaration (app.modules.register_modules)."""

from pathlib import Path

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
    app.cli.add_command(check_command)


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
    "--workers",
    default=None,
    type=int,
    envvar="QLVB_WORKERS",
    help="Số tiến trình xử lý (QLVB_WORKERS; mặc định: 1 với SQLite, 2 với PostgreSQL).",
)
@click.option(
    "--threads", default=None, type=int, envvar="QLVB_THREADS", help="Số luồng mỗi tiến trình (QLVB_THREADS)."
)
@with_appcontext
def serve_command(host: str, port: int, workers: int | None, threads: int | None):
    """Chạy máy chủ web (gunicorn)."""
    from gunicorn.app.base import BaseApplication

    require_migrated_database()
    flask_app = current_app._get_current_object()
    hold_for_command(flask_app.instance_path)  # `qlvb restore` refuses while this runs
    workers, threads = serving_size(flask_app, workers, threads)
    # QLVB_SCHEDULER=1: the scheduler also runs, in a process of its own (see app.serving.gunicorn_hooks).
    from app.serving import gunicorn_hooks

    hooks = gunicorn_hooks(flask_app, with_scheduler=flask_app.config["SCHEDULER_ENABLED"], workers=workers)

    class Server(BaseApplication):
        def load_config(self):
            self.cfg.set("bind", f"{host}:{port}")
            self.cfg.set("workers", workers)
            self.cfg.set("threads", threads)
            self.cfg.set("accesslog", "-")
            # gunicorn ≥ 25.1 opens a control socket (for `gunicornc`) in $XDG_RUNTIME_DIR or ~/.gunicorn by default:
            # two instances run by one user would take each other's, and the first to stop would unlink the other's.
            # Each instance keeps its own in its instance folder (older gunicorn has no such setting).
            if "control_socket" in self.cfg.settings:
                self.cfg.set("control_socket", str(Path(flask_app.config["INSTANCE_PATH"]) / "gunicorn.ctl"))
            for name, hook in hooks.items():
                self.cfg.set(name, hook)

        def load(self):
            return flask_app

    click.echo(f"qlvb đang chạy tại http://{host}:{port}")
    Server().run()


@click.command("check")
@with_appcontext
def check_command():
    """Kiểm tra tính nhất quán của dữ liệu (quy trình, công việc, văn bản, cấp số, tệp, nhật ký)."""
    import sys

    from app.maintenance import check_consistency

    problems = check_consistency()
    for problem in problems:
        click.echo(f"LỖI {problem}", err=True)
    if problems:
        click.echo(f"{len(problems)} điểm không nhất quán.", err=True)
        sys.exit(1)
    click.echo("OK: dữ liệu nhất quán.")


def serving_size(flask_app, workers: int | None, threads: int | None = None) -> tuple[int, int]:
    """(gunicorn workers, threads each), unless given. The embedded SQLite database has one writer at a time, so a
    second worker adds no write throughput, only memory (each worker's own copy of what it touched, ~40 MiB after
    some requests: bench/RESULTS.md, bench/http.py): one worker with 8 threads. PostgreSQL: 2 workers × 4 threads."""
    sqlite = flask_app.config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite")
    if workers is None:
        workers = 1 if sqlite else 2
    if threads is None:
        threads = 8 if workers == 1 else 4
    return workers, threads
