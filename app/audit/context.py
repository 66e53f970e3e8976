"""Where the current action comes from (IP, user agent), set by the entry point, read by the audit log.

A context variable rather than Flask's request, so services stay free of request globals and the same
service records "cli" or "scheduler" when called from there.
"""

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass


@dataclass(frozen=True)
class Origin:
    ip: str | None = None
    user_agent: str | None = None


SYSTEM = Origin(ip=None, user_agent="system")
_origin: ContextVar[Origin | None] = ContextVar("qlvb_audit_origin", default=None)


def current_origin() -> Origin:
    return _origin.get() or SYSTEM


def set_origin(ip: str | None, user_agent: str | None):
    return _origin.set(Origin(ip=ip, user_agent=(user_agent or "")[:500] or None))


def reset_origin(token) -> None:
    _origin.reset(token)


@contextmanager
def origin(ip: str | None, user_agent: str | None) -> Iterator[None]:
    token = set_origin(ip, user_agent)
    try:
        yield
    finally:
        _origin.reset(token)
