"""What the benchmarks share: a fresh database of the kind under test, a timer of module functions."""

import logging
import os
import tempfile
import time
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


def bench_app(kind: str, pg_url: str, prefix: str):
    """(app, instance folder): qlvb on a fresh database of `kind`, light argon2, quiet logs."""
    os.environ.setdefault("QLVB_SECRET_KEY", "bench-only-secret")
    folder = Path(tempfile.mkdtemp(prefix=prefix))
    os.environ["QLVB_INSTANCE_PATH"] = str(folder)
    os.environ["QLVB_DATABASE_URL"] = fresh_database_url(kind, folder, pg_url)
    os.environ["QLVB_ARGON2_MEMORY_KIB"] = "1024"
    from app import create_app

    app = create_app()
    logging.getLogger().setLevel(logging.WARNING)
    return app, folder


class Timed:
    """Wraps a module function and keeps the duration of every call."""

    def __init__(self, module, name: str) -> None:
        self.module, self.name, self.original, self.samples = module, name, getattr(module, name), []

        def timed(*args, **kwargs):
            start = time.perf_counter()
            try:
                return self.original(*args, **kwargs)
            finally:
                self.samples.append(time.perf_counter() - start)

        setattr(module, name, timed)

    def restore(self) -> None:
        setattr(self.module, self.name, self.original)
