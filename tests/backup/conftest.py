"""A deployment of its own for the backup tests: a fresh database of the kind under test, an instance folder with
its keys, blob store and audit checkpoint — the whole of what a restore replaces, which the per-test savepoint of
tests/conftest.py cannot stand for."""

from dataclasses import dataclass
from pathlib import Path

import flask_migrate
import pytest
import sqlalchemy as sa
from flask import Flask

from app import create_app
from app.config import TestConfig
from app.core.db import db
from tests.conftest import TEST_DB, fresh_database_url


@dataclass
class Deployment:
    app: Flask
    instance: Path

    @property
    def blobs(self) -> Path:
        return Path(self.app.config["BLOB_PATH"])

    def cli(self, *args: str):
        """Run a `qlvb` command through click, as the shell would (its own app context)."""
        return self.app.test_cli_runner().invoke(args=list(args), catch_exceptions=False)

    def tables(self) -> dict[str, list[tuple]]:
        """Every table's rows, in primary-key order, as plain tuples."""
        with self.app.app_context():
            with db.engine.connect() as connection:
                metadata = sa.MetaData()
                metadata.reflect(connection)
                found = {}
                for table in metadata.sorted_tables:
                    order = list(table.primary_key.columns) or list(table.columns)
                    found[table.name] = [tuple(row) for row in connection.execute(sa.select(table).order_by(*order))]
            db.engine.dispose()
        return found

    def close(self) -> None:
        with self.app.app_context():
            db.session.remove()
            db.engine.dispose()

    def blob_bytes(self) -> dict[str, bytes]:
        return {str(p.relative_to(self.blobs)): p.read_bytes() for p in sorted(self.blobs.rglob("*")) if p.is_file()}

    def wipe(self) -> None:
        """Lose the data: drop every table (PostgreSQL) or delete the file (SQLite), delete the stored files and the
        audit checkpoint. The keys stay: they are backed up apart (README, "Sao lưu và phục hồi")."""
        with self.app.app_context():
            url = db.engine.url
            if TEST_DB == "postgresql":
                metadata = sa.MetaData()
                with db.engine.begin() as connection:
                    metadata.reflect(connection)
                    metadata.drop_all(connection)
                    assert sa.inspect(connection).get_table_names() == []
            db.session.remove()
            db.engine.dispose()
        if TEST_DB == "sqlite":
            for suffix in ("", "-wal", "-shm"):
                Path(f"{url.database}{suffix}").unlink(missing_ok=True)
        import shutil

        shutil.rmtree(self.blobs, ignore_errors=True)
        Path(self.app.config["AUDIT_CHECKPOINTS"]).unlink(missing_ok=True)


def make_deployment(tmp: Path, name: str, revision: str = "head") -> Deployment:
    instance = tmp / name
    instance.mkdir()
    app = create_app(TestConfig(fresh_database_url(instance, name), instance))
    app.config["AUDIT_CHECKPOINTS"] = str(instance / "audit-checkpoints.log")
    app.config["BACKUP_PATH"] = str(instance / "backups")
    with app.app_context():
        flask_migrate.upgrade(revision=revision)
        db.engine.dispose()
    return Deployment(app, instance)


@pytest.fixture(scope="module")
def demo_deployment(tmp_path_factory):
    """A deployment filled by the demo loader: agencies, people, signed documents with their PDFs, cases and tasks,
    dossiers, the audit chain."""
    from app.audit.context import origin
    from app.core.transaction import unit_of_work
    from app.demo import load_demo

    deployment = make_deployment(tmp_path_factory.mktemp("backup"), "demo")
    assert deployment.cli("processes", "sync").exit_code == 0
    with deployment.app.app_context(), origin("cli", "qlvb demo"), unit_of_work():
        load_demo()
    with deployment.app.app_context():
        db.session.remove()
        db.engine.dispose()
    yield deployment
    deployment.close()
