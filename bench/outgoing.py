"""Benchmark of signing an outgoing document (app.signing.sign): personal signature, issue, attachment.

    .venv/bin/python -m bench.outgoing [N] [--warmup 5]

A 5-page draft (app.signing.sample, the Rạch Giá công văn) is prepared once (prepare_draft: the two empty fields,
done when the draft is submitted). Then N times: the leader's personal signature (RSA-2048, blue PNG placed
between title and name, found on the page), the clerk's issue step (number and date filled, agency seal ECDSA
P-256 at real size, one revision), and the agency signature on a 1-page attachment (symbol + ISO time stamp).
Signers are `cached_key_signer` (key parsed once, certificate-derived CMS parts built once, no dry-run
signature: `bytes_reserved`). Prints ms per document (median, p95; goal ≤ 60 ms median) and per step.
"""

import argparse
import gc
import logging
import statistics
import sys
import time


def _ms(samples: list[float], q: float | None = None) -> float:
    if q is None:
        return statistics.median(samples) * 1000
    return statistics.quantiles(samples, n=100, method="inclusive")[round(q * 100) - 1] * 1000


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("n", nargs="?", type=int, default=200, help="documents to sign (default 200)")
    parser.add_argument("--warmup", type=int, default=5)
    parser.add_argument(
        "--no-freeze",
        action="store_true",
        help="leave the start-up heap to the garbage collector (by default it is frozen, as a preloaded worker does)",
    )
    args = parser.parse_args(argv)
    logging.disable(logging.WARNING)

    from app.signing import sample, sign
    from app.signing.appearance import image_size_pt
    from app.signing.verify import verify_pdf
    from tests.signing import factories

    pki = factories.build_test_pki()
    chain = [pki.intermediate.cert, pki.root.cert]
    person = sign.cached_key_signer(pki.person.cert, pki.person.key, chain)
    seal = sign.cached_key_signer(pki.seal.cert, pki.seal.key, chain)
    signature_png, seal_png = sample.signature_png(), sample.seal_png()
    signature_size, seal_size = image_size_pt(signature_png), image_size_pt(seal_png)

    start = time.perf_counter()
    draft = sample.example_draft(pages=5)
    generated = time.perf_counter() - start
    start = time.perf_counter()
    prepared = sign.prepare_draft(draft)
    first_prepare = time.perf_counter() - start  # includes cutting the fonts down, once per process
    prepare_samples = []
    for _ in range(10):
        start = time.perf_counter()
        sign.prepare_draft(draft)
        prepare_samples.append(time.perf_counter() - start)
    attachment = sample.example_draft(pages=1, type_name="Phụ lục")

    def one() -> tuple[bytes, bytes, list[float]]:
        t0 = time.perf_counter()
        personal = sign.sign_personal(
            prepared, person, image_png=signature_png, signer_name="Nguyễn Văn An", image_size_pt=signature_size
        )
        t1 = time.perf_counter()
        issued = sign.issue(
            personal,
            seal,
            seal_png=seal_png,
            seal_size_pt=seal_size,
            number_text="54/UBND-VP",
            date_text="Rạch Giá, ngày 05 tháng 01 năm 2027",
        )
        t2 = time.perf_counter()
        signed_attachment = sign.sign_attachment(attachment, seal, symbol="54/UBND-VP")
        t3 = time.perf_counter()
        return issued, signed_attachment, [t1 - t0, t2 - t1, t3 - t2, t3 - t0]

    issued, signed_attachment, _ = one()
    for document in (issued, signed_attachment):
        report = verify_pdf(document, trust_roots=pki.trust_roots)
        assert report.valid, report.problems
    for _ in range(args.warmup):
        one()
    if not args.no_freeze:
        # ~110k long-lived objects (modules, fontTools and pyHanko tables) make each full collection cost ~55 ms on
        # the 2-core machine; a gunicorn worker started with --preload and gc.freeze() never scans them either.
        gc.collect()
        gc.freeze()
    steps: list[list[float]] = [[], [], [], []]
    cpu_start = time.process_time()
    for _ in range(args.n):
        for samples, value in zip(steps, one()[2], strict=True):
            samples.append(value)
    cpu = (time.process_time() - cpu_start) / args.n

    frozen = "not frozen" if args.no_freeze else "frozen"
    print(f"python {sys.version.split()[0]}, N={args.n}, start-up heap {frozen}")
    print(
        f"draft {len(draft)} B (5 pages), prepared {len(prepared)} B, issued {len(issued)} B, "
        f"attachment signed {len(signed_attachment)} B"
    )
    print(
        f"generate draft (reportlab): {generated * 1000:.0f} ms; prepare_draft (once a draft): "
        f"median {_ms(prepare_samples):.0f} ms, first call in the process {first_prepare * 1000:.0f} ms"
    )
    for name, samples in zip(("sign_personal", "issue", "sign_attachment"), steps, strict=False):
        print(f"  {name:<16} median {_ms(samples):6.1f} ms   p95 {_ms(samples, 0.95):6.1f} ms")
    total = steps[3]
    print(
        f"per document (personal + issue + attachment): median {_ms(total):.1f} ms, p95 {_ms(total, 0.95):.1f} ms, "
        f"CPU {cpu * 1000:.1f} ms  (goal ≤ 60 ms)"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
