"""Realistic unsigned drafts (dự thảo) laid out per NĐ 30/2020 Phụ lục I, for tests, the benchmark and demo data.

The layout follows Phụ lục I Phần I (A4; margins top 20 mm, left 30 mm, right 15 mm; Times-compatible font):
agency block and Quốc hiệu/Tiêu ngữ side by side, "Số:" left blank after the colon and a placeholder date line
on the same baseline (the clerk's fields fill them later, app.signing.sign.issue), type name and trích yếu
(or "V/v …" under the number for a Công văn), the body, then on the last page "Nơi nhận" on the left and the
signature block on the right with ~70 pt of empty space between the signer's title and printed name, where the
leader's signature image goes (Phụ lục I II.7.d). Page numbers from page 2, centred in the top margin.
"""

from __future__ import annotations

import io
import math
import unicodedata
from itertools import cycle

from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.lib.utils import simpleSplit
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen.canvas import Canvas

from app.core import clock
from app.signing.appearance import SERIF, SERIF_BOLD, SERIF_BOLD_ITALIC, SERIF_ITALIC

_FACES = {
    "QlvbDraft": SERIF,
    "QlvbDraft-Bold": SERIF_BOLD,
    "QlvbDraft-Italic": SERIF_ITALIC,
    "QlvbDraft-BoldItalic": SERIF_BOLD_ITALIC,
}
REGULAR, BOLD, ITALIC, BOLD_ITALIC = _FACES

PAGE_W, PAGE_H = A4
LEFT, RIGHT, TOP, BOTTOM = 30 * mm, PAGE_W - 15 * mm, PAGE_H - 20 * mm, 20 * mm
# The two header columns (Phụ lục I Mục IV, ô 1–4): agency block on the left, Quốc hiệu on the right.
LEFT_COL = (LEFT - 10, 270.0)
RIGHT_COL = (260.0, RIGHT + 10)
SIGNATURE_GAP = 70.0  # empty space between the signer's title and printed name
BODY_SIZE, BODY_LEADING = 13, 18
NATIONAL_NAME = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"
MOTTO = "Độc lập - Tự do - Hạnh phúc"


def _nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text)


def _register_fonts() -> None:
    registered = set(pdfmetrics.getRegisteredFontNames())
    for name, path in _FACES.items():
        if name not in registered:
            pdfmetrics.registerFont(TTFont(name, path))


class _Writer:
    """A canvas with a line cursor that starts a new page (numbered from 2) when the page is full."""

    def __init__(self, title: str, subject: str) -> None:
        _register_fonts()
        self.buffer = io.BytesIO()
        self.canvas = Canvas(self.buffer, pagesize=A4, pageCompression=1, pdfVersion=(1, 7))
        self.canvas.setTitle(title)
        self.canvas.setSubject(subject)
        self.canvas.setCreator("qlvb")
        self.page = 1
        self.y = TOP

    def centred(self, text: str, font: str, size: float, column: tuple[float, float], y: float) -> float:
        """Draw `text` centred in `column` on baseline `y`; return its width."""
        text = _nfc(text)
        width = pdfmetrics.stringWidth(text, font, size)
        self.canvas.setFont(font, size)
        self.canvas.drawString((column[0] + column[1]) / 2 - width / 2, y, text)
        return width

    def rule(self, centre: float, width: float, y: float) -> None:
        self.canvas.setLineWidth(0.6)
        self.canvas.line(centre - width / 2, y, centre + width / 2, y)

    def need(self, height: float) -> None:
        if self.y - height < BOTTOM:
            self.new_page()

    def new_page(self) -> None:
        self.canvas.showPage()
        self.page += 1
        self.y = TOP
        # Phụ lục I Phần I.I: page numbers centred in the top margin, none on the first page.
        self.centred(str(self.page), REGULAR, 13, (LEFT, RIGHT), PAGE_H - 12 * mm)

    def paragraph(self, text: str, *, font: str = REGULAR, size: float = BODY_SIZE, indent: float = 10 * mm) -> None:
        lines = simpleSplit(_nfc(text), font, size, RIGHT - LEFT - indent)
        for number, line in enumerate(lines):
            self.need(BODY_LEADING)
            self.y -= BODY_LEADING
            self.canvas.setFont(font, size)
            self.canvas.drawString(LEFT + (indent if number == 0 else 0), self.y, line)
        self.y -= 4

    def finish(self) -> bytes:
        self.canvas.showPage()
        self.canvas.save()
        return self.buffer.getvalue()


