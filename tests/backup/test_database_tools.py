"""PostgreSQL's client tools: found on PATH, not older than the server, and said clearly when they are not."""

import os
import stat

import pytest

from app.backup import database
from app.core.db import db
from tests.conftest import TEST_DB


def fake_tool(folder, name: str, version: str) -> None:
    path = folder / name
    path.write_text(f"#!/bin/sh\necho '{name} (PostgreSQL) {version}'\n")
    path.chmod(path.stat().st_mode | stat.S_IEXEC)


def test_a_missing_pg_dump_is_named_with_the_package_to_install(tmp_path, monkeypatch):
    monkeypatch.setenv("PATH", str(tmp_path))
    with pytest.raises(database.DatabaseToolError) as refused:
        database._tool("pg_dump")
    assert "Không tìm thấy lệnh pg_dump" in refused.value.message and "postgresql-client" in refused.value.message


@pytest.mark.skipif(TEST_DB != "postgresql", reason="compares with a PostgreSQL server's version")
def test_a_pg_dump_older_than_the_server_is_refused(app, tmp_path, monkeypatch):
    fake_tool(tmp_path, "pg_dump", "9.6.24")
    monkeypatch.setenv("PATH", f"{tmp_path}{os.pathsep}{os.environ['PATH']}")
    with app.app_context(), pytest.raises(database.DatabaseToolError) as refused:
        database.checked_tool("pg_dump", db.engine)
    assert "phiên bản 9, cũ hơn máy chủ PostgreSQL" in refused.value.message


def test_the_connection_reaches_the_tools_through_libpq_variables_never_the_command_line():
    url = database.sa.engine.make_url("postgresql+psycopg://qlvb:bí-mật@db.example:5433/qlvb?sslmode=require")
    env = database.libpq_environment(url)
    assert (env["PGHOST"], env["PGPORT"], env["PGUSER"], env["PGDATABASE"]) == ("db.example", "5433", "qlvb", "qlvb")
    assert env["PGPASSWORD"] == "bí-mật" and env["PGSSLMODE"] == "require"
