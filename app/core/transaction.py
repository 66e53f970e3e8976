"""Units of work: one transaction per entry point (HTTP request, job item, CLI command, engine run).

The outermost `unit_of_work` commits on success and rolls back on any exception; an inner one is a
SAVEPOINT, so a caller can catch a refusal from an inner step and carry on with everything else intact.
Services never commit: they flush and let the entry point decide. Side effects that must only happen
once the data is durable (notifications, exchange pushes) are registered with `after_commit`.
"""

import functools
import logging
import random
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any, TypeVar

from sqlalchemy.orm import Session

from app.core.db import SQLITE_WRITER, db, is_database_busy, sqlite_begin

T = TypeVar("T")

log = logging.getLogger(__name__)

_KEY = "qlvb.uow"


def _state(session: Session) -> dict[str, Any]:
    return session.info.setdefault(_KEY, {"depth": 0, "callbacks": []})


def in_unit_of_work() -> bool:
    return _state(db.session())["depth"] > 0


def after_commit(callback: Callable[[], Any]) -> None:
    """Run `callback` once the outermost unit of work has committed; drop it on rollback.

    Outside any unit of work there is nothing to wait for: refuse, because that is a bug.
    """
    state = _state(db.session())
    if state["depth"] == 0:
        raise RuntimeError("after_commit() called outside a unit of work")
    state["callbacks"].append((state["depth"], callback))


def _run_callbacks(state: dict[str, Any]) -> None:
    callbacks, state["callbacks"] = state["callbacks"], []
    for _depth, callback in callbacks:
        try:
            callback()
        except Exception:  # the data is committed; a failed side effect must not undo the response
            log.exception("after_commit callback %r failed", callback)


def commit_outermost(session: Session) -> None:
    """Commit the outermost transaction, then run the after-commit callbacks."""
    state = _state(session)
    session.commit()
    state["depth"] = 0
    _run_callbacks(state)


def rollback_outermost(session: Session) -> None:
    state = _state(session)
    session.rollback()
    state["depth"] = 0
    state["callbacks"] = []


@contextmanager
def unit_of_work() -> Iterator[Session]:
    """Run the block as one transaction (outermost) or one savepoint (nested)."""
    session = db.session()
    state = _state(session)
    if state["depth"] == 0:
        state["depth"] = 1
        writer = sqlite_begin.set(SQLITE_WRITER)
        try:
            try:
                yield session
            except BaseException:
                rollback_outermost(session)
                raise
            commit_outermost(session)
        finally:
            sqlite_begin.reset(writer)
        return

    depth = state["depth"] + 1
    state["depth"] = depth
    try:
        with session.begin_nested():
            yield session
    except BaseException:
        state["callbacks"] = [(d, cb) for d, cb in state["callbacks"] if d < depth]
        raise
    finally:
        state["depth"] = depth - 1


def transactional(func: Callable) -> Callable:
    """Decorate an entry point so that its whole body is one unit of work."""

    @functools.wraps(func)
    def wrapper(*args, **kwargs):
        with unit_of_work():
            return func(*args, **kwargs)

    return wrapper


def begin_request_unit() -> None:
    """Open the unit of work that an HTTP request is (called before the view)."""
    state = _state(db.session())
    state["depth"] = 1
    state["callbacks"] = []


def end_request_unit(commit: bool) -> None:
    """Close the request's unit of work: commit when the view returned, roll back when it raised."""
    session = db.session()
    if _state(session)["depth"] == 0:
        return
    if commit:
        commit_outermost(session)
    else:
        rollback_outermost(session)


# How often an entry point's body runs again after SQLite refused it a lock (see app.core.db.sqlite_begin).
BUSY_ATTEMPTS = 5


def _refused_by_busy_database(exc: BaseException) -> bool:
    """The error, or what it was raised from (a Conflict wrapping the refusal), is SQLite's lock refusal."""
    seen = 0
    while exc is not None and seen < 5:
        if is_database_busy(exc):
            return True
        exc, seen = exc.__cause__ or exc.__context__, seen + 1
    return False


def retrying(body: Callable[[], T], *, before_retry: Callable[[], Any] = lambda: None) -> T:
    """Run the body of the request's unit of work; run it again, as a writer, when SQLite refused a lock.

    The body is flushed here so that a refusal surfaces while it can still be re-run; everything it did is
    rolled back first, so running it again is running it once. PostgreSQL never refuses this way (it waits on
    its row locks), so there the body runs once.
    """
    for attempt in range(1, BUSY_ATTEMPTS + 1):
        try:
            result = body()
            db.session.flush()
            return result
        except Exception as exc:
            if attempt == BUSY_ATTEMPTS or not _refused_by_busy_database(exc):
                raise
            log.info("database busy, running the request again (attempt %d)", attempt + 1)
            rollback_outermost(db.session())
            sqlite_begin.set(SQLITE_WRITER)  # a writer from the start waits its turn instead of being refused
            time.sleep(random.uniform(0, 0.02 * attempt))
            begin_request_unit()
            before_retry()
    raise AssertionError("unreachable")
