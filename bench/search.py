"""Benchmark of the full-text search (app.documents.fulltext): indexing, then query latency as the catalogue grows.

    .venv/bin/python -m bench.search [--db sqlite|postgresql|both] [--docs 1000,5000] [--receive 200] [--runs 30]

Each database is created fresh (SQLite in a temporary folder; PostgreSQL database `qlvb_bench_search` from
QLVB_BENCH_DATABASE_URL, dropped and re-created) and migrated with flask_migrate.upgrade.

1. Indexing through the real service: `--receive` documents received by the clerk (`receive_incoming`, each in its
   own unit of work) with a one-page PDF whose text layer holds Vietnamese text (app.signing.sample.draft_pdf, as
   tests/search/conftest.py builds it). The metadata is indexed inside that transaction (`indexing.refresh`), the
   PDF text right after commit (`indexing.extract_bodies`); both are timed. Then the same documents' text is read
   again by the job (`jobs.index_all_pdf_text`) to give the extraction rate alone.
2. The rest of each catalogue size is filled faster: `incoming_document` rows inserted in bulk (no PDF), then
   catalogued by batches of 500 with the module's own pieces, as `indexing.refresh` + `store_body` would: the
   source's `describe`, `indexing._apply`, generated text in place of an extracted PDF, one batched INSERT and
   `indexing._write_index` (the FTS5 row on SQLite); then VACUUM ANALYZE / ANALYZE.
3. Query latency, p50/p95 over `--runs` runs, of `query.search` as the clerk (sees every document) and as a
   specialist who sees ~1 % of them (the incoming visibility rule: their unit leads those).

Subjects and bodies are drawn from a word list with Zipf-like weights, plus planted words whose share is known, so
the queries have realistic selectivity. Prints the figures bench/RESULTS.md records.
"""

import argparse
import logging
import os
import random
import statistics
import sys
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import sqlalchemy as sa

from bench.common import Timed, bench_app, fresh_database_url

PG_URL = os.environ.get("QLVB_BENCH_DATABASE_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/qlvb_bench_search")
# The vocabulary of administrative writing, most frequent first (weights ~ 1/rank).
_VOCABULARY = (
    "công tác báo cáo thực hiện kế hoạch triển khai năm tỉnh huyện xã quản lý nhà nước cán bộ công chức viên chức "
    "tổ chức hướng dẫn kiểm tra đánh giá kết quả nhiệm vụ giải pháp đề nghị ý kiến phối hợp đơn vị sở ban ngành "
    "ủy ban nhân dân hội đồng quyết định chỉ thị thông báo tờ trình giấy mời hội nghị tổng kết sơ kết tháng quý "
    "ngân sách dự toán kinh phí đầu tư xây dựng công trình giao thông thủy lợi nông nghiệp nông thôn mới y tế giáo "
    "dục đào tạo văn hóa thể thao du lịch tài nguyên môi trường đất đai khoáng sản lao động thương binh xã hội "
    "an ninh quốc phòng trật tự an toàn cải cách hành chính chuyển đổi số dịch vụ công trực tuyến hồ sơ thủ tục "
    "biên chế tuyển dụng bổ nhiệm khen thưởng kỷ luật thanh tra khiếu nại tố cáo tiếp công dân phòng chống tham "
    "nhũng lãng phí thực hành tiết kiệm quy hoạch sử dụng rừng biển đảo thuế hải quan kho bạc chứng khoán doanh "
    "nghiệp hợp tác xã khuyến công thương mại xuất khẩu lúa gạo thủy sản tôm cá giống cây trồng vật nuôi"
)
WORDS = list(dict.fromkeys(_VOCABULARY.split()))
RARE = "Phượng"  # planted in RARE_SHARE of documents: "phuong*" matches no other word of the list
RARE_SHARE = 0.003
PHRASE = ("phòng", "chống", "dịch", "bệnh")  # planted in PHRASE_SHARE; queried as "phong chong dich"
PHRASE_SHARE = 0.05
COMMON = "báo cáo"  # queried as "bao": the second most frequent word, in most subjects or bodies
NOTATIONS = ("SNV-TCBC", "STC-NS", "SYT-NVY", "UBND-VP", "SGDĐT-KHTC", "STNMT-QLĐĐ", "SKHĐT-ĐKKD")
SENDERS = (
    "Sở Nội vụ tỉnh Kiên Giang",
    "Sở Tài chính tỉnh Kiên Giang",
    "Sở Y tế tỉnh Kiên Giang",
    "Văn phòng Ủy ban nhân dân tỉnh",
    "Sở Giáo dục và Đào tạo",
    "Sở Tài nguyên và Môi trường",
    "Sở Kế hoạch và Đầu tư",
    "Ủy ban nhân dân huyện Châu Thành",
)
TYPES = ("Công văn", "Quyết định", "Kế hoạch", "Thông báo", "Báo cáo", "Tờ trình", "Giấy mời")
SIGNERS = ("Dương Văn Hùng", "Nguyễn Thị Lan", "Trần Quốc Bảo", "Lê Minh Đức", "Phạm Thu Hà")
FILTERED = {"q": "bao", "kind": "incoming", "year": 2025}
VISIBLE_SHARE = 0.01  # of documents led by the specialist's unit


