"""Benchmark of the workflow engine through the services, and of the inbox query.

    .venv/bin/python -m bench.engine [--db sqlite|postgresql|both] [--cases 1000] [--inbox 1000,10000,100000]

Each database is created fresh (SQLite in a temporary folder; PostgreSQL database `qlvb_bench`, dropped and
re-created). Every service call is its own committed unit of work, as a request would be. Prints the figures
that bench/RESULTS.md records.
"""

import argparse
import os
import random
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import sqlalchemy as sa

from bench.common import fresh_database_url

HERE = Path(__file__).parent
PG_URL = os.environ.get("QLVB_BENCH_DATABASE_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/qlvb_bench")


def database_url(kind: str, folder: Path) -> str:
    return fresh_database_url(kind, folder, PG_URL)


class EngineTimer:
    """Adds up the time spent inside the engine (load, run, dump) by wrapping its functions."""

    def __init__(self) -> None:
        self.seconds = 0.0

    def wrap(self, module, name: str) -> None:
        original = getattr(module, name)

        def timed(*args, **kwargs):
            start = time.perf_counter()
            try:
                return original(*args, **kwargs)
            finally:
                self.seconds += time.perf_counter() - start

        setattr(module, name, timed)


def run(kind: str, cases: int, inbox_sizes: list[int]) -> dict:
    os.environ.setdefault("QLVB_SECRET_KEY", "bench-only-secret")
    folder = Path(tempfile.mkdtemp(prefix="qlvb-bench-"))
    os.environ["QLVB_INSTANCE_PATH"] = str(folder)
    os.environ["QLVB_DATABASE_URL"] = database_url(kind, folder)
    os.environ["QLVB_ARGON2_MEMORY_KIB"] = "1024"
    import logging

    import flask_migrate

    from app import create_app
    from app.core.db import db
    from app.core.transaction import unit_of_work
    from app.org import services as org
    from app.org.models import User
    from app.workflow import engine
    from app.workflow import services as wf
    from app.workflow.definitions import deploy, referenced_forms
    from app.workflow.forms import load_form_file
    from app.workflow.models import HumanTask, TaskState, WorkflowInstance

    app = create_app()
    logging.getLogger().setLevel(logging.WARNING)
    results: dict = {"db": kind}
    with app.app_context():
        flask_migrate.upgrade()
        with unit_of_work():
            agency = org.create_agency(None, code="000.00.00.H33", name="UBND tỉnh Kiên Giang", abbreviation="UBND")
            people = {
                role: org.create_user(
                    None,
                    username=role.replace("_", ""),
                    full_name=role,
                    agency_id=agency.id,
                    password="Bench-Password-1",
                    roles=[role],
                ).id
                for role in ("van_thu", "lanh_dao", "chuyen_vien")
            }
            for name in ("bench_three_steps", "loop_case"):
                xml = (HERE / "data" / f"{name}.bpmn").read_text(encoding="utf-8")
                forms = referenced_forms(xml, lambda key: load_form_file(key, HERE / "data" / "forms"))
                deploy(None, xml, f"{name}.bpmn", forms=forms)
        clerk, leader, specialist = (db.session.get(User, people[r]) for r in ("van_thu", "lanh_dao", "chuyen_vien"))

        def one_case(n: int) -> int:
            with unit_of_work():
                instance = wf.start_process(clerk, "bench_three_steps", title=f"Văn bản số {n}")
                instance_id = instance.id
            for user, data in (
                (clerk, {"ghi_chu": "vào sổ"}),
                (leader, {"handler_id": specialist.id}),
                (specialist, {"ghi_chu": "đã xử lý"}),
            ):
                with unit_of_work():
                    task_id = db.session.scalar(
                        sa.select(HumanTask.id).where(
                            HumanTask.instance_id == instance_id,
                            HumanTask.state.in_([TaskState.READY, TaskState.CLAIMED]),
                        )
                    )
                    wf.complete_task(user, task_id, data)
            return instance_id

        for n in range(20):  # warm-up: parse caches, connection pool
            one_case(n)
        timer = EngineTimer()
        for name in ("load_state", "dump_state", "run_engine", "new_workflow"):
            timer.wrap(engine, name)
        start = time.perf_counter()
        ids = [one_case(n) for n in range(cases)]
        elapsed = time.perf_counter() - start
        steps = cases * 4
        sizes = db.session.execute(
            sa.select(
                sa.func.avg(sa.func.length(WorkflowInstance.state)), sa.func.avg(WorkflowInstance.state_size)
            ).where(WorkflowInstance.id.in_(ids[:200]))
        ).one()
        results.update(
            cases=cases,
            seconds=elapsed,
            cases_per_s=cases / elapsed,
            ms_per_step=elapsed * 1000 / steps,
            engine_ms_per_step=timer.seconds * 1000 / steps,
            state_bytes=float(sizes[0]),
            state_raw_bytes=float(sizes[1]),
        )
        results["growth"] = loop_growth(engine, agency.id)
        results["inbox"] = inbox_benchmark(db, specialist, agency.id, inbox_sizes)
        db.session.remove()
        db.engine.dispose()
    return results


