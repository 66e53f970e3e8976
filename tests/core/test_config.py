"""Settings that shape a production run: each process's connection pool (docs/van-hanh.md §5)."""

import pytest
import sqlalchemy as sa

from app.config import Config
from app.core.db import db


def test_the_pool_of_each_process_follows_its_settings(monkeypatch, tmp_path):
    monkeypatch.setenv("QLVB_INSTANCE_PATH", str(tmp_path))
    monkeypatch.setenv("QLVB_DATABASE_URL", "postgresql+psycopg://qlvb@127.0.0.1/qlvb")
    monkeypatch.setenv("QLVB_DB_POOL_SIZE", "3")
    monkeypatch.setenv("QLVB_DB_MAX_OVERFLOW", "4")
    monkeypatch.setenv("QLVB_DB_POOL_TIMEOUT", "7")
    options = Config().SQLALCHEMY_ENGINE_OPTIONS
    assert options == {
        "pool_pre_ping": True,
        "hide_parameters": True,
        "pool_size": 3,
        "max_overflow": 4,
        "pool_timeout": 7,
    }


def test_defaults_fit_four_workers_and_two_schedulers_under_postgresql_default_max_connections(monkeypatch, tmp_path):
    monkeypatch.setenv("QLVB_INSTANCE_PATH", str(tmp_path))
    monkeypatch.setenv("QLVB_DATABASE_URL", "postgresql+psycopg://qlvb@127.0.0.1/qlvb")
    for name in ("QLVB_DB_POOL_SIZE", "QLVB_DB_MAX_OVERFLOW", "QLVB_DB_POOL_TIMEOUT"):
        monkeypatch.delenv(name, raising=False)
    options = Config().SQLALCHEMY_ENGINE_OPTIONS
    processes, lock_connections = 4 + 2, 2  # the schedulers' advisory-lock sessions are outside their pools
    assert processes * (options["pool_size"] + options["max_overflow"]) + lock_connections < 100


def test_an_in_memory_sqlite_database_gets_no_pool_settings(monkeypatch, tmp_path):
    monkeypatch.setenv("QLVB_INSTANCE_PATH", str(tmp_path))
    monkeypatch.setenv("QLVB_DATABASE_URL", "sqlite://")
    assert Config().SQLALCHEMY_ENGINE_OPTIONS == {"pool_pre_ping": True, "hide_parameters": True}


def test_a_failed_statement_never_logs_its_values(app):
    # A subject, a name or a token digest bound to a failing statement stays out of the error text and the logs.
    with app.app_context():
        with pytest.raises(sa.exc.DBAPIError) as failed:
            db.session.execute(sa.text("SELECT * FROM no_such_table WHERE x = :v"), {"v": "BÍ-MẬT-123"})
        db.session.rollback()
    assert "BÍ-MẬT-123" not in str(failed.value) and "hidden due to hide_parameters" in str(failed.value)
