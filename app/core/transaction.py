"""Units of work: one transaction per entry point (HTTP request, job item, CLI command, engine run).

The outermost `unit_of_work` commits on success and rolls back on any exception; an inner one is a
SAVEPOINT, so a caller can catch a refusal from an inner step and carry on with everything else intact.
Services never commit: they flush and let the entry point decide. Side effects that must only happen
once the data is durable (notifications, exchange pushes) are registered with `after_commit`.
"""

import functools
import logging
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from sqlalchemy.orm import Session

from app.core.db import db

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
        try:
            yield session
        except BaseException:
            rollback_outermost(session)
            raise
        commit_outermost(session)
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
