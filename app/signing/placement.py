"""Where things go on the page: the clerk's number and date fields, the leader's signature, the seal.

Positions come from the draft's own text, read with PDFium (pypdfium2: every character with its baseline origin
and glyph box), so any office suite's export works, not only our sample drafts. Coordinates are PDF points in
the page's user space, origin bottom-left, which is what widget /Rect entries use.
"""

from __future__ import annotations

import ctypes
import io
import re
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c

from app.documents.pdfcheck import bounds_problem
from app.signing.appearance import FIELD_BASELINE_OFFSET, nfc
from app.signing.errors import NotAPdf

NUMBER_FIELD_WIDTH = 170.0
FIELD_HEIGHT = 20.0
SEAL_OVERLAP = 1 / 3  # NĐ 30/2020 Phụ lục I II.8.a: the seal covers about a third of the signature, on the left


@dataclass(frozen=True)
class Box:
    """A rectangle on a page: page index (0-based) and (llx, lly, urx, ury) in PDF points."""

    page: int
    rect: tuple[float, float, float, float]


@dataclass(frozen=True)
class TextRun:
    """Characters on one baseline without a gap wider than an em: a line of one column of the page."""

    text: str
    x0: float
    x1: float
    baseline: float
    bottom: float  # lowest glyph extent (descenders, dots below)
    top: float  # highest glyph extent (diacritics above capitals)
    size: float
    edges: tuple[tuple[float, float], ...]  # (left, right) of each character of `text`

    @property
    def centre(self) -> float:
        return (self.x0 + self.x1) / 2


def _key(text: str) -> str:
    """Comparison form: NFC, no whitespace, case-folded."""
    return "".join(nfc(text).split()).casefold()


# PDFium is not thread-safe (pypdfium2 documents it): a threaded web worker must not enter it twice at once.
_PDFIUM_LOCK = threading.RLock()


@contextmanager
def _document(pdf: bytes) -> Iterator[pdfium.PdfDocument]:
    if (problem := bounds_problem(pdf)) is not None:  # a bomb or a looping tree never reaches PDFium
        raise NotAPdf(problem[1] if problem[0] != NotAPdf.code else None, details={"error": problem[0]})
    with _PDFIUM_LOCK:
        try:
            doc = pdfium.PdfDocument(pdf)
        except pdfium.PdfiumError as exc:
            raise NotAPdf(details={"error": str(exc)}) from exc
        try:
            yield doc
        finally:
            doc.close()


def _page_index(doc: pdfium.PdfDocument, page: int) -> int:
    count = len(doc)
    index = page + count if page < 0 else page
    if not 0 <= index < count:
        raise IndexError(f"page {page} outside 0..{count - 1}")
    return index


def text_runs(pdf: bytes, page: int = 0, *, with_fields: bool = False) -> list[TextRun]:
    """The page's text as runs (one column of one line each), top to bottom then left to right.

    `with_fields` adds what field and signature appearances show (see `page_text`).
    """
    if with_fields:
        pdf, page = _flattened(pdf, page)
    with _document(pdf) as doc:
        return _lines(_runs(doc[_page_index(doc, page)]))


_Char = tuple[str, float, float, float, float, float, float]  # char, left, right, bottom, top, baseline, size
COLUMN_GAP_EM = 3.0  # a wider horizontal gap separates columns (agency block | Quốc hiệu, Nơi nhận | signer)
SPACE_GAP_EM = 0.2  # a narrower one is kerning; in between is a space PDFium did not report