def loop_growth(engine, agency_id: int) -> list[tuple[int, int, int, float, float]]:
    """State size and load/save time of one case after N review ↔ rework rounds."""
    from app.workflow.definitions import newest_version
    from app.workflow.registry import RunContext, current_run

    bundle = engine.bundle_for(newest_version("loop_case", agency_id))
    token = current_run.set(RunContext(None, agency_id, "case", "x", None))
    workflow = engine.new_workflow(bundle, {"rounds": 0})
    engine.run_engine(workflow)
    rows, done = [], 0
    for target in (1, 10, 50, 100, 250):
        while done < target:
            for outcome in ("dong_y", "tra_lai"):
                [task] = engine.ready_user_tasks(workflow)
                task.data.update(outcome=outcome, noi_dung="Bản dự thảo sửa lần " + str(done))
                task.run()
                engine.run_engine(workflow)
            done += 1
        t0 = time.perf_counter()
        blob, raw = engine.dump_state(workflow)
        t1 = time.perf_counter()
        engine.load_state(bundle, blob)
        t2 = time.perf_counter()
        rows.append((target, len(blob), raw, (t1 - t0) * 1000, (t2 - t1) * 1000))
    current_run.reset(token)
    return rows


def inbox_benchmark(db, user, agency_id: int, sizes: list[int]) -> list[dict]:
    """Open tasks in the user's own role queue (the worst case: every one of them is in their inbox)."""
    from app.workflow import queries
    from app.workflow.models import HumanTask, WorkflowInstance

    instance_id = db.session.scalar(sa.select(WorkflowInstance.id).limit(1))
    rng = random.Random(7)
    base = datetime(2026, 11, 23, 1, 0, tzinfo=UTC)
    rows, inserted = [], 0
    for size in sizes:
        batch = []
        while inserted < size:
            due = base + timedelta(minutes=rng.randint(0, 60 * 24 * 60))
            batch.append(
                {
                    "instance_id": instance_id,
                    "spiff_task_id": f"bench-{inserted}",
                    "task_name": "handle",
                    "title": "Xử lý văn bản",
                    "process_id": "bench_three_steps",
                    "object_type": "bench",
                    "object_id": str(inserted),
                    "object_title": f"Văn bản {inserted}",
                    "role": "chuyen_vien",
                    "agency_id": agency_id,
                    "state": "ready",
                    "urgency": "normal",
                    "due_at": due,
                    "due_sort": due,
                    "created_at": base,
                    "is_designated": False,
                    "priority": 1,
                }
            )
            inserted += 1
            if len(batch) == 5000:
                db.session.execute(sa.insert(HumanTask), batch)
                batch = []
        if batch:
            db.session.execute(sa.insert(HumanTask), batch)
        db.session.commit()
        if db.engine.dialect.name == "postgresql":
            with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
                conn.execute(sa.text("ANALYZE human_task"))
        page = time_it(lambda: queries.inbox_page(user, limit=50), db)
        deep_cursor = queries.encode_cursor(queries.inbox_page(user, limit=50)[-1])
        after = queries.InboxFilter(after=queries.decode_cursor(deep_cursor))
        next_page = time_it(lambda after=after: queries.inbox_page(user, after, limit=50), db)
        count = time_it(lambda: queries.inbox_count(user), db)
        naive = time_it(lambda: naive_inbox(db, user), db)
        rows.append(
            {"open_tasks": size, "page_ms": page, "next_page_ms": next_page, "count_ms": count, "naive_ms": naive}
        )
    return rows


