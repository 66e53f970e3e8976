"""Search results as DOCX, XLSX and PDF files, in the columns the person chose (NĐ 30 Phụ lục VI III.6.h, III.6.đ).

The PDF uses the project's Vietnamese fonts (app.documents.fonts), landscape A4, one table.
"""

import io
from datetime import date

from app.audit.services import record
from app.core import clock
from app.documents.fulltext.query import SearchQuery, search
from app.documents.fulltext.sources import COLUMNS, SOURCES
from app.documents.models import URGENCY_LABELS
from app.documents.symbols import format_number

EXPORT_LIMIT = 1000  # rows in one file: the search's own ranked candidates
FORMATS = ("docx", "xlsx", "pdf")
XLSX_MAX_WIDTH = 60  # characters
XLSX_MIMETYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
DOCX_MIMETYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def cell(entry, key: str):
    """One result's value for column `key`, as people read it."""
    source = SOURCES.get(entry.kind)
    if key == "kind":
        return source.label if source else entry.kind
    if key == "status":
        return (source.status_labels.get(entry.status) if source else None) or entry.status
    if key == "urgency":
        return URGENCY_LABELS.get(entry.urgency, entry.urgency)
    if key == "number" and entry.number:  # "01" as on the document page and in the registers
        return format_number(entry.number)
    value = getattr(entry, key)
    return value if value is not None else ""


def rows_for(user, query: SearchQuery) -> list:
    return [hit.entry for hit in search(user, query, page=1, per_page=EXPORT_LIMIT).hits]


def _text(value) -> str:
    return value.strftime("%d/%m/%Y") if isinstance(value, date) else str(value)


def to_xlsx(entries: list, columns: list[str]) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font
    from openpyxl.utils import get_column_letter

    book = Workbook()
    sheet = book.active
    sheet.title = "Kết quả tìm kiếm"
    headings = ["STT", *(COLUMNS[c] for c in columns)]
    sheet.append(headings)
    for c in sheet[1]:
        c.font = Font(bold=True)
        c.alignment = Alignment(wrap_text=True, vertical="center")
    widths = [len(h) for h in headings]
    for n, entry in enumerate(entries, 1):
        values = [n, *(cell(entry, c) for c in columns)]
        sheet.append(values)
        widths = [max(w, len(_text(v))) for w, v in zip(widths, values, strict=True)]
    for row in sheet.iter_rows(min_row=2):
        for c in row:
            c.alignment = Alignment(wrap_text=True, vertical="top")
            if isinstance(c.value, date):
                c.number_format = "DD/MM/YYYY"
    # Each column as wide as its longest text, within reason: a trích yếu wraps at XLSX_MAX_WIDTH characters.
    for index, width in enumerate(widths, 1):
        sheet.column_dimensions[get_column_letter(index)].width = min(max(width + 2, 6), XLSX_MAX_WIDTH)
    sheet.freeze_panes = "A2"  # the headings stay in sight while scrolling
    if entries:
        sheet.auto_filter.ref = sheet.dimensions
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def to_docx(entries: list, columns: list[str], *, title: str) -> bytes:
    """A Word table (Phụ lục VI III.6.h names .doc/.docx first): landscape A4, Times New Roman 12 as NĐ 30 uses."""
    from docx import Document
    from docx.enum.section import WD_ORIENT
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Mm, Pt

    document = Document()
    section = document.sections[0]
    section.orientation = WD_ORIENT.LANDSCAPE
    section.page_width, section.page_height = Mm(297), Mm(210)
    for side in ("left_margin", "right_margin", "top_margin", "bottom_margin"):
        setattr(section, side, Mm(15))
    normal = document.styles["Normal"]
    normal.font.name, normal.font.size = "Times New Roman", Pt(12)
    heading = document.add_paragraph()
    heading.alignment = WD_ALIGN_PARAGRAPH.CENTER
    heading.add_run(title).bold = True
    printed = clock.to_local(clock.now()).strftime("%H:%M %d/%m/%Y")
    note = document.add_paragraph(f"{len(entries)} văn bản · lập lúc {printed}")
    note.alignment = WD_ALIGN_PARAGRAPH.CENTER
    table = document.add_table(rows=1, cols=len(columns) + 1)
    table.style = "Table Grid"
    for target, text in zip(table.rows[0].cells, ["STT", *(COLUMNS[c] for c in columns)], strict=True):
        target.paragraphs[0].add_run(text).bold = True
    for n, entry in enumerate(entries, 1):
        cells = table.add_row().cells
        for target, text in zip(cells, [str(n), *(_text(cell(entry, c)) for c in columns)], strict=True):
            target.text = text
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def to_pdf(entries: list, columns: list[str], *, title: str, author: str) -> bytes:
    from reportlab.lib import colors
    from reportlab.lib.pagesizes import A4, landscape
    from reportlab.lib.units import mm
    from reportlab.platypus import Paragraph, Spacer, Table, TableStyle

    from app.documents import fonts  # reportlab: imported on first use (test_lazy_imports)

    style = fonts.styles()
    body, head = style["cell"], style["head"]
    data = [[Paragraph("STT", head), *(Paragraph(COLUMNS[c], head) for c in columns)]]
    for n, entry in enumerate(entries, 1):
        data.append([Paragraph(str(n), body), *(Paragraph(_escape(_text(cell(entry, c))), body) for c in columns)])
    widths = _widths(columns, landscape(A4)[0] - 30 * mm, 12 * mm, body, head)
    table = Table(data, colWidths=widths, repeatRows=1)
    table.setStyle(
        TableStyle(
            [
                ("GRID", (0, 0), (-1, -1), 0.4, colors.black),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("BACKGROUND", (0, 0), (-1, 0), colors.whitesmoke),
            ]
        )
    )
    printed = clock.to_local(clock.now()).strftime("%H:%M %d/%m/%Y")
    story = [
        Paragraph(title, style["title"]),
        Paragraph(f"{len(entries)} văn bản · lập lúc {printed}", style["cell_center"]),
        Spacer(1, 4 * mm),
        table,
    ]
    return fonts.build(story, pagesize=landscape(A4), title=title, author=author, margins=(15, 15, 15, 15))


