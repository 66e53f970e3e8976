"""Serialize work on one row until commit, the same way on PostgreSQL and SQLite."""

import hashlib

import sqlalchemy as sa

from app.core.db import db
from app.core.errors import Conflict


def lock_row(model, pk, *, busy: Conflict, touch: str):
    """Re-read `model` row `pk` under a lock held to commit; None when it does not exist.

    PostgreSQL: SELECT … FOR UPDATE. SQLite locks the whole database for writing: a no-op UPDATE of column
    `touch` takes that lock now; a transaction whose snapshot is older than another's commit is refused by the
    database, which becomes `busy` (a Conflict the user retries) — rare since units of work that write begin as
    writers (app.core.db.sqlite_begin). The audit chain's lock is taken only at commit, after every row lock.
    """
    session = db.session
    key = sa.inspect(model).primary_key[0]
    try:
        if session.get_bind().dialect.name == "postgresql":
            query = sa.select(model).where(key == pk).with_for_update()
            return session.scalar(query.execution_options(populate_existing=True))
        column = getattr(model, touch)
        session.execute(sa.update(model).where(key == pk).values({column: column}))
        return session.get(model, pk, populate_existing=True)
    except sa.exc.OperationalError as exc:
        raise busy from exc


def row_lock_statement(model, pk, *, touch: str, postgresql: bool) -> sa.Executable:
    """The statement that takes the lock `lock_row` takes without reading the row, for `take_row_lock`.

    `pk` is an expression — a bound parameter, or a scalar subquery (the case a task belongs to), so that one
    statement finds and locks the row. Build it once and keep it: its values are parameters.
    """
    table = model.__table__
    key = table.c[sa.inspect(model).primary_key[0].name]
    if postgresql:
        return sa.select(key).where(key == pk).with_for_update()
    return sa.update(table).where(key == pk).values({touch: table.c[touch]}).returning(key)


def take_row_lock(statement: sa.Executable, params: dict, *, busy: Conflict) -> bool:
    """Run a `row_lock_statement`; whether the row exists. Whatever the caller reads after it in this transaction
    is what others committed before the lock."""
    try:
        return db.session.execute(statement, params).first() is not None
    except sa.exc.OperationalError as exc:
        raise busy from exc


def lock_name(*parts: object) -> None:
    """Serialize, until commit, every transaction that locks the same name (PostgreSQL advisory lock).

    For work keyed by something that has no row yet — "the document delivered under message id X to agency Y":
    a second delivery waits for the first to commit, then finds its document instead of inserting a duplicate.
    SQLite needs nothing: its writers run one at a time.
    """
    session = db.session
    if session.get_bind().dialect.name != "postgresql":
        return
    digest = hashlib.sha256("\x1f".join(map(str, parts)).encode()).digest()
    key = int.from_bytes(digest[:8], "big", signed=True)
    session.execute(sa.select(sa.func.pg_advisory_xact_lock(key)))
