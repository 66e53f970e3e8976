"""Copying the database out and back in, for SQLite and PostgreSQL.

SQLite: the online backup API (`sqlite3.Connection.backup`) copies a consistent snapshot while the server keeps
writing (WAL lets the copy read beside the writer). Restoring replaces the file by a rename, after removing the
old write-ahead log, which SQLite would otherwise replay onto the new file.

PostgreSQL: `pg_dump --format=custom` of the configured database; restoring turns that archive into SQL with
`pg_restore` and runs it through `psql --single-transaction` after dropping the existing tables, so the database
is either wholly the archive's or left as it was. The connection comes from QLVB_DATABASE_URL: host, port, user,
database and sslmode through libpq's environment variables, the password too (never on a command line, where
`ps` would show it).
"""

import contextlib
import os
import re
import shutil
import sqlite3
import subprocess
import threading
from pathlib import Path

import sqlalchemy as sa

from app.core.errors import DomainError

SQLITE, POSTGRESQL = "sqlite", "postgresql"
MEMBER = {SQLITE: "database/qlvb.sqlite3", POSTGRESQL: "database/qlvb.pgdump"}


class DatabaseToolError(DomainError):
    code = "backup_database_tool"
    status = 500


def kind_of(url: sa.engine.URL) -> str:
    backend = url.get_backend_name()
    if backend not in (SQLITE, POSTGRESQL):
        raise DatabaseToolError(f"Không sao lưu được cơ sở dữ liệu loại {backend}.")
    return backend


def sqlite_path(url: sa.engine.URL) -> Path:
    database = url.database or ""
    if not database or database == ":memory:" or database.startswith("file:"):
        raise DatabaseToolError("Cơ sở dữ liệu SQLite trong bộ nhớ không sao lưu được.")
    return Path(database)


def schema_revision_sqlite(path: Path) -> str | None:
    connection = sqlite3.connect(path)
    try:
        row = connection.execute("SELECT version_num FROM alembic_version").fetchone()
    except sqlite3.OperationalError:
        return None
    finally:
        connection.close()
    return row[0] if row else None


def dump_sqlite(url: sa.engine.URL, target: Path) -> None:
    """A consistent copy of the live database in one step (pages=-1): a stepped copy restarts whenever the server
    writes, and on a busy instance might never finish."""
    source = sqlite3.connect(sqlite_path(url), timeout=60)
    copy = sqlite3.connect(target)
    try:
        source.backup(copy, pages=-1)
        copy.execute("PRAGMA journal_mode=DELETE")  # one self-contained file, no -wal beside it
    finally:
        copy.close()
        source.close()


def restore_sqlite(url: sa.engine.URL, staged: Path) -> None:
    """Put the staged copy in the database's place: the old -wal/-shm go first (a stale log replayed onto the new
    file would corrupt it), then the file is swapped by an atomic rename."""
    live = sqlite_path(url)
    check = sqlite3.connect(staged)
    try:
        if check.execute("PRAGMA integrity_check").fetchone()[0] != "ok":
            raise DatabaseToolError("Tệp cơ sở dữ liệu trong bản sao lưu không toàn vẹn (PRAGMA integrity_check).")
    finally:
        check.close()
    live.parent.mkdir(parents=True, exist_ok=True)
    for suffix in ("-wal", "-shm", "-journal"):
        with contextlib.suppress(FileNotFoundError):
            os.unlink(f"{live}{suffix}")
    os.replace(staged, live)


# --- PostgreSQL -------------------------------------------------------------------------------------------

_LIBPQ_QUERY = {"sslmode": "PGSSLMODE", "sslrootcert": "PGSSLROOTCERT", "sslcert": "PGSSLCERT", "sslkey": "PGSSLKEY"}


def libpq_environment(url: sa.engine.URL) -> dict[str, str]:
    env = dict(os.environ)
    for name, value in (
        ("PGHOST", url.host),
        ("PGPORT", url.port),
        ("PGUSER", url.username),
        ("PGPASSWORD", url.password),
        ("PGDATABASE", url.database),
    ):
        if value not in (None, ""):
            env[name] = str(value)
    for key, variable in _LIBPQ_QUERY.items():
        if key in url.query:
            env[variable] = str(url.query[key])
    env.setdefault("PGCONNECT_TIMEOUT", "10")
    return env


def _tool(name: str) -> str:
    found = shutil.which(name)
    if not found:
        raise DatabaseToolError(
            f"Không tìm thấy lệnh {name} trên PATH: hãy cài gói postgresql-client cùng phiên bản với máy chủ "
            f"PostgreSQL (Debian/Ubuntu: apt-get install postgresql-client).",
            details={"tool": name},
        )
    return found


def tool_major(path: str) -> int:
    output = subprocess.run([path, "--version"], capture_output=True, text=True, timeout=30).stdout
    match = re.search(r"(\d+)(?:\.\d+)?", output)
    if not match:
        raise DatabaseToolError(f"Không đọc được phiên bản của {path}: {output.strip()!r}")
    return int(match.group(1))


