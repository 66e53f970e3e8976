"""Send-what-is-due in a background thread after a commit: e-mail (app.notifications) and the exchange outbox.

A page that queued mail or a package must not wait for a slow SMTP server or peer, so the sending runs in one
thread per process and per sender. A kick while the thread runs makes it go round once more; a kick lost in the
instant the thread finishes is harmless, because the scheduler's job sends what is due within its interval.
"""

import logging
import threading
from collections.abc import Callable

from flask import Flask, current_app

log = logging.getLogger(__name__)


class BackgroundSender:
    """Runs `send` (which reads what is due from the database) in at most one background thread at a time."""

    def __init__(self, name: str, send: Callable[[], object]) -> None:
        self.name = name
        self._send = send
        self._running = threading.Lock()
        self._again = threading.Event()

    def kick(self) -> None:
        app = current_app._get_current_object()
        self._again.set()
        if not self._running.acquire(blocking=False):
            return
        try:
            threading.Thread(target=self._drain, args=(app,), name=self.name, daemon=True).start()
        except BaseException:
            self._running.release()
            raise

    def _drain(self, app: Flask) -> None:
        try:
            while self._again.is_set():
                self._again.clear()
                with app.app_context():
                    self._send()
        except Exception:
            log.exception("%s: sending after a commit failed; the scheduler will retry", self.name)
        finally:
            self._running.release()