def _runs(page: pdfium.PdfPage) -> list[TextRun]:
    """Runs in content-stream order: consecutive characters on one baseline without a column gap."""
    textpage = page.get_textpage()
    x, y = ctypes.c_double(), ctypes.c_double()
    runs: list[TextRun] = []
    current: list[_Char] = []
    try:
        for index in range(textpage.count_chars()):
            if pdfium_c.FPDFText_IsGenerated(textpage, index):  # PDFium's own line breaks and column spaces
                continue
            char = chr(pdfium_c.FPDFText_GetUnicode(textpage, index))
            if char in "\r\n\ufffe\uffff\x00":
                continue
            pdfium_c.FPDFText_GetCharOrigin(textpage, index, x, y)
            left, bottom, right, top = textpage.get_charbox(index)
            size = pdfium_c.FPDFText_GetFontSize(textpage, index) or 10.0
            if current:
                last = current[-1]
                gap = left - last[2]
                if abs(y.value - last[5]) > size * 0.3 or gap > size * COLUMN_GAP_EM or left < last[1] - 1:
                    runs.append(_run(current))
                    current = []
            current.append((char, min(left, x.value), right, bottom, top, y.value, size))
        if current:
            runs.append(_run(current))
    finally:
        textpage.close()
    return [run for run in runs if run.text.strip()]


def _run(chars: list[_Char]) -> TextRun:
    text, edges = [], []
    for number, (char, left, right, *_rest) in enumerate(chars):
        if number:
            previous = chars[number - 1]
            if left - previous[2] > previous[6] * SPACE_GAP_EM and char != " " and previous[0] != " ":
                text.append(" ")
                edges.append((previous[2], left))
        text.append(char)
        edges.append((left, right))
    inked = [c for c in chars if c[4] > c[3]] or chars  # spaces have no height
    return TextRun(
        text="".join(text),
        x0=chars[0][1],
        x1=max(c[2] for c in chars),
        baseline=chars[0][5],
        bottom=min(c[3] for c in inked),
        top=max(c[4] for c in inked),
        size=max(c[6] for c in chars),
        edges=tuple(edges),
    )


def _lines(runs: list[TextRun]) -> list[TextRun]:
    """Runs on one baseline merged left to right unless a column gap separates them; top to bottom.

    Office exports often split a line into several text objects in any order; merging by position makes
    "Số:" or a name findable however the line was written.
    """
    ordered = sorted(runs, key=lambda r: (-r.baseline, r.x0))
    rows: list[list[TextRun]] = []
    for run in ordered:
        if rows and abs(rows[-1][0].baseline - run.baseline) <= run.size * 0.3:
            rows[-1].append(run)
        else:
            rows.append([run])
    merged: list[TextRun] = []
    for row in rows:
        row.sort(key=lambda r: r.x0)
        current = row[0]
        for run in row[1:]:
            if run.x0 - current.x1 > max(run.size, current.size) * COLUMN_GAP_EM:
                merged.append(current)
                current = run
            else:
                current = _join(current, run)
        merged.append(current)
    return [_normalised(run) for run in merged]


def _join(a: TextRun, b: TextRun) -> TextRun:
    text, edges = a.text, a.edges
    if b.x0 - a.x1 > a.size * SPACE_GAP_EM and not a.text.endswith(" ") and not b.text.startswith(" "):
        text, edges = text + " ", (*edges, (a.x1, b.x0))
    return TextRun(
        text=text + b.text,
        x0=min(a.x0, b.x0),
        x1=max(a.x1, b.x1),
        baseline=a.baseline,
        bottom=min(a.bottom, b.bottom),
        top=max(a.top, b.top),
        size=max(a.size, b.size),
        edges=(*edges, *b.edges),
    )


def _normalised(run: TextRun) -> TextRun:
    """NFC text; PDFs from some tools carry decomposed Vietnamese, whose edges are then approximate."""
    text = nfc(run.text)
    if len(text) == len(run.text):
        return TextRun(text, run.x0, run.x1, run.baseline, run.bottom, run.top, run.size, run.edges)
    edges = run.edges[: len(text)] if len(run.edges) >= len(text) else run.edges
    return TextRun(text, run.x0, run.x1, run.baseline, run.bottom, run.top, run.size, edges)


# --- the clerk's fields --------------------------------------------------------------------------------------


def number_box(pdf: bytes) -> Box | None:
    """Right of the printed "Số:" on page 1, on its baseline (field bottom = baseline − 5 pt), 170 pt wide.

    Only the upper half of the page counts: "Số:" in the body (quoting another document) is not the number line.
    """
    return _number_box(*_first_page(pdf))


