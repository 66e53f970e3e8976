"""Benchmark of the incoming procedure through the services: receive → check → register → present.

    .venv/bin/python -m bench.incoming [--db sqlite|postgresql|both] [--docs 500] [--warmup 10]

Each document is the NĐ 30/2020 pair built as tests/signing/factories.py builds it (the leader's RSA-2048
signature, then the agency's ECDSA P-256 seal, both under the test PKI's intermediate), received electronically
and verified against the test root, configured as the deployment's trust root (`SIGNING_TRUST_ROOTS` → a PEM file
in a temporary folder). Then the clerk accepts it (check_document), registers it, which takes the next số đến
(register_document), and the leader gives the direction (direct_handling). Every step is its own committed unit of
work, as one HTTP request is (bench/engine.py). Each database is created fresh: SQLite in a temporary folder,
PostgreSQL database `qlvb_bench_incoming` (dropped and re-created). Prints the figures bench/RESULTS.md records.
"""

import argparse
import logging
import os
import statistics
import sys
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import sqlalchemy as sa

from bench.common import Timed, bench_app, fresh_database_url

PG_URL = os.environ.get(
    "QLVB_BENCH_INCOMING_DATABASE_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/qlvb_bench_incoming"
)
STEPS = ("receive", "check", "register", "present")
METADATA = {
    "sender_code": "000.00.01.H33",
    "sender_name": "Sở Nội vụ tỉnh Kiên Giang",
    "code_notation": "SNV-TCBC",
    "issued_date": "2026-11-20",
    "type_name": "Công văn",
    "signer_position": "Giám đốc",
    "signer_name": "Dương Văn Hùng",
    "page_count": "1",
}


def database_url(kind: str, folder: Path) -> str:
    return fresh_database_url(kind, folder, PG_URL)


@dataclass(frozen=True)
class People:
    """Who acts in the benchmark: the clerk and the leader as loaded users, the lead specialist and unit by id."""

    clerk: object
    leader: object
    specialist_id: int
    unit_id: int


def run(kind: str, docs: int, warmup: int, pdf: bytes, root_pem: bytes) -> dict:
    app = _create_app(kind, root_pem)
    import flask_migrate

    from app.core.db import db
    from app.incoming import services as incoming

    results: dict = {"db": kind, "docs": docs}
    with app.app_context():
        flask_migrate.upgrade()
        people = _create_people()
        for n in range(warmup):  # parse caches, connection pool, the first register counter row
            _one_document(people, pdf, n, None)
        verify = Timed(incoming, "verify_pdf")
        times: dict[str, list[float]] = {step: [] for step in STEPS}
        start = time.perf_counter()
        made = [_one_document(people, pdf, warmup + n, times) for n in range(docs)]
        elapsed = time.perf_counter() - start
        verify.restore()

        _check_outcome(made, warmup, docs)
        results.update(
            seconds=elapsed,
            docs_per_s=docs / elapsed,
            step_ms={step: statistics.mean(samples) * 1000 for step, samples in times.items()},
            step_median_ms={step: statistics.median(samples) * 1000 for step, samples in times.items()},
            verify_median_ms=statistics.median(verify.samples) * 1000,
            verify_calls=len(verify.samples),
        )
        db.session.remove()
        db.engine.dispose()
    return results


def _create_app(kind: str, root_pem: bytes):
    """The application on a fresh database of `kind`, trusting the test PKI's root as the deployment's root."""
    app, folder = bench_app(kind, PG_URL, "qlvb-bench-incoming-")
    roots = folder / "trust-roots.pem"
    roots.write_bytes(root_pem)
    app.config["SIGNING_TRUST_ROOTS"] = str(roots)
    return app


def _create_people() -> People:
    """One agency with a clerk, a leader and a specialist in a unit; the processes deployed."""
    from app.core.db import db
    from app.core.transaction import unit_of_work
    from app.org import services as org
    from app.org.models import User
    from app.workflow.definitions import sync_processes

    with unit_of_work():
        agency = org.create_agency(None, code="000.00.00.H33", name="UBND tỉnh Kiên Giang", abbreviation="UBND")
        unit = org.create_unit(None, agency_id=agency.id, name="Phòng Tổng hợp", abbreviation="TH")

        def person(username: str, role: str, unit_id=None) -> int:
            return org.create_user(
                None,
                username=username,
                full_name=username,
                agency_id=agency.id,
                unit_id=unit_id,
                password="Bench-Password-1",
                roles=[role],
            ).id

        ids = (
            person("vanthu", "van_thu"),
            person("lanhdao", "lanh_dao"),
            person("chuyenvien", "chuyen_vien", unit.id),
        )
        sync_processes()
        unit_id = unit.id
    clerk, leader = (db.session.get(User, i) for i in ids[:2])
    return People(clerk=clerk, leader=leader, specialist_id=ids[2], unit_id=unit_id)


