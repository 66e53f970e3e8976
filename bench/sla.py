"""Benchmark of the escalation scan (app.escalation): one scan over many open tasks when few or many are due.

    .venv/bin/python -m bench.sla [--db postgresql|sqlite|both] [--tasks 100000] [--few 50] [--many 2000] [--runs 5]

Each database is created fresh (PostgreSQL database `qlvb_bench_sla` from QLVB_BENCH_DATABASE_URL, dropped and
re-created; SQLite in a temporary folder) and migrated with flask_migrate.upgrade. One agency with a clerk, two
leaders and an administrator.

1. `--tasks` open human tasks of one case are inserted in bulk (the clerk's role queue, deadlines spread over the
   next 60 days), each with the schedule row the ORM listener (app/escalation/watch.py) writes for tasks the engine
   creates — the steady state: every task already looked at once, its `next_at` the 75 % reminder of its SLA.
2. Timed, each a median of `--runs`: an empty scan (nothing due: the cost of asking), `scan.due_task_ids` alone, and
   the naive alternative without a schedule (read every open task's created_at/due_at to compute its thresholds).
3. After one warm-up look (the first loads the calendar and compiles the statements), a scan when `--few` tasks
   are due (their deadline and grace passed: each look fires three levels and writes the
   notices), then a scan when `--many` are due; each timed once (a fired level never fires again), with the
   looks per second.

Prints the figures bench/RESULTS.md records.
"""

import argparse
import logging
import os
import statistics
import sys
import time
from datetime import UTC, datetime, timedelta

import sqlalchemy as sa

from bench.common import bench_app

PG_URL = os.environ.get("QLVB_BENCH_DATABASE_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/qlvb_bench_sla")
NOW = datetime(2026, 11, 26, 3, 0, tzinfo=UTC)  # Thursday 10:00 in Việt Nam: a working day, in office hours
PASSWORD = "Bench-Matkhau-2026"
BATCH = 5000


def organisation(db) -> tuple[int, int]:
    """(agency id, case id): an agency with its people, one case the tasks belong to."""
    from app.core.transaction import unit_of_work
    from app.org import services as org
    from app.workflow.models import ProcessVersion, WorkflowInstance

    with unit_of_work():
        agency = org.create_agency(None, code="000.00.00.H33", name="UBND tỉnh Kiên Giang", abbreviation="UBND")
        people = (("vanthu", ["van_thu"]), ("lanhdao", ["lanh_dao"]), ("pct", ["lanh_dao"]), ("quantri", ["quan_tri"]))
        for username, roles in people:
            org.create_user(
                None, username=username, full_name=username, password=PASSWORD, agency_id=agency.id, roles=roles
            )
        version = ProcessVersion(
            process_id="bench", name="Bench", version=1, checksum="0" * 64, bpmn_xml="", forms={}, source="bench"
        )
        db.session.add(version)
        db.session.flush()
        case = WorkflowInstance(
            process_version_id=version.id,
            process_id="bench",
            agency_id=agency.id,
            object_type="bench",
            object_id="1",
            title="Bench",
            status="running",
            state=b"",
        )
        db.session.add(case)
        db.session.flush()
        return agency.id, case.id


def fill(db, agency_id: int, case_id: int, count: int) -> float:
    """Insert `count` open tasks and their schedule rows, none due at NOW; tasks per second."""
    from app.escalation.models import EscalationWatch
    from app.workflow.models import HumanTask

    started = time.perf_counter()
    created = NOW - timedelta(hours=1)
    for first in range(0, count, BATCH):
        tasks, watches = [], []
        for n in range(first, min(count, first + BATCH)):
            due = NOW + timedelta(days=1 + n % 60, hours=n % 7)
            tasks.append(
                {
                    "id": n + 1,
                    "instance_id": case_id,
                    "spiff_task_id": f"bench-{n}",
                    "task_name": "check_document",
                    "title": "Kiểm tra văn bản đến",
                    "process_id": "bench",
                    "object_type": "bench",
                    "object_id": str(n),
                    "object_title": f"Văn bản số {n}",
                    "role": "van_thu",
                    "agency_id": agency_id,
                    "state": "ready",
                    "urgency": "normal",
                    "priority": 1,
                    "is_designated": False,
                    "due_at": due,
                    "due_sort": due,
                    "created_at": created,
                }
            )
            watches.append({"task_id": n + 1, "next_at": created + (due - created) * 3 / 4})
        db.session.execute(sa.insert(HumanTask), tasks)
        db.session.execute(sa.insert(EscalationWatch), watches)
        db.session.commit()
    if db.engine.dialect.name == "postgresql":
        db.session.execute(sa.text("SELECT setval('human_task_id_seq', (SELECT max(id) FROM human_task))"))
        db.session.commit()
        with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.execute(sa.text("VACUUM ANALYZE human_task"))
            conn.execute(sa.text("VACUUM ANALYZE escalation_watch"))
    return count / (time.perf_counter() - started)