def draft_pdf(
    *,
    agency_parent: str,
    agency_name: str,
    notation_hint: str,
    place: str,
    type_name: str | None,
    subject: str,
    body: list[str],
    signer_authority: str | None,
    signer_title: str,
    signer_name: str,
    recipients: list[str],
    pages: int = 1,
    printed_notation: str | None = None,
) -> bytes:
    """Lay out an unsigned administrative document on `pages` A4 pages (at least; a long body takes more).

    `type_name` None makes a Công văn ("V/v <subject>" under the number); otherwise the type name in capitals
    and the trích yếu are centred above the body. `notation_hint` ("UBND-VP") is not printed after "Số:" (the
    clerk's field brings the whole "54/UBND-VP"), `printed_notation` is; the hint's last group names the drafting
    unit in "Lưu: VT, …".
    Extra pages are filled by repeating the body paragraphs.
    """
    year = clock.to_local(clock.now()).year
    doc = _Writer(title=_nfc(f"{type_name or 'Công văn'}: {subject}"), subject=_nfc(notation_hint))
    y3 = _draw_heading(doc, agency_parent, agency_name)
    _draw_number_and_date(doc, y3, place=place, year=year, printed_notation=printed_notation)
    if type_name is None:
        _draw_cong_van_subject(doc, subject, recipients)
    else:
        _draw_type_and_subject(doc, type_name, subject)
    _draw_body(doc, body, pages)
    top = _draw_signature_block(doc, signer_authority, signer_title, signer_name)
    _draw_recipients(doc, top, notation_hint=notation_hint, type_name=type_name, recipients=recipients)
    return doc.finish()


def _draw_heading(doc: _Writer, agency_parent: str, agency_name: str) -> float:
    """Ô 1 and 2: agency block and Quốc hiệu, Tiêu ngữ (Phụ lục I: 12–13 pt, the issuing agency and motto bold).

    Returns the baseline of the line below, for ô 3 and 4: under whichever column ends lower.
    """
    y1 = TOP - 12
    doc.centred(NATIONAL_NAME, BOLD, 12, RIGHT_COL, y1)
    motto_width = doc.centred(MOTTO, BOLD, 13, RIGHT_COL, y1 - 15)
    doc.rule(sum(RIGHT_COL) / 2, motto_width, y1 - 19)
    y, name_width = y1, 0.0
    for text, font in ((agency_parent, REGULAR), (agency_name, BOLD)):
        for line in simpleSplit(_nfc(text.upper()), font, 12, 150):
            name_width = doc.centred(line, font, 12, LEFT_COL, y)
            y -= 15
    doc.rule(sum(LEFT_COL) / 2, min(name_width, 120) * 0.6, y + 9)
    return min(y, y1 - 15) - 20


def _draw_number_and_date(doc: _Writer, y3: float, *, place: str, year: int, printed_notation: str | None) -> None:
    """Ô 3 and 4 on one baseline: "Số:" with nothing after it, and the date line to be covered by the date field."""
    left_centre = sum(LEFT_COL) / 2
    doc.canvas.setFont(REGULAR, 13)
    doc.canvas.drawString(left_centre - 55, y3, _nfc("Số:"))
    if printed_notation:  # what many drafts print: "Số:      /UBND-VP", the number left for the clerk
        doc.canvas.drawString(left_centre - 10, y3, _nfc(f"/{printed_notation}"))
    doc.centred(f"{place}, ngày      tháng      năm {year}", ITALIC, 13, RIGHT_COL, y3)
    doc.y = y3 - 8


