"""The SQLAlchemy handle, the declarative base and the column types every model uses."""

from contextvars import ContextVar
from datetime import UTC

import sqlalchemy as sa
from flask_sqlalchemy import SQLAlchemy
from sqlalchemy import event
from sqlalchemy.orm import DeclarativeBase

# Stable constraint names, so migrations can drop and alter them on PostgreSQL and SQLite alike.
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class UTCDateTime(sa.types.TypeDecorator):
    """A timezone-aware instant, stored in UTC.

    PostgreSQL keeps it as timestamptz; SQLite has no zone, so the value is stored as naive UTC and
    given its zone back on load. A naive datetime is refused: it is always a bug (whose local time?).
    """

    impl = sa.DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None or value.utcoffset() is None:
            raise ValueError(f"naive datetime {value!r}: store timezone-aware instants only")
        value = value.astimezone(UTC)
        if dialect.name == "sqlite":
            return value.replace(tzinfo=None)
        return value

    def process_result_value(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)


class Base(DeclarativeBase):
    metadata = sa.MetaData(naming_convention=NAMING_CONVENTION)


db = SQLAlchemy(model_class=Base)


# How an SQLite transaction begins. A deferred BEGIN that reads and later writes is refused at once ("database is
# locked", whatever the busy timeout) when another connection committed in between, because its snapshot is stale:
# so a unit of work that may write — `unit_of_work()`, a POST/PUT/PATCH/DELETE request — starts as a writer
# (BEGIN IMMEDIATE) and waits its turn on busy_timeout. Reads outside a unit of work and read-only requests (GET,
# HEAD) begin deferred and run beside the writer (WAL); should such a request write after all and be refused, it is
# run again as a writer (app.core.transaction.retrying).
SQLITE_WRITER = "BEGIN IMMEDIATE"
SQLITE_READER = "BEGIN"
sqlite_begin: ContextVar[str] = ContextVar("qlvb_sqlite_begin", default=SQLITE_READER)

# How long a writer waits for the one SQLite write lock before it gives up: long enough for any one unit of
# work of another user, short enough to answer before a proxy's timeout.
SQLITE_BUSY_TIMEOUT_MS = 15000


def configure_engine(engine: sa.engine.Engine) -> None:
    """Make SQLite behave like a real transactional database for a small agency.

    pysqlite opens transactions lazily and breaks SAVEPOINT; the SQLAlchemy-documented fix takes over BEGIN
    itself, which is also where a unit of work starts as a writer (`sqlite_begin`). Foreign keys are off by
    default in SQLite; WAL lets readers run beside one writer; synchronous=NORMAL is WAL's recommended setting
    (durable at checkpoints, never corrupt).
    """
    if engine.dialect.name != "sqlite":
        return

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection, _record):
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
        if engine.url.database not in (None, "", ":memory:"):
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection):
        connection.exec_driver_sql(sqlite_begin.get())


def is_database_busy(exc: BaseException) -> bool:
    """SQLite refused a lock ("database is locked"/"busy"): the whole unit of work may simply run again."""
    if not isinstance(exc, sa.exc.OperationalError):
        return False
    text = str(exc.orig).lower() if exc.orig is not None else str(exc).lower()
    return "database is locked" in text or "database is busy" in text


def without_jit() -> None:
    """Turn PostgreSQL's JIT compiler off for the rest of the transaction: aggregate queries over many rows (the
    leaders' reports, the designer's heatmap) cross `jit_above_cost`, and compiling then costs more (~300 ms) than it
    saves."""
    if db.session.get_bind().dialect.name == "postgresql":
        db.session.execute(sa.text("SET LOCAL jit = off"))