def make_due(db, first_id: int, count: int) -> None:
    """Let `count` tasks from `first_id` be overdue past their grace, and their looks due now."""
    from app.escalation.models import EscalationWatch
    from app.workflow.models import HumanTask

    ids = list(range(first_id, first_id + count))
    past = NOW - timedelta(days=7)
    db.session.execute(
        sa.update(HumanTask).where(HumanTask.id.in_(ids)).values(created_at=past - timedelta(hours=2), due_at=past)
    )
    db.session.execute(sa.update(EscalationWatch).where(EscalationWatch.task_id.in_(ids)).values(next_at=past))
    db.session.commit()


def median_ms(func, runs: int) -> float:
    samples = []
    for _ in range(runs):
        start = time.perf_counter()
        func()
        samples.append((time.perf_counter() - start) * 1000)
    return statistics.median(samples)


def naive(db) -> int:
    """Without a schedule: every open task's dates, to compute which thresholds have passed."""
    from app.workflow.models import HumanTask

    rows = db.session.execute(
        sa.select(HumanTask.id, HumanTask.created_at, HumanTask.due_at).where(HumanTask.state.in_(["ready", "claimed"]))
    ).all()
    db.session.rollback()
    return len(rows)


def timed_scan(db) -> dict:
    from app.core import clock
    from app.escalation.scan import escalate

    start = time.perf_counter()
    with clock.frozen(NOW):
        result = escalate(NOW)
    seconds = time.perf_counter() - start
    db.session.remove()
    return {"ms": seconds * 1000, "looked": result.looked, "fired": len(result.fired), "failed": len(result.failed)}


def run(kind: str, tasks: int, few: int, many: int, runs: int) -> dict:
    import flask_migrate

    app, _folder = bench_app(kind, PG_URL, "qlvb-bench-sla-")
    from app.core import clock
    from app.core.db import db
    from app.escalation.scan import due_task_ids, escalate

    results = {"db": kind, "tasks": tasks}
    with app.app_context():
        flask_migrate.upgrade()
        agency_id, case_id = organisation(db)
        results["fill_per_s"] = fill(db, agency_id, case_id, tasks)

        def empty_scan():
            with clock.frozen(NOW):
                escalate(NOW)
            db.session.remove()

        results["empty_scan_ms"] = median_ms(empty_scan, runs)
        results["due_ids_ms"] = median_ms(lambda: (due_task_ids(NOW), db.session.rollback()), runs)
        results["naive_ms"] = median_ms(lambda: naive(db), runs)
        make_due(db, tasks, 1)  # warm up: the first look loads the calendar and compiles the statements
        results["warm_up"] = timed_scan(db)
        make_due(db, 1, few)
        results["few"] = {"due": few, **timed_scan(db)}
        results["after_few_ms"] = median_ms(empty_scan, runs)
        make_due(db, few + 1, many)
        results["many"] = {"due": many, **timed_scan(db)}
        db.session.remove()
        db.engine.dispose()
    return results


def report(r: dict) -> None:
    print(f"\n== {r['db']}: {r['tasks']} open tasks (inserted at {r['fill_per_s']:.0f} tasks/s) ==")
    print(f"scan with nothing due           : {r['empty_scan_ms']:8.2f} ms (median)")
    print(f"  of which due_task_ids (index)  : {r['due_ids_ms']:8.2f} ms")
    print(f"naive: read every open task     : {r['naive_ms']:8.2f} ms  (×{r['naive_ms'] / r['due_ids_ms']:.0f})")
    print(f"first look after start (warm-up): {r['warm_up']['ms']:8.1f} ms")
    for key in ("few", "many"):
        s = r[key]
        print(
            f"scan with {s['due']:>5} due              : {s['ms']:8.1f} ms, {s['looked']} looks, {s['fired']} levels "
            f"fired, {s['failed']} failed ({s['looked'] / (s['ms'] / 1000):.0f} looks/s)"
        )
    print(f"scan right after (all fired)    : {r['after_few_ms']:8.2f} ms (median)")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", choices=["sqlite", "postgresql", "both"], default="postgresql")
    parser.add_argument("--tasks", type=int, default=100_000)
    parser.add_argument("--few", type=int, default=50)
    parser.add_argument("--many", type=int, default=2000)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    logging.disable(logging.WARNING)
    kinds = ["postgresql", "sqlite"] if args.db == "both" else [args.db]
    print(
        f"qlvb escalation benchmark — {datetime.now(UTC):%Y-%m-%d %H:%M} UTC, {os.cpu_count()} cores, "
        f"Python {sys.version.split()[0]}, load average {os.getloadavg()[0]:.2f}"
    )
    for kind in kinds:
        started = time.perf_counter()
        report(run(kind, args.tasks, args.few, args.many, args.runs))
        print(f"({kind}: {time.perf_counter() - started:.0f} s, load average {os.getloadavg()[0]:.2f})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