def date_box(pdf: bytes) -> Box | None:
    """Over the placeholder "<place>, ngày … tháng … năm …" in the upper half of page 1, covering its width.

    Without a placeholder: centred under "Độc lập - Tự do - Hạnh phúc" (ô 4 of Phụ lục I Mục IV), 26 pt lower.
    """
    return _date_box(*_first_page(pdf))


def field_boxes(pdf: bytes) -> tuple[Box | None, Box | None]:
    """`number_box` and `date_box` from one reading of the page."""
    runs, height = _first_page(pdf)
    return _number_box(runs, height), _date_box(runs, height)


def printed_number(pdf: bytes) -> str | None:
    """What the draft printed after "Số:" on its number line ("   /UBND-VP"), or None without a number line."""
    runs, height = _first_page(pdf)
    for run, label_end, colon_right in _number_lines(runs, height):
        rest = [run.text[label_end:]] + [
            other.text
            for other in sorted(runs, key=lambda r: r.x0)
            if other is not run
            and abs(other.baseline - run.baseline) < 1
            and colon_right <= other.x0 < colon_right + NUMBER_FIELD_WIDTH
            and not _DATE_PLACEHOLDER.search(other.text)
        ]
        return " ".join(part.strip() for part in rest if part.strip())
    return None


_NUMBER_LABEL = re.compile(r"(?:^|\s)Số\s*:")


def _number_lines(runs: list[TextRun], height: float) -> Iterator[tuple[TextRun, int, float]]:
    """Lines of the upper half of page 1 with "Số:" ("Số:" in the body quotes another document): each with
    the index just after the label's colon and the colon's right edge."""
    for run in runs:
        if run.baseline < height / 2:
            return
        if match := _NUMBER_LABEL.search(run.text):
            yield run, match.end(), run.edges[match.end() - 1][1]


def _first_page(pdf: bytes) -> tuple[list[TextRun], float]:
    with _document(pdf) as doc:
        page = doc[0]
        return _lines(_runs(page)), page.get_height()


def _number_box(runs: list[TextRun], height: float) -> Box | None:
    for run, _label_end, colon_right in _number_lines(runs, height):
        left = colon_right + 1.5  # with the style's 2 pt margin: about one 13 pt space after the colon
        lly = run.baseline - FIELD_BASELINE_OFFSET
        # What the draft printed after "Số:" (a placeholder such as "   /UBND-VP") must be covered too: the field is
        # filled on an opaque background at issue, so the issued number never stands over the draft's text.
        printed = [run.x1] + [
            other.x1
            for other in runs
            if abs(other.baseline - run.baseline) < 1
            and colon_right <= other.x0 < colon_right + NUMBER_FIELD_WIDTH
            and not _DATE_PLACEHOLDER.search(other.text)
        ]
        right = max(left + NUMBER_FIELD_WIDTH, max(printed) + 2)
        return Box(0, _round((left, lly, right, lly + FIELD_HEIGHT)))
    return None


_DATE_PLACEHOLDER = re.compile(r"ngày.*tháng.*năm", re.IGNORECASE)
_MOTTO = _key("Độc lập - Tự do - Hạnh phúc")


def _date_box(runs: list[TextRun], height: float) -> Box | None:
    upper = [run for run in runs if run.baseline >= height / 2]
    for run in upper:
        if _DATE_PLACEHOLDER.search(run.text):
            lly = run.baseline - FIELD_BASELINE_OFFSET
            return Box(0, _round((run.x0 - 6, lly, run.x1 + 6, lly + FIELD_HEIGHT)))
    for run in upper:
        if _MOTTO in _key(run.text):
            width = max(run.x1 - run.x0 + 40, 240)
            lly = run.baseline - 2 * FIELD_HEIGHT - FIELD_BASELINE_OFFSET
            return Box(0, _round((run.centre - width / 2, lly, run.centre + width / 2, lly + FIELD_HEIGHT)))
    return None


# --- signatures ------------------------------------------------------------------------------------------------


