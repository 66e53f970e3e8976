"""Benchmark of the leaders' reports (app.reports) on PostgreSQL: the dashboard and the statistics reports over a
large data set (issue 11: goal ≤ 300 ms each over 1M documents).

    .venv/bin/python -m bench.sla_reports [--size 1000000] [--agencies 1] [--runs 10]

The database (`qlvb_bench_reports` from QLVB_BENCH_DATABASE_URL) is dropped, created and migrated, then filled with
bulk `INSERT … SELECT … FROM generate_series` statements, deterministic from `setseed`:

- `--size` incoming documents over three years before the measuring instant (Monday 23/11/2026 09:00 +07:00), 70 %
  electronic, spread over 20 units and `--agencies` agencies (1 by default: the worst case, every row in the one
  agency measured); each with its workflow case and one task (most completed, with stored working minutes; the
  rest open, many past their deadline), and a main file for the electronic ones;
- `--size` / 4 outgoing documents, 80 % issued, each issued one with its sealed version and three electronic
  recipients (two agencies of the deployment, one external) with dispatch and acknowledgement times.

Then VACUUM ANALYZE, and each report is timed (`--runs` runs after one warm-up; median, p95, max): the dashboard
(month, year, one unit's month, a filtered year), the handling reports (văn bản đến / đi, a year) and the exchange
statistics (a quarter, a year, the province view of every agency).
"""

import argparse
import os
import statistics
import time
from datetime import UTC, datetime

import sqlalchemy as sa

from bench.common import bench_app

PG_URL = os.environ.get("QLVB_BENCH_DATABASE_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/qlvb_bench_reports")
NOW = datetime(2026, 11, 23, 2, 0, tzinfo=UTC)  # Monday 09:00 in Việt Nam
UNITS = 20
USERS = 200