class Text:
    """Subjects and bodies with a known share of planted words; deterministic from the seed."""

    def __init__(self, seed: int) -> None:
        self.rng = random.Random(seed)
        self.weights = [1 / (rank + 1) for rank in range(len(WORDS))]

    def _words(self, count: int) -> list[str]:
        return self.rng.choices(WORDS, weights=self.weights, k=count)

    def document(self, n: int) -> dict:
        rng = self.rng
        subject_words = self._words(rng.randint(5, 10))
        if rng.random() < PHRASE_SHARE:
            subject_words[1:1] = PHRASE
        if rng.random() < 0.3:
            subject_words[:0] = COMMON.split()
        body = [" ".join(self._words(14)).capitalize() + "." for _ in range(6)]
        if rng.random() < RARE_SHARE:
            body[3] += f" Đồng chí {RARE} phụ trách."
        issued = date(2024, 1, 1) + timedelta(days=rng.randint(0, (date(2026, 11, 30) - date(2024, 1, 1)).days))
        return {
            "sender_code": "000.00.01.H33",
            "sender_name": rng.choice(SENDERS),
            "code_number": str(n + 1),
            "code_notation": rng.choice(NOTATIONS),
            "issued_date": issued.isoformat(),
            "type_name": rng.choice(TYPES),
            "subject": "Về việc " + " ".join(subject_words),
            "signer_position": "Giám đốc",
            "signer_name": rng.choice(SIGNERS),
            "page_count": "1",
            "body": body,
        }


def database_url(kind: str, folder: Path) -> str:
    return fresh_database_url(kind, folder, PG_URL)


def _create_app(kind: str):
    return bench_app(kind, PG_URL, "qlvb-bench-search-")[0]


def _create_people() -> tuple[object, object, int]:
    """One agency with a clerk and a specialist of a unit; the processes deployed. Returns (clerk, specialist, unit)."""
    from app.core.db import db
    from app.core.transaction import unit_of_work
    from app.org import services as org
    from app.org.models import User
    from app.workflow.definitions import sync_processes

    with unit_of_work():
        agency = org.create_agency(None, code="000.00.00.H33", name="UBND tỉnh Kiên Giang", abbreviation="UBND")
        unit = org.create_unit(None, agency_id=agency.id, name="Phòng Tổng hợp", abbreviation="TH")
        ids = [
            org.create_user(
                None,
                username=username,
                full_name=username,
                agency_id=agency.id,
                unit_id=unit_id,
                password="Bench-Password-1",
                roles=[role],
            ).id
            for username, role, unit_id in (("vanthu", "van_thu", None), ("chuyenvien", "chuyen_vien", unit.id))
        ]
        sync_processes()
        unit_id = unit.id
    clerk, specialist = (db.session.get(User, i) for i in ids)
    return clerk, specialist, unit_id


def _pdf(doc: dict) -> bytes:
    from app.signing.sample import draft_pdf

    return draft_pdf(
        agency_parent="",
        agency_name=doc["sender_name"],
        notation_hint=doc["code_notation"],
        place="Rạch Giá",
        type_name=None,
        subject=doc["subject"],
        body=doc["body"],
        signer_authority=None,
        signer_title="Giám đốc",
        signer_name=doc["signer_name"],
        recipients=["Ủy ban nhân dân tỉnh"],
    )