def signature_box(pdf: bytes, signer_name: str, image_size_pt: tuple[float, float]) -> Box | None:
    """The leader's signature image box on the last page, centred between title and printed name (II.7.d).

    The name is matched NFC, case- and whitespace-insensitively; the lowest match wins (the signature block
    closes the document). The title is the nearest line above the name that overlaps it horizontally. The box
    is the image's real size, scaled down with its aspect kept when the gap between the two lines is smaller.
    """
    wanted = _key(signer_name)
    if not wanted:
        return None
    with _document(pdf) as doc:
        index = len(doc) - 1
        runs = _lines(_runs(doc[index]))
    names = [run for run in runs if wanted in _key(run.text)]
    if not names:
        return None
    name = min(names, key=lambda run: run.baseline)
    above = [
        run for run in runs if run.baseline > name.baseline + name.size * 0.5 and run.x0 < name.x1 and run.x1 > name.x0
    ]
    if not above:
        return None
    title = min(above, key=lambda run: run.baseline)
    gap_bottom, gap_top = name.top, title.bottom
    if gap_top - gap_bottom <= 1:
        return None
    width, height = image_size_pt
    if height > gap_top - gap_bottom:
        width, height = width * (gap_top - gap_bottom) / height, gap_top - gap_bottom
    cx, cy = name.centre, (gap_bottom + gap_top) / 2
    return Box(index, _round((cx - width / 2, cy - height / 2, cx + width / 2, cy + height / 2)))


def seal_box(
    personal_rect: tuple[float, float, float, float], seal_size_pt: tuple[float, float]
) -> tuple[float, float, float, float]:
    """The seal at real size, its right edge a third into the signature image, vertically centred on it.

    NĐ 30/2020 Phụ lục I II.8.a: "trùm lên khoảng 1/3 hình ảnh chữ ký số của người có thẩm quyền về bên trái".
    """
    llx, lly, urx, ury = personal_rect
    width, height = seal_size_pt
    right = llx + (urx - llx) * SEAL_OVERLAP
    cy = (lly + ury) / 2
    return _round((right - width, cy - height / 2, right, cy + height / 2))


def _round(rect) -> tuple[float, float, float, float]:
    return tuple(round(float(v), 2) for v in rect)


# --- reading back ----------------------------------------------------------------------------------------------


def render_page_png(pdf: bytes, page: int = -1, dpi: int = 100) -> bytes:
    """The page as a PNG, with field and signature appearances drawn (thumbnails, tests)."""
    with _document(pdf) as doc:
        doc.init_forms()
        pdf_page = doc[_page_index(doc, page)]
        bitmap = pdf_page.render(scale=dpi / 72, may_draw_forms=True)
        out = io.BytesIO()
        bitmap.to_pil().save(out, format="PNG")
        return out.getvalue()


def page_text(pdf: bytes, page: int = 0) -> str:
    """The page's text including what field and signature appearances show, line by line like `pdftotext`.

    Columns on one line are separated by three spaces. Text hidden under an opaque appearance (the date
    placeholder) is still there, as `pdftotext` would also show it.
    """
    lines: list[str] = []
    previous: TextRun | None = None
    for run in text_runs(pdf, page, with_fields=True):
        if previous is not None and abs(previous.baseline - run.baseline) <= run.size * 0.3:
            lines[-1] += "   " + run.text
        else:
            lines.append(run.text)
        previous = run
    return "\n".join(lines)


def _flattened(pdf: bytes, page: int) -> tuple[bytes, int]:
    """A scratch copy with the page's annotation appearances merged into its content; `pdf` is not changed.

    PDFium extracts page content only, and re-reads a flattened page only from a saved copy.
    """
    with _document(pdf) as doc:
        index = _page_index(doc, page)
        pdf_page = doc[index]
        pdfium_c.FPDFPage_Flatten(pdf_page, pdfium_c.FLAT_PRINT)
        pdf_page.close()
        scratch = io.BytesIO()
        doc.save(scratch)
    return scratch.getvalue(), index
