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
