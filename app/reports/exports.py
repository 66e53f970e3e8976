"""The reports as files: a printable PDF (the serif font with every Vietnamese letter) and an XLSX workbook.

Every report is first laid out as a `Sheet` — a title, the agency and the period, then one or more tables — so the
PDF and the workbook show the same figures in the same order.
"""

import io
from dataclasses import dataclass, field
from xml.sax.saxutils import escape

from app.core import clock
from app.core.numbers import decimal
from app.documents.fonts import build, styles
from app.reports.exchange import share
from app.reports.handling import COLUMNS
from app.reports.periods import Period

# reportlab is imported inside the functions that draw a PDF, not at start (tests/test_lazy_imports.py).


@dataclass
class Section:
    caption: str
    headings: list[str]
    rows: list[list]
    widths: list[float] | None = None  # relative widths in the PDF


@dataclass
class Sheet:
    title: str
    agency: str
    period: Period
    sections: list[Section] = field(default_factory=list)
    note: str = ""

    @property
    def subtitle(self) -> str:
        return self.period.label[0].upper() + self.period.label[1:]


def handling_sheet(report: dict, agency: str, period: Period) -> Sheet:
    """Báo cáo tình hình giải quyết văn bản đến / đi: one row per unit, then the total."""
    rows = [[i, r["name"], *(r[c] for c in COLUMNS)] for i, r in enumerate(report["rows"], 1)]
    rows.append(["", "Tổng cộng", *(report["total"][c] for c in COLUMNS)])
    section = Section("", ["STT", "Đơn vị", *report["headings"]], rows, [8, 40, 25, 25, 25, 25, 25, 25])
    note = report["note"]
    return Sheet(report["title"], agency, period, [section], note)


def _minutes(value) -> str:
    if value is None:
        return "—"
    hours, minutes = divmod(round(value), 60)
    return f"{hours} giờ {minutes:02d} phút" if hours else f"{minutes} phút"


def _percent(part: int, whole: int) -> str:
    value = share(part, whole)
    return "—" if value is None else decimal(value) + "%"


def exchange_sheet(report: dict, title: str, period: Period) -> Sheet:
    """Thống kê gửi, nhận văn bản điện tử: figures per agency, reasons, silent recipients."""
    headings = [
        "Cơ quan",
        "VB đi gửi điện tử",
        "Lượt gửi",
        "Tỷ lệ ký số (đi)",
        "VB đến điện tử",
        "Tỷ lệ ký số (đến)",
        "Bị từ chối",
        "Đã trả lại",
        "TG xác nhận TB",
        "Chưa xác nhận sau 3 ngày LV",
    ]

    def line(name: str, r: dict) -> list:
        return [
            name,
            r["sent_documents"],
            r["sent_deliveries"],
            _percent(r["sent_signed"], r["sent_documents"]),
            r["received"],
            _percent(r["received_signed"], r["received"]),
            r["refused_by_recipients"],
            r["returned_to_senders"],
            _minutes(r["avg_ack_minutes"]),
            r["unacknowledged"],
        ]

    rows = [line(r["name"], r) for r in report["rows"]]
    if len(report["rows"]) > 1:
        rows.append(line("Tổng cộng", report["total"]))
    sections = [Section("", headings, rows, [50, 18, 15, 18, 18, 18, 16, 16, 22, 22])]
    reasons = [
        [r["name"], "Nơi nhận từ chối" if x["direction"] == "refused" else "Trả lại nơi gửi", x["reason"], x["count"]]
        for r in report["rows"]
        for x in r["reasons"]
    ]
    if reasons:
        sections.append(
            Section("Lý do từ chối, trả lại", ["Cơ quan", "Loại", "Lý do", "Số lượt"], reasons, [50, 30, 100, 15])
        )
    silent = [
        [u["symbol"] or "", u["subject"], u["recipient"], _local(u["dispatched_at"])] for u in report["unacknowledged"]
    ]
    if silent:
        caption = "Nơi nhận chưa xác nhận đã nhận sau 3 ngày làm việc"
        sections.append(
            Section(caption, ["Số, ký hiệu", "Trích yếu", "Nơi nhận", "Thời điểm gửi"], silent, [30, 90, 50, 30])
        )
    return Sheet("THỐNG KÊ GỬI, NHẬN VĂN BẢN ĐIỆN TỬ", title, period, sections)


