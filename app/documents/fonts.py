"""The serif font, paragraph styles and page setup every printed form shares (registers, slips, books).

PDFs use a Times-like font with every Vietnamese letter (Liberation Serif 2, else DejaVu Serif): Debian's
`fonts-liberation` (1.x) lacks them, `fonts-liberation2` has them.
"""

from __future__ import annotations

import io
import os
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING

from app.core import clock
from app.core.errors import DomainError

# reportlab is imported where a PDF is made, not at start: fmt_date serves pages too (tests/test_lazy_imports.py).
if TYPE_CHECKING:
    from reportlab.lib.styles import ParagraphStyle

FAMILY = "QlvbSerif"
# (regular, bold, italic); a missing bold or italic falls back to the regular face.
FONT_CANDIDATES = [
    (
        "/usr/share/fonts/truetype/liberation2/LiberationSerif-Regular.ttf",
        "/usr/share/fonts/truetype/liberation2/LiberationSerif-Bold.ttf",
        "/usr/share/fonts/truetype/liberation2/LiberationSerif-Italic.ttf",
    ),
    (
        "/usr/share/fonts/truetype/dejavu/DejaVuSerif.ttf",
        "/usr/share/fonts/truetype/dejavu/DejaVuSerif-Bold.ttf",
        "/usr/share/fonts/truetype/dejavu/DejaVuSerif-Italic.ttf",
    ),
]


class FontUnavailable(DomainError):
    code = "pdf_font_unavailable"
    status = 500
    message = "Máy chủ thiếu phông chữ tiếng Việt để in (cài gói fonts-liberation2 hoặc đặt QLVB_PDF_FONT)."


def _fonts() -> tuple[str, str]:
    """Register the serif family once; QLVB_PDF_FONT may name a regular .ttf (its -Bold, -Italic siblings too).

    Registered as a family, so `<b>` and `<i>` work inside paragraphs.
    """
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont

    bold, italic = f"{FAMILY}-Bold", f"{FAMILY}-Italic"
    if FAMILY in pdfmetrics.getRegisteredFontNames():
        return FAMILY, bold
    candidates = list(FONT_CANDIDATES)
    if custom := os.environ.get("QLVB_PDF_FONT"):
        candidates.insert(0, (custom, custom.replace("-Regular", "-Bold"), custom.replace("-Regular", "-Italic")))
    for regular_path, bold_path, italic_path in candidates:
        if Path(regular_path).is_file():
            faces = {FAMILY: regular_path, bold: bold_path, italic: italic_path}
            for name, path in faces.items():
                pdfmetrics.registerFont(TTFont(name, path if Path(path).is_file() else regular_path))
            pdfmetrics.registerFontFamily(FAMILY, normal=FAMILY, bold=bold, italic=italic, boldItalic=bold)
            return FAMILY, bold
    raise FontUnavailable()


def styles() -> dict[str, ParagraphStyle]:
    from reportlab.lib.enums import TA_CENTER, TA_JUSTIFY, TA_RIGHT
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.lib.units import mm

    regular, bold = _fonts()
    italic = f"{FAMILY}-Italic"
    return {
        "cover_small": ParagraphStyle("cs", fontName=regular, fontSize=13, leading=17, alignment=TA_CENTER),
        "cover_bold": ParagraphStyle("cb", fontName=bold, fontSize=13, leading=17, alignment=TA_CENTER),
        "cover_title": ParagraphStyle("ct", fontName=bold, fontSize=22, leading=30, alignment=TA_CENTER),
        "cell": ParagraphStyle("c", fontName=regular, fontSize=9.5, leading=12),
        "cell_center": ParagraphStyle("cc", fontName=regular, fontSize=9.5, leading=12, alignment=TA_CENTER),
        "head": ParagraphStyle("h", fontName=bold, fontSize=9.5, leading=12, alignment=TA_CENTER),
        "header": ParagraphStyle("hd", fontName=regular, fontSize=12, leading=15, alignment=TA_CENTER),
        "header_bold": ParagraphStyle("hb", fontName=bold, fontSize=12, leading=15, alignment=TA_CENTER),
        "motto": ParagraphStyle("m", fontName=bold, fontSize=13, leading=16, alignment=TA_CENTER),
        "title": ParagraphStyle("t", fontName=bold, fontSize=14, leading=18, alignment=TA_CENTER),
        "subtitle": ParagraphStyle("st", fontName=italic, fontSize=13, leading=17, alignment=TA_CENTER),
        "section": ParagraphStyle("s", fontName=bold, fontSize=13, leading=17, spaceBefore=8, spaceAfter=2),
        "body": ParagraphStyle("b", fontName=regular, fontSize=13, leading=17, alignment=TA_JUSTIFY),
        "item": ParagraphStyle(
            "i", fontName=regular, fontSize=13, leading=17, leftIndent=8 * mm, firstLineIndent=-4 * mm
        ),
        "signer": ParagraphStyle("sg", fontName=bold, fontSize=13, leading=17, alignment=TA_RIGHT, spaceBefore=4),
    }


