"""`make run`'s path — `qlvb serve` with several gunicorn workers and the scheduler on — answers every request.

A scheduler thread inside the gunicorn master once left forked workers with a lock held (SQLAlchemy's mapper
configuration): some requests hung for good, others died in a RecursionError, on most starts. Ten starts in a
row, each hit by parallel requests that go through the ORM, prove the path is sound.
"""

import os
import signal
import socket
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor

import pytest
import requests

from app.config import PROJECT_ROOT
from app.serving import SCHEDULER_PROCESS_NAME
from tests.conftest import fresh_database_url

STARTS = 10
PARALLEL = 24


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="module")
def environment(tmp_path_factory):
    instance = tmp_path_factory.mktemp("serve")
    env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "QLVB_INSTANCE_PATH": str(instance),
        "QLVB_DATABASE_URL": fresh_database_url(instance, "serve"),  # the database under test
        "QLVB_SCHEDULER": "1",
        "QLVB_SCHEDULER_POLL_SECONDS": "1",
        "QLVB_LOG_LEVEL": "WARNING",
    }
    subprocess.run(
        [sys.executable, "-m", "app", "db", "upgrade"],
        env=env,
        cwd=PROJECT_ROOT,
        check=True,
        capture_output=True,
        timeout=120,
    )
    return env


def wait_for(port: int, process: subprocess.Popen, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        assert process.poll() is None, "qlvb serve exited"
        try:
            requests.get(f"http://127.0.0.1:{port}/healthz", timeout=2)
            return
        except requests.ConnectionError:
            time.sleep(0.1)
    raise AssertionError("qlvb serve did not start")


def hit(port: int, n: int) -> int:
    # A bearer token lookup goes through the ORM (mappers, the pool), as every real request does.
    path = "/api/v1/tasks" if n % 2 else "/login"
    headers = {"Authorization": "Bearer not-a-token"} if n % 2 else {}
    return requests.get(f"http://127.0.0.1:{port}{path}", headers=headers, timeout=10).status_code


def scheduler_children(master_pid: int) -> list[int]:
    """The master's children named as the scheduler process names itself (app.serving: forked, not exec'd)."""
    result = subprocess.run(["ps", "-o", "pid=,comm=", "--ppid", str(master_pid)], capture_output=True, text=True)
    name = SCHEDULER_PROCESS_NAME.decode()
    return [int(line.split()[0]) for line in result.stdout.splitlines() if line.split()[1:] == [name]]


def running(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True


def test_serve_with_workers_and_scheduler_answers_every_request_on_ten_starts(environment):
    for start in range(STARTS):
        port = free_port()
        command = [sys.executable, "-m", "app", "serve", "--port", str(port), "--workers", "3"]
        process = subprocess.Popen(
            command, env=environment, cwd=PROJECT_ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
        )
        try:
            wait_for(port, process)
            with ThreadPoolExecutor(PARALLEL) as pool:
                statuses = list(pool.map(hit, [port] * PARALLEL * 2, range(PARALLEL * 2)))
            assert all(status in (200, 401) for status in statuses), f"start {start + 1}: {statuses}"
            schedulers = scheduler_children(process.pid)
            assert len(schedulers) == 1, "the scheduler runs in one process of its own"
        finally:
            process.send_signal(signal.SIGTERM)
            process.wait(timeout=90)
        assert not running(schedulers[0]), "the scheduler stops with the server"


def test_two_servers_of_one_user_keep_their_own_control_socket(environment, tmp_path):
    # gunicorn ≥ 25 puts its control socket in ~/.gunicorn by default: two instances of one user shared it, and the
    # first to stop unlinked the other's. Each now keeps it in its instance folder.
    home = tmp_path / "home"
    home.mkdir()
    servers = []
    try:
        for name in ("a", "b"):
            instance = tmp_path / name
            env = {**environment, "HOME": str(home), "QLVB_INSTANCE_PATH": str(instance), "QLVB_SCHEDULER": "0"}
            port = free_port()
            command = [sys.executable, "-m", "app", "serve", "--port", str(port), "--workers", "1"]
            process = subprocess.Popen(
                command, env=env, cwd=PROJECT_ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
            )
            servers.append((process, instance / "gunicorn.ctl"))
            wait_for(port, process, seconds=180)  # a busy machine starts gunicorn slowly
        deadline = time.monotonic() + 10
        while not all(sock.is_socket() for _, sock in servers) and time.monotonic() < deadline:
            time.sleep(0.1)
        assert all(sock.is_socket() for _, sock in servers)
        assert not (home / ".gunicorn").exists()

        first, first_socket = servers[0]
        first.send_signal(signal.SIGTERM)
        first.wait(timeout=60)
        assert not first_socket.exists()
        assert servers[1][1].is_socket(), "stopping one server leaves the other's control socket alone"
    finally:
        for process, _ in servers:
            if process.poll() is None:
                process.send_signal(signal.SIGTERM)
                process.wait(timeout=60)
