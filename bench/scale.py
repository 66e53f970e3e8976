"""Scale benchmark: a province (300 agencies, 30 000 people, 1 000 000 documents, ~3 M completed and 100 000 open
tasks, their cases, audit chain and search catalogue), then the inbox, the search, the leaders' reports, the
escalation scan and the database size per document.

    .venv/bin/python -m bench.scale [--db postgresql|sqlite|both] [--docs 1000000] [--seed 2026] [--runs 30]
    .venv/bin/python -m bench.scale --docs 20000          # a quick run (~2 minutes)

Each database is created fresh (PostgreSQL `qlvb_scale` from QLVB_SCALE_DATABASE_URL, dropped and re-created, and
dropped again at the end unless --keep; SQLite in a temporary folder) and migrated. The generator is
bench/scale_data.py; every figure is measured at the data's own "now" under a frozen clock, p50/p95 over --runs.
Goals (issue 15): inbox ≤ 20 ms, report ≤ 300 ms, escalation scan ≤ 1 s (p95).
"""

import argparse
import contextlib
import logging
import os
import random
import shutil
import statistics
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import sqlalchemy as sa

from bench.common import bench_app

PG_URL = os.environ.get("QLVB_SCALE_DATABASE_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/qlvb_scale")


def percentiles(samples: list[float]) -> tuple[float, float]:
    ordered = sorted(samples)
    return statistics.median(ordered), ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]


def timed(func, runs: int) -> tuple[float, float]:
    from app.core.db import db

    func()  # warm-up
    db.session.rollback()
    samples = []
    for _ in range(runs):
        db.session.expire_all()
        start = time.perf_counter()
        func()
        samples.append((time.perf_counter() - start) * 1000)
        db.session.rollback()
    return percentiles(samples)


def pick_users(now) -> dict[str, list]:
    """Inbox owners: the busiest role queues and designated holders, and people with a few tasks."""
    from app.core.db import db
    from app.org.models import User, UserRole
    from app.workflow.models import HumanTask

    open_ = HumanTask.state.in_(["ready", "claimed"])
    by_assignee = db.session.execute(
        sa.select(HumanTask.assignee_id, sa.func.count())
        .where(open_, HumanTask.assignee_id.is_not(None))
        .group_by(HumanTask.assignee_id)
        .order_by(sa.func.count().desc())
    ).all()
    queues = db.session.execute(
        sa.select(HumanTask.agency_id, HumanTask.role, sa.func.count())
        .where(open_, HumanTask.assignee_id.is_(None))
        .group_by(HumanTask.agency_id, HumanTask.role)
        .order_by(sa.func.count().desc())
        .limit(5)
    ).all()
    many = []
    for agency_id, role, _count in queues:
        user_id = db.session.scalar(
            sa.select(User.id)
            .join(UserRole, UserRole.user_id == User.id)
            .where(User.agency_id == agency_id, UserRole.role == role)
            .order_by(User.id)
            .limit(1)
        )
        many.append(user_id)
    many += [user_id for user_id, _ in by_assignee[:5]]
    rng = random.Random(5)
    few = [user_id for user_id, count in by_assignee if count <= 5]
    few = rng.sample(few, min(10, len(few)))
    return {"many": [db.session.get(User, i) for i in many], "few": [db.session.get(User, i) for i in few]}


def measure_inbox(runs: int) -> list[dict]:
    from app.workflow import queries

    rows = []
    for label, users in pick_users(None).items():
        samples, sizes = [], []
        for user in users:
            flt = queries.InboxFilter()
            _tasks, total = queries.inbox_page_and_count(user, flt, limit=20)
            sizes.append(total)
            p50, p95 = timed(lambda user=user, flt=flt: queries.inbox_page_and_count(user, flt, limit=20), runs)
            samples.append((p50, p95))
        rows.append(
            {
                "users": label,
                "count": len(users),
                "inbox_sizes": f"{min(sizes)}–{max(sizes)}",
                "p50": statistics.median(s[0] for s in samples),
                "p95": max(s[1] for s in samples),
            }
        )
    return rows