def receive_phase(clerk, text: Text, count: int, warmup: int) -> dict:
    """Receive `count` documents through the service; time metadata indexing and the text read after commit."""
    from app.core.db import db
    from app.core.transaction import unit_of_work
    from app.documents.fulltext import indexing, jobs
    from app.documents.uploads import Upload
    from app.incoming import services as incoming

    def receive(n: int, pdf: bytes, doc: dict) -> None:
        metadata = {k: v for k, v in doc.items() if k != "body"}
        with unit_of_work():
            incoming.receive_incoming(
                clerk, channel="electronic", metadata=metadata, uploads=[Upload(f"cv-{n + 1}.pdf", pdf, is_main=True)]
            )

    docs = [text.document(n) for n in range(warmup + count)]
    started = time.perf_counter()
    pdfs = [_pdf(doc) for doc in docs]
    pdf_ms = (time.perf_counter() - started) * 1000 / len(pdfs)
    for n in range(warmup):
        receive(n, pdfs[n], docs[n])
    refresh = Timed(indexing, "refresh")
    extract = Timed(indexing, "extract_bodies")
    samples = []
    for n in range(warmup, warmup + count):
        start = time.perf_counter()
        receive(n, pdfs[n], docs[n])
        samples.append(time.perf_counter() - start)
    refresh.restore()
    extract.restore()
    elapsed = sum(samples)
    with unit_of_work():  # the job's rate alone: the same PDFs read again
        db.session.execute(sa.text("UPDATE search_entry SET body_digest = '', body_pending = :t"), {"t": True})
    start = time.perf_counter()
    read = jobs.index_all_pdf_text()
    job_seconds = time.perf_counter() - start
    pdf_bytes = statistics.mean(len(p) for p in pdfs)
    return {
        "received": count,
        "docs_per_s": count / elapsed,
        "receive_median_ms": statistics.median(samples) * 1000,
        "refresh_median_ms": statistics.median(refresh.samples) * 1000,
        "extract_median_ms": statistics.median(extract.samples) * 1000,
        "without_extract_per_s": count / (elapsed - sum(extract.samples)),
        "job_docs": read,
        "job_per_s": read / job_seconds,
        "pdf_bytes": pdf_bytes,
        "pdf_make_ms": pdf_ms,
        "docs": docs,
    }


def fill(agency_id: int, unit_id: int, text: Text, upto: int, number: int) -> dict:
    """Bulk-insert incoming documents (no PDF) up to `upto`; catalogue them as refresh + store_body would."""
    from app.core.db import db
    from app.core.folding import fold_vietnamese
    from app.core.transaction import unit_of_work
    from app.documents.fulltext import indexing
    from app.documents.fulltext.models import SearchEntry
    from app.documents.fulltext.sources import SOURCES
    from app.documents.fulltext.text import words
    from app.incoming.models import IncomingDocument

    source = SOURCES["incoming"]

    with unit_of_work():
        have = db.session.scalar(sa.select(sa.func.count()).select_from(SearchEntry))
    missing, start = upto - have, time.perf_counter()
    arrived = datetime(2026, 11, 1, 1, 0, tzinfo=UTC)
    while have < upto:
        batch = min(500, upto - have)
        docs = [text.document(number + i) for i in range(batch)]
        rows = [
            {
                "agency_id": agency_id,
                "channel": "electronic",
                "status": "received",
                "sender_code": d["sender_code"],
                "sender_name": d["sender_name"],
                "code_number": d["code_number"],
                "code_notation": d["code_notation"],
                "issued_date": date.fromisoformat(d["issued_date"]),
                "type_name": d["type_name"],
                "subject": d["subject"],
                "subject_folded": fold_vietnamese(d["subject"]),
                "language": "Tiếng Việt",
                "signer_position": d["signer_position"],
                "signer_name": d["signer_name"],
                "urgency": "thuong",
                "paper_follows": False,
                "arrived_at": arrived,
                "lead_unit_id": unit_id if text.rng.random() < VISIBLE_SHARE else None,
            }
            for d in docs
        ]
        with unit_of_work():
            ids = db.session.scalars(sa.insert(IncomingDocument).returning(IncomingDocument.id), rows).all()
        with unit_of_work():
            entries = []
            for object_id, doc in zip(ids, docs, strict=True):
                # What refresh + store_body do for one document, without their per-row flushes: the source's
                # describe, the module's _apply, the extracted-text fields, one batched INSERT, the FTS5 rows.
                entry = SearchEntry(kind="incoming", object_id=object_id, body_digest="")
                indexing._apply(entry, source.describe(object_id))
                body = "\n".join([doc["subject"], *doc["body"]])
                entry.body, entry.body_folded, entry.body_digest = body, words(body), entry.files_digest
                entry.body_pending = False
                entries.append(entry)
            db.session.add_all(entries)
            db.session.flush()
            for entry in entries:
                indexing._write_index(db.session, entry)
        db.session.expunge_all()
        have, number = have + batch, number + batch
    seconds = time.perf_counter() - start
    analyze()
    return {"filled": missing, "fill_per_s": missing / seconds if seconds else 0.0, "next_number": number}


