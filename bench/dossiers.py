"""Benchmark of dossiers (app.dossiers, issue 12): filing, closing and exporting a large dossier, the destruction list.

    .venv/bin/python -m bench.dossiers [--filings 10000] [--docs 500] [--dossiers 100000] [--runs 10]

The PostgreSQL database (`qlvb_bench_dossiers` from QLVB_BENCH_DATABASE_URL) is dropped, created and migrated. One
agency, one specialist (the dossiers' creator).

1. Filing: `--filings` items into 100 open dossiers, one unit of work each (one user action = one transaction): half
   văn bản đến linked by the system at the end of their procedure (`filing.file_document`, each incoming document with
   its main PDF), half uploaded files (`filing.file_content`). Items per second.
2. A dossier of `--docs` distinct PDFs (two pages each, a 200×200 noise image on the first so each file weighs
   ~150 KB, like a scanned page): closed (`closing.close`: biên mục, totals), then — in a fresh process on the same
   database and blob folder, so the filing's heap does not hide the peak — exported to PDF (`exports.build_pdf`)
   and to the SIP ZIP (`sip.build_sip`) and the package re-verified (`sip.verify_sip`). For each: the time, the
   process's peak resident memory above its level before (Linux VmHWM, reset through /proc/self/clear_refs: pikepdf's
   C++ allocations included) and, in a second run, Python's peak allocation (tracemalloc) — against the total size
   of the documents, to show the exports stream instead of holding the dossier in memory.
3. The destruction list over `--dossiers` archived dossiers (bulk INSERT … generate_series; expiry spread over
   30 years around today, 1 % under an active legal hold), with the archive's query (`retention.eligible_query`):
   its first page of 100, a count of all, and `retention.eligible_for_destruction` (every row as an object), median
   of `--runs`, with the plan's access path.

Prints the figures bench/RESULTS.md records.
"""

import argparse
import contextlib
import io
import logging
import os
import random
import statistics
import sys
import tempfile
import time
import tracemalloc
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path

import sqlalchemy as sa

from bench.common import bench_app

PG_URL = os.environ.get("QLVB_BENCH_DATABASE_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/qlvb_bench_dossiers")
NOW = datetime(2026, 11, 23, 2, 0, tzinfo=UTC)  # Monday 09:00 in Việt Nam
TODAY = date(2026, 11, 23)
PASSWORD = "Bench-Matkhau-2026"


# ---- the destruction list: app.dossiers.retention (the archive's), measured here --------------------------------


def eligible_page(agency_id: int, today: date, limit: int) -> list[tuple[int, str, date]]:
    """The first `limit` rows of `retention.eligible_query` (ids, codes, expiry: what a list page shows)."""
    from app.core.db import db
    from app.dossiers.models import Dossier
    from app.dossiers.retention import eligible_query

    query = eligible_query(agency_id, today).with_only_columns(Dossier.id, Dossier.file_code, Dossier.expires_on)
    return [tuple(row) for row in db.session.execute(query.limit(limit))]


def count_eligible(agency_id: int, today: date) -> int:
    from app.core.db import db
    from app.dossiers.models import Dossier
    from app.dossiers.retention import eligible_query

    query = eligible_query(agency_id, today).with_only_columns(Dossier.id).order_by(None)
    return db.session.scalar(sa.select(sa.func.count()).select_from(query.subquery()))


def eligible_plan(agency_id: int, today: date) -> list[str]:
    from sqlalchemy.dialects import postgresql

    from app.core.db import db
    from app.dossiers.models import Dossier
    from app.dossiers.retention import eligible_query

    query = eligible_query(agency_id, today).with_only_columns(Dossier.id).limit(100)
    sql = str(query.compile(dialect=postgresql.dialect(), compile_kwargs={"literal_binds": True}))
    return [row[0] for row in db.session.execute(sa.text("EXPLAIN " + sql.replace("%", "%%")))]


# ---- set-up --------------------------------------------------------------------------------------------------


