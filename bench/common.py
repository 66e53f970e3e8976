"""What the benchmarks share: a fresh database of the kind under test."""

from pathlib import Path

import sqlalchemy as sa


def fresh_database_url(kind: str, folder: Path, pg_url: str) -> str:
    """An empty database: a SQLite file in `folder`, or `pg_url`'s database dropped and created again."""
    if kind == "sqlite":
        return f"sqlite:///{folder / 'bench.sqlite3'}"
    url = sa.engine.make_url(pg_url)
    admin = sa.create_engine(url.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{url.database}" WITH (FORCE)'))
        conn.execute(sa.text(f"CREATE DATABASE \"{url.database}\" TEMPLATE template0 ENCODING 'UTF8'"))
    admin.dispose()
    return url.render_as_string(hide_password=False)