def measure_search(runs: int) -> list[dict]:
    from app.core.db import db
    from app.documents.fulltext.query import SearchQuery, search
    from app.org.models import Role, User, UserRole

    clerk = db.session.scalar(
        sa.select(User)
        .join(UserRole, UserRole.user_id == User.id)
        .where(User.agency_id == 1, UserRole.role == Role.CLERK)
        .limit(1)
    )
    specialist = db.session.scalar(
        sa.select(User)
        .join(UserRole, UserRole.user_id == User.id)
        .where(User.agency_id == 1, UserRole.role == Role.SPECIALIST)
        .limit(1)
    )
    rows = []
    for q in ("quyet dinh", "chuyen doi so", "ke hoach tuyen dung cong chuc", "IUU", "phong chong thien tai"):
        for who, user in (("văn thư tỉnh", clerk), ("chuyên viên", specialist)):
            found = search(user, SearchQuery(q=q))
            db.session.rollback()
            p50, p95 = timed(lambda q=q, user=user: search(user, SearchQuery(q=q)), runs)
            rows.append({"query": q, "user": who, "matches": found.total, "p50": p50, "p95": p95})
    return rows


def measure_reports(runs: int, now) -> list[dict]:
    from app.core.db import db
    from app.org.models import Role, User, UserRole
    from app.reports import services
    from app.reports.periods import Period

    local = now.astimezone(now.tzinfo)
    month = Period(local.date().replace(day=1), local.date())
    quarter = Period((local - timedelta(days=90)).date(), local.date())
    leaders = db.session.scalars(
        sa.select(User)
        .join(UserRole, UserRole.user_id == User.id)
        .where(UserRole.role == Role.AGENCY_LEADER)
        .order_by(User.agency_id, User.id)
    ).all()
    province_leader = leaders[0]
    unit_leader = db.session.scalar(
        sa.select(User)
        .join(UserRole, UserRole.user_id == User.id)
        .where(User.agency_id == 1, UserRole.role == Role.UNIT_LEADER)
        .order_by(User.id)
        .offset(1)
        .limit(1)
    )
    admin = db.session.scalar(
        sa.select(User)
        .join(UserRole, UserRole.user_id == User.id)
        .where(User.agency_id == 1, UserRole.role == Role.ADMIN)
        .limit(1)
    )
    cases = [
        ("dashboard, province People's Committee, this month", lambda: services.dashboard(province_leader, month)),
        ("dashboard, province People's Committee, 90 days", lambda: services.dashboard(province_leader, quarter)),
        ("dashboard, one unit, this month", lambda: services.dashboard(unit_leader, month)),
        (
            "handling report (văn bản đến), province, 90 days",
            lambda: services.handling_report(province_leader, "incoming", quarter),
        ),
        ("exchange statistics, whole province, 90 days", lambda: services.exchange_report(admin, quarter)),
    ]
    rows = []
    for label, func in cases:
        p50, p95 = timed(func, runs)
        rows.append({"report": label, "p50": p50, "p95": p95})
    # Every agency's dashboard one after the other: the province's overdue picture as a leader of each sees it.
    one_each = {}
    for leader in leaders:
        one_each.setdefault(leader.agency_id, leader)
    start = time.perf_counter()
    for leader in one_each.values():
        services.dashboard(leader, month)
        db.session.rollback()
    seconds = time.perf_counter() - start
    rows.append(
        {
            "report": f"all {len(one_each)} agencies' dashboards in a row (total)",
            "p50": seconds * 1000,
            "p95": seconds * 1000,
        }
    )
    return rows


def measure_scan(now, minutes: int) -> list[dict]:
    """One scan per scheduler minute after `now` (each fires what came due in its minute), then a catch-up."""
    from app.core import clock
    from app.escalation.scan import escalate

    samples, fired, looked = [], 0, 0
    for minute in range(1, minutes + 1):
        at = now + timedelta(minutes=minute)
        with clock.frozen(at):
            start = time.perf_counter()
            result = escalate(at)
            samples.append((time.perf_counter() - start) * 1000)
        fired += len(result.fired)
        looked += result.looked
    p50, p95 = percentiles(samples)
    rows = [{"scan": f"{minutes} one-minute scans", "looked": looked, "fired": fired, "p50": p50, "p95": p95}]
    at = now + timedelta(minutes=minutes + 60)  # the scheduler was down for an hour
    with clock.frozen(at):
        start = time.perf_counter()
        result = escalate(at)
        ms = (time.perf_counter() - start) * 1000
    rows.append(
        {
            "scan": "catch-up after 1 hour down",
            "looked": result.looked,
            "fired": len(result.fired),
            "p50": ms,
            "p95": ms,
        }
    )
    return rows


