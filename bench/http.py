"""Request overhead over HTTP: one-user-task cases through the REST API of a real `qlvb serve`.

    .venv/bin/python -m bench.http [--db sqlite|postgresql|both] [--cases 300] [--clients 1,4]

A case is four calls, each with a bearer token, as a client program makes them: start `bench_one_step`
(POST /processes/…/start), find its task in the inbox (GET /tasks), open it (GET /tasks/{id}: form and values),
complete it (POST /tasks/{id}/complete). Every client thread is its own user with its own token, on its own
keep-alive connection; the server is gunicorn with 2 workers × 4 threads, as `make run` starts it. Prints cases/s,
the server's CPU time per case (its gunicorn processes, from /proc; the database server's own work is not in it),
p50/p95 per call and the number of errors (any answer other than the expected one). Loopback only; bounded.

Wall-clock figures move with whatever else the machine runs; the CPU time per case barely does, so compare two
versions by it when the machine is shared. PostgreSQL uses the database of QLVB_BENCH_HTTP_DATABASE_URL
(default `qlvb_bench_http`, dropped and created again): give each concurrent user of a server their own.
"""

import argparse
import os
import statistics
import sys
import threading
import time
from datetime import UTC, datetime
from pathlib import Path

import requests

from bench.server import percentile, running_server, server_cpu_seconds

HERE = Path(__file__).resolve().parent
CALLS = ("start", "inbox", "open", "complete")


def setup(clients: int) -> list[str]:
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
                password="Bench-Password-1",
                agency_id=agency.id,
                roles=["van_thu"],
            )
            tokens.append((user.id, create_api_token(user, name="bench")[1]))
    return tokens


def client_loop(base: str, user_id: int, token: str, cases: int, timings: dict, errors: list) -> None:
    http = requests.Session()
    http.headers["Authorization"] = f"Bearer {token}"

    def call(name, method, path, expect, **kwargs):
        start = time.perf_counter()
        response = http.request(method, base + path, timeout=30, **kwargs)
        timings[name].append((time.perf_counter() - start) * 1000)
        if response.status_code != expect:
            errors.append(f"{name} {response.status_code} {response.text[:200]}")
            return None
        return response.json()

    for n in range(cases):
        body = {"title": f"Văn bản số {n}", "data": {"owner_id": user_id}}
        if call("start", "POST", "/api/v1/processes/bench_one_step/start", 201, json=body) is None:
            continue
        page = call("inbox", "GET", "/api/v1/tasks", 200, params={"process_id": "bench_one_step", "limit": 1})
        if not page or not page["items"]:
            errors.append("inbox: the new task is missing")
            continue
        task_id = page["items"][0]["id"]
        if call("open", "GET", f"/api/v1/tasks/{task_id}", 200) is None:
            continue
        call("complete", "POST", f"/api/v1/tasks/{task_id}/complete", 200, json={"data": {"ket_qua": "Đã xử lý"}})


def run(kind: str, cases: int, clients: int) -> dict:
    with running_server(kind, lambda: setup(clients)) as (base, tokens):
        # Warm-up: every worker imports, connects and caches its process bundle before measuring.
        warm_timings, warm_errors = {c: [] for c in CALLS}, []
        client_loop(base, *tokens[0], 10, warm_timings, warm_errors)
        timings, errors = {c: [] for c in CALLS}, []
        per_client = max(1, cases // clients)
        threads = [
            threading.Thread(target=client_loop, args=(base, uid, token, per_client, timings, errors))
            for uid, token in tokens
        ]
        start, cpu = time.perf_counter(), server_cpu_seconds(base)
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        elapsed, cpu = time.perf_counter() - start, server_cpu_seconds(base) - cpu
    done = per_client * clients
    return {
        "db": kind,
        "clients": clients,
        "cases": done,
        "cases_per_s": done / elapsed,
        "server_cpu_ms": cpu * 1000 / done,
        "errors": len(errors) + len(warm_errors),
        "first_errors": (warm_errors + errors)[:3],
        **{f"{c}_p50": statistics.median(timings[c]) for c in CALLS if timings[c]},
        **{f"{c}_p95": percentile(timings[c], 95) for c in CALLS if timings[c]},
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--db", choices=["sqlite", "postgresql", "both"], default="both")
    parser.add_argument("--cases", type=int, default=300)
    parser.add_argument("--clients", default="1,4")
    args = parser.parse_args()
    kinds = ["sqlite", "postgresql"] if args.db == "both" else [args.db]
    print(
        f"qlvb HTTP benchmark — {datetime.now(UTC):%Y-%m-%d %H:%M} UTC, {os.cpu_count()} cores, "
        f"Python {sys.version.split()[0]}, gunicorn 2 workers × 4 threads"
    )
    print(
        "| DB | clients | cases | cases/s | server CPU ms/case | errors | "
        + " | ".join(f"{c} p50/p95 ms" for c in CALLS)
        + " |"
    )
    print("|---|---|---|---|---|---|" + "---|" * len(CALLS))
    for kind in kinds:
        for clients in (int(c) for c in args.clients.split(",")):
            r = run(kind, args.cases, clients)
            cells = " | ".join(f"{r.get(c + '_p50', 0):.1f} / {r.get(c + '_p95', 0):.1f}" for c in CALLS)
            print(
                f"| {kind} | {clients} | {r['cases']} | {r['cases_per_s']:.1f} | {r['server_cpu_ms']:.1f} "
                f"| {r['errors']} | {cells} |"
            )
            for line in r["first_errors"]:
                print(f"    error: {line}", file=sys.stderr)


if __name__ == "__main__":
    main()
