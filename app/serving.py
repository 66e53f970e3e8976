"""`qlvb serve`'s gunicorn hooks: workers start with an empty pool; the scheduler runs in a process of its own."""

import contextlib
import ctypes
import gc
import logging
import os
import signal
import time
from collections.abc import Callable

from flask import Flask

from app.scheduler import load_jobs

log = logging.getLogger(__name__)
SCHEDULER_PROCESS_NAME = b"qlvb-scheduler"  # what `ps -o comm` shows for it (Linux prctl PR_SET_NAME)


def gunicorn_hooks(web_app: Flask, *, with_scheduler: bool, workers: int) -> dict[str, Callable[..., None]]:
    """Server hooks: each worker starts with an empty connection pool; with QLVB_SCHEDULER=1 the scheduler runs
    in a process of its own beside gunicorn.

    Never a thread of the master: gunicorn forks its workers from the master, and a worker forked while that
    thread held a lock (SQLAlchemy's mapper-configuration mutex, a pool lock, the logging lock) inherits it held
    with nobody to release it — requests hung for good or died in a RecursionError inside mapper configuration.
    The master therefore runs no thread at all. The scheduler is forked from it here, before gunicorn starts (no
    thread, no socket, no gunicorn signal handler yet to inherit), so that, like the workers, it shares the
    application the master loaded instead of importing it again (a `python -m app scheduler` beside it cost about
    85 MiB of its own); it stops when the master stops it on exit, or by itself if the master dies. Jobs are
    loaded here, before gunicorn starts, so a broken jobs.py fails `serve` at once.

    The loaded heap is frozen before any fork (gc.freeze): a full collection in a child would otherwise write to
    every tracked object's header and copy the pages it shares with the master.
    """
    if workers > 1:
        warm_up()
    if with_scheduler:
        load_jobs()
    gc.collect()
    gc.freeze()
    children: list[int] = [_fork_scheduler(web_app)] if with_scheduler else []

    def post_fork(_server, _worker) -> None:
        with web_app.app_context():
            from app.core.db import db

            db.engine.dispose(close=False)  # the master's pool belongs to the master (SQLAlchemy's fork recipe)

    def on_exit(_server) -> None:
        for pid in children:
            _stop_child(pid, seconds=60)  # running jobs finish their unit of work

    if not with_scheduler:
        return {"post_fork": post_fork}
    return {"post_fork": post_fork, "on_exit": on_exit}


def _fork_scheduler(web_app: Flask) -> int:
    """Fork the scheduler process; return its pid. The child never returns: it runs the scheduler, then exits."""
    parent = os.getpid()
    pid = os.fork()
    if pid:
        return pid
    status = 0
    try:
        _name_process(SCHEDULER_PROCESS_NAME)
        from app.core.db import db
        from app.scheduler import run_until_stopped, scheduler_for

        with web_app.app_context():
            db.engine.dispose(close=False)  # the master's pool belongs to the master
            run_until_stopped(scheduler_for(web_app, say=print), parent_pid=parent, say=print)
    except BaseException:  # the child must never run on into the master's code
        log.exception("the scheduler process stopped on an error")
        status = 1
    finally:
        logging.shutdown()
        os._exit(status)


def _name_process(name: bytes) -> None:
    with contextlib.suppress(OSError, AttributeError):  # not Linux: the name is only a convenience for `ps`
        ctypes.CDLL(None).prctl(15, ctypes.c_char_p(name), 0, 0, 0)  # PR_SET_NAME


def _stop_child(pid: int, *, seconds: float) -> None:
    """SIGTERM, wait up to `seconds`, then SIGKILL. gunicorn's own reaper may collect it first: then it is gone."""
    try:
        os.kill(pid, signal.SIGTERM)
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            if os.waitpid(pid, os.WNOHANG)[0]:
                return
            time.sleep(0.05)
        os.kill(pid, signal.SIGKILL)
        os.waitpid(pid, 0)
    except (ChildProcessError, ProcessLookupError):
        return


def warm_up() -> None:
    """Work every worker would otherwise repeat on its first signature, done once in the master before it
    forks: building the number and date fields' Vietnamese fonts (pure Python, no thread, no lock held).

    Only worth it with more than one worker: it imports pyHanko and fontTools into the master (about 35 MiB,
    shared with every fork) and takes half a second of CPU. With one worker (SQLite's default) nothing is shared,
    so that worker builds them on its first signature instead, and a server that never signs never carries them.
    """
    from app.signing.sign import field_fonts_pdf

    field_fonts_pdf()