def fmt_date(value: date | datetime | None) -> str:
    """dd/mm/yyyy; an instant is shown on its local (Asia/Ho_Chi_Minh) date."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        value = clock.to_local(value)
    return value.strftime("%d/%m/%Y")


def build(story: list, *, pagesize, title: str, author: str, margins: tuple[float, float, float, float]) -> bytes:
    """Lay out `story`; margins (top, right, bottom, left) in millimetres."""
    from reportlab.lib.units import mm
    from reportlab.platypus import SimpleDocTemplate

    top, right, bottom, left = margins
    buffer = io.BytesIO()
    SimpleDocTemplate(
        buffer,
        pagesize=pagesize,
        topMargin=top * mm,
        rightMargin=right * mm,
        bottomMargin=bottom * mm,
        leftMargin=left * mm,
        title=title,
        author=author,
    ).build(story)
    return buffer.getvalue()


# Words that start the name of a place (an administrative unit): a line of an agency's name breaks before one, so
# "ỦY BAN NHÂN DÂN / TỈNH KIÊN GIANG", never "… TỈNH KIÊN / GIANG". Multi-word terms are kept whole.
PLACE_WORDS = ("TỈNH", "THÀNH PHỐ", "HUYỆN", "QUẬN", "THỊ XÃ", "XÃ", "PHƯỜNG", "THỊ TRẤN", "ĐẶC KHU")
# Also a few words of two syllables common in agencies' names (a syllable alone is a word to a line breaker).
KEPT_TOGETHER = (
    "ỦY BAN NHÂN DÂN",
    "HỘI ĐỒNG NHÂN DÂN",
    "THÀNH PHỐ",
    "THỊ XÃ",
    "THỊ TRẤN",
    "ĐẶC KHU",
    "QUỐC HỘI",
    "THÔNG TIN",
    "TRUYỀN THÔNG",
    "CÔNG NGHỆ",
)
MIN_NAME_SIZE = 8  # points: below this a name would not be read; it then wraps as it can


def _units(words: list[str]) -> list[str]:
    """`words` grouped so that no line break falls inside a term of KEPT_TOGETHER."""
    units, i = [], 0
    while i < len(words):
        for term in KEPT_TOGETHER:
            parts = term.split()
            if words[i : i + len(parts)] == parts:
                units.append(term)
                i += len(parts)
                break
        else:
            units.append(words[i])
            i += 1
    return units


def _starts_a_place(line: str) -> bool:
    return any(line == word or line.startswith(word + " ") for word in PLACE_WORDS)


def _splits(units: list[str], lines: int):
    """Every way of cutting `units` into `lines` consecutive non-empty lines."""
    if lines == 1:
        yield [" ".join(units)]
        return
    for cut in range(1, len(units) - lines + 2):
        for rest in _splits(units[cut:], lines - 1):
            yield [" ".join(units[:cut]), *rest]


def name_lines(name: str, width: float, font: str, size: float, max_lines: int = 4) -> tuple[list[str], float]:
    """An agency's name in capitals cut into centred lines that fit `width` points, and the font size to print them.

    NĐ 30/2020 Phụ lục I (tên cơ quan, tổ chức ban hành văn bản): in capitals, centred; a long name may take more
    than one line, but a line never breaks inside a word, and here not inside the name of a place either. Of the
    cuts that fit: the fewest breaks that are not before a place word (TỈNH, HUYỆN …), then the fewest lines, then
    the most even. A name that fits in no way is printed smaller, down to MIN_NAME_SIZE.
    """
    from reportlab.pdfbase.pdfmetrics import stringWidth

    units = _units(name.upper().split())
    if not units:
        return [""], size
    size_now = size
    while True:
        fitting = [
            lines
            for count in range(1, min(max_lines, len(units)) + 1)
            for lines in _splits(units, count)
            if all(stringWidth(line, font, size_now) <= width for line in lines)
        ]
        if fitting:
            best = min(
                fitting,
                key=lambda lines: (
                    sum(not _starts_a_place(line) for line in lines[1:]),
                    len(lines),
                    max(stringWidth(line, font, size_now) for line in lines),
                ),
            )
            return best, size_now
        if size_now - 0.5 < MIN_NAME_SIZE:
            return [" ".join(units)], size_now  # a name of one huge word: Paragraph wraps it as it can
        size_now -= 0.5


def name_paragraph(name: str, style: ParagraphStyle, width: float, *, bold: bool = False):
    """A Paragraph of `name_lines` in `style` (centred), shrunk when it had to be; `width` in points."""
    from xml.sax.saxutils import escape

    from reportlab.lib.styles import ParagraphStyle as Style
    from reportlab.platypus import Paragraph

    lines, size = name_lines(name, width, f"{FAMILY}-Bold" if bold else style.fontName, style.fontSize)
    if size != style.fontSize:
        style = Style(
            f"{style.name}-{size}", parent=style, fontSize=size, leading=style.leading * size / style.fontSize
        )
    text = "<br/>".join(escape(line) for line in lines)
    return Paragraph(f"<b>{text}</b>" if bold else text, style)