def organisation():
    from app.core.transaction import unit_of_work
    from app.org import services as org

    with unit_of_work():
        agency = org.create_agency(None, code="000.00.00.H33", name="UBND tỉnh Kiên Giang", abbreviation="UBND")
        unit = org.create_unit(None, agency_id=agency.id, name="Phòng Tổng hợp", abbreviation="TH")
        user = org.create_user(
            None,
            username="chuyenvien",
            full_name="Võ Quốc Bảo",
            password=PASSWORD,
            agency_id=agency.id,
            unit_id=unit.id,
            roles=["chuyen_vien"],
        )
        return agency.id, user.id


def new_dossier(owner, notation: str, title: str):
    from app.core.db import db
    from app.dossiers.models import Dossier

    dossier = Dossier(
        agency_id=owner.agency_id,
        year=2026,
        notation=notation,
        file_code=f"{owner.agency.code}.2026.{notation}",
        title=title,
        maintenance="06",
        retention_years=10,
        creator_id=owner.id,
        unit_id=owner.unit_id,
        start_date=date(2026, 1, 5),
    )
    db.session.add(dossier)
    db.session.flush()
    return dossier


_NOISE = None


def pdf_bytes(label: str, pages: int = 2, noise: bool = False) -> bytes:
    """A small real PDF; with `noise`, a 200×200 random image on page 1 (incompressible, ~120 KB)."""
    global _NOISE
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.utils import ImageReader
    from reportlab.pdfgen import canvas

    buffer = io.BytesIO()
    page = canvas.Canvas(buffer, pagesize=A4)
    for number in range(1, pages + 1):
        page.drawString(72, 760, f"{label} page {number}")
        if noise and number == 1:
            if _NOISE is None:
                from PIL import Image

                _NOISE = Image.frombytes("RGB", (200, 200), random.Random(7).randbytes(200 * 200 * 3))
            page.drawImage(ImageReader(_NOISE), 72, 400, 200, 200)
        page.showPage()
    page.save()
    return buffer.getvalue()


