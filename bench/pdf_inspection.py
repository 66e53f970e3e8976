"""What reading a received PDF within bounds (app.documents.pdfcheck) costs beside the signature check the intake
already runs: inspect + disarm against verify_pdf, on generated files (tests/documents/pdf_corpus.py).

    .venv/bin/python -m bench.pdf_inspection
"""

import resource
import statistics
import time

from app.documents import pdfcheck
from app.signing.verify import verify_pdf
from tests.documents import pdf_corpus


def timed(call, repeat: int = 5, *, cold: bool = True) -> float:
    """Median milliseconds of `call()`; `cold`: the report cache emptied before each run."""
    runs = []
    for _ in range(repeat):
        if cold:
            pdfcheck._reports = pdfcheck._Cache()
        started = time.perf_counter()
        call()
        runs.append((time.perf_counter() - started) * 1000)
    return statistics.median(runs)


def main() -> None:
    files = {
        "1 page, clean": pdf_corpus.clean(),
        "1 page, JavaScript": pdf_corpus.javascript(),
        "4 000 pages": pdf_corpus.many_pages(4000),
        "20 000 pages (refused)": pdf_corpus.many_pages(20_000),
        "64 MB inflated stream": pdf_corpus.bomb(64 * 2**20),
        "1 GiB bomb (refused)": pdf_corpus.bomb(),
    }
    print(f"{'file':28} {'bytes':>10} {'inspect ms':>11} {'verify ms':>10} {'ratio':>6} {'disarm ms':>10}")
    for name, data in files.items():
        inspect = timed(lambda d=data: pdfcheck.inspect_pdf(d, pdfcheck.Limits()), 3)
        report = pdfcheck.inspect_pdf(data, pdfcheck.Limits())
        # pyHanko's own part: the report is cached, as it is when the intake verifies right after inspecting.
        verify = timed(lambda d=data: verify_pdf(d, []), 3, cold=False) if report.refusal is None else float("nan")
        disarm = timed(lambda d=data: pdfcheck.disarm(d), 3) if report.active else float("nan")
        print(f"{name:28} {len(data):>10} {inspect:>11.1f} {verify:>10.1f} {inspect / verify:>6.2f} {disarm:>10.1f}")
    print(f"peak RSS of this process: {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB")


if __name__ == "__main__":
    main()
