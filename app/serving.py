"""`qlvb serve`'s gunicorn hooks: workers start with an empty pool; the scheduler runs in a process of its own."""

import os
import subprocess
import sys
from collections.abc import Callable

from flask import Flask

from app.config import PROJECT_ROOT
from app.scheduler import load_jobs


def gunicorn_hooks(web_app: Flask, *, with_scheduler: bool) -> dict[str, Callable[..., None]]:
    """Server hooks: each worker starts with an empty connection pool; with QLVB_SCHEDULER=1 the scheduler runs
    in a process of its own beside gunicorn.

    Never a thread of the master: gunicorn forks its workers from the master, and a worker forked while that
    thread held a lock (SQLAlchemy's mapper-configuration mutex, a pool lock, the logging lock) inherits it held
    with nobody to release it — requests hung for good or died in a RecursionError inside mapper configuration.
    The master therefore runs no thread at all: it starts `python -m app scheduler` once it is ready (fork + exec,
    nothing inherited), stops it on exit, and the child stops by itself if the master dies. Jobs are loaded
    here, before gunicorn starts, so a broken jobs.py fails `serve` at once.
    """
    children: list[subprocess.Popen] = []
    warm_up()

    def when_ready(_server) -> None:
        command = [sys.executable, "-m", "app", "scheduler", "--parent-pid", str(os.getpid())]
        children.append(subprocess.Popen(command, cwd=PROJECT_ROOT, env=os.environ.copy()))

    def post_fork(_server, _worker) -> None:
        with web_app.app_context():
            from app.core.db import db

            db.engine.dispose(close=False)  # the master's pool belongs to the master (SQLAlchemy's fork recipe)

    def on_exit(_server) -> None:
        for child in children:
            child.terminate()
            try:
                child.wait(timeout=60)  # running jobs finish their unit of work
            except subprocess.TimeoutExpired:
                child.kill()

    if not with_scheduler:
        return {"post_fork": post_fork}
    load_jobs()
    return {"when_ready": when_ready, "post_fork": post_fork, "on_exit": on_exit}


def warm_up() -> None:
    """Work every worker would otherwise repeat on its first signature, done once in the master before it
    forks: building the number and date fields' Vietnamese fonts (pure Python, no thread, no lock held)."""
    from app.signing.sign import field_fonts_pdf

    field_fonts_pdf()