def analyze() -> None:
    from app.core.db import db

    if db.engine.dialect.name == "postgresql":
        with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            # VACUUM too: it empties the GIN index's pending list (fastupdate), which a plain ANALYZE leaves full
            # after a bulk fill; autovacuum would do it in a while on a live server.
            conn.execute(sa.text("VACUUM ANALYZE"))
    else:
        with db.engine.begin() as conn:
            conn.execute(sa.text("ANALYZE"))


def queries(docs: list[dict]) -> list[tuple[str, dict, int]]:
    """(label, SearchQuery fields, page) of the timed queries."""
    symbol = f"{docs[-1]['code_number']}/{docs[-1]['code_notation']}"
    return [
        (f"rare word «{RARE.lower()}»", {"q": RARE.lower()}, 1),
        ("common word «bao»", {"q": "bao"}, 1),
        ("3 words, no diacritics «phong chong dich»", {"q": "phong chong dich"}, 1),
        (f"số/ký hiệu «{symbol}»", {"q": symbol}, 1),
        ("«bao» + kind=incoming, year=2025", FILTERED, 1),
        ("«bao», page 5", {"q": "bao"}, 5),
    ]


def time_queries(users: dict, cases: list, runs: int) -> list[dict]:
    from app.core.db import db
    from app.documents.fulltext.query import SearchQuery, search

    rows = []
    for label, params, page in cases:
        for who, user in users.items():
            query = SearchQuery(**params)
            found = search(user, query, page=page)  # warm-up; the number of matches (capped at CANDIDATES)
            db.session.rollback()
            samples = []
            for _ in range(runs):
                db.session.expire_all()
                start = time.perf_counter()
                search(user, query, page=page)
                samples.append((time.perf_counter() - start) * 1000)
                db.session.rollback()
            samples.sort()
            rows.append(
                {
                    "query": label,
                    "user": who,
                    "matches": found.total,
                    "shown": len(found.hits),
                    "p50": statistics.median(samples),
                    "p95": samples[min(len(samples) - 1, round(0.95 * (len(samples) - 1)))],
                }
            )
    return rows


def explain(user, params: dict) -> str:
    """The plan of the ranked candidates query `search` sends for `params` (the first statement it runs)."""
    from app.core.db import db
    from app.documents.fulltext.query import SearchQuery, search

    seen: list[tuple[str, object]] = []

    def capture(_conn, _cursor, statement, parameters, _context, _many):
        seen.append((statement, parameters))

    engine = db.engine
    sa.event.listen(engine, "before_cursor_execute", capture)
    try:
        search(user, SearchQuery(**params))
    finally:
        sa.event.remove(engine, "before_cursor_execute", capture)
    db.session.rollback()
    statement, parameters = next((s, p) for s, p in seen if "score" in s)
    postgresql = engine.dialect.name == "postgresql"
    prefix = "EXPLAIN (ANALYZE, COSTS OFF, TIMING OFF) " if postgresql else "EXPLAIN QUERY PLAN "
    with engine.connect() as conn:
        plan = conn.exec_driver_sql(prefix + statement, parameters).all()
    if engine.dialect.name == "postgresql":
        return "\n".join(row[0] for row in plan)
    return "\n".join(f"{row[0]:>3} {row[1]:>3} {row[-1]}" for row in plan)


