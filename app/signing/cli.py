"""`qlvb pdf verify FILE`: the receiving check (seed 002 Điều 10.2) from the command line.

pyHanko is imported inside the command, so `qlvb` itself starts without loading it.
"""

import json
import logging
import sys
from contextlib import contextmanager
from pathlib import Path

import click
from flask.cli import with_appcontext

from app.core.errors import DomainError

VALID, INVALID, UNREADABLE = 0, 1, 2  # 2 as for click's usage errors: the input itself was wrong

# pyHanko logs a traceback at ERROR level for every untrusted chain or refused change; the JSON already says why.
_NOISY_LOGGERS = ("pyhanko", "pyhanko_certvalidator")


@contextmanager
def _quiet_pyhanko():
    loggers = [logging.getLogger(name) for name in _NOISY_LOGGERS]
    levels = [logger.level for logger in loggers]
    for logger in loggers:
        logger.setLevel(logging.CRITICAL)
    try:
        yield
    finally:
        for logger, level in zip(loggers, levels, strict=True):
            logger.setLevel(level)


@click.group("pdf")
def pdf_group():
    """Văn bản PDF: kiểm tra chữ ký số."""


@pdf_group.command("verify")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option(
    "--trust",
    "trust_files",
    multiple=True,
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    metavar="CERT.pem",
    help="Chứng thư gốc tin cậy (PEM/DER, có thể lặp lại); mặc định: QLVB_TRUST_ROOTS.",
)
@with_appcontext
def verify_command(file: Path, trust_files: tuple[Path, ...]):
    """Kiểm tra chữ ký số của tệp PDF; in kết quả JSON.

    Mã thoát: 0 hợp lệ, 1 không hợp lệ, 2 tệp không phải PDF đọc được.
    """
    from app.signing.trust import load_trust_roots
    from app.signing.verify import verify_pdf, verify_pdf_report_dict

    try:
        # --trust replaces the configured roots rather than adding to them: the command answers "is this file
        # valid for a receiver who trusts exactly these roots?"
        roots = [root for path in trust_files for root in load_trust_roots(path)] if trust_files else None
        with _quiet_pyhanko():
            report = verify_pdf(file.read_bytes(), roots)
    except DomainError as exc:
        click.echo(f"Lỗi: {exc.message}", err=True)
        sys.exit(UNREADABLE)
    click.echo(json.dumps(verify_pdf_report_dict(report), ensure_ascii=False, indent=2))
    sys.exit(VALID if report.valid else INVALID)


commands = [pdf_group]
