"""The production run under load: 100 people at once through nginx (TLS) to `qlvb serve --workers 4` on PostgreSQL,
with two `qlvb scheduler` processes beside it (one leads), for a bounded time.

    .venv/bin/python -m bench.load [--users 100] [--seconds 120] [--ramp 30] [--think 3] [--direct] [--workers 4]

The nginx configuration is the one docs/van-hanh.md §4 documents, read from that file (only the paths, ports and
certificate change; the certificate is self-signed, made here). Without nginx (`--direct`, or no nginx installed)
the clients go straight to gunicorn. Data: `--users` people over four agencies (over the demo's with `--demo`, which
also brings its history and dossiers), each a clerk and a leader of their agency. Each person arrives (evenly over
`--ramp` seconds), signs in (the page, with its CSRF token, and an API token) then, until the time is up, does the
main paths in turn with `--think` seconds (±50 %) between steps: dashboard, search, the leaders' report dashboard,
one static file, inbox, receive an incoming document (POST /api/v1/incoming with a PDF), open its page and its PDF,
then for its check and registration tasks: the document's tasks (API), the task's page, complete it. Prints
requests/s, the server's CPU time per request (gunicorn, nginx, the PostgreSQL backends: what the mix costs whatever
else runs), the number of errors (any answer other than the expected one, timeouts included) and p50/p95/p99 per
path, and the peak of PostgreSQL connections of the run.
Loopback only; bounded by --seconds (plus the sign-in and the last step of each person).
"""

import argparse
import contextlib
import io
import json
import os
import random
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter, defaultdict
from datetime import UTC, datetime
from pathlib import Path

import requests
import sqlalchemy as sa

from bench.common import fresh_database_url
from bench.server import free_port, percentile

