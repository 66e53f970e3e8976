"""Số trang của văn bản (Phụ lục VI Phần II, field 10 PageAmount), read from the PDF itself.

NĐ 30/2020 Phụ lục VI III.1.g: the System fills PageAmount of a văn bản đi; Phần II.II lists it among the fields of
a văn bản đến the System fills too. A file that is not a readable PDF has no page count here (None), never a guess.
"""

import io
import logging
import warnings

PAGE_AMOUNT_LIMIT = 999  # Phụ lục VI Phần II: PageAmount Number(3)


def count_pages(data: bytes | None) -> int | None:
    """The number of pages of a PDF, or None when the bytes are not a readable PDF (or exceed Number(3))."""
    if not data or not data.startswith(b"%PDF-"):
        return None
    from app.documents.pdfcheck import bounds_problem

    if bounds_problem(data) is not None:  # a bomb, a looping page tree, too many pages: no count, never a hang
        return None
    from pypdf import PdfReader
    from pypdf.errors import PyPdfError

    logger = logging.getLogger("pypdf")
    level = logger.level
    logger.setLevel(logging.ERROR)  # a damaged-but-readable PDF logs repairs; the count is still right
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            pages = len(PdfReader(io.BytesIO(data), strict=False).pages)
    except (PyPdfError, ValueError, KeyError, TypeError, OSError):
        return None
    finally:
        logger.setLevel(level)
    return pages if 0 < pages <= PAGE_AMOUNT_LIMIT else None
