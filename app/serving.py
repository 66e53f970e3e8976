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


def gunicorn_hooks(web_app: Flask, *, with_scheduler: bool) -> dict[str, Callable[..., None]]:
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
    warm_up()
    if with_scheduler:
        load_jobs()
    gc.collect()
    gc.freeze()
    children: list[int] = [_fork_scheduler(web_app)] if with_scheduler else []

    def post_fork(_server, _worker) -> None:
        coalesce_response_writes()
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


def coalesce_response_writes() -> None:
    """Send a response's head and its first body chunk in one write (gunicorn writes them apart).

    On the worker's every request: a profile of a worker under bench/http.py found a seventh of its time in the
    separate write of the head, each write one more wake-up of the client and one more loopback or network packet.
    gunicorn builds the response through the module's `Response` (gunicorn.http.wsgi.create), so the worker
    replaces that name with a subclass; HTTP/2 has a writer of its own and is left alone.
    """
    from gunicorn import util
    from gunicorn.http import wsgi

    if getattr(wsgi.Response, "qlvb_coalesced", False):
        return

    class Response(wsgi.Response):
        qlvb_coalesced = True
        _head: bytes | None = None
        _head_now = False  # sendfile writes the body itself, right after the head

        def send_headers(self):
            if self.headers_sent:
                return
            if self._head_now:
                return super().send_headers()
            head = self.default_headers()
            head.extend(["%s: %s\r\n" % (k, v) for k, v in self.headers])  # noqa: UP031 (gunicorn's own form)
            self._head = util.to_bytestring("%s\r\n" % "".join(head), "latin-1")  # noqa: UP031
            self.headers_sent = True

        def _flush_head(self) -> None:
            head, self._head = self._head, None
            if head:
                util.write(self.sock, head)

        def _emit_body(self, data):
            if self._head is not None and not self.chunked:
                head, self._head = self._head, None
                util.write(self.sock, head + data)
                return
            self._flush_head()
            super()._emit_body(data)

        def sendfile(self, respiter):
            self._flush_head()
            self._head_now = True
            return super().sendfile(respiter)

        def close(self):
            self._flush_head()  # no body (HEAD, 204, 304) or an empty one
            super().close()

    wsgi.Response = Response


def warm_up() -> None:
    """Work every worker would otherwise repeat on its first signature, done once in the master before it
    forks: building the number and date fields' Vietnamese fonts (pure Python, no thread, no lock held)."""
    from app.signing.sign import field_fonts_pdf

    field_fonts_pdf()