def server_major(engine: sa.engine.Engine) -> int:
    with engine.connect() as connection:
        return int(connection.execute(sa.text("SHOW server_version_num")).scalar()) // 10000


def checked_tool(name: str, engine: sa.engine.Engine) -> str:
    """The path of pg_dump / pg_restore / psql, refused when older than the server (pg_dump cannot read a newer
    server's catalogue, and a dump made by an older client may miss what the newer server has)."""
    path = _tool(name)
    mine, theirs = tool_major(path), server_major(engine)
    if mine < theirs:
        raise DatabaseToolError(
            f"{name} trên máy này là phiên bản {mine}, cũ hơn máy chủ PostgreSQL {theirs}: hãy cài "
            f"postgresql-client-{theirs} (và đặt nó trước trên PATH).",
            details={"tool": name, "tool_version": str(mine), "server_version": str(theirs)},
        )
    return path


def schema_revision_live(engine: sa.engine.Engine) -> str | None:
    with engine.connect() as connection:
        try:
            return connection.execute(sa.text("SELECT version_num FROM alembic_version")).scalar()
        except sa.exc.DBAPIError:
            return None


def dump_postgresql(engine: sa.engine.Engine, target: Path) -> None:
    pg_dump = checked_tool("pg_dump", engine)
    result = subprocess.run(
        [pg_dump, "--format=custom", "--no-password", f"--file={target}"],
        env=libpq_environment(engine.url),
        capture_output=True,
        text=True,
    )
    if result.returncode != 0:
        raise DatabaseToolError(
            "pg_dump không sao lưu được cơ sở dữ liệu.", details={"stderr": _last_lines(result.stderr)}
        )


def other_sessions(engine: sa.engine.Engine) -> list[str]:
    """Who else is connected to the database (application name and address): a restore needs them gone."""
    query = sa.text(
        "SELECT coalesce(nullif(application_name, ''), '?') || ' (' || coalesce(host(client_addr), 'local') || ')'"
        " FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()"
        " AND backend_type = 'client backend'"
    )
    with engine.connect() as connection:
        return sorted(set(connection.execute(query).scalars()))


def _drop_everything(engine: sa.engine.Engine) -> str:
    """SQL that drops the tables, views and sequences of the schema qlvb uses (the archive recreates them)."""
    with engine.connect() as connection:
        schema = connection.execute(sa.text("SELECT current_schema()")).scalar()
        inspector = sa.inspect(connection)
        tables = inspector.get_table_names(schema=schema)
        views = inspector.get_view_names(schema=schema)
        sequences = inspector.get_sequence_names(schema=schema)

    def quoted(name: str) -> str:
        return '"' + schema.replace('"', '""') + '"."' + name.replace('"', '""') + '"'

    lines = ["SET client_min_messages = warning;"]
    lines += [f"DROP VIEW IF EXISTS {quoted(v)} CASCADE;" for v in views]
    lines += [f"DROP TABLE IF EXISTS {quoted(t)} CASCADE;" for t in tables]
    lines += [f"DROP SEQUENCE IF EXISTS {quoted(s)} CASCADE;" for s in sequences]
    return "\n".join(lines) + "\n"


def restore_postgresql(engine: sa.engine.Engine, dump: Path) -> None:
    """Replace the database's content by the dump, in one transaction: any error leaves the database as it was."""
    pg_restore, psql = checked_tool("pg_restore", engine), checked_tool("psql", engine)
    env = libpq_environment(engine.url)
    prelude = _drop_everything(engine)
    engine.dispose()
    reader = subprocess.Popen(
        [pg_restore, "--no-owner", "--no-acl", "--file=-", str(dump)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=env,
    )
    writer = subprocess.Popen(
        [psql, "--no-password", "--quiet", "--no-psqlrc", "--single-transaction", "-v", "ON_ERROR_STOP=1"],
        stdin=subprocess.PIPE,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        env=env,
    )
    errors: dict[str, bytes] = {}
    with reader, writer:  # closes every pipe, whatever happens
        drain = threading.Thread(target=lambda: errors.setdefault("psql", writer.stderr.read()), daemon=True)
        drain.start()
        try:
            writer.stdin.write(prelude.encode())
            shutil.copyfileobj(reader.stdout, writer.stdin, 1024 * 1024)
        except BrokenPipeError:
            pass  # psql stopped at an error: its message says why
        finally:
            with contextlib.suppress(BrokenPipeError):
                writer.stdin.close()
        restore_error = reader.stderr.read()
        reader_code, writer_code = reader.wait(), writer.wait()
        drain.join()
    if reader_code != 0 or writer_code != 0:
        raise DatabaseToolError(
            "Không nạp được bản sao lưu vào PostgreSQL; cơ sở dữ liệu giữ nguyên như trước.",
            details={
                "pg_restore": _last_lines(restore_error.decode(errors="replace")),
                "psql": _last_lines(errors.get("psql", b"").decode(errors="replace")),
            },
        )


def _last_lines(text: str, count: int = 5) -> str:
    return "\n".join(text.strip().splitlines()[-count:])