PROJECT_ROOT = Path(__file__).resolve().parent.parent
PG_URL = os.environ.get("QLVB_BENCH_LOAD_DATABASE_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/qlvb_bench_load")
PASSWORD = "Bench-Password-1"
CSRF = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"|name="csrf_token" value="([^"]+)"')
WORDS = ("Kiên Giang", "công văn", "kế hoạch", "báo cáo", "ngân sách", "tổ chức")


# --- the deployment ------------------------------------------------------------------------------------------


def documented_nginx_site() -> str:
    """The nginx site of docs/van-hanh.md §4: the first ```nginx block after its heading."""
    text = (PROJECT_ROOT / "docs" / "van-hanh.md").read_text(encoding="utf-8")
    section = text[text.index("## 4. nginx") :]
    return section.split("```nginx\n", 1)[1].split("```", 1)[0]


def nginx_config(folder: Path, https_port: int, http_port: int, upstream_port: int) -> Path:
    """A whole nginx.conf around the documented site: same directives, local paths and loopback ports."""
    ssl = folder / "ssl"
    ssl.mkdir(parents=True)
    subprocess.run(
        [
            *("openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-subj", "/CN=127.0.0.1"),
            *("-addext", "subjectAltName=IP:127.0.0.1,DNS:localhost"),
            *("-keyout", str(ssl / "privkey.pem"), "-out", str(ssl / "fullchain.pem")),
        ],
        check=True,
        capture_output=True,
    )
    site = documented_nginx_site()
    for documented, local in (
        ("listen 443 ssl http2;", f"listen 127.0.0.1:{https_port} ssl http2;"),
        ("listen 80;", f"listen 127.0.0.1:{http_port};"),
        ("/etc/ssl/qlvb/", f"{ssl}/"),
        ("/opt/qlvb/", f"{PROJECT_ROOT}/"),
        ("127.0.0.1:5000", f"127.0.0.1:{upstream_port}"),
        ("/var/log/nginx/", f"{folder}/"),
    ):
        assert documented in site, f"docs/van-hanh.md's nginx site lost {documented!r}"
        site = site.replace(documented, local)
    for temp in ("body", "proxy", "fastcgi", "uwsgi", "scgi"):
        (folder / temp).mkdir(mode=0o777)
        (folder / temp).chmod(0o777)  # nginx's workers run as nobody when the master is root
    folder.chmod(0o755)
    conf = folder / "nginx.conf"
    conf.write_text(
        f"worker_processes auto;\npid {folder}/nginx.pid;\nerror_log {folder}/error.log warn;\n"
        "events { worker_connections 1024; }\n"
        "http {\n  include /etc/nginx/mime.types;\n  default_type application/octet-stream;\n  sendfile on;\n"
        + "".join(f"  {temp}_temp_path {folder}/{temp};\n" for temp in ("fastcgi", "uwsgi", "scgi", "proxy"))
        + f"  client_body_temp_path {folder}/body;\n{site}}}\n"
    )
    return conf


def environment(folder: Path, workers: int, behind_proxy: bool) -> dict[str, str]:
    return {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "HOME": str(folder),
        "QLVB_INSTANCE_PATH": str(folder / "instance"),
        "QLVB_DATABASE_URL": fresh_database_url("postgresql", folder, PG_URL),
        "QLVB_LOG_LEVEL": "WARNING",
        "QLVB_SECRET_KEY": "bench-secret-key",
        "QLVB_WORKERS": str(workers),
        "QLVB_SCHEDULER": "0",  # the two schedulers run as processes of their own, as under systemd
        "QLVB_TRUSTED_PROXIES": "1" if behind_proxy else "0",
        "QLVB_COOKIE_SECURE": "true" if behind_proxy else "auto",
        **{k: v for k, v in os.environ.items() if k.startswith(("QLVB_ARGON2_", "QLVB_DB_"))},
    }


def prepare(env: dict[str, str], users: int, demo: bool) -> list[str]:
    """Migrate, load the processes (and the demo with `demo`), add `users` people over four agencies (the demo's
    with `demo`); their usernames."""
    commands = [["db", "upgrade"], ["processes", "sync"]] + ([["demo"]] if demo else [])
    for command in commands:
        subprocess.run(
            [sys.executable, "-m", "app", *command], env=env, cwd=PROJECT_ROOT, check=True, capture_output=True
        )
    subprocess.run(
        [sys.executable, "-c", PEOPLE, str(users), PASSWORD], env=env, cwd=PROJECT_ROOT, check=True, timeout=600
    )
    return [f"tai{n}" for n in range(users)]


# Run in a process of its own, with the server's environment: people spread over the agencies, each a clerk and a
# leader of theirs (so every path — registering, completing, the leaders' reports — is open to everyone).
PEOPLE = """
import sys
from app import create_app
from app.core.db import db
from app.core.transaction import unit_of_work
from app.org import services as org
from app.org.models import Agency

users, password = int(sys.argv[1]), sys.argv[2]
with create_app().app_context(), unit_of_work():
    agencies = db.session.query(Agency).order_by(Agency.id).all() or [
        org.create_agency(None, code=f"000.00.{n:02}.H33", name=f"Sở thử tải {n}", abbreviation=f"STT{n}")
        for n in range(4)
    ]
    for n in range(users):
        org.create_user(
            None, username=f"tai{n}", full_name=f"Người dùng tải {n}", password=password,
            agency_id=agencies[n % len(agencies)].id, roles=["van_thu", "lanh_dao"],
        )
"""


def wait_until_up(url: str, processes: list[subprocess.Popen], verify) -> None:
    deadline = time.monotonic() + 300  # a busy machine starts 4 workers and 2 schedulers slowly
    while True:
        try:
            requests.get(url, timeout=5, verify=verify).raise_for_status()
            return
        except requests.RequestException:
            exited = [(p.args, p.returncode) for p in processes if p.poll() is not None]
            if time.monotonic() > deadline or exited:
                raise RuntimeError(f"{url} did not come up; exited: {exited}") from None
            time.sleep(0.3)


# --- one person ----------------------------------------------------------------------------------------------


class TimeUp(Exception):
    """The run's time is over: a person stops before their next request."""


class Stats:
    def __init__(self, stop_at: float) -> None:
        self.stop_at = stop_at
        self.lock = threading.Lock()
        self.timings: dict[str, list[float]] = defaultdict(list)
        self.errors: Counter = Counter()
        self.samples: list[str] = []

    def call(self, path: str, session: requests.Session, method: str, url: str, expect: int, **kwargs):
        if time.monotonic() > self.stop_at and not path.startswith("sign in"):
            raise TimeUp
        started = time.perf_counter()
        try:
            response = session.request(method, url, timeout=60, allow_redirects=False, **kwargs)
            status = response.status_code
        except requests.RequestException as exc:
            response, status = None, f"{type(exc).__name__}: {str(exc)[-160:]}"
        elapsed = (time.perf_counter() - started) * 1000
        with self.lock:
            self.timings[path].append(elapsed)
            if status != expect:
                self.errors[f"{path}: {status}"] += 1
                if len(self.samples) < 10:
                    self.samples.append(f"{path} {method} {url} → {status} {response.text[:300] if response else ''}")
        return response if status == expect else None


def person(base: str, verify, username: str, pdf: bytes, think: float, arrival: float, stats: Stats, start) -> None:
    with contextlib.suppress(TimeUp):
        steps(base, verify, username, pdf, think, arrival, stats, start)


def steps(base: str, verify, username: str, pdf: bytes, think: float, arrival: float, stats: Stats, start) -> None:
    web, api = requests.Session(), requests.Session()
    for session in (web, api):
        # Our certificate, loopback only: no CA bundle or proxy from the environment (REQUESTS_CA_BUNDLE would
        # override Session.verify).
        session.trust_env, session.verify = False, verify
    web.headers["Referer"] = f"{base}/login"  # a browser sends it; Flask-WTF checks it over HTTPS
    start.wait()
    time.sleep(arrival)  # people arrive over the ramp-up, not all in the same second

    def pause():
        time.sleep(think * random.uniform(0.5, 1.5))

    page = stats.call("sign in: GET /login", web, "GET", f"{base}/login", 200)
    if page is None:
        return
    match = CSRF.search(page.text)
    form = {"username": username, "password": PASSWORD, "csrf_token": match.group(1) or match.group(2)}
    if stats.call("sign in: POST /login", web, "POST", f"{base}/login", 302, data=form) is None:
        return
    token = stats.call(
        "sign in: POST /api/v1/tokens",
        api,
        "POST",
        f"{base}/api/v1/tokens",
        201,
        json={"username": username, "password": PASSWORD, "name": "tải"},
    )
    if token is None:
        return
    api.headers["Authorization"] = f"Bearer {token.json()['token']}"
    n = 0
    while True:
        n += 1
        pause()
        stats.call("dashboard GET /", web, "GET", f"{base}/", 200)
        pause()
        stats.call("search GET /search", web, "GET", f"{base}/search", 200, params={"q": random.choice(WORDS)})
        pause()
        stats.call("reports GET /reports/dashboard", web, "GET", f"{base}/reports/dashboard", 200)
        stats.call("static GET /static/…", web, "GET", f"{base}/static/vendor/bootstrap/bootstrap.min.css", 200)
        pause()
        stats.call("inbox GET /tasks", web, "GET", f"{base}/tasks", 200)
        pause()
        metadata = {
            "channel": "paper",
            "sender_name": "Sở Tài chính tỉnh Kiên Giang",
            "type_name": "Công văn",
            "subject": f"Công văn {n} về kế hoạch ngân sách, {username}",
            "code_number": str(n),
            "code_notation": f"STC-{username}",
            "issued_date": "2026-11-20",
        }
        received = stats.call(
            "receive POST /api/v1/incoming",
            api,
            "POST",
            f"{base}/api/v1/incoming",
            201,
            data={"metadata": json.dumps(metadata)},
            files={"files": ("cong-van.pdf", io.BytesIO(pdf), "application/pdf")},
        )
        if received is None:
            continue
        document = received.json()
        pause()
        stats.call("document GET /incoming/<id>", web, "GET", f"{base}/incoming/{document['id']}", 200)
        pause()
        file_id = document["files"][0]["id"]
        stats.call(
            "PDF GET /incoming/<id>/files/<id>", web, "GET", f"{base}/incoming/{document['id']}/files/{file_id}", 200
        )
        for step, outcome, data in (
            ("check_document", "tiep_nhan", {}),
            ("register_document", None, {k: metadata[k] for k in ("sender_name", "type_name", "subject")}),
        ):
            detail = stats.call(
                "open GET /api/v1/incoming/<id>", api, "GET", f"{base}/api/v1/incoming/{document['id']}", 200
            )
            tasks = [
                t
                for t in (detail.json()["tasks"] if detail else [])
                if t["task_name"] == step and t["state"] in ("ready", "claimed")
            ]
            if not tasks:
                with stats.lock:
                    stats.errors[f"{step}: task not found"] += 1
                break
            pause()
            stats.call("open task GET /tasks/<id>", web, "GET", f"{base}/tasks/{tasks[0]['id']}", 200)
            pause()
            done = stats.call(
                "complete POST /api/v1/tasks/<id>/complete",
                api,
                "POST",
                f"{base}/api/v1/tasks/{tasks[0]['id']}/complete",
                200,
                json={"data": data, "outcome": outcome},
            )
            if done is None:
                break


def cpu_ticks(pid: int) -> int:
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0
    return int(fields[11]) + int(fields[12])  # utime, stime


def tree_cpu_seconds(root: int) -> float:
    """CPU time used so far by `root` and its children (gunicorn's master and workers, nginx's)."""
    pids = [root]
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            if int(stat.read_text().rsplit(")", 1)[1].split()[1]) == root:
                pids.append(int(stat.parent.name))
        except (OSError, ValueError, IndexError):
            continue
    return sum(cpu_ticks(pid) for pid in pids) / os.sysconf("SC_CLK_TCK")


class DatabaseSampler(threading.Thread):
    """Every half second: the number of PostgreSQL connections to the database, and the CPU time of their server
    processes (read from /proc: the server runs on this machine), so the peak and the total can be reported."""

    def __init__(self, url: str) -> None:
        super().__init__(daemon=True)
        self.url, self.stop, self.peak, self.ticks, self.baseline = url, threading.Event(), 0, {}, None

    def run(self) -> None:
        engine = sa.create_engine(self.url, poolclass=sa.pool.NullPool)
        database = sa.engine.make_url(self.url).database
        while not self.stop.wait(0.5):
            with engine.connect() as conn:
                pids = conn.scalars(
                    sa.text("SELECT pid FROM pg_stat_activity WHERE datname = :db AND pid <> pg_backend_pid()"),
                    {"db": database},
                ).all()
            self.peak = max(self.peak, len(pids))
            for pid in pids:
                self.ticks[pid] = max(self.ticks.get(pid, 0), cpu_ticks(pid))
            if self.baseline is None:  # what the connections open before the run had used already
                self.baseline = sum(self.ticks.values())
        engine.dispose()

    def cpu_seconds(self) -> float:
        return (sum(self.ticks.values()) - (self.baseline or 0)) / os.sysconf("SC_CLK_TCK")


# --- the run -------------------------------------------------------------------------------------------------


def run(args) -> None:
    nginx = shutil.which("nginx") or ("/usr/sbin/nginx" if Path("/usr/sbin/nginx").exists() else None)
    behind_proxy = nginx is not None and not args.direct
    from tests.signing.factories import make_pdf

    pdf = make_pdf("Cong van (kiem thu tai)")
    children: list[subprocess.Popen] = []
    finished = False
    with tempfile.TemporaryDirectory(prefix="qlvb-load-") as tmp:
        folder = Path(tmp)
        env = environment(folder, args.workers, behind_proxy)
        started = time.perf_counter()
        usernames = prepare(env, args.users, args.demo)
        print(f"data ready in {time.perf_counter() - started:.0f} s ({args.users} people)", flush=True)
        try:
            port = free_port()
            log = open(folder / "serve.log", "wb")  # noqa: SIM115 — closed with the folder
            children.append(
                subprocess.Popen(
                    [sys.executable, "-m", "app", "serve", "--port", str(port)],
                    env=env,
                    cwd=PROJECT_ROOT,
                    stdout=subprocess.DEVNULL,
                    stderr=log,
                )
            )
            for _ in range(2):
                children.append(
                    subprocess.Popen(
                        [sys.executable, "-m", "app", "scheduler"],
                        env=env,
                        cwd=PROJECT_ROOT,
                        stdout=subprocess.DEVNULL,
                        stderr=log,
                    )
                )
            base, verify = f"http://127.0.0.1:{port}", True
            wait_until_up(f"{base}/healthz", children, verify)
            if behind_proxy:
                https_port = free_port()
                conf = nginx_config(folder / "nginx", https_port, free_port(), port)
                subprocess.run([nginx, "-t", "-c", str(conf)], check=True, capture_output=True)
                children.append(subprocess.Popen([nginx, "-c", str(conf), "-g", "daemon off;"]))
                base, verify = f"https://127.0.0.1:{https_port}", str(folder / "nginx" / "ssl" / "fullchain.pem")
                wait_until_up(f"{base}/healthz", children, verify)
                hsts = requests.get(f"{base}/login", verify=verify, timeout=10).headers.get("Strict-Transport-Security")
                assert hsts, "the documented nginx site sends HSTS"
            start = threading.Event()
            stats = Stats(time.monotonic() + args.seconds)
            sampler = DatabaseSampler(env["QLVB_DATABASE_URL"])
            sampler.start()
            proxy = children[-1].pid if behind_proxy else None
            cpu_before = (tree_cpu_seconds(children[0].pid), tree_cpu_seconds(proxy) if proxy else 0.0)
            threads = [
                threading.Thread(
                    target=person,
                    args=(base, verify, name, pdf, args.think, n * args.ramp / len(usernames), stats, start),
                    daemon=True,
                )
                for n, name in enumerate(usernames)
            ]
            for thread in threads:
                thread.start()
            began = time.perf_counter()
            start.set()
            deadline = time.monotonic() + args.seconds + 120  # the requests under way finish (60 s timeout each)
            for thread in threads:
                thread.join(timeout=max(0, deadline - time.monotonic()))
            elapsed = time.perf_counter() - began
            sampler.stop.set()
            sampler.join()
            cpu = {
                "gunicorn": tree_cpu_seconds(children[0].pid) - cpu_before[0],
                "nginx": tree_cpu_seconds(proxy) - cpu_before[1] if proxy else 0.0,
                "PostgreSQL": sampler.cpu_seconds(),
            }
            report(args, behind_proxy, stats, elapsed, sampler.peak, cpu)
            finished = True
        finally:
            for child in reversed(children):
                if child.poll() is None:
                    child.send_signal(signal.SIGQUIT if child.args[0] == nginx else signal.SIGTERM)
            for child in children:
                try:
                    child.wait(timeout=90)
                except subprocess.TimeoutExpired:
                    child.kill()
            errors = (folder / "serve.log").read_text(errors="replace") if (folder / "serve.log").exists() else ""
            tracebacks = errors.count("Traceback")
            if tracebacks or not finished:
                print(
                    f"\nserver log: {tracebacks} traceback(s); the first:\n{errors[errors.index('Traceback') :][:3000]}"
                )


def report(args, behind_proxy: bool, stats: Stats, elapsed: float, peak: int, cpu: dict[str, float]) -> None:
    total = sum(len(v) for v in stats.timings.values())
    errors = sum(stats.errors.values())
    print(
        f"\nqlvb load test — {datetime.now(UTC):%Y-%m-%d %H:%M} UTC, {os.cpu_count()} cores, Python "
        f"{sys.version.split()[0]}; {'nginx (TLS, docs/van-hanh.md §4) → ' if behind_proxy else ''}gunicorn "
        f"{args.workers} workers × 4 threads + 2 schedulers, PostgreSQL; {args.users} users, think "
        f"{args.think:g} s, arriving over {args.ramp:g} s, {args.seconds} s"
    )
    print(
        f"{total} requests in {elapsed:.1f} s = {total / elapsed:.1f} requests/s; {errors} errors; peak "
        f"{peak} PostgreSQL connections"
    )
    # CPU time per request barely moves with other load on the machine, unlike wall-clock figures: what the same
    # mix costs, and so how many requests/s the machine's cores could serve when nothing else runs.
    per_request = {name: seconds * 1000 / max(total, 1) for name, seconds in cpu.items()}
    print(
        "server CPU per request: "
        + ", ".join(f"{name} {ms:.1f} ms" for name, ms in per_request.items())
        + f" = {sum(per_request.values()):.1f} ms → at most {os.cpu_count() * 1000 / sum(per_request.values()):.0f}"
        f" requests/s on {os.cpu_count()} idle cores"
    )
    for key, count in sorted(stats.errors.items()):
        print(f"  {count} × {key}")
    for sample in stats.samples:
        print(f"  e.g. {sample}")
    print(f"  {'path':<44} {'n':>6} {'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>8}")
    for path, values in stats.timings.items():
        print(
            f"  {path:<44} {len(values):>6} {percentile(values, 50):>8.0f} {percentile(values, 95):>8.0f} "
            f"{percentile(values, 99):>8.0f}"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--users", type=int, default=100)
    parser.add_argument("--seconds", type=int, default=120)
    parser.add_argument("--think", type=float, default=3.0, help="seconds between a person's steps (±50 %%)")
    parser.add_argument("--ramp", type=float, default=30, help="seconds over which the people arrive and sign in")
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--demo", action="store_true", help="load the demo data first (minutes on a busy machine)")
    parser.add_argument("--direct", action="store_true", help="straight to gunicorn, without nginx")
    args = parser.parse_args()
    os.environ.setdefault("QLVB_ARGON2_TIME_COST", "3")  # the documented production parameters
    os.environ.setdefault("QLVB_ARGON2_MEMORY_KIB", "65536")
    run(args)


if __name__ == "__main__":
    main()
