"""Benchmark of the exchange between deployments (issue 14): edXML packages and the inbound endpoint.

    .venv/bin/python -m bench.exchange [--runs 10] [--sizes 1,5] [--no-http]

1. Package work in one process, for a Công văn whose main file is a PDF of 1 MB and of 5 MB: build the edXML
   (base64 attachment, field limits), sign the envelope (XML-DSig rsa-sha256 with the agency's exchange credential,
   RSA-2048), parse it back, verify the signature against the trust roots. Median ms of each stage over `--runs`,
   and complete cycles per second.
2. The inbound endpoint on loopback: a real `qlvb serve` (gunicorn, 2 workers, SQLite) receiving signed packages over
   `POST /exchange/v1/messages` (qlvb-peer/1 HMAC headers), each a new document registered as incoming at the
   receiving agency (its procedure started, status 01 queued for the sender). Median round trip per size.
"""

import argparse
import base64
import io
import logging
import secrets
import statistics
import sys
import tempfile
import time

SENDER = ("000.00.00.H29", "Ủy ban nhân dân Thành phố Hồ Chí Minh", "UBND TP Hồ Chí Minh")
RECEIVER = ("H26.15", "Sở Nội vụ Thành phố Hà Nội", "Sở Nội vụ TP Hà Nội")
KEY_ID = "bench-peer"
SECRET = "bench-shared-secret-0123456789abcdef"
PASSPHRASE = "Bench@2026"


def pdf_of_size(megabytes: float) -> bytes:
    """A one-page PDF of about `megabytes` MB: incompressible text in comment lines of its content stream."""
    import pikepdf

    pdf = pikepdf.new()
    pdf.add_blank_page()
    lines, size = [], 0
    while size < megabytes * 1024 * 1024:
        line = b"%" + base64.b64encode(secrets.token_bytes(75)) + b"\n"
        lines.append(line)
        size += len(line)
    pdf.pages[0].Contents = pdf.make_stream(b"".join(lines) + b"BT /F1 12 Tf 72 720 Td (Cong van) Tj ET\n")
    out = io.BytesIO()
    pdf.save(out, compress_streams=False)
    return out.getvalue()


def metadata(number: int) -> dict:
    return {
        "sender_code": SENDER[0],
        "sender_name": SENDER[1],
        "organ_id_to": RECEIVER[0],
        "organ_name_to": RECEIVER[1],
        "code_number": f"{number:02d}",
        "code_notation": "UBND-VP",
        "issued_date": "2026-12-04",
        "place": "Thành phố Hồ Chí Minh",
        "type_name": "Công văn",
        "subject": f"Về việc đo hiệu năng liên thông văn bản, lần {number}",
        "signer_position": "Chủ tịch",
        "signer_name": "Trần Văn Minh",
        "urgency": "thuong",
    }


def median_ms(samples: list[float]) -> float:
    return statistics.median(samples) * 1000


def demo_pki():
    from app.signing.pki import build_demo_pki

    people = [("lienthong.hcm", f"Liên thông {SENDER[2]}", SENDER[2])]
    return build_demo_pki([(SENDER[0], SENDER[2]), (RECEIVER[0], RECEIVER[2])], people, passphrase=PASSPHRASE)


def package_work(pki, sizes: list[float], runs: int) -> tuple[list[dict], dict[str, bytes]]:
    """Build, sign, parse, verify in the sender's app (a fresh SQLite database holding its exchange credential).
    Returns the figures and one signed package per size."""
    from app.core.transaction import unit_of_work
    from app.exchange.edxml import build_package, parse_package
    from app.exchange.xmldsig import sign_package, verify_package
    from app.org import services as org
    from app.signing import credentials
    from bench.common import bench_app

    app, folder = bench_app("sqlite", "", "qlvb-bench-exchange-")
    (folder / "root.pem").write_bytes(pki.root_pem)
    app.config["SIGNING_TRUST_ROOTS"] = str(folder / "root.pem")
    rows, signed_packages = [], {}
    with app.app_context():
        import flask_migrate

        flask_migrate.upgrade()
        with unit_of_work():
            agency = org.create_agency(None, code=SENDER[0], name=SENDER[1], abbreviation="UBND")
            credentials.add_exchange(None, agency.id, p12=pki.personal["lienthong.hcm"], passphrase=PASSPHRASE)
            agency_id = agency.id
        for megabytes in sizes:
            attachment = [("cong-van.pdf", pdf_of_size(megabytes), "application/pdf")]
            stages = {"build": [], "sign": [], "parse": [], "verify": [], "total": []}
            signed = b""
            for number in range(runs + 1):  # the first run warms up
                times = [time.perf_counter()]
                data = build_package(metadata(number + 1), attachment)
                times.append(time.perf_counter())
                signed = sign_package(data, agency_id)
                times.append(time.perf_counter())
                parse_package(signed)
                times.append(time.perf_counter())
                assert verify_package(signed, agency_id).signed
                times.append(time.perf_counter())
                if number:
                    for stage, start, end in zip(
                        ("build", "sign", "parse", "verify"), times[:-1], times[1:], strict=True
                    ):
                        stages[stage].append(end - start)
                    stages["total"].append(times[-1] - times[0])
            signed_packages[f"{megabytes:g} MB"] = signed
            rows.append(
                {
                    "size": f"{megabytes:g} MB",
                    "package": f"{len(signed) / 1024 / 1024:.2f} MB",
                    **{stage: median_ms(samples) for stage, samples in stages.items()},
                    "per_s": 1 / statistics.median(stages["total"]),
                }
            )
    return rows, signed_packages


