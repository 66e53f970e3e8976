"""A real `qlvb serve` (gunicorn, several workers) on a fresh database, for the benchmarks that go through HTTP.

Only loopback traffic: the server binds 127.0.0.1 on a free port and stops with the benchmark.
"""

import contextlib
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import requests

from bench.common import fresh_database_url
from bench.procstat import cpu_seconds, family

PROJECT_ROOT = Path(__file__).resolve().parent.parent
PG_URL = os.environ.get("QLVB_BENCH_HTTP_DATABASE_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/qlvb_bench_http")


_SERVERS: dict[str, int] = {}  # base URL → the gunicorn master's pid, while it runs


def server_pids(base: str) -> list[int]:
    """The server's processes: the gunicorn master, its workers and the scheduler process it started."""
    return family(_SERVERS[base])


def server_memory_mib(base: str) -> dict[str, float]:
    """The server's memory: PSS (each shared page divided among the processes that map it, so the sum is what
    the server as a whole costs the machine) and RSS (each process counted alone), summed over server_pids, in MiB,
    from /proc/<pid>/smaps_rollup; how many processes that is; and each process's PSS (the master first)."""
    pss = rss = 0
    each: dict[str, float] = {}
    pids = server_pids(base)
    for pid in pids:
        try:
            rollup = Path(f"/proc/{pid}/smaps_rollup").read_text()
        except OSError:
            continue
        for line in rollup.splitlines():
            name, _, value = line.partition(":")
            if name == "Pss":
                pss += int(value.split()[0])
                each[f"{pid} {_process_name(pid)}"] = int(value.split()[0]) / 1024
            elif name == "Rss":
                rss += int(value.split()[0])
    return {"pss": pss / 1024, "rss": rss / 1024, "processes": len(pids), "pss_each": each}


def _process_name(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/comm").read_text().strip()
    except OSError:
        return "?"


def server_cpu_seconds(base: str) -> float:
    """CPU time (user + system) used so far by the server at `base`: its gunicorn master and workers (Linux /proc)."""
    return cpu_seconds(server_pids(base))


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _environment(kind: str, folder: Path) -> dict[str, str]:
    return {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "QLVB_INSTANCE_PATH": str(folder),
        "QLVB_DATABASE_URL": fresh_database_url(kind, folder, PG_URL),
        "QLVB_LOG_LEVEL": "WARNING",
        "QLVB_SECRET_KEY": "bench-secret-key",
        # The benchmark's own choices of the documented settings (argon2 parameters…) reach the server too.
        **{k: v for k, v in os.environ.items() if k.startswith("QLVB_ARGON2_")},
    }


@contextlib.contextmanager
def running_server(
    kind: str,
    setup: Callable[[], object],
    *,
    workers: int | None = None,
    scheduler: bool = False,
    settings: dict[str, str] | None = None,
) -> Iterator[tuple[str, object]]:
    """Yield (base URL, what `setup()` returned): migrate, run `setup` in an app context of the same database,
    then serve with gunicorn until the block ends: `qlvb serve`'s own number of workers unless `workers` is given,
    and with `scheduler` its scheduler process too, as `make run` starts it (QLVB_SCHEDULER=1). `settings`: more
    QLVB_* variables for the server."""
    with tempfile.TemporaryDirectory(prefix="qlvb-bench-") as tmp:
        folder = Path(tmp)
        env = _environment(kind, folder)
        env["QLVB_SCHEDULER"] = "1" if scheduler else "0"
        env.update(settings or {})
        subprocess.run(
            [sys.executable, "-m", "app", "db", "upgrade"], env=env, cwd=PROJECT_ROOT, check=True, capture_output=True
        )
        saved = {k: os.environ.get(k) for k in env}
        os.environ.update(env)
        try:
            from app import create_app
            from app.core.db import db

            app = create_app()
            with app.app_context():
                prepared = setup()
                db.session.remove()
                db.engine.dispose()
        finally:
            for key, value in saved.items():
                if value is None:
                    os.environ.pop(key, None)
                else:
                    os.environ[key] = value
        port = free_port()
        command = [sys.executable, "-m", "app", "serve", "--port", str(port)]
        if workers is not None:
            command += ["--workers", str(workers)]
        server = subprocess.Popen(command, env=env, cwd=PROJECT_ROOT, stdout=subprocess.DEVNULL)
        base = f"http://127.0.0.1:{port}"
        try:
            deadline = time.monotonic() + 180  # a loaded shared machine takes a minute to import the app
            while True:
                try:
                    requests.get(f"{base}/healthz", timeout=2)
                    break
                except requests.ConnectionError:
                    if time.monotonic() > deadline or server.poll() is not None:
                        raise RuntimeError("qlvb serve did not start") from None
                    time.sleep(0.2)
            _SERVERS[base] = server.pid
            yield base, prepared
        finally:
            _SERVERS.pop(base, None)
            server.send_signal(signal.SIGTERM)
            server.wait(timeout=60)


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]