DOCUMENTS = """
INSERT INTO incoming_document (agency_id, channel, status, sender_name, type_name, subject, subject_folded, language,
    urgency, paper_follows, arrived_at, lead_unit_id, handling_due, completed_at, returned_reason)
SELECT a.agency_id, CASE WHEN r1 < 0.7 THEN 'electronic' ELSE 'paper' END,
    CASE WHEN r2 < 0.02 THEN 'returned' WHEN (arrived < :now - interval '30 days' AND r3 < 0.9) OR r3 < 0.4
         THEN 'completed' ELSE 'handling' END,
    'Sở Nội vụ', CASE WHEN r4 < 0.6 THEN 'Công văn' WHEN r4 < 0.8 THEN 'Quyết định' ELSE 'Kế hoạch' END,
    'Về việc ' || g, 've viec ' || g, 'Tiếng Việt', 'thuong', false, arrived,
    a.first_unit + (g % :units), (arrived + (3 + floor(r5 * 12)) * interval '1 day')::date,
    arrived + r5 * interval '20 days', CASE WHEN r2 < 0.02 THEN 'Không đúng thẩm quyền' END
FROM (SELECT g, random() r1, random() r2, random() r3, random() r4, random() r5,
             :now - random() * interval '1095 days' AS arrived
      FROM generate_series(1, :n) g) s
JOIN (SELECT row_number() OVER (ORDER BY id) - 1 AS k, id AS agency_id,
             (SELECT min(id) FROM unit WHERE unit.agency_id = agency.id) AS first_unit
      FROM agency WHERE abbreviation LIKE 'CQD%') a ON a.k = s.g % :agencies
"""
COMPLETED_FIX = "UPDATE incoming_document SET completed_at = NULL WHERE status <> 'completed'"
CASES = """
INSERT INTO workflow_instance (process_version_id, process_id, agency_id, object_type, object_id, title, status,
    is_urgent, state, state_size, started_at, updated_at)
SELECT :version, 'incoming', agency_id, 'incoming', id::text, subject,
    CASE WHEN status = 'completed' THEN 'completed' ELSE 'running' END, false, '\\x'::bytea, 0, arrived_at, arrived_at
FROM incoming_document
"""
TASKS = """
INSERT INTO human_task (instance_id, spiff_task_id, task_name, title, process_id, object_type, object_id,
    object_title, role, agency_id, unit_id, assignee_id, is_designated, due_at, due_sort, urgency, priority, state,
    created_at, claimed_at, completed_at, completed_by_id, working_minutes)
SELECT w.id, 't' || w.id, 'handle_document', 'Giải quyết văn bản', 'incoming', 'incoming', w.object_id, w.title,
    'chuyen_vien', d.agency_id, d.lead_unit_id, u.id, true, d.arrived_at + interval '3 days',
    d.arrived_at + interval '3 days', CASE WHEN d.id % 10 = 0 THEN 'urgent' ELSE 'normal' END,
    CASE WHEN d.id % 10 = 0 THEN 0 ELSE 1 END,
    CASE WHEN d.status = 'completed' THEN 'completed' ELSE 'claimed' END,
    d.arrived_at + interval '1 hour', d.arrived_at + interval '1 hour', d.completed_at,
    CASE WHEN d.status = 'completed' THEN u.id END,
    CASE WHEN d.status = 'completed' THEN 60 + (d.id::bigint * 7919) % 6000 END
FROM workflow_instance w JOIN incoming_document d ON d.id = w.object_id::int
JOIN LATERAL (SELECT id FROM user_account WHERE unit_id = d.lead_unit_id ORDER BY id
              OFFSET d.id % :per_unit LIMIT 1) u ON true
"""
FILES = """
INSERT INTO incoming_file (document_id, sha256, filename, content_type, size, is_main, signature_valid, created_at)
SELECT id, md5(id::text) || md5(id::text), 'van-ban.pdf', 'application/pdf', 100000, true, (id % 10) <> 0, arrived_at
FROM incoming_document WHERE channel = 'electronic'
"""
OUTGOING = """
INSERT INTO outgoing_document (agency_id, status, type_code, type_name, subject, subject_folded, urgency, language,
    drafter_id, signer_authority, reply_requested, drafting_unit_id, reply_due, issued_at, created_at, updated_at)
SELECT a.agency_id, CASE WHEN r1 < 0.8 THEN 'issued' ELSE 'reviewing' END, 'CV', 'Công văn', 'Về việc ' || g,
    've viec ' || g, 'thuong', 'Tiếng Việt', :drafter, '', false, a.first_unit + (g % :units),
    CASE WHEN r2 < 0.3 THEN (created + interval '10 days')::date END,
    CASE WHEN r1 < 0.8 THEN created + r3 * interval '12 days' END, created, created
FROM (SELECT g, random() r1, random() r2, random() r3, :now - random() * interval '1095 days' AS created
      FROM generate_series(1, :m) g) s
JOIN (SELECT row_number() OVER (ORDER BY id) - 1 AS k, id AS agency_id,
             (SELECT min(id) FROM unit WHERE unit.agency_id = agency.id) AS first_unit
      FROM agency WHERE abbreviation LIKE 'CQD%') a ON a.k = s.g % :agencies
"""
VERSIONS = """
INSERT INTO outgoing_version (document_id, number, stage, sha256, filename, size, credential_id, created_at)
SELECT id, 1, 'issued', md5(id::text) || md5(id::text), 'van-ban.pdf', 100000,
    CASE WHEN id % 10 <> 0 THEN :credential END, issued_at
FROM outgoing_document WHERE issued_at IS NOT NULL
"""
RECIPIENTS = """
INSERT INTO outgoing_recipient (document_id, kind, agency_id, code, name, message_id, delivery, attempts,
    dispatched_at, status_code, status_note, status_at, acknowledged_at)
SELECT d.id, CASE WHEN k < 2 THEN 'agency' ELSE 'external' END, CASE WHEN k < 2 THEN :receiver END,
    '000.00.00.G22', 'Nơi nhận ' || k, 'm-' || d.id || '-' || k, CASE WHEN k < 2 THEN 'delivered' ELSE 'exported' END,
    1, d.issued_at,
    CASE WHEN k < 2 AND (d.id + k) % 50 = 0 THEN '02' WHEN k < 2 AND (d.id + k) % 20 <> 0 THEN '01' END,
    CASE WHEN k < 2 AND (d.id + k) % 50 = 0 THEN 'Sai nơi nhận' END,
    CASE WHEN k < 2 AND (d.id + k) % 20 <> 0 THEN d.issued_at + ((d.id * 31) % 240) * interval '1 minute' END,
    CASE WHEN k < 2 AND (d.id + k) % 20 <> 0 THEN d.issued_at + ((d.id * 31) % 240) * interval '1 minute' END
FROM outgoing_document d CROSS JOIN generate_series(0, 2) k WHERE d.issued_at IS NOT NULL
"""