def _open_task(instance_id: int) -> int:
    from app.core.db import db
    from app.workflow.models import HumanTask, TaskState

    return db.session.scalar(
        sa.select(HumanTask.id).where(
            HumanTask.instance_id == instance_id, HumanTask.state.in_([TaskState.READY, TaskState.CLAIMED])
        )
    )


def _one_document(people: People, pdf: bytes, n: int, times: dict[str, list[float]] | None) -> int:
    """Receive document `n` and take it through its three tasks, each step its own unit of work; time them."""
    from app.core.db import db
    from app.core.transaction import unit_of_work
    from app.documents.uploads import Upload
    from app.incoming import services as incoming
    from app.workflow import services as wf
    from app.workflow.models import WorkflowInstance

    subject = f"Về việc báo cáo biên chế công chức năm 2027 (văn bản thử số {n})"
    marks = [time.perf_counter()]
    with unit_of_work():
        document = incoming.receive_incoming(
            people.clerk,
            channel="electronic",
            metadata={**METADATA, "code_number": str(n + 1), "subject": subject},
            uploads=[Upload(f"cong-van-{n + 1}.pdf", pdf, is_main=True)],
        )
        document_id = document.id
        instance_id = db.session.scalar(
            sa.select(WorkflowInstance.id).where(
                WorkflowInstance.object_type == "incoming", WorkflowInstance.object_id == str(document_id)
            )
        )
    marks.append(time.perf_counter())
    direction = {"y_kien_chi_dao": "Giao Phòng Tổng hợp", "lead_unit_id": people.unit_id}
    for user, data, outcome in (
        (people.clerk, {}, "tiep_nhan"),
        (people.clerk, {"sender_name": METADATA["sender_name"], "type_name": "Công văn", "subject": subject}, None),
        (people.leader, {**direction, "lead_user_id": people.specialist_id}, None),
    ):
        with unit_of_work():
            wf.complete_task(user, _open_task(instance_id), data, outcome=outcome)
        marks.append(time.perf_counter())
    if times is not None:
        for step, start, end in zip(STEPS, marks[:-1], marks[1:], strict=True):
            times[step].append(end - start)
    return document_id


def _check_outcome(made: list[int], warmup: int, docs: int) -> None:
    """Every timed document ended where the procedure says, numbered without a gap, its signatures valid."""
    from app.core.db import db
    from app.incoming.models import IncomingDocument, IncomingFile, IncomingStatus

    db.session.expire_all()
    rows = db.session.execute(
        sa.select(IncomingDocument.status, IncomingDocument.arrival_number).where(IncomingDocument.id.in_(made))
    ).all()
    numbers = sorted(number for _status, number in rows)
    # Naming the lead specialist hands the document straight to them: status 05 (handling).
    assert {status for status, _number in rows} == {IncomingStatus.HANDLING}, {s for s, _n in rows}
    assert numbers == list(range(warmup + 1, warmup + docs + 1)), "số đến consecutive, no gap"
    valid = db.session.scalar(
        sa.select(sa.func.count())
        .select_from(IncomingFile)
        .where(IncomingFile.document_id.in_(made), IncomingFile.signature_valid.is_(True))
    )
    assert valid == docs, "both signatures valid and trusted in every document"


def report(results: dict) -> None:
    print(f"\n== {results['db']} ==")
    print(
        f"{results['docs']} documents × 4 committed steps in {results['seconds']:.1f} s: "
        f"{results['docs_per_s']:.2f} documents/s"
    )
    print("step     | mean ms | median ms")
    for step in STEPS:
        print(f"{step:<8} | {results['step_ms'][step]:7.1f} | {results['step_median_ms'][step]:9.1f}")
    share = results["verify_median_ms"] / results["step_median_ms"]["receive"] * 100
    print(
        f"verify_pdf inside receive, 2 signatures: median {results['verify_median_ms']:.1f} ms "
        f"of {results['verify_calls']} ({share:.0f}% of the median receive)"
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", choices=["sqlite", "postgresql", "both"], default="both")
    parser.add_argument("--docs", type=int, default=500)
    parser.add_argument("--warmup", type=int, default=10)
    args = parser.parse_args()
    logging.disable(logging.WARNING)  # pyHanko warns about the test PKI's never-fetched CRL location

    from tests.signing import factories

    pki = factories.build_test_pki()
    pdf = factories.sign_personal_then_seal(factories.make_pdf("Công văn số 123/SNV-TCBC"), pki)
    kinds = ["postgresql", "sqlite"] if args.db == "both" else [args.db]
    print(
        f"qlvb incoming benchmark — {datetime.now(UTC):%Y-%m-%d %H:%M} UTC, {os.cpu_count()} cores, "
        f"Python {sys.version.split()[0]}, {len(pdf)} B PDF with 2 signatures"
    )
    for kind in kinds:
        report(run(kind, args.docs, args.warmup, pdf, pki.root.pem))
    return 0


if __name__ == "__main__":
    sys.exit(main())
