"""Benchmark of receiving-side signature verification (app.signing.verify.verify_pdf).

    .venv/bin/python -m bench.signing [--runs 50] [--warmup 5]

The document is the NĐ 30/2020 pair: a one-page letter signed by the leader (RSA-2048) and then sealed by the
agency (ECDSA P-256) in a later revision, both certificates under an intermediate CA whose chain the signatures
embed (tests/signing/factories.py). Prints the median of `--runs` verifications after `--warmup`, and where the
time goes: reading the file and its signature objects, then each signature's validation.
"""

import argparse
import io
import logging
import statistics
import sys
import time


def _median_ms(samples: list[float]) -> float:
    return statistics.median(samples) * 1000


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=50)
    parser.add_argument("--warmup", type=int, default=5)
    args = parser.parse_args(argv)
    logging.disable(logging.WARNING)

    from pyhanko.pdf_utils.reader import PdfFileReader

    from app.signing.verify import _check, _context, verify_pdf
    from tests.signing import factories

    pki = factories.build_test_pki()
    document = factories.sign_personal_then_seal(factories.make_pdf(), pki)
    roots = [pki.root.asn1_cert]
    report = verify_pdf(document, roots)
    assert report.valid, report.problems

    for _ in range(args.warmup):
        verify_pdf(document, roots)
    totals, cpu, reading, per_signature = [], [], [], [[] for _ in report.signatures]
    for _ in range(args.runs):
        start, start_cpu = time.perf_counter(), time.process_time()
        verify_pdf(document, roots)
        totals.append(time.perf_counter() - start)
        cpu.append(time.process_time() - start_cpu)

        # The same work in stages, measured separately so the stages do not disturb the total above.
        start = time.perf_counter()
        embedded = PdfFileReader(io.BytesIO(document), strict=False).embedded_signatures
        reading.append(time.perf_counter() - start)
        for samples, emb in zip(per_signature, embedded, strict=True):
            start = time.perf_counter()
            _check(emb, roots)
            samples.append(time.perf_counter() - start)
        _context(roots)

    sizes = ", ".join(f"{len(sig.pkcs7_content)} B" for sig in embedded)
    print(f"python {sys.version.split()[0]}, {len(document)} B PDF, CMS blobs {sizes}, median of {args.runs}")
    print(f"verify_pdf, 2 signatures (personal + seal): {_median_ms(totals):.1f} ms  (goal ≤ 25 ms)")
    print(f"  same, CPU time of this process:           {_median_ms(cpu):.1f} ms  (less disturbed by other load)")
    print(f"  read file + signature objects:            {_median_ms(reading):.1f} ms")
    for check, samples in zip(report.signatures, per_signature, strict=True):
        print(f"  validate {check.field:<12} ({check.modification}):   {_median_ms(samples):.1f} ms")
    return 0


if __name__ == "__main__":
    sys.exit(main())