def _people(agencies: int) -> dict:
    """The agencies measured (abbreviations CQD…), 20 units each, 10 people per unit, a process version, a seal."""
    from app.core.db import db
    from app.core.transaction import unit_of_work
    from app.org import services as org

    with unit_of_work():
        first = org.create_agency(None, code="000.00.00.H90", name="Cơ quan đo 0", abbreviation="CQD0")
        for k in range(1, agencies):
            org.create_agency(None, code=f"000.00.{k:02d}.H90", name=f"Cơ quan đo {k}", abbreviation=f"CQD{k}")
        receiver = org.create_agency(None, code="000.00.00.G01", name="Cơ quan nhận", abbreviation="CQN")
        person = org.create_user(
            None,
            username="lanhdao.do",
            full_name="Lãnh đạo",
            agency_id=first.id,
            password="Matkhau-Manh-2026",
            roles=["lanh_dao"],
        )
        ids = {"agency": first.id, "receiver": receiver.id, "leader": person.id}
    with unit_of_work():
        run = db.session.execute
        run(
            sa.text("""INSERT INTO unit (agency_id, name, abbreviation, is_active, created_at)
                       SELECT a.id, 'Phòng ' || u, 'P' || u, true, :now FROM agency a, generate_series(1, :units) u
                       WHERE a.abbreviation LIKE 'CQD%'"""),
            {"now": NOW, "units": UNITS},
        )
        hash_ = run(sa.text("SELECT password_hash FROM user_account WHERE id = :id"), {"id": person.id}).scalar()
        run(
            sa.text("""INSERT INTO user_account (username, full_name, agency_id, unit_id, is_active, password_hash,
                           failed_login_count, session_version, created_at)
                       SELECT 'u' || unit.id || '.' || k, 'Chuyên viên ' || unit.id || '.' || k, unit.agency_id,
                           unit.id, true, :hash, 0, 1, :now
                       FROM unit, generate_series(1, :per_unit) k"""),
            {"hash": hash_, "now": NOW, "per_unit": USERS // UNITS},
        )
        ids["version"] = run(
            sa.text("""INSERT INTO process_version (process_id, name, version, checksum, bpmn_xml,
                                            forms, source, deployed_at)
                                        VALUES ('incoming', 'Văn bản đến', 1, 'x', '', '{}', 'bench', :now)
                                        RETURNING id"""),
            {"now": NOW},
        ).scalar()
        ids["credential"] = run(
            sa.text("""INSERT INTO signing_credential (agency_id, kind, subject_name, issuer_name,
                serial, fingerprint, not_before, not_after, certificate_der, encrypted_p12, image_sha256,
                image_width_pt, image_height_pt, active, created_at)
            VALUES (:agency, 'organization', 'CN=Bench', 'CN=CA', '1', repeat('f', 64), :now, :now, '\\x00',
                '\\x00', repeat('0', 64), 1, 1, false, :now) RETURNING id"""),
            {"agency": first.id, "now": NOW},
        ).scalar()
        ids["unit"] = run(sa.text("SELECT min(id) FROM unit WHERE agency_id = :a"), {"a": first.id}).scalar()
    return ids


def fill(size: int, agencies: int) -> dict:
    """Insert the data set; returns the ids the measurements need and how long each step took."""
    from app.core.db import db
    from app.core.transaction import unit_of_work

    ids = _people(agencies)
    steps = [
        ("incoming_document", DOCUMENTS, {"n": size}),
        ("completed_at", COMPLETED_FIX, {}),
        ("workflow_instance", CASES, {"version": ids["version"]}),
        ("human_task", TASKS, {"per_unit": USERS // UNITS}),
        ("incoming_file", FILES, {}),
        ("outgoing_document", OUTGOING, {"m": size // 4, "drafter": ids["leader"]}),
        ("outgoing_version", VERSIONS, {"credential": ids["credential"]}),
        ("outgoing_recipient", RECIPIENTS, {"receiver": ids["receiver"]}),
    ]
    common = {"now": NOW, "units": UNITS, "agencies": agencies}
    timings = {}
    with unit_of_work():
        db.session.execute(sa.text("SELECT setseed(0.42)"))
        for name, statement, values in steps:
            started = time.perf_counter()
            db.session.execute(sa.text(statement), {**common, **values})
            timings[name] = time.perf_counter() - started
    with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        started = time.perf_counter()
        conn.execute(sa.text("VACUUM ANALYZE"))
        timings["vacuum_analyze"] = time.perf_counter() - started
    return {**ids, "timings": timings}


def measure(ids: dict, runs: int) -> list[tuple[str, list[float]]]:
    from app.core import clock
    from app.core.db import db
    from app.reports import exchange, handling, queries
    from app.reports.periods import make_period, standard_period
    from app.reports.permissions import Scope

    agency, unit = ids["agency"], ids["unit"]
    month, year = make_period("2026-11-01", "2026-11-30"), make_period("2026-01-01", "2026-12-31")
    quarter = standard_period("quarter", 2026, 3)
    every = sorted(db.session.scalars(sa.text("SELECT id FROM agency")))
    cases = [
        ("dashboard, agency, month", lambda: queries.dashboard(queries.Filters(Scope(agency), month))),
        ("dashboard, agency, year", lambda: queries.dashboard(queries.Filters(Scope(agency), year))),
        ("dashboard, one unit, month", lambda: queries.dashboard(queries.Filters(Scope(agency, unit), month))),
        (
            "dashboard, year, urgent + Quyết định",
            lambda: queries.dashboard(queries.Filters(Scope(agency), year, None, "Quyết định", "urgent")),
        ),
        (
            "handling report, văn bản đến, year",
            lambda: handling.handling_report(handling.INCOMING, Scope(agency), year),
        ),
        ("handling report, văn bản đi, year", lambda: handling.handling_report(handling.OUTGOING, Scope(agency), year)),
        ("exchange statistics, quarter", lambda: exchange.exchange_report([agency], quarter)),
        ("exchange statistics, year", lambda: exchange.exchange_report([agency], year)),
        ("exchange statistics, province, year", lambda: exchange.exchange_report(every, year)),
    ]
    found = []
    with clock.frozen(NOW):
        for name, run in cases:
            run()  # warm-up: plans, the calendar cache, the buffer cache
            samples = []
            for _ in range(runs):
                started = time.perf_counter()
                run()
                samples.append((time.perf_counter() - started) * 1000)
            found.append((name, samples))
    return found


def _existing_ids() -> dict:
    """The ids `measure` needs, from a data set an earlier run built (--reuse)."""
    from app.core.db import db

    agency = db.session.scalar(sa.text("SELECT min(id) FROM agency WHERE abbreviation LIKE 'CQD%'"))
    unit = db.session.scalar(sa.text("SELECT min(id) FROM unit WHERE agency_id = :a"), {"a": agency})
    return {"agency": agency, "unit": unit}


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=int, default=1_000_000, help="incoming documents (and tasks)")
    parser.add_argument("--agencies", type=int, default=1, help="agencies sharing them (1: the worst case)")
    parser.add_argument("--runs", type=int, default=10)
    parser.add_argument("--reuse", action="store_true", help="measure the data set an earlier run left")
    args = parser.parse_args(argv)
    if args.reuse:
        os.environ["QLVB_DATABASE_URL"] = PG_URL
        os.environ.setdefault("QLVB_SECRET_KEY", "bench-only-secret")
        from app import create_app

        app = create_app()
    else:
        app, _folder = bench_app("postgresql", PG_URL, "qlvb-bench-reports-")
    import flask_migrate

    with app.app_context():
        if args.reuse:
            ids = _existing_ids()
        else:
            flask_migrate.upgrade()
            started = time.perf_counter()
            ids = fill(args.size, args.agencies)
            print(
                f"data set: {args.size:,} incoming documents and tasks, {args.size // 4:,} outgoing documents, "
                f"{args.agencies} agenc{'y' if args.agencies == 1 else 'ies'}; built in "
                f"{time.perf_counter() - started:.1f} s"
            )
            for name, seconds in ids["timings"].items():
                print(f"  {name:<20} {seconds:7.1f} s")
        print(f"{'report':<42} {'min':>9} {'median':>9} {'p95':>9} {'max':>9}   (ms, {args.runs} runs)")
        for name, samples in measure(ids, args.runs):
            ordered = sorted(samples)
            p95 = ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]
            print(f"{name:<42} {min(samples):9.1f} {statistics.median(samples):9.1f} {p95:9.1f} {max(samples):9.1f}")


if __name__ == "__main__":
    main()