def _draw_cong_van_subject(doc: _Writer, subject: str, recipients: list[str]) -> None:
    """Ô 5b: trích yếu công văn, 12 pt, centred under the number; then "Kính gửi:" and its addressees."""
    for line in simpleSplit(_nfc(f"V/v {subject}"), REGULAR, 12, LEFT_COL[1] - LEFT_COL[0] - 20):
        doc.y -= 15
        doc.centred(line, REGULAR, 12, LEFT_COL, doc.y)
    doc.y -= 16
    addressees = [r for r in recipients if not r.startswith("Lưu")] or ["…"]
    label = _nfc("Kính gửi: ")
    for number, addressee in enumerate(addressees):
        doc.y -= BODY_LEADING
        doc.canvas.setFont(REGULAR, BODY_SIZE)
        x = LEFT + 90
        if number == 0:
            doc.canvas.drawString(x - pdfmetrics.stringWidth(label, REGULAR, BODY_SIZE), doc.y, label)
        shown = addressee if len(addressees) == 1 else f"- {addressee};"
        doc.canvas.drawString(x, doc.y, _nfc(shown))
    doc.y -= 8


def _draw_type_and_subject(doc: _Writer, type_name: str, subject: str) -> None:
    """Ô 5a: type name and trích yếu, bold, centred, with a short rule under them."""
    doc.y -= 28
    doc.centred(type_name.upper(), BOLD, 14, (LEFT, RIGHT), doc.y)
    for line in simpleSplit(_nfc(subject), BOLD, 14, RIGHT - LEFT - 60):
        doc.y -= 18
        doc.centred(line, BOLD, 14, (LEFT, RIGHT), doc.y)
    doc.rule((LEFT + RIGHT) / 2, 80, doc.y - 6)
    doc.y -= 16


def _draw_body(doc: _Writer, body: list[str], pages: int) -> None:
    """Ô 6: the body; extra pages are filled with the body again so a long document can be produced on demand."""
    for paragraph in body:
        doc.paragraph(paragraph)
    if pages > 1 and body:
        for paragraph in cycle(body):
            if doc.page >= pages:
                break
            doc.paragraph(paragraph)


def _draw_signature_block(doc: _Writer, signer_authority: str | None, signer_title: str, signer_name: str) -> float:
    """Ô 7: the signature block on the right, kept on one page; returns its top line, where Nơi nhận starts too."""
    lines = 2 + (1 if signer_authority else 0)
    doc.need(lines * 17 + SIGNATURE_GAP + 30)
    top = doc.y - 24
    y = top
    if signer_authority:
        doc.centred(signer_authority.upper(), BOLD, 13, RIGHT_COL, y)
        y -= 17
    doc.centred(signer_title.upper(), BOLD, 13, RIGHT_COL, y)
    y -= SIGNATURE_GAP + 17  # the empty space where the leader's signature image goes (Phụ lục I II.7.d)
    doc.centred(signer_name, BOLD, 13, RIGHT_COL, y)
    return top


def _draw_recipients(
    doc: _Writer, top: float, *, notation_hint: str, type_name: str | None, recipients: list[str]
) -> None:
    """Ô 9: Nơi nhận on the left; a công văn's addressees are already under "Kính gửi", so it says "Như trên"."""
    canvas = doc.canvas
    canvas.setFont(BOLD_ITALIC, 12)
    canvas.drawString(LEFT, top, _nfc("Nơi nhận:"))
    unit = notation_hint.rsplit("-", 1)[-1] if "-" in notation_hint else ""
    items = ["Như trên"] if type_name is None else []
    items += [r for r in recipients if type_name is not None]
    items.append(f"Lưu: VT{', ' + unit if unit else ''}.")
    canvas.setFont(REGULAR, 11)
    y = top - 14
    for number, item in enumerate(items):
        last = number == len(items) - 1
        canvas.drawString(LEFT, y, _nfc(f"- {item}{'' if last else ';'}"))
        y -= 13


