"""The destruction list (hồ sơ hết thời hạn bảo quản) over many archival dossiers: one indexed query.

`retention.eligible_for_destruction` reads archived dossiers of one agency whose expires_on has come
(ix_dossier_expiry), minus those in an active hold or in a living destruction list. This builds N archived
dossiers of one agency (and as many of a second agency, which must cost nothing), ~1 in 30 expired, a few hundred
held and listed, and times the query. Usage: `.venv/bin/python -m bench.dossiers_archive --db both --dossiers
100000`. PostgreSQL: the database of QLVB_BENCH_DATABASE_URL (default
postgresql+psycopg://postgres@127.0.0.1:5432/qlvb_bench_archive), re-created.
"""

import argparse
import logging
import os
import statistics
import sys
import time
from datetime import UTC, date, datetime, timedelta

import sqlalchemy as sa

from bench.common import bench_app

PG_URL = os.environ.get("QLVB_BENCH_DATABASE_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/qlvb_bench_archive")
TODAY = date(2037, 1, 1)


def build(n: int) -> tuple[int, int]:
    """Two agencies with n archived dossiers each; returns (agency id, expected eligible count)."""
    from app.core.db import db
    from app.dossiers.models import Dossier, DossierDestruction, DossierDestructionEntry, DossierHold, hold_dossier
    from app.org import services

    agencies = [
        services.create_agency(None, code=f"000.00.0{i}.H5{i}", name=f"Cơ quan {i}", abbreviation=f"CQ{i}")
        for i in (1, 2)
    ]
    users = [
        services.create_user(
            None,
            username=f"luutru{i}",
            full_name="Lưu trữ",
            password="Bench-Matkhau-2026",
            agency_id=a.id,
            roles=["luu_tru"],
        )
        for i, a in enumerate(agencies)
    ]
    db.session.commit()
    now = datetime(2030, 1, 1, tzinfo=UTC)
    expected = 0
    for agency, user in zip(agencies, users, strict=True):
        rows = []
        for k in range(n):
            expires = TODAY + timedelta(days=(k % 30) * 365 - 200)  # 1 in 30 already expired on TODAY
            rows.append(
                {
                    "agency_id": agency.id,
                    "year": 2000 + k % 30,
                    "notation": f"{k:06d}",
                    "file_code": f"X.{k}",
                    "title": f"Hồ sơ {k}",
                    "maintenance": "06",
                    "retention_years": 10,
                    "rights": "01",
                    "language": "01",
                    "kind": "general",
                    "creator_id": user.id,
                    "start_date": date(2020, 1, 1),
                    "status": "archived",
                    "doc_total": 0,
                    "page_total": 0,
                    "next_ordinal": 1,
                    "expires_on": None if k % 7 == 0 else expires,
                    "archived_at": now,
                    "created_at": now,
                    "updated_at": now,
                    "version": 1,
                }
            )
            if k % 7 and expires <= TODAY:
                expected += agency is agencies[0]
        for start in range(0, n, 5000):
            db.session.execute(sa.insert(Dossier), rows[start : start + 5000])
        db.session.commit()
    first = agencies[0]
    expired_ids = list(
        db.session.scalars(
            sa.select(Dossier.id).where(Dossier.agency_id == first.id, Dossier.expires_on <= TODAY).limit(400)
        )
    )
    hold = DossierHold(agency_id=first.id, name="Phong tỏa", reason="bench", created_by_id=users[0].id)
    db.session.add(hold)
    db.session.flush()
    db.session.execute(sa.insert(hold_dossier), [{"hold_id": hold.id, "dossier_id": i} for i in expired_ids[:200]])
    listed = DossierDestruction(agency_id=first.id, title="DM", proposed_by_id=users[0].id, status="proposed")
    db.session.add(listed)
    db.session.flush()
    for position, dossier_id in enumerate(expired_ids[200:], start=1):
        db.session.add(
            DossierDestructionEntry(
                destruction_id=listed.id,
                dossier_id=dossier_id,
                position=position,
                file_code="X",
                title="X",
                maintenance="06",
            )
        )
    db.session.commit()
    return first.id, expected - len(expired_ids)


def run(kind: str, n: int, runs: int, plans: bool) -> dict:
    import flask_migrate

    app, _folder = bench_app(kind, PG_URL, "qlvb-bench-archive-")
    with app.app_context():
        flask_migrate.upgrade()
        from app.core.db import db
        from app.dossiers import retention

        started = time.perf_counter()
        agency_id, expected = build(n)
        built = time.perf_counter() - started
        if kind == "postgresql":
            db.session.execute(sa.text("ANALYZE"))
        samples, found = [], 0
        for _ in range(runs):
            t0 = time.perf_counter()
            found = len(retention.eligible_for_destruction(agency_id, TODAY))
            samples.append((time.perf_counter() - t0) * 1000)
            db.session.rollback()
        assert found == expected, (found, expected)
        plan = None
        if plans:
            query = retention.eligible_query(agency_id, TODAY)
            compiled = query.compile(db.engine, compile_kwargs={"literal_binds": True})
            prefix = "EXPLAIN ANALYZE " if kind == "postgresql" else "EXPLAIN QUERY PLAN "
            plan = "\n".join(str(r) for r in db.session.execute(sa.text(prefix + str(compiled))))
        samples.sort()
        return {
            "kind": kind,
            "n": n,
            "eligible": found,
            "built_s": built,
            "p50": statistics.median(samples),
            "p95": samples[int(len(samples) * 0.95) - 1],
            "plan": plan,
        }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", choices=["sqlite", "postgresql", "both"], default="both")
    parser.add_argument("--dossiers", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument("--plans", action="store_true")
    args = parser.parse_args()
    logging.disable(logging.WARNING)
    kinds = ["postgresql", "sqlite"] if args.db == "both" else [args.db]
    print(f"qlvb destruction-list benchmark — {datetime.now(UTC):%Y-%m-%d %H:%M} UTC, {os.cpu_count()} cores")
    for kind in kinds:
        r = run(kind, args.dossiers, args.runs, args.plans)
        print(
            f"{kind}: {r['n']} archived dossiers per agency (2 agencies), {r['eligible']} eligible — "
            f"p50 {r['p50']:.1f} ms, p95 {r['p95']:.1f} ms (built in {r['built_s']:.0f} s)"
        )
        if r["plan"]:
            print(r["plan"])
    return 0


if __name__ == "__main__":
    sys.exit(main())
