"""Twenty people at once over HTTP: sign in, receive and register unrelated incoming documents, in parallel.

    .venv/bin/python -m bench.concurrency [--db sqlite|postgresql|both] [--users 20] [--rounds 3]

Against a real `qlvb serve` (gunicorn, 2 workers × 4 threads, the argon2 parameters the README documents).
Each of the `--users` clerks, all starting together behind a barrier: signs in on the page (GET /login for the
CSRF token, POST /login), signs in for an API token (POST /api/v1/tokens), then `--rounds` times receives an
incoming paper document (POST /api/v1/incoming), accepts it and registers it (its two tasks, found in the inbox
by the document's id): work on different cases that must never conflict. Prints the answers that were not the
expected success — errors (5xx), `instance_busy` and any other refusal — and the time each step took (p50/p95).
Loopback only; bounded by --users × --rounds.
"""

import argparse
import io
import json
import os
import re
import sys
import threading
import time
from collections import Counter
from datetime import UTC, datetime

import requests

from bench.server import percentile, running_server

PASSWORD = "Bench-Password-1"
CSRF = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"|name="csrf_token" value="([^"]+)"')


def setup(users: int) -> list[str]:
    from app.core.transaction import unit_of_work
    from app.org import services as org
    from app.workflow.definitions import sync_processes

    with unit_of_work():
        sync_processes()
        agency = org.create_agency(None, code="000.00.00.H33", name="UBND tỉnh Kiên Giang", abbreviation="UBND")
        return [
            org.create_user(
                None,
                username=f"vanthu{n}",
                full_name=f"Văn thư {n}",
                password=PASSWORD,
                agency_id=agency.id,
                roles=["van_thu"],
            ).username
            for n in range(users)
        ]


def pdf_bytes() -> bytes:
    from tests.signing.factories import make_pdf

    return make_pdf("Cong van (do hieu nang)")


def person(base, username, rounds, barrier, pdf, answers: Counter, timings: dict, lock) -> None:
    def record(step, response, expected, started):
        with lock:
            timings.setdefault(step, []).append((time.perf_counter() - started) * 1000)
            if response.status_code == expected:
                answers["ok"] += 1
            else:
                code = (
                    response.json().get("code")
                    if response.headers.get("Content-Type", "").startswith("application/json")
                    else None
                ) or str(response.status_code)
                answers[f"{step}: {response.status_code} {code}"] += 1
        return response.status_code == expected

    page = requests.Session()
    barrier.wait(timeout=60)
    started = time.perf_counter()
    html = page.get(f"{base}/login", timeout=60).text
    match = CSRF.search(html)
    token = match.group(1) or match.group(2)
    login = page.post(
        f"{base}/login",
        data={"username": username, "password": PASSWORD, "csrf_token": token},
        allow_redirects=False,
        timeout=60,
    )
    record("sign-in page", login, 302, started)
    started = time.perf_counter()
    issued = requests.post(
        f"{base}/api/v1/tokens", json={"username": username, "password": PASSWORD, "name": "bench"}, timeout=60
    )
    if not record("sign-in API", issued, 201, started):
        return
    api = requests.Session()
    api.headers["Authorization"] = f"Bearer {issued.json()['token']}"
    for n in range(rounds):
        metadata = {
            "channel": "paper",
            "sender_name": "Sở Tài chính tỉnh Kiên Giang",
            "type_name": "Công văn",
            "subject": f"Văn bản {n + 1} của {username}",
            "code_number": str(n + 1),
            "code_notation": "STC-NS",
            "issued_date": "2026-11-20",
        }
        started = time.perf_counter()
        received = api.post(
            f"{base}/api/v1/incoming",
            data={"metadata": json.dumps(metadata)},
            files={"files": ("cong-van.pdf", io.BytesIO(pdf), "application/pdf")},
            timeout=60,
        )
        if not record("receive", received, 201, started):
            continue
        document_id = str(received.json()["id"])
        for step, outcome, data in (
            ("check_document", "tiep_nhan", {}),
            ("register_document", None, {k: metadata[k] for k in ("sender_name", "type_name", "subject")}),
        ):
            inbox = api.get(f"{base}/api/v1/tasks", params={"process_id": "incoming", "limit": 200}, timeout=60)
            mine = [t for t in inbox.json()["items"] if t["object_id"] == document_id and t["task_name"] == step]
            if not mine:
                with lock:
                    answers[f"{step}: task not in the inbox"] += 1
                break
            started = time.perf_counter()
            done = api.post(
                f"{base}/api/v1/tasks/{mine[0]['id']}/complete", json={"data": data, "outcome": outcome}, timeout=60
            )
            if not record(step, done, 200, started):
                break


def run(kind: str, users: int, rounds: int) -> tuple[Counter, dict, float]:
    pdf = pdf_bytes()
    with running_server(kind, lambda: setup(users)) as (base, usernames):
        requests.get(f"{base}/login", timeout=30)  # warm both workers a little
        barrier, lock, answers, timings = threading.Barrier(users), threading.Lock(), Counter(), {}
        threads = [
            threading.Thread(target=person, args=(base, name, rounds, barrier, pdf, answers, timings, lock))
            for name in usernames
        ]
        start = time.perf_counter()
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=600)
        return answers, timings, time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--db", choices=["sqlite", "postgresql", "both"], default="both")
    parser.add_argument("--users", type=int, default=20)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    os.environ.setdefault("QLVB_ARGON2_TIME_COST", "3")
    os.environ.setdefault("QLVB_ARGON2_MEMORY_KIB", "65536")
    print(
        f"qlvb concurrency benchmark — {datetime.now(UTC):%Y-%m-%d %H:%M} UTC, {os.cpu_count()} cores, "
        f"Python {sys.version.split()[0]}, {args.users} users × {args.rounds} documents, gunicorn 2 × 4 threads"
    )
    for kind in ["sqlite", "postgresql"] if args.db == "both" else [args.db]:
        answers, timings, elapsed = run(kind, args.users, args.rounds)
        refused = {k: v for k, v in answers.items() if k != "ok"}
        print(f"\n{kind}: {answers['ok']} expected answers, {sum(refused.values())} others in {elapsed:.1f} s")
        for key, count in sorted(refused.items()):
            print(f"  {count} × {key}")
        for step, values in timings.items():
            print(f"  {step:<18} p50 {percentile(values, 50):7.1f} ms   p95 {percentile(values, 95):7.1f} ms")


if __name__ == "__main__":
    main()