def example_draft(*, pages: int = 1, type_name: str | None = None, signer_name: str = "Nguyễn Văn An") -> bytes:
    """The Rạch Giá công văn 54/UBND-VP of seed 001, as a draft: what tests, bench and demo use by default."""
    return draft_pdf(
        agency_parent="UBND tỉnh Kiên Giang",
        agency_name="Ủy ban nhân dân thành phố Rạch Giá",
        notation_hint="UBND-VP",
        place="Rạch Giá",
        type_name=type_name,
        subject="triển khai hệ thống quản lý văn bản và điều hành",
        body=[
            "Thực hiện Quyết định số 278/QĐ-UBND của Ủy ban nhân dân tỉnh Kiên Giang về việc gửi, nhận văn bản "
            "điện tử giữa các cơ quan hành chính nhà nước trên địa bàn tỉnh, Ủy ban nhân dân thành phố đề nghị "
            "các cơ quan, đơn vị thực hiện một số nội dung sau:",
            "1. Tiếp nhận, xử lý văn bản điện tử trên hệ thống quản lý văn bản và điều hành trong thời hạn 02 giờ "
            "làm việc kể từ khi nhận được; văn bản được ký số bởi người có thẩm quyền và cơ quan ban hành.",
            "2. Thủ trưởng các cơ quan, đơn vị chịu trách nhiệm tổ chức triển khai thực hiện; trong quá trình "
            "thực hiện nếu có khó khăn, vướng mắc kịp thời báo cáo về Văn phòng HĐND và UBND thành phố.",
        ],
        signer_authority="KT. Chủ tịch",
        signer_title="Phó Chủ tịch",
        signer_name=signer_name,
        recipients=["Các phòng, ban thuộc UBND thành phố", "UBND các phường, xã"],
        pages=pages,
    )


# --- images: what a scanned signature and seal look like (Phụ lục I II.7.d, II.8.a) ---------------------------
# Unlike app.signing.images (the demo's per-person signatures and per-agency seals), these fill their whole box
# with ink edge to edge, so tests can locate the images on a rendered page by their pixels.

IMAGE_DPI = 300


def signature_png(width_mm: float = 50, height_mm: float = 20) -> bytes:
    """A blue stroke across the whole box on a transparent background, tagged 300 dpi (its real size)."""
    from PIL import Image, ImageDraw

    w, h = round(width_mm / 25.4 * IMAGE_DPI), round(height_mm / 25.4 * IMAGE_DPI)
    image = Image.new("RGBA", (w, h), (0, 0, 0, 0))
    draw = ImageDraw.Draw(image)
    blue = (20, 40, 170, 255)
    points = [(w * t / 40, h * (0.55 - 0.3 * ((-1) ** t) * (1 - t / 50))) for t in range(41)]
    draw.line(points, fill=blue, width=max(4, h // 40), joint="curve")
    draw.line([(w * 0.15, h * 0.8), (w * 0.9, h * 0.7)], fill=blue, width=max(3, h // 50))
    out = io.BytesIO()
    image.save(out, format="PNG", dpi=(IMAGE_DPI, IMAGE_DPI))
    return out.getvalue()


def seal_png(diameter_mm: float = 36) -> bytes:
    """A red round seal (two rings and a star) filling its box, transparent background, tagged 300 dpi."""
    from PIL import Image, ImageDraw

    size = round(diameter_mm / 25.4 * IMAGE_DPI)
    image = Image.new("RGBA", (size, size), (0, 0, 0, 0))
    draw = ImageDraw.Draw(image)
    red = (220, 20, 30, 255)
    ring = max(6, size // 45)
    draw.ellipse((ring, ring, size - ring, size - ring), outline=red, width=ring)
    inner = size * 0.2
    draw.ellipse((inner, inner, size - inner, size - inner), outline=red, width=ring // 2)
    c, r = size / 2, size * 0.18
    star = [
        (
            c + (r if k % 2 == 0 else r * 0.4) * math.sin(k * math.pi / 5),
            c - (r if k % 2 == 0 else r * 0.4) * math.cos(k * math.pi / 5),
        )
        for k in range(10)
    ]
    draw.polygon(star, fill=red)
    out = io.BytesIO()
    image.save(out, format="PNG", dpi=(IMAGE_DPI, IMAGE_DPI))
    return out.getvalue()