def measure_scan_readonly(now, minutes: int) -> list[dict]:
    """The scans of measure_scan, each rolled back (a kept database stays as generated)."""
    from app.core import clock
    from app.core.db import db
    from app.escalation import scan

    samples, fired, looked = [], 0, 0
    for minute in range(1, minutes + 1):
        at = now + timedelta(minutes=minute)
        with clock.frozen(at):
            start = time.perf_counter()
            ids, shared = scan.due(at)  # the batch reads what its looks share once, as escalate()
            for task_id in ids:
                found = scan.look_at(task_id, at, shared)
                fired += len(found or [])
            samples.append((time.perf_counter() - start) * 1000)
            looked += len(ids)
            db.session.rollback()
    p50, p95 = percentiles(samples)
    return [
        {"scan": f"{minutes} one-minute scans (rolled back)", "looked": looked, "fired": fired, "p50": p50, "p95": p95}
    ]


def database_size(kind: str, docs: int, folder: Path) -> dict:
    from app.core.db import db

    if kind == "postgresql":
        total = db.session.scalar(sa.text("SELECT pg_database_size(current_database())"))
        tables = db.session.execute(
            sa.text("SELECT relname, pg_total_relation_size(relid) FROM pg_statio_user_tables ORDER BY 2 DESC LIMIT 8")
        ).all()
    else:
        path = folder / "bench.sqlite3"
        total = path.stat().st_size + sum(p.stat().st_size for p in folder.glob("bench.sqlite3-*"))
        tables = []
        with contextlib.suppress(sa.exc.OperationalError):  # dbstat is optional in SQLite builds
            tables = db.session.execute(
                sa.text("SELECT name, sum(pgsize) FROM dbstat GROUP BY name ORDER BY 2 DESC LIMIT 8")
            ).all()
    db.session.rollback()
    return {"bytes": total, "per_doc": total / docs, "tables": [(n, int(b)) for n, b in tables]}


def reuse_app(kind: str, path: str | None):
    """(app, folder) on the database a --keep run left: PostgreSQL `qlvb_scale`, or the SQLite file `path`."""
    import tempfile

    from app import create_app

    folder = Path(path).parent if path else Path(tempfile.mkdtemp(prefix="qlvb-scale-"))
    os.environ.setdefault("QLVB_SECRET_KEY", "bench-only-secret")
    os.environ["QLVB_INSTANCE_PATH"] = str(folder)
    os.environ["QLVB_DATABASE_URL"] = PG_URL if kind == "postgresql" else f"sqlite:///{path}"
    app = create_app()
    logging.getLogger().setLevel(logging.WARNING)
    return app, folder