# The text a column must hold on one line: a date dd/mm/yyyy, a number up to five digits.
_UNBROKEN = {"issued_date": "00/00/0000", "arrival_date": "00/00/0000", "number": "00000"}
_PADDING = 12  # points: reportlab's default cell padding, 6 left and 6 right


def _widths(columns: list[str], total: float, first: float, body, head) -> list[float]:
    """STT, then the date and number columns just wide enough for their value (and each word of their heading)
    unbroken — "01/12/2026", not "01/12/202" over "6"; the rest shared by weight."""
    from reportlab.pdfbase.pdfmetrics import stringWidth

    def unbroken(column: str) -> float:
        words = [stringWidth(w, head.fontName, head.fontSize) for w in COLUMNS[column].split()]
        return max(stringWidth(_UNBROKEN[column], body.fontName, body.fontSize), *words) + _PADDING + 2

    fixed = {c: unbroken(c) for c in columns if c in _UNBROKEN}
    rest = max(total - first - sum(fixed.values()), 0)
    weights = sum(_weight(c) for c in columns if c not in fixed) or 1
    return [first] + [fixed[c] if c in fixed else rest * _weight(c) / weights for c in columns]


def _weight(column: str) -> float:
    return {"subject": 4, "party": 2.5, "signer": 1.8, "symbol": 1.6, "type_name": 1.4}.get(column, 1)


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def export(actor, query: SearchQuery, columns: list[str], fmt: str) -> tuple[bytes, str, str]:
    """(content, mimetype, filename) of the results of `query` that `actor` may see, audited."""
    entries = rows_for(actor, query)
    stamp = clock.to_local(clock.now()).strftime("%Y%m%d-%H%M")
    record(
        actor,
        "search.export",
        None,
        object_type="search",
        object_id=fmt,
        agency_id=actor.agency_id,
        summary=f"Kết xuất {len(entries)} kết quả tìm kiếm ({fmt.upper()})",
        changes={"params": query.to_params(), "columns": columns},
    )
    title = "KẾT QUẢ TÌM KIẾM VĂN BẢN"
    if fmt == "xlsx":
        return to_xlsx(entries, columns), XLSX_MIMETYPE, f"tim-kiem-{stamp}.xlsx"
    if fmt == "docx":
        return to_docx(entries, columns, title=title), DOCX_MIMETYPE, f"tim-kiem-{stamp}.docx"
    content = to_pdf(entries, columns, title=title, author=actor.full_name)
    return content, "application/pdf", f"tim-kiem-{stamp}.pdf"
