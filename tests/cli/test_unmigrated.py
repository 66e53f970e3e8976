"""Every command run against a database that was never migrated, or cannot be reached, says what to do."""

import os
import subprocess
import sys

import pytest

from app.config import PROJECT_ROOT

COMMANDS = [
    ["sla", "due", "2026-11-23T09:00", "PT2H"],
    ["audit", "verify"],
    ["demo"],
    ["workflow", "tick"],
    ["processes", "sync"],
    ["scheduler", "--once"],
    ["serve", "--port", "0"],
]


def run(args, env):
    return subprocess.run(
        [sys.executable, "-m", "app", *args], env=env, cwd=PROJECT_ROOT, capture_output=True, text=True, timeout=120
    )


@pytest.mark.parametrize("args", COMMANDS, ids=lambda a: " ".join(a[:2]))
def test_command_on_an_unmigrated_database_exits_2_naming_db_upgrade(args, tmp_path):
    env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "QLVB_INSTANCE_PATH": str(tmp_path)}
    result = run(args, env)
    assert result.returncode == 2, result.stderr[-1500:]
    assert "qlvb db upgrade" in result.stderr and "Traceback" not in result.stderr


def test_command_on_an_unreachable_database_exits_2_without_a_traceback(tmp_path):
    env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "QLVB_INSTANCE_PATH": str(tmp_path),
        "QLVB_DATABASE_URL": "postgresql+psycopg://nobody@127.0.0.1:1/none?connect_timeout=2",
    }
    result = run(["audit", "verify"], env)
    assert result.returncode == 2 and "Không kết nối được cơ sở dữ liệu" in result.stderr
    assert "Traceback" not in result.stderr
