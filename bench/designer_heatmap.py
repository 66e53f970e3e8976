"""Benchmark of the bottleneck heatmap and the SLA what-if (app.designer.heatmap, app.designer.whatif) on PostgreSQL.

    .venv/bin/python -m bench.designer_heatmap [--size 100000] [--runs 10]

The database (`qlvb_bench_heatmap` from QLVB_BENCH_HEATMAP_DATABASE_URL) is dropped, created and migrated; the
shipped processes are deployed; then `--size` human tasks of the incoming process are inserted in ONE agency (the
worst case) by one `INSERT … SELECT … FROM generate_series`, deterministic from `setseed`: seven cases' steps in turn
(the seven user tasks of incoming.bpmn), created over the year before the measuring instant (Monday 23/11/2026 09:00
+07:00), 92 % completed with stored working minutes (1–3 000), 10 % urgent, deadlines two hours to five days after
creation; the rest open. Then VACUUM ANALYZE, and each call is timed (`--runs` runs after one warm-up; median, p95).
"""

import argparse
import os
import statistics
import time
from datetime import UTC, date, datetime

import sqlalchemy as sa

from bench.common import bench_app

PG_URL = os.environ.get(
    "QLVB_BENCH_HEATMAP_DATABASE_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/qlvb_bench_heatmap"
)
NOW = datetime(2026, 11, 23, 2, 0, tzinfo=UTC)  # Monday 09:00 in Việt Nam
STEPS = (
    "check_document",
    "register_document",
    "direct_handling",
    "confirm_read",
    "assign_specialist",
    "give_opinion",
    "handle_document",
)

CASES = """
INSERT INTO workflow_instance (process_version_id, process_id, agency_id, object_type, object_id, title, status,
    is_urgent, state, state_size, started_at, updated_at)
SELECT :version, 'incoming', :agency, 'incoming', g::text, 'Về việc ' || g, 'completed', g % 10 = 0,
    '\\x'::bytea, 0, :now - random() * interval '365 days', :now
FROM generate_series(1, :cases) g
"""
TASKS = """
INSERT INTO human_task (instance_id, spiff_task_id, task_name, title, process_id, object_type, object_id,
    object_title, role, agency_id, is_designated, due_at, due_sort, urgency, priority, state, created_at, completed_at,
    completed_by_id, working_minutes)
SELECT w.id, 't' || k, (CAST(:steps AS text[]))[k + 1], 'Bước ' || k, 'incoming', 'incoming', w.object_id,
    w.title, 'chuyen_vien', :agency, false, created + due, created + due,
    CASE WHEN w.is_urgent THEN 'urgent' ELSE 'normal' END,
    CASE WHEN w.is_urgent THEN 0 ELSE 1 END, CASE WHEN done THEN 'completed' ELSE 'claimed' END, created,
    CASE WHEN done THEN created + minutes * interval '3 minutes' END, CASE WHEN done THEN :person END,
    CASE WHEN done THEN minutes END
FROM (SELECT w.*, k, w.started_at + k * interval '1 day' AS created, random() < 0.92 AS done,
             1 + floor(random() * 3000)::int AS minutes, (2 + floor(random() * 118)) * interval '1 hour' AS due
      FROM workflow_instance w CROSS JOIN generate_series(0, 6) k) w
WHERE (w.id - 1) * 7 + k < :size
"""


def fill(size: int) -> dict:
    from app.core.db import db
    from app.core.transaction import unit_of_work
    from app.org import services as org
    from app.workflow.definitions import sync_processes

    with unit_of_work():
        versions = {v.process_id: v for v in sync_processes()}
        agency = org.create_agency(None, code="000.00.00.H91", name="Cơ quan đo điểm nghẽn", abbreviation="CQDN")
        person = org.create_user(
            None,
            username="thietke.do",
            full_name="Người thiết kế",
            agency_id=agency.id,
            password="Matkhau-Manh-2026",
            roles=["thiet_ke"],
        )
        ids = {"agency": agency.id, "version": versions["incoming"].id, "person": person.id}
    started = time.perf_counter()
    with unit_of_work():
        run = db.session.execute
        run(sa.text("SELECT setseed(0.42)"))
        values = {"now": NOW, "agency": ids["agency"], "version": ids["version"], "person": ids["person"]}
        run(sa.text(CASES), {**values, "cases": -(-size // len(STEPS))})
        run(sa.text(TASKS), {**values, "size": size, "steps": list(STEPS)})
    with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.execute(sa.text("VACUUM ANALYZE"))
    ids["built"] = time.perf_counter() - started
    return ids


def measure(agency: int, runs: int) -> list[tuple[str, list[float], object]]:
    from app.core import clock
    from app.designer import heatmap, whatif
    from app.designer.periods import default_period, period_from

    quarter = default_period(date(2026, 11, 23))
    year = period_from("2025-11-24", "2026-11-23")
    cases = [
        ("heatmap, 90 days", lambda: heatmap.task_stats(agency, "incoming", quarter)),
        ("heatmap, one year", lambda: heatmap.task_stats(agency, "incoming", year)),
        ("slowest 20, 90 days", lambda: heatmap.slowest(agency, "incoming", "handle_document", quarter)),
        (
            "what-if PT4H (working time), 90 days",
            lambda: whatif.what_if(agency, "incoming", "handle_document", "PT4H", quarter),
        ),
        (
            "what-if P3D (working days), 90 days",
            lambda: whatif.what_if(agency, "incoming", "handle_document", "P3D", quarter),
        ),
        ("what-if PT4H, one year", lambda: whatif.what_if(agency, "incoming", "handle_document", "PT4H", year)),
        (
            "what-if next-morning, one year",
            lambda: whatif.what_if(agency, "incoming", "assign_specialist", "next-morning", year),
        ),
    ]
    found = []
    with clock.frozen(NOW):
        for name, call in cases:
            result = call()  # warm-up: plans, the calendar cache, the buffer cache
            samples = []
            for _ in range(runs):
                started = time.perf_counter()
                call()
                samples.append((time.perf_counter() - started) * 1000)
            found.append((name, samples, result))
    return found


def _describe(result) -> str:
    if isinstance(result, list):
        return f"{len(result)} rows"
    return f"{result.overdue_new}/{result.total} late, {result.computed} computed one by one"


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=int, default=100_000, help="human tasks")
    parser.add_argument("--runs", type=int, default=10)
    args = parser.parse_args(argv)
    app, _folder = bench_app("postgresql", PG_URL, "qlvb-bench-heatmap-")
    import flask_migrate

    with app.app_context():
        flask_migrate.upgrade()
        ids = fill(args.size)
        print(f"data set: {args.size:,} human tasks in one agency, built in {ids['built']:.1f} s")
        print(f"{'call':<40} {'min':>8} {'median':>8} {'p95':>8}   (ms, {args.runs} runs)")
        for name, samples, result in measure(ids["agency"], args.runs):
            ordered = sorted(samples)
            p95 = ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]
            print(f"{name:<40} {min(samples):8.1f} {statistics.median(samples):8.1f} {p95:8.1f}   {_describe(result)}")


if __name__ == "__main__":
    main()