def run(kind: str, args) -> dict:
    from bench.scale_data import Options, Summary, default_now, generate

    if args.reuse:
        app, folder = reuse_app(kind, args.sqlite_path)
    else:
        app, folder = bench_app(kind, PG_URL, "qlvb-scale-")
    import flask_migrate

    from app.core import clock
    from app.core.db import db

    results: dict = {"db": kind, "load": os.getloadavg()[0]}
    with app.app_context():
        flask_migrate.upgrade()
        now = default_now()
        if args.reuse:
            docs = db.session.scalar(sa.text("SELECT count(*) FROM search_entry"))
            summary = Summary(now=now)
        else:
            docs = args.docs
            print(f"[{kind}] generating {args.docs} documents …", flush=True)
            options = Options(
                docs=args.docs,
                agencies=args.agencies,
                users=args.users,
                seed=args.seed,
                now=now,
                log=lambda m: print(m, flush=True),
            )
            summary = generate(options)
            print(f"[{kind}] generated in {summary.seconds['total']:.0f} s: {summary.counts}", flush=True)
            if kind == "sqlite":
                print(f"[sqlite] database file: {folder / 'bench.sqlite3'}", flush=True)
        results["docs"], results["generation"] = docs, summary
        results["size"] = database_size(kind, docs, folder)
        with clock.frozen(now):
            results["inbox"] = measure_inbox(args.runs)
            results["search"] = measure_search(args.runs)
            results["reports"] = measure_reports(max(5, args.runs // 3), now)
        if not args.keep:  # the scan fires levels and moves the schedule: a kept database is measured again as it was
            results["scan"] = measure_scan(now, args.scan_minutes)
        else:
            with clock.frozen(now):
                results["scan"] = measure_scan_readonly(now, args.scan_minutes)
        results["load_after"] = os.getloadavg()[0]
        db.session.remove()
        db.engine.dispose()
    if kind == "postgresql" and not args.keep:
        url = sa.engine.make_url(PG_URL)
        admin = sa.create_engine(url.set(database="postgres"), isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{url.database}" WITH (FORCE)'))
        admin.dispose()
    if not args.keep:
        shutil.rmtree(folder, ignore_errors=True)
    return results


def report(r: dict) -> None:
    g = r["generation"]
    print(f"\n== {r['db']}: {r['docs']} documents (load average {r['load']:.2f} → {r['load_after']:.2f}) ==")
    print("generated rows: " + ", ".join(f"{t} {n}" for t, n in sorted(g.counts.items())))
    print("generation seconds: " + ", ".join(f"{k} {v:.0f}" for k, v in g.seconds.items()))
    size = r["size"]
    print(
        f"database {size['bytes'] / 2**20:.0f} MiB, {size['per_doc'] / 1024:.2f} KiB per document; largest: "
        + ", ".join(f"{n} {b / 2**20:.0f} MiB" for n, b in size["tables"])
    )
    print(f"\n{'inbox first page + count (20 rows)':<44} | inbox size | p50 ms | p95 ms")
    for row in r["inbox"]:
        print(
            f"{row['users'] + ' (' + str(row['count']) + ' users)':<44} | {row['inbox_sizes']:>10} | "
            f"{row['p50']:6.1f} | {row['p95']:6.1f}"
        )
    print(f"\n{'search query':<34} | {'user':<14} | matches | p50 ms | p95 ms")
    for row in r["search"]:
        print(f"{row['query']:<34} | {row['user']:<14} | {row['matches']:7d} | {row['p50']:6.1f} | {row['p95']:6.1f}")
    print(f"\n{'report':<56} | p50 ms | p95 ms")
    for row in r["reports"]:
        print(f"{row['report']:<56} | {row['p50']:6.0f} | {row['p95']:6.0f}")
    print(f"\n{'escalation scan':<34} | looked | fired | p50 ms | p95 ms")
    for row in r["scan"]:
        print(f"{row['scan']:<34} | {row['looked']:6d} | {row['fired']:5d} | {row['p50']:6.0f} | {row['p95']:6.0f}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", choices=["sqlite", "postgresql", "both"], default="postgresql")
    parser.add_argument("--docs", type=int, default=1_000_000)
    parser.add_argument("--agencies", type=int, default=300)
    parser.add_argument("--users", type=int, default=30_000)
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--runs", type=int, default=30)
    parser.add_argument("--scan-minutes", type=int, default=30)
    parser.add_argument("--keep", action="store_true", help="keep the database (and SQLite folder) afterwards")
    parser.add_argument("--reuse", action="store_true", help="measure the database a --keep run left (no generation)")
    parser.add_argument("--sqlite-path", help="with --reuse --db sqlite: the kept database file")
    args = parser.parse_args()
    logging.disable(logging.WARNING)
    args.keep = args.keep or args.reuse
    kinds = ["postgresql", "sqlite"] if args.db == "both" else [args.db]
    print(
        f"qlvb scale benchmark — {datetime.now(UTC):%Y-%m-%d %H:%M} UTC, {os.cpu_count()} cores, "
        f"Python {sys.version.split()[0]}, load average {os.getloadavg()[0]:.2f}"
    )
    for kind in kinds:
        report(run(kind, args))
    return 0


if __name__ == "__main__":
    sys.exit(main())
