"""Request overhead over HTTP: whole cases through the REST API of a real `qlvb serve`.

    .venv/bin/python -m bench.http [--db sqlite|postgresql|both] [--scenario one_step,incoming,floor] [--cases 300]
                                   [--clients 1,4] [--workers N] [--scheduler] [--client lean|requests]

Scenario `one_step` (the comparison with SpiffArena's create → complete one user task): a case is four calls, each
with a bearer token, as a client program makes them: start `bench_one_step` (POST /processes/…/start), find its
task in the inbox (GET /tasks), open it (GET /tasks/{id}: form and values), complete it (POST /tasks/{id}/complete).

Scenario `floor` (the ceiling of the stack): a case is four calls of GET /api/v1/me, the cheapest authenticated
call (the token check and the person's own record, no write): no case of four calls can go faster than this.

Scenario `incoming` (the incoming procedure, NĐ 30/2020 Điều 20–24): the clerk receives a paper document with its
scanned PDF (POST /incoming, multipart), then four tasks each found in its holder's inbox, opened and completed:
the clerk accepts it (check_document), registers it with the next số đến (register_document), the leader directs it
to a named specialist of a unit (direct_handling), the specialist handles it (handle_document): 13 calls, 3 users.

Every client thread has its own users and tokens (its own agency in `incoming`), each user on its own keep-alive
connection; the server is `qlvb serve` with its own default number of workers unless --workers is given, without
the scheduler process unless --scheduler (as `make run` starts it). Prints cases/s, the server's CPU time per case
(its gunicorn processes, from /proc; the database server's own work is not in it), p50/p95 per call, the number of
errors (any answer other than the expected one) and the server's memory after the run (PSS and RSS summed over its
processes, /proc/<pid>/smaps_rollup) and the client's own CPU time per case. The client is bench/leanhttp.py
(http.client, keep-alive) unless `--client requests` (the figures recorded before 2026-12-08): with one client
calling in turn its own time adds to each case, and `requests` took 3.3 of a SQLite case's 17.7 ms. Loopback only;
bounded.

Wall-clock figures move with whatever else the machine runs; the CPU time per case barely does, so compare two
versions by it when the machine is shared. PostgreSQL uses the database of QLVB_BENCH_HTTP_DATABASE_URL
(default `qlvb_bench_http`, dropped and created again): give each concurrent user of a server their own.
"""

import argparse
import io
import json
import os
import statistics
import sys
import threading
import time
from datetime import UTC, datetime
from pathlib import Path

import requests

from bench import leanhttp
from bench.server import percentile, running_server, server_cpu_seconds, server_memory_mib

HERE = Path(__file__).resolve().parent
CALLS = {
    "one_step": ("start", "inbox", "open", "complete"),
    "incoming": ("receive", "inbox", "open", "check", "register", "direct", "handle"),
    "floor": ("me",),
}
PASSWORD = "Bench-Password-1"
CLOCK = time.perf_counter  # what a call's time is measured by (bench/inprocess.py: the process's CPU time)


def setup_one_step(clients: int) -> list[tuple]:
    from app.core.transaction import unit_of_work
    from app.org import services as org
    from app.org.auth import create_api_token
    from app.workflow.definitions import deploy, referenced_forms
    from app.workflow.forms import load_form_file

    with unit_of_work():
        agency = org.create_agency(None, code="000.00.00.H33", name="UBND tỉnh Kiên Giang", abbreviation="UBND")
        xml = (HERE / "data" / "bench_one_step.bpmn").read_text(encoding="utf-8")
        forms = referenced_forms(xml, lambda key: load_form_file(key, HERE / "data" / "forms"))
        deploy(None, xml, "bench_one_step.bpmn", forms=forms)
        tokens = []
        for n in range(clients):
            user = org.create_user(
                None,
                username=f"vanthu{n}",
                full_name=f"Văn thư {n}",
                password=PASSWORD,
                agency_id=agency.id,
                roles=["van_thu"],
            )
            tokens.append((user.id, create_api_token(user, name="bench")[1]))
    return tokens


def setup_incoming(clients: int) -> list[tuple]:
    """Per client its own agency: a clerk, a leader, a unit and a specialist in it; the shipped processes."""
    from app.core.transaction import unit_of_work
    from app.org import services as org
    from app.org.auth import create_api_token
    from app.workflow.definitions import sync_processes

    with unit_of_work():
        sync_processes()
        people = []
        for n in range(clients):
            agency = org.create_agency(
                None, code=f"000.00.{n:02d}.H33", name=f"UBND huyện thử {n}", abbreviation=f"UBND{n}"
            )
            unit = org.create_unit(None, agency_id=agency.id, name="Phòng Tổng hợp", abbreviation="TH")

            def person(username, role, unit_id=None, agency_id=agency.id, n=n):
                user = org.create_user(
                    None,
                    username=f"{username}{n}",
                    full_name=f"{username} {n}",
                    password=PASSWORD,
                    agency_id=agency_id,
                    unit_id=unit_id,
                    roles=[role],
                )
                return user.id, create_api_token(user, name="bench")[1]

            clerk, leader = person("vanthu", "van_thu"), person("lanhdao", "lanh_dao")
            specialist = person("chuyenvien", "chuyen_vien", unit.id)
            people.append((clerk, leader, specialist, unit.id))
    return people


