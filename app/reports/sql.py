"""SQL pieces the reports need that the two databases spell differently: a local calendar date, a duration in
seconds, a percentile. Việt Nam keeps +07:00 all year (no daylight saving), so a fixed offset is exact on SQLite."""

import math

import sqlalchemy as sa
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.functions import FunctionElement

from app.core.db import db


class local_date(FunctionElement):
    """The Việt Nam calendar date of a UTC instant column."""

    type = sa.Date()
    inherit_cache = True


@compiles(local_date, "postgresql")
def _local_date_pg(element, compiler, **kw):
    return f"CAST(({compiler.process(element.clauses, **kw)} AT TIME ZONE 'Asia/Ho_Chi_Minh') AS DATE)"


@compiles(local_date, "sqlite")
def _local_date_sqlite(element, compiler, **kw):
    return f"date({compiler.process(element.clauses, **kw)}, '+7 hours')"


class seconds_between(FunctionElement):
    """Seconds from the first instant column to the second."""

    type = sa.Float()
    inherit_cache = True


@compiles(seconds_between, "postgresql")
def _seconds_pg(element, compiler, **kw):
    start, end = list(element.clauses)
    return f"EXTRACT(EPOCH FROM ({compiler.process(end, **kw)} - {compiler.process(start, **kw)}))"


@compiles(seconds_between, "sqlite")
def _seconds_sqlite(element, compiler, **kw):
    start, end = list(element.clauses)
    return f"((julianday({compiler.process(end, **kw)}) - julianday({compiler.process(start, **kw)})) * 86400.0)"


class weeks_since(FunctionElement):
    """Whole weeks from the second instant (a bound origin) to the first instant column."""

    type = sa.Integer()
    inherit_cache = True


@compiles(weeks_since, "postgresql")
def _weeks_pg(element, compiler, **kw):
    column, origin = (compiler.process(clause, **kw) for clause in element.clauses)
    return f"CAST(floor(EXTRACT(EPOCH FROM ({column} - {origin})) / 604800) AS INTEGER)"


@compiles(weeks_since, "sqlite")
def _weeks_sqlite(element, compiler, **kw):
    column, origin = (compiler.process(clause, **kw) for clause in element.clauses)
    return f"CAST((julianday({column}) - julianday({origin})) / 7 AS INTEGER)"


def percentile(column, conditions, fraction: float = 0.9) -> float | None:
    """The nearest-rank percentile of `column` over the rows matching `conditions` (None when there are none).

    PostgreSQL computes it in one aggregate (percentile_disc); SQLite has none, so the value at the rank is read
    with ORDER BY … OFFSET. Both give the same nearest-rank value.
    """
    where = [*conditions, column.is_not(None)]
    if db.session.get_bind().dialect.name == "postgresql":
        query = sa.select(sa.func.percentile_disc(fraction).within_group(column)).where(*where)
        value = db.session.scalar(query)
        return float(value) if value is not None else None
    count = db.session.scalar(sa.select(sa.func.count()).select_from(column.table).where(*where))
    if not count:
        return None
    rank = max(math.ceil(fraction * count), 1)
    value = db.session.scalar(sa.select(column).where(*where).order_by(column).offset(rank - 1).limit(1))
    return float(value)
