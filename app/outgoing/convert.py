"""DOCX drafts to PDF with LibreOffice headless, when it is installed (the PDF is what the leader signs).

Each conversion runs in its own temporary folder with its own LibreOffice profile, so two conversions at once
do not fight over one profile's lock, and nothing of the draft stays on disk afterwards.
"""

import logging
import shutil
import subprocess
import tempfile
from pathlib import Path

from app.core.errors import ValidationError

log = logging.getLogger(__name__)

TIMEOUT_SECONDS = 120
PDF_REQUIRED = "Cần tệp PDF: máy chủ chưa cài LibreOffice để chuyển tệp DOCX sang PDF."


def soffice_path() -> str | None:
    return shutil.which("soffice")


def docx_to_pdf(data: bytes) -> bytes:
    """Convert a DOCX draft; raises ValidationError (pdf_required, conversion_failed) with a message for people."""
    soffice = soffice_path()
    if soffice is None:
        raise ValidationError(PDF_REQUIRED, code="pdf_required", details={"file": PDF_REQUIRED})
    with tempfile.TemporaryDirectory(prefix="qlvb-docx-") as tmp:
        folder = Path(tmp)
        source = folder / "du-thao.docx"
        source.write_bytes(data)
        command = [
            soffice,
            f"-env:UserInstallation={(folder / 'profile').as_uri()}",
            "--headless",
            "--norestore",
            "--convert-to",
            "pdf",
            "--outdir",
            str(folder),
            str(source),
        ]
        try:
            subprocess.run(command, capture_output=True, timeout=TIMEOUT_SECONDS, check=False)
        except subprocess.TimeoutExpired as exc:
            message = "Chuyển tệp DOCX sang PDF quá thời gian cho phép; hãy tải lên tệp PDF."
            raise ValidationError(message, code="conversion_failed", details={"file": message}) from exc
        result = folder / "du-thao.pdf"
        if not result.is_file() or not result.read_bytes().startswith(b"%PDF-"):
            log.warning("soffice could not convert a DOCX draft")
            message = "Không chuyển được tệp DOCX sang PDF (tệp hỏng hoặc không phải DOCX); hãy tải lên tệp PDF."
            raise ValidationError(message, code="conversion_failed", details={"file": message})
        return result.read_bytes()