def run(kind: str, sizes: list[int], receive: int, warmup: int, runs: int, show_plans: bool) -> dict:
    app = _create_app(kind)
    import flask_migrate

    from app.core.db import db

    results: dict = {"db": kind, "sizes": []}
    with app.app_context():
        flask_migrate.upgrade()
        clerk, specialist, unit_id = _create_people()
        agency_id = clerk.agency_id
        text = Text(seed=10)
        indexing = receive_phase(clerk, text, receive, warmup)
        docs = indexing.pop("docs")
        results["indexing"] = indexing
        number = receive + warmup
        for size in sizes:
            filled = fill(agency_id, unit_id, text, size, number)
            number = filled["next_number"]
            clerk, specialist = db.session.merge(clerk), db.session.merge(specialist)
            users = {"clerk": clerk, "specialist": specialist}
            row = {"size": size, **filled, "queries": time_queries(users, queries(docs), runs)}
            if show_plans and size == sizes[-1]:
                row["plans"] = {
                    "clerk, «bao»": explain(clerk, {"q": "bao"}),
                    f"clerk, «{RARE.lower()}»": explain(clerk, {"q": RARE.lower()}),
                    "specialist, «bao»": explain(specialist, {"q": "bao"}),
                    "specialist, «bao» + kind, year": explain(specialist, FILTERED),
                }
            results["sizes"].append(row)
        db.session.remove()
        db.engine.dispose()
    return results


def report(results: dict) -> None:
    ix = results["indexing"]
    print(f"\n== {results['db']} ==")
    print(
        f"indexing: {ix['received']} documents received by the clerk (one unit of work each, a "
        f"{ix['pdf_bytes'] / 1024:.0f} KiB one-page PDF with Vietnamese text): {ix['docs_per_s']:.1f} documents/s "
        f"(median receive {ix['receive_median_ms']:.1f} ms, of which metadata indexing `refresh` "
        f"{ix['refresh_median_ms']:.2f} ms, and PDF text read after commit {ix['extract_median_ms']:.1f} ms); "
        f"{ix['without_extract_per_s']:.1f} documents/s without the text read"
    )
    print(f"PDF text job (jobs.index_all_pdf_text): {ix['job_docs']} documents at {ix['job_per_s']:.1f} documents/s")
    for row in results["sizes"]:
        print(
            f"\n-- {row['size']} documents in the catalogue ({row['filled']} filled by bulk insert, then "
            f"source.describe + indexing._apply + generated text + indexing._write_index, "
            f"{row['fill_per_s']:.0f} documents/s) --"
        )
        print(f"{'query':<44} | {'user':<10} | matches | p50 ms | p95 ms")
        for q in row["queries"]:
            print(f"{q['query']:<44} | {q['user']:<10} | {q['matches']:7d} | {q['p50']:6.1f} | {q['p95']:6.1f}")
        for name, plan in row.get("plans", {}).items():
            print(f"\nplan of the ranked query, {name}:\n{plan}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", choices=["sqlite", "postgresql", "both"], default="both")
    parser.add_argument("--docs", default="1000,5000")
    parser.add_argument("--receive", type=int, default=200)
    parser.add_argument("--warmup", type=int, default=5)
    parser.add_argument("--runs", type=int, default=30)
    parser.add_argument("--plans", action="store_true", help="print the query plans at the largest size")
    args = parser.parse_args()
    logging.disable(logging.WARNING)
    sizes = sorted(int(s) for s in args.docs.split(",") if s)
    kinds = ["postgresql", "sqlite"] if args.db == "both" else [args.db]
    print(
        f"qlvb search benchmark — {datetime.now(UTC):%Y-%m-%d %H:%M} UTC, {os.cpu_count()} cores, "
        f"Python {sys.version.split()[0]}, load average {os.getloadavg()[0]:.2f}"
    )
    for kind in kinds:
        started = time.perf_counter()
        report(run(kind, sizes, args.receive, args.warmup, args.runs, args.plans))
        print(f"({kind}: {time.perf_counter() - started:.0f} s, load average {os.getloadavg()[0]:.2f})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