def _caller(base: str, timings: dict, errors: list):
    """call(session, name, method, path, expect, **kwargs) → the JSON answer, or None (recorded as an error)."""

    def call(http, name, method, path, expect, **kwargs):
        start = CLOCK()
        response = http.request(method, base + path, timeout=30, **kwargs)
        timings[name].append((CLOCK() - start) * 1000)
        if response.status_code != expect:
            errors.append(f"{name} {response.status_code} {response.text[:200]}")
            return None
        return response.json()

    return call


CLIENTS = {"lean": leanhttp.Session, "requests": requests.Session}
CLIENT = "lean"  # the one SESSION makes (--client)


def _session(token: str):
    http = CLIENTS[CLIENT]()
    http.headers["Authorization"] = f"Bearer {token}"
    return http


SESSION = _session  # a client with the token (bench/inprocess.py: Flask's test client instead of HTTP)


def one_step_loop(base: str, who: tuple, cases: int, timings: dict, errors: list) -> None:
    user_id, token = who
    http, call = SESSION(token), _caller(base, timings, errors)
    for n in range(cases):
        body = {"title": f"Văn bản số {n}", "data": {"owner_id": user_id}}
        if call(http, "start", "POST", "/api/v1/processes/bench_one_step/start", 201, json=body) is None:
            continue
        page = call(http, "inbox", "GET", "/api/v1/tasks", 200, params={"process_id": "bench_one_step", "limit": 1})
        if not page or not page["items"]:
            errors.append("inbox: the new task is missing")
            continue
        task_id = page["items"][0]["id"]
        if call(http, "open", "GET", f"/api/v1/tasks/{task_id}", 200) is None:
            continue
        body = {"data": {"ket_qua": "Đã xử lý"}}
        call(http, "complete", "POST", f"/api/v1/tasks/{task_id}/complete", 200, json=body)


def incoming_loop(base: str, who: tuple, cases: int, timings: dict, errors: list) -> None:
    from tests.signing.factories import make_pdf

    (_clerk_id, clerk_token), (_leader_id, leader_token), (specialist_id, specialist_token), unit_id = who
    clerk, leader, specialist = SESSION(clerk_token), SESSION(leader_token), SESSION(specialist_token)
    call, pdf = _caller(base, timings, errors), make_pdf("Cong van so 12/STC-NS (do hieu nang)")

    def step(http, name, task_name, document_id, data, outcome=None) -> bool:
        page = call(http, "inbox", "GET", "/api/v1/tasks", 200, params={"process_id": "incoming", "limit": 1})
        mine = [t for t in (page or {}).get("items", ()) if t["object_id"] == document_id]
        if not mine or mine[0]["task_name"] != task_name:
            errors.append(f"inbox: {task_name} of document {document_id} missing")
            return False
        task_id = mine[0]["id"]
        if call(http, "open", "GET", f"/api/v1/tasks/{task_id}", 200) is None:
            return False
        body = {"data": data, "outcome": outcome}
        return call(http, name, "POST", f"/api/v1/tasks/{task_id}/complete", 200, json=body) is not None

    for n in range(cases):
        metadata = {
            "channel": "paper",
            "sender_name": "Sở Tài chính tỉnh Kiên Giang",
            "type_name": "Công văn",
            "subject": f"Về việc lập dự toán ngân sách năm 2027 (văn bản thử số {n})",
            "code_number": str(n + 1),
            "code_notation": "STC-NS",
            "issued_date": "2026-11-20",
        }
        files = {"files": ("cong-van.pdf", io.BytesIO(pdf), "application/pdf")}
        received = call(
            clerk, "receive", "POST", "/api/v1/incoming", 201, data={"metadata": json.dumps(metadata)}, files=files
        )
        if received is None:
            continue
        document_id = str(received["id"])
        direction = {"y_kien_chi_dao": "Giao Phòng Tổng hợp tham mưu", "lead_unit_id": unit_id}
        registered = {k: metadata[k] for k in ("sender_name", "type_name", "subject")}
        _ = (
            step(clerk, "check", "check_document", document_id, {}, "tiep_nhan")
            and step(clerk, "register", "register_document", document_id, registered)
            and step(leader, "direct", "direct_handling", document_id, {**direction, "lead_user_id": specialist_id})
            and step(specialist, "handle", "handle_document", document_id, {"ket_qua": "Đã tham mưu"}, "hoan_thanh")
        )