def receiver_setup(root_pem: bytes):
    """The receiving deployment (in `running_server`'s app context): its agency, the sender's system as a peer
    with the shared secret, the sender's agency in the directory, the demo root trusted deployment-wide."""

    def setup():
        from app.core.transaction import unit_of_work
        from app.exchange import directory, peers
        from app.org import services as org
        from app.signing import trust_store
        from app.workflow.definitions import sync_processes

        with unit_of_work():
            sync_processes()
            org.create_agency(None, code=RECEIVER[0], name=RECEIVER[1], abbreviation="SNV")
            # Nobody listens there: the 01 the receiver owes goes to its outbox and waits, as when the sender is down.
            peer, _ = peers.add_peer(
                None, secret=SECRET, name="Hệ thống gửi", key_id=KEY_ID, base_url="http://127.0.0.1:9"
            )
            directory.add_entry(None, code=SENDER[0], name=SENDER[1], peer_id=peer.id)
            trust_store.add(None, data=root_pem, agency_id=None, note="DEMO PKI của phép đo")

    return setup


def round_trips(pki, signed_packages: dict[str, bytes], runs: int) -> list[dict]:
    """Each request delivers the package under a new message id: a new incoming document each time (the same
    mã định danh, so each after the first is flagged as a possible duplicate, as a resend by another channel is)."""
    import requests

    from app.exchange.connector_auth import signature
    from bench.server import running_server

    rows = []
    with running_server("sqlite", receiver_setup(pki.root_pem), workers=2) as (base, _):
        for size, body in signed_packages.items():
            samples = []
            for index in range(runs + 1):
                timestamp, nonce, key = str(int(time.time())), secrets.token_hex(16), f"bench|{size}|{index}"
                headers = {
                    "Content-Type": "application/xml",
                    "X-Qlvb-Key-Id": KEY_ID,
                    "X-Qlvb-Timestamp": timestamp,
                    "X-Qlvb-Nonce": nonce,
                    "X-Qlvb-Message-Type": "edoc",
                    "X-Qlvb-Idempotency-Key": key,
                    "X-Qlvb-Message-Id": f"bench-{size}-{index}",
                    "X-Qlvb-Signature": signature(SECRET.encode(), timestamp, nonce, "edoc", key, body),
                }
                start = time.perf_counter()
                answer = requests.post(f"{base}/exchange/v1/messages", data=body, headers=headers, timeout=120)
                elapsed = time.perf_counter() - start
                assert answer.status_code == 200, answer.text[:500]
                if index:  # the first one warms the workers up
                    samples.append(elapsed)
            rows.append({"size": size, "round_trip": median_ms(samples), "per_s": 1 / statistics.median(samples)})
    return rows


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=10)
    parser.add_argument("--sizes", default="1,5", help="attachment sizes in MB, comma separated")
    parser.add_argument("--no-http", action="store_true", help="skip the inbound endpoint round trips")
    args = parser.parse_args(argv)
    sizes = [float(s) for s in args.sizes.split(",") if s.strip()]
    logging.disable(logging.WARNING)
    tempfile.tempdir = tempfile.mkdtemp(prefix="qlvb-bench-exchange-tmp-")

    pki = demo_pki()
    print(f"Package work, median of {args.runs} (ms):")
    print(
        f"{'attachment':>10} {'package':>9} {'build':>8} {'sign':>8} {'parse':>8} {'verify':>8} {'total':>8} {'/s':>6}"
    )
    rows, signed_packages = package_work(pki, sizes, args.runs)
    for row in rows:
        print(
            f"{row['size']:>10} {row['package']:>9} {row['build']:8.1f} {row['sign']:8.1f} {row['parse']:8.1f} "
            f"{row['verify']:8.1f} {row['total']:8.1f} {row['per_s']:6.2f}"
        )
    if not args.no_http:
        print(f"\nInbound endpoint on loopback (qlvb serve, 2 workers, SQLite), median of {args.runs}:")
        for row in round_trips(pki, signed_packages, args.runs):
            print(f"{row['size']:>10}  round trip {row['round_trip']:8.1f} ms  ({row['per_s']:.2f}/s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