def naive_inbox(db, user):
    """The usual way: one OR'ed query with OFFSET paging and a full count(*) (the SpiffArena shape)."""
    from app.workflow.models import HumanTask

    roles = [r.value for r in user.roles]
    where = sa.and_(
        HumanTask.state.in_(["ready", "claimed"]),
        sa.or_(
            HumanTask.assignee_id == user.id,
            sa.and_(HumanTask.assignee_id.is_(None), HumanTask.agency_id == user.agency_id, HumanTask.role.in_(roles)),
        ),
    )
    db.session.scalars(
        sa.select(HumanTask).where(where).order_by(HumanTask.due_at, HumanTask.id).offset(0).limit(50)
    ).all()
    return db.session.scalar(sa.select(sa.func.count()).select_from(HumanTask).where(where))


def time_it(func, db, repeat: int = 15) -> float:
    samples = []
    for _ in range(repeat):
        db.session.expire_all()
        start = time.perf_counter()
        func()
        samples.append((time.perf_counter() - start) * 1000)
        db.session.rollback()
    return statistics.median(samples)


def report(results: dict) -> None:
    print(f"\n== {results['db']} ==")
    print(
        f"{results['cases']} cases × 4 steps in {results['seconds']:.1f} s: {results['cases_per_s']:.1f} cases/s, "
        f"{results['ms_per_step']:.2f} ms per step (engine part {results['engine_ms_per_step']:.2f} ms); "
        f"state {results['state_bytes']:.0f} B stored ({results['state_raw_bytes']:.0f} B uncompressed) per case"
    )
    print("loop rounds | stored B | raw B | save ms | load ms")
    for rounds, blob, raw, save, load in results["growth"]:
        print(f"{rounds:11d} | {blob:8d} | {raw:6d} | {save:7.2f} | {load:7.2f}")
    print("open tasks | first page ms | next page ms | capped count ms | naive OR+OFFSET+count ms | naive/ours")
    for row in results["inbox"]:
        ours = row["page_ms"] + row["count_ms"]
        print(
            f"{row['open_tasks']:10d} | {row['page_ms']:13.2f} | {row['next_page_ms']:12.2f} | "
            f"{row['count_ms']:15.2f} | {row['naive_ms']:24.2f} | {row['naive_ms'] / ours:9.1f}×"
        )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", choices=["sqlite", "postgresql", "both"], default="both")
    parser.add_argument("--cases", type=int, default=1000)
    parser.add_argument("--inbox", default="1000,10000,100000")
    args = parser.parse_args()
    sizes = [int(s) for s in args.inbox.split(",") if s]
    kinds = ["postgresql", "sqlite"] if args.db == "both" else [args.db]
    print(
        f"qlvb engine benchmark — {datetime.now(UTC):%Y-%m-%d %H:%M} UTC, {os.cpu_count()} cores, "
        f"Python {sys.version.split()[0]}"
    )
    for kind in kinds:
        report(run(kind, args.cases, sizes))
    return 0


if __name__ == "__main__":
    sys.exit(main())