def floor_loop(base: str, who: tuple, cases: int, timings: dict, errors: list) -> None:
    """Four calls of the cheapest authenticated endpoint (GET /api/v1/me: the token check and the person's own
    record) per case: what any case of four calls costs before it does anything, the stack's ceiling."""
    _user_id, token = who
    http, call = SESSION(token), _caller(base, timings, errors)
    for _n in range(cases * 4):
        call(http, "me", "GET", "/api/v1/me", 200)


SCENARIOS = {
    "one_step": (setup_one_step, one_step_loop),
    "incoming": (setup_incoming, incoming_loop),
    "floor": (setup_one_step, floor_loop),
}


def run(kind: str, scenario: str, cases: int, clients: int, *, workers: int | None, scheduler: bool) -> dict:
    setup, loop = SCENARIOS[scenario]
    calls = CALLS[scenario]
    client_cpu = []

    def measured(*args):  # the client thread's own CPU time (time.thread_time), the server's is not in it
        start = time.thread_time()
        loop(*args)
        client_cpu.append(time.thread_time() - start)

    with running_server(kind, lambda: setup(clients), workers=workers, scheduler=scheduler) as (base, people):
        # Warm-up: every worker imports, connects and caches its process bundle before measuring.
        warm_timings, warm_errors = {c: [] for c in calls}, []
        loop(base, people[0], 10, warm_timings, warm_errors)
        timings, errors = {c: [] for c in calls}, []
        per_client = max(1, cases // clients)
        threads = [threading.Thread(target=measured, args=(base, who, per_client, timings, errors)) for who in people]
        start, cpu = time.perf_counter(), server_cpu_seconds(base)
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        elapsed, cpu = time.perf_counter() - start, server_cpu_seconds(base) - cpu
        memory = server_memory_mib(base)
    done = per_client * clients
    return {
        "db": kind,
        "scenario": scenario,
        "clients": clients,
        "cases": done,
        "cases_per_s": done / elapsed,
        "server_cpu_ms": cpu * 1000 / done,
        "client_cpu_ms": sum(client_cpu) * 1000 / done,
        "errors": len(errors) + len(warm_errors),
        "first_errors": (warm_errors + errors)[:3],
        "memory": memory,
        **{f"{c}_p50": statistics.median(timings[c]) for c in calls if timings[c]},
        **{f"{c}_p95": percentile(timings[c], 95) for c in calls if timings[c]},
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--db", choices=["sqlite", "postgresql", "both"], default="both")
    parser.add_argument("--scenario", default="one_step,incoming")
    parser.add_argument("--cases", type=int, default=300)
    parser.add_argument("--clients", default="1,4")
    parser.add_argument("--workers", type=int, default=None, help="gunicorn workers (default: qlvb serve's own)")
    parser.add_argument("--scheduler", action="store_true", help="with the scheduler process, as `make run`")
    parser.add_argument("--client", choices=list(CLIENTS), default="lean", help="the HTTP client (default: lean)")
    args = parser.parse_args()
    global CLIENT
    CLIENT = args.client
    kinds = ["sqlite", "postgresql"] if args.db == "both" else [args.db]
    load = " / ".join(f"{x:.1f}" for x in os.getloadavg())
    print(
        f"qlvb HTTP benchmark — {datetime.now(UTC):%Y-%m-%d %H:%M} UTC, {os.cpu_count()} cores, load {load}, "
        f"Python {sys.version.split()[0]}, workers {args.workers or 'default'}, scheduler {args.scheduler}, "
        f"client {args.client}"
    )
    for scenario in args.scenario.split(","):
        calls = CALLS[scenario]
        print(f"\n{scenario}")
        print(
            "| DB | clients | cases | cases/s | server CPU ms/case | client CPU ms/case | errors "
            + "| PSS / RSS MiB (processes) | "
            + " | ".join(f"{c} p50/p95 ms" for c in calls)
            + " |"
        )
        print("|---|---|---|---|---|---|---|---|" + "---|" * len(calls))
        for kind in kinds:
            for clients in (int(c) for c in args.clients.split(",")):
                r = run(kind, scenario, args.cases, clients, workers=args.workers, scheduler=args.scheduler)
                cells = " | ".join(f"{r.get(c + '_p50', 0):.1f} / {r.get(c + '_p95', 0):.1f}" for c in calls)
                m = r["memory"]
                print(
                    f"| {kind} | {clients} | {r['cases']} | {r['cases_per_s']:.1f} | {r['server_cpu_ms']:.1f} "
                    f"| {r['client_cpu_ms']:.1f} "
                    f"| {r['errors']} | {m['pss']:.0f} / {m['rss']:.0f} ({m['processes']}) | {cells} |",
                    flush=True,
                )
                each = ", ".join(f"{name} {mib:.0f}" for name, mib in m["pss_each"].items())
                print(f"    PSS MiB per process (pid name; the master first): {each}", file=sys.stderr)
                for line in r["first_errors"]:
                    print(f"    error: {line}", file=sys.stderr)


if __name__ == "__main__":
    main()