def filing_bench(owner_id: int, count: int) -> dict:
    """`count` filings, one unit of work each, into 100 dossiers: half incoming documents, half uploads."""
    from flask import current_app

    from app.core.db import db
    from app.core.transaction import unit_of_work
    from app.dossiers import filing
    from app.dossiers.models import Dossier
    from app.incoming.models import IncomingDocument, IncomingFile
    from app.org.models import User

    blobs = current_app.extensions["qlvb.blobs"]
    with unit_of_work():
        owner = db.session.get(User, owner_id)
        dossier_ids = [new_dossier(owner, f"{n:02d}.TH", f"Hồ sơ {n}").id for n in range(1, 101)]
        data = pdf_bytes("filed", 1)
        sha = blobs.put(data)
        documents = []
        for n in range(count // 2):
            doc = IncomingDocument(
                agency_id=owner.agency_id,
                channel="electronic",
                status="completed",
                sender_name="Sở Nội vụ",
                code_number=str(n + 1),
                code_notation="SNV-TCBC",
                issued_date=date(2026, 1 + n % 11, 1 + n % 28),
                type_name="Công văn",
                subject=f"Về việc {n}",
                page_count=1,
            )
            main = IncomingFile(sha256=sha, filename="cv.pdf", content_type="application/pdf", size=len(data))
            main.is_main = True
            doc.files.append(main)
            documents.append(doc)
        db.session.add_all(documents)
        db.session.flush()
        doc_ids = [d.id for d in documents]
    db.session.remove()
    started = time.perf_counter()
    for n in range(count):
        with unit_of_work():
            dossier = db.session.get(Dossier, dossier_ids[n % len(dossier_ids)])
            if n % 2 == 0:
                filing.file_document(None, dossier, "incoming", doc_ids[n // 2], auto=True)
            else:
                owner = db.session.get(User, owner_id)
                filing.file_content(
                    owner,
                    dossier,
                    sha256=sha,
                    filename=f"tai-lieu-{n}.pdf",
                    content_type="application/pdf",
                    size=len(data),
                    subject=f"Tài liệu {n}",
                    pages=1,
                )
        db.session.remove()
    seconds = time.perf_counter() - started
    return {"count": count, "s": seconds, "per_s": count / seconds}


@dataclass
class Peak:
    s: float = 0.0
    rss_rise_mib: float = 0.0
    py_peak_mib: float = 0.0


def measure(func) -> tuple[Peak, object]:
    """Run `func` twice: timed with the rise of the process's peak RSS (C++ allocations of pikepdf/qpdf included),
    then under tracemalloc (which slows Python down) for Python's own peak allocation."""
    peak = Peak()
    rss_before = _rss_kib("VmRSS")
    _reset_hwm()
    started = time.perf_counter()
    result = func()
    peak.s = time.perf_counter() - started
    peak.rss_rise_mib = max(0, _rss_kib("VmHWM") - rss_before) / 1024
    tracemalloc.start()
    func()
    peak.py_peak_mib = tracemalloc.get_traced_memory()[1] / 2**20
    tracemalloc.stop()
    return peak, result


def _rss_kib(field: str) -> int:
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith(field + ":"):
                return int(line.split()[1])
    except OSError:
        pass
    import resource

    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss


def _reset_hwm() -> None:
    with contextlib.suppress(OSError):
        Path("/proc/self/clear_refs").write_text("5")  # Linux: reset VmHWM to the current RSS


def large_dossier_bench(owner_id: int, docs: int) -> dict:
    from flask import current_app

    from app.core.db import db
    from app.core.transaction import unit_of_work
    from app.dossiers import closing, filing
    from app.dossiers.closing import CloseRequest
    from app.dossiers.models import Dossier
    from app.org.models import User

    blobs = current_app.extensions["qlvb.blobs"]
    total_bytes = 0
    with unit_of_work():
        owner = db.session.get(User, owner_id)
        dossier = new_dossier(owner, "500.TH", "Hồ sơ lớn")
        for n in range(docs):
            data = pdf_bytes(f"Document {n}", 2, noise=True)
            total_bytes += len(data)
            filing.file_content(
                owner,
                dossier,
                sha256=blobs.put(data),
                filename=f"van-ban-{n}.pdf",
                content_type="application/pdf",
                size=len(data),
                subject=f"Văn bản số {n}",
                dated_on=date(2026, 1 + n % 11, 1 + n % 28),
                code_notation=f"{n + 1}/BC-TH",
                pages=2,
            )
        dossier_id = dossier.id
    db.session.remove()
    result = {"docs": docs, "input_mib": total_bytes / 2**20}
    peak = Peak()
    rss_before = _rss_kib("VmRSS")
    _reset_hwm()
    started = time.perf_counter()
    with unit_of_work():  # once only: closing is not repeatable
        owner = db.session.get(User, owner_id)
        closing.close(owner, db.session.get(Dossier, dossier_id), CloseRequest())
    peak.s = time.perf_counter() - started
    peak.rss_rise_mib = max(0, _rss_kib("VmHWM") - rss_before) / 1024
    result["close"] = peak
    db.session.remove()
    result.update(export_in_child(dossier_id))
    return result


def export_in_child(dossier_id: int) -> dict:
    """The exports, measured in a fresh process (`--export-child`) on the same database and blob folder: the bench's
    own process has grown its heap while filing, and freed memory it keeps would hide an export's peak."""
    import json
    import subprocess

    child = subprocess.run(
        [sys.executable, "-m", "bench.dossiers", "--export-child", str(dossier_id)],
        env={**os.environ, "QLVB_DATABASE_URL": os.environ["QLVB_DATABASE_URL"]},
        capture_output=True,
        text=True,
        check=True,
    )
    found = json.loads(child.stdout.strip().splitlines()[-1])
    for key in ("pdf", "sip", "verify"):
        found[key] = Peak(**found[key])
    return found


def export_child(dossier_id: int) -> None:
    """In the child: build the PDF, the SIP and verify it, each measured by `measure`; the figures as one JSON line."""
    import dataclasses
    import json

    from app import create_app
    from app.core import clock
    from app.core.db import db
    from app.dossiers import exports, sip
    from app.dossiers.models import Dossier

    app = create_app()
    logging.getLogger().setLevel(logging.WARNING)
    folder = Path(tempfile.mkdtemp(prefix="qlvb-bench-dossier-"))
    result = {"rss_start_mib": _rss_kib("VmRSS") / 1024}
    with app.app_context(), clock.frozen(NOW):
        dossier = db.session.get(Dossier, dossier_id)
        len(dossier.items)  # loaded before measuring: the rows are not the export's cost
        result["pdf"], result["pdf_pages"] = measure(lambda: exports.build_pdf(dossier, folder / "hs.pdf"))
        result["pdf_mib"] = (folder / "hs.pdf").stat().st_size / 2**20
        result["sip"], _members = measure(lambda: sip.build_sip(dossier, folder / "sip.zip"))
        result["sip_mib"] = (folder / "sip.zip").stat().st_size / 2**20
        result["verify"], problems = measure(lambda: sip.verify_sip(folder / "sip.zip"))
        result["sip_problems"] = len(problems)
    for path in folder.iterdir():
        path.unlink()
    folder.rmdir()
    for key in ("pdf", "sip", "verify"):
        result[key] = dataclasses.asdict(result[key])
    print(json.dumps(result))


DOSSIERS = """
INSERT INTO dossier (agency_id, year, notation, file_code, title, maintenance, retention_years, rights, language, kind,
    creator_id, start_date, end_date, status, doc_total, page_total, next_ordinal, archived_at, expires_on, created_at,
    updated_at, version)
SELECT :agency, 2000 + g % 26, 'A' || g, 'BENCH.' || g, 'Hồ sơ lưu trữ ' || g, '06', 10, '01', '01', 'general',
    :creator, make_date((2000 + g % 26)::int, 1, 1), make_date((2000 + g % 26)::int, 12, 31), 'archived', 10, 40, 11,
    :now, :today + ((random() * 10950)::int - 5475), :now, :now, 1
FROM generate_series(1, :n) g
"""


def destruction_bench(agency_id: int, owner_id: int, count: int, runs: int) -> dict:
    from app.core.db import db

    started = time.perf_counter()
    db.session.execute(sa.text("SELECT setseed(0.42)"))
    db.session.execute(
        sa.text(DOSSIERS), {"agency": agency_id, "creator": owner_id, "n": count, "now": NOW, "today": TODAY}
    )
    hold_id = db.session.scalar(
        sa.text(
            "INSERT INTO dossier_hold (agency_id, name, reason, created_by_id, created_at) "
            "VALUES (:a, 'Thanh tra', 'Phục vụ thanh tra', :u, :now) RETURNING id"
        ),
        {"a": agency_id, "u": owner_id, "now": NOW},
    )
    db.session.execute(
        sa.text(
            "INSERT INTO dossier_hold_member (hold_id, dossier_id) "
            "SELECT :h, id FROM dossier WHERE notation LIKE 'A%' AND id % 100 = 0"
        ),
        {"h": hold_id},
    )
    db.session.commit()
    with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.execute(sa.text("VACUUM ANALYZE dossier"))
        conn.execute(sa.text("VACUUM ANALYZE dossier_hold_member"))
    fill_s = time.perf_counter() - started
    page = eligible_page(agency_id, TODAY, 100)  # warm-up

    def timed(func) -> float:
        samples = []
        for _ in range(runs):
            begin = time.perf_counter()
            func()
            samples.append((time.perf_counter() - begin) * 1000)
            db.session.rollback()
        return statistics.median(samples)

    first_ms = timed(lambda: eligible_page(agency_id, TODAY, 100))
    count_ms = timed(lambda: count_eligible(agency_id, TODAY))
    from app.dossiers.retention import eligible_for_destruction

    whole_ms = timed(lambda: eligible_for_destruction(agency_id, TODAY))  # the archive's list: every row, as objects
    eligible = count_eligible(agency_id, TODAY)
    plan = eligible_plan(agency_id, TODAY)
    access = next((line.strip() for line in plan if "Index" in line or "Seq Scan" in line), plan[0])
    return {
        "dossiers": count,
        "fill_s": fill_s,
        "first_page": len(page),
        "eligible": eligible,
        "first_ms": first_ms,
        "count_ms": count_ms,
        "whole_ms": whole_ms,
        "access": access,
    }


def run(filings: int, docs: int, dossiers: int, runs: int) -> dict:
    import flask_migrate

    app, _folder = bench_app("postgresql", PG_URL, "qlvb-bench-dossiers-")
    from app.core import clock
    from app.core.db import db

    with app.app_context(), clock.frozen(NOW):
        flask_migrate.upgrade()
        agency_id, owner_id = organisation()
        results = {"filing": filing_bench(owner_id, filings)}
        results["large"] = large_dossier_bench(owner_id, docs)
        results["destruction"] = destruction_bench(agency_id, owner_id, dossiers, runs)
        db.session.remove()
        db.engine.dispose()
    return results


def report(r: dict) -> None:
    f = r["filing"]
    print(f"\n== filing: {f['count']} items into 100 dossiers, one transaction each ==")
    print(f"  {f['s']:.1f} s, {f['per_s']:.0f} items/s ({1000 / f['per_s']:.1f} ms per filing)")
    large = r["large"]
    print(f"\n== a dossier of {large['docs']} PDFs ({large['input_mib']:.1f} MiB of documents) ==")
    print(f"  (exports measured in a fresh process of {large['rss_start_mib']:.0f} MiB resident at start)")
    rows = [
        ("close (biên mục, totals)", large["close"], "(Python peak not measured: runs once)"),
        ("export PDF", large["pdf"], f"{large['pdf_pages']} pages, {large['pdf_mib']:.1f} MiB"),
        ("export SIP ZIP", large["sip"], f"{large['sip_mib']:.1f} MiB"),
        ("verify SIP checksums", large["verify"], f"{large['sip_problems']} problems"),
    ]
    for label, peak, note in rows:
        print(
            f"  {label:26}: {peak.s:7.2f} s, Python peak {peak.py_peak_mib:6.1f} MiB, "
            f"peak RSS rise {peak.rss_rise_mib:6.1f} MiB  {note}"
        )
    d = r["destruction"]
    print(f"\n== destruction list over {d['dossiers']} archived dossiers (inserted in {d['fill_s']:.1f} s) ==")
    print(f"  first page (100 of {d['eligible']} eligible): {d['first_ms']:7.2f} ms (median)")
    print(f"  count of all eligible             : {d['count_ms']:7.2f} ms (median)")
    print(f"  retention.eligible_for_destruction: {d['whole_ms']:7.2f} ms (median; all rows as ORM objects)")
    print(f"  access path: {d['access']}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--filings", type=int, default=10_000)
    parser.add_argument("--docs", type=int, default=500)
    parser.add_argument("--dossiers", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=10)
    parser.add_argument("--export-child", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    logging.disable(logging.WARNING)
    if args.export_child:
        export_child(args.export_child)
        return 0
    print(
        f"qlvb dossiers benchmark — {datetime.now(UTC):%Y-%m-%d %H:%M} UTC, {os.cpu_count()} cores, "
        f"Python {sys.version.split()[0]}, load average {os.getloadavg()[0]:.2f}"
    )
    started = time.perf_counter()
    report(run(args.filings, args.docs, args.dossiers, args.runs))
    print(f"(postgresql: {time.perf_counter() - started:.0f} s, load average {os.getloadavg()[0]:.2f})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
