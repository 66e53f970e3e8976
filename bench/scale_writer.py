"""Bulk writing for the scale generator: PostgreSQL COPY, SQLite executemany, ids handed out by the generator.

PostgreSQL: COPY through psycopg with the foreign-key triggers off for the session (session_replication_role) and
the secondary indexes of the big tables dropped first and rebuilt once at the end — what a restore does. SQLite:
executemany in one transaction per chunk, synchronous off while loading. Values are adapted as the models' types
store them (UTCDateTime: naive UTC text on SQLite; JSON as text).
"""

import json
from datetime import UTC

import sqlalchemy as sa


class Ids:
    """The next id of each table, starting after what the services wrote."""

    def __init__(self, connection, tables) -> None:
        self.last = {t: connection.execute(sa.text(f"SELECT coalesce(max(id), 0) FROM {t}")).scalar() for t in tables}

    def next(self, table: str) -> int:
        self.last[table] += 1
        return self.last[table]


def _sqlite_instant(value):
    return value.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S.%f") if value is not None else None


def _sqlite_date(value):
    return value.isoformat() if value is not None else None


def _json(value):
    return json.dumps(value, ensure_ascii=False) if value is not None else None


def converters(table: sa.Table, columns: list[str], postgresql: bool) -> list:
    """Per column, the function that turns a Python value into what the driver stores (None: as it is)."""
    found = []
    for name in columns:
        kind = table.c[name].type
        if isinstance(kind, sa.JSON):
            found.append(_json)
        elif postgresql:
            found.append(None)
        elif isinstance(kind, sa.types.TypeDecorator) and isinstance(kind.impl, sa.DateTime):
            found.append(_sqlite_instant)
        elif isinstance(kind, sa.Date):
            found.append(_sqlite_date)
        else:
            found.append(None)
    return found


def _adapt(rows: list[dict], columns: list[str], convert: list):
    pairs = list(zip(columns, convert, strict=True))
    for row in rows:
        yield [f(row[c]) if f is not None else row[c] for c, f in pairs]


class Sink:
    def __init__(self, engine, metadata: sa.MetaData, tables: tuple[str, ...]) -> None:
        self.engine, self.metadata = engine, metadata
        self.postgresql = engine.dialect.name == "postgresql"
        self.tables = tables
        self.raw = engine.raw_connection()
        self.dbapi = self.raw.driver_connection
        self.rows: dict[str, list[dict]] = {}
        self.written: dict[str, int] = {}
        with engine.connect() as connection:
            self.ids = Ids(connection, (*tables, "escalation"))
        self.indexes: list[str] = []

    def add(self, table: str, row: dict) -> None:
        self.rows.setdefault(table, []).append(row)

    def begin_load(self) -> None:
        """Drop the big tables' secondary indexes (kept: primary keys and constraints); loading mode on."""
        cursor = self.dbapi.cursor()
        if self.postgresql:
            cursor.execute(
                "SELECT indexname, indexdef FROM pg_indexes WHERE schemaname = 'public' AND tablename = ANY(%s) "
                "AND indexname NOT IN (SELECT conname FROM pg_constraint)",
                (list(self.tables),),
            )
            found = cursor.fetchall()
            for name, _ in found:
                cursor.execute(f'DROP INDEX "{name}"')
            self.indexes = [ddl for _, ddl in found]
            cursor.execute("SET session_replication_role = replica")  # no FK triggers while loading
        else:
            marks = ",".join("?" * len(self.tables))
            cursor.execute(
                "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL "
                f"AND tbl_name IN ({marks})",
                self.tables,
            )
            found = cursor.fetchall()
            for name, _ in found:
                cursor.execute(f'DROP INDEX "{name}"')
            self.indexes = [ddl for _, ddl in found]
            cursor.execute("PRAGMA synchronous = OFF")
        self.dbapi.commit()

    def flush(self) -> None:
        cursor = self.dbapi.cursor()
        for table, rows in self.rows.items():
            if not rows:
                continue
            columns = list(rows[0])
            convert = converters(self.metadata.tables[table], columns, self.postgresql)
            names = ", ".join(f'"{c}"' for c in columns)
            if self.postgresql:
                with cursor.copy(f"COPY {table} ({names}) FROM STDIN") as copy:
                    for values in _adapt(rows, columns, convert):
                        copy.write_row(values)
            else:
                marks = ", ".join("?" * len(columns))
                cursor.executemany(f"INSERT INTO {table} ({names}) VALUES ({marks})", _adapt(rows, columns, convert))
            self.written[table] = self.written.get(table, 0) + len(rows)
        self.dbapi.commit()
        self.rows = {}

    def execute(self, statement: str, params=None) -> None:
        cursor = self.dbapi.cursor()
        cursor.execute(statement, params or ())
        self.dbapi.commit()

    def end_load(self, log) -> None:
        """Rebuild the dropped indexes; sequences after the ids given; loading mode off."""
        cursor = self.dbapi.cursor()
        if self.postgresql:
            cursor.execute("SET session_replication_role = origin")
            cursor.execute("SET maintenance_work_mem = '512MB'")
        for ddl in self.indexes:
            cursor.execute(ddl)
            self.dbapi.commit()
        if self.postgresql:
            for table in (*self.tables, "escalation"):
                cursor.execute(
                    f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                    f"(SELECT coalesce(max(id), 1) FROM {table}))"
                )
        else:
            cursor.execute("PRAGMA synchronous = FULL")
        self.dbapi.commit()
        log(f"  {len(self.indexes)} indexes rebuilt")

    def close(self) -> None:
        self.raw.close()