def _local(instant) -> str:
    return clock.to_local(instant).strftime("%d/%m/%Y %H:%M") if instant else ""


def to_pdf(sheet: Sheet, author: str) -> bytes:
    from reportlab.lib import colors
    from reportlab.lib.pagesizes import A4, landscape
    from reportlab.lib.units import mm
    from reportlab.platypus import Paragraph, Spacer, Table, TableStyle

    st = styles()
    story = [
        Paragraph(escape(sheet.agency.upper()), st["header_bold"]),
        Spacer(1, 6 * mm),
        Paragraph(escape(sheet.title), st["title"]),
        Paragraph(escape(sheet.subtitle), st["subtitle"]),
        Spacer(1, 6 * mm),
    ]
    usable = 267  # landscape A4 less the margins, mm
    for section in sheet.sections:
        if section.caption:
            story.append(Paragraph(escape(section.caption), st["section"]))
        weights = section.widths or [1] * len(section.headings)
        widths = [usable * w / sum(weights) * mm for w in weights]
        data = [[Paragraph(escape(h), st["head"]) for h in section.headings]]
        for cells in section.rows:
            data.append(
                [Paragraph(escape(str(c)), st["cell" if i == 0 else "cell_center"]) for i, c in enumerate(cells)]
            )
        table = Table(data, colWidths=widths, repeatRows=1)
        table.setStyle(
            TableStyle(
                [
                    ("GRID", (0, 0), (-1, -1), 0.5, colors.black),
                    ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
                    ("BACKGROUND", (0, 0), (-1, 0), colors.whitesmoke),
                ]
            )
        )
        story += [table, Spacer(1, 4 * mm)]
    if sheet.note:
        story.append(Paragraph(escape(sheet.note), st["cell"]))
    made = clock.to_local(clock.now()).strftime("%H:%M ngày %d/%m/%Y")
    story.append(Paragraph(f"Lập lúc {made}.", st["cell"]))
    return build(story, pagesize=landscape(A4), title=sheet.title, author=author, margins=(15, 12, 15, 12))


def to_xlsx(sheet: Sheet) -> bytes:
    from openpyxl import Workbook  # only when used: ~7 MiB less in every server process
    from openpyxl.styles import Alignment, Border, Font, Side
    from openpyxl.utils import get_column_letter

    book = Workbook()
    ws = book.active
    ws.title = "Báo cáo"
    bold, thin = Font(bold=True), Side(style="thin")
    box = Border(left=thin, right=thin, top=thin, bottom=thin)
    ws.append([sheet.agency])
    ws.append([sheet.title])
    ws.append([sheet.subtitle])
    ws["A2"].font = Font(bold=True, size=14)
    widths: dict[int, int] = {}
    for section in sheet.sections:
        ws.append([])
        if section.caption:
            ws.append([section.caption])
            ws.cell(ws.max_row, 1).font = bold
        ws.append(section.headings)
        for cell in ws[ws.max_row]:
            cell.font, cell.border = bold, box
            cell.alignment = Alignment(wrap_text=True, vertical="center", horizontal="center")
        for cells in section.rows:
            ws.append(list(cells))
            for cell in ws[ws.max_row]:
                cell.border = box
        for i, heading in enumerate(section.headings, 1):
            longest = max([len(heading), *(len(str(r[i - 1])) for r in section.rows)])
            widths[i] = min(max(widths.get(i, 8), longest + 2), 60)
    if sheet.note:
        ws.append([])
        ws.append([sheet.note])
    for index, width in widths.items():
        ws.column_dimensions[get_column_letter(index)].width = width
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
