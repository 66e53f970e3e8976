"""The file plan as files: the printed Danh mục hồ sơ in the Phụ lục V.II layout (PDF) and the same table as an XLSX
workbook, which `plan_import` reads back.

Phụ lục V.II: "DANH MỤC HỒ SƠ … Năm … (Kèm theo Quyết định số … ngày … của …)", the five columns (1)–(5) with the
heading rows (I. TÊN ĐỀ MỤC LỚN, 1. Tên đề mục nhỏ), and the footer "Danh mục hồ sơ này có … hồ sơ, bao gồm: … hồ sơ
bảo quản vĩnh viễn; … hồ sơ bảo quản có thời hạn."
"""

import io
from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import Paragraph, Spacer, Table, TableStyle

from app.core.db import db
from app.documents.fonts import FAMILY, build, fmt_date, styles
from app.dossiers.models import FilePlan
from app.dossiers.plan import counts, outline, responsible_label, retention_of
from app.dossiers.plan_import import COLUMNS
from app.dossiers.states import PlanStatus
from app.org.models import Agency, User


def decision_line(plan: FilePlan) -> str:
    """ "(Kèm theo Quyết định số … ngày … của …)"; dotted blanks while the plan is a draft."""
    if plan.status != PlanStatus.APPROVED:  # the agency's name heads the page already
        return "(Kèm theo Quyết định số ……… ngày ……… của ………) — Dự thảo, chưa ban hành"
    agency = db.session.get(Agency, plan.agency_id)
    approver = db.session.get(User, plan.approved_by_id) if plan.approved_by_id else None
    title = (approver.position if approver and approver.position else "người đứng đầu").strip()
    return (
        f"(Kèm theo Quyết định số {plan.decision_number} ngày {fmt_date(plan.decision_date)} "
        f"của {title_of_agency(title, agency.name)})"
    )


def title_of_agency(title: str, agency_name: str) -> str:
    """ "Giám đốc Sở" of "Sở Tài chính tỉnh Kiên Giang" reads "Giám đốc Sở Tài chính tỉnh Kiên Giang", not "… Sở Sở
    …": a position ending with the word the agency's name begins with shares it."""
    *head, last = title.split() or [""]
    if head and agency_name.split()[:1] == [last]:
        return " ".join([*head, agency_name])
    return f"{title} {agency_name}"


def footer(plan: FilePlan) -> str:
    c = counts(plan)
    return (
        f"Danh mục hồ sơ này có {c.total} hồ sơ, bao gồm: {c.permanent} hồ sơ bảo quản vĩnh viễn; "
        f"{c.term} hồ sơ bảo quản có thời hạn."
    )


def table_rows(plan: FilePlan) -> list[tuple[str, list[str]]]:
    """(kind, the five cells) of each line, in print order."""
    rows = []
    for row in outline(plan):
        if row.kind == "entry":
            e = row.entry
            rows.append(("entry", [e.notation, e.title, retention_of(e), responsible_label(e), e.note or ""]))
        else:
            rows.append((row.kind, ["", row.label, "", "", ""]))
    return rows


def heading_codes(plan: FilePlan) -> list[str]:
    """Each printed line's heading code: a main heading's abbreviation (HCTC, TH …: the end of its dossiers'
    notations), else "". The workbook writes it in brackets after the name (so it imports back), the PDF in the
    code column (1); both from here, so neither leaves it out."""
    return [(row.heading.abbreviation or "") if row.kind == "main" else "" for row in outline(plan)]


def to_pdf(plan: FilePlan, author: str) -> bytes:
    st = styles()
    agency = db.session.get(Agency, plan.agency_id)
    bold_italic = ParagraphStyle("sub", parent=st["cell"], fontName=f"{FAMILY}-Bold")
    story = [
        Paragraph(escape(agency.name.upper()), st["header_bold"]),
        Spacer(1, 8 * mm),
        Paragraph("DANH MỤC HỒ SƠ", st["title"]),
        Paragraph(f"Năm {plan.year}", st["title"]),
        Paragraph(escape(decision_line(plan)), st["subtitle"]),
        Spacer(1, 6 * mm),
    ]
    data = [[Paragraph(escape(h), st["head"]) for h in COLUMNS], [Paragraph(f"({i})", st["head"]) for i in range(1, 6)]]
    commands = [
        ("GRID", (0, 0), (-1, -1), 0.5, colors.black),
        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
        ("BACKGROUND", (0, 0), (-1, 1), colors.whitesmoke),
    ]
    lines = zip(table_rows(plan), heading_codes(plan), strict=True)
    for index, ((kind, cells), code) in enumerate(lines, len(data)):
        if kind == "main":
            data.append(
                [
                    Paragraph(f"<b>{escape(code)}</b>", st["cell_center"]),
                    Paragraph(f"<b>{escape(cells[1].upper())}</b>", st["cell"]),
                    "",
                    "",
                    "",
                ]
            )
        elif kind == "sub":
            data.append(["", Paragraph(f"<i>{escape(cells[1])}</i>", bold_italic), "", "", ""])
        else:
            styled = ["cell_center", "cell", "cell_center", "cell", "cell"]
            data.append([Paragraph(escape(c), st[s]) for c, s in zip(cells, styled, strict=True)])
        if kind != "entry":
            commands.append(("BACKGROUND", (0, index), (-1, index), colors.Color(0.96, 0.96, 0.96)))
    widths = [w * mm for w in (24, 72, 24, 36, 24)]  # 180 mm: A4 portrait less the margins
    table = Table(data, colWidths=widths, repeatRows=2)
    table.setStyle(TableStyle(commands))
    story += [table, Spacer(1, 5 * mm), Paragraph(escape(footer(plan)), st["body"])]
    return build(story, pagesize=A4, title=f"Danh mục hồ sơ năm {plan.year}", author=author, margins=(20, 15, 20, 15))


def to_xlsx(plan: FilePlan) -> bytes:
    """The table as a workbook: the title lines, the columns, the rows (main headings with their abbreviation in
    brackets, so the file imports back), the footer."""
    from openpyxl import Workbook  # only when used: ~7 MiB less in every server process
    from openpyxl.styles import Alignment, Border, Font, Side

    agency = db.session.get(Agency, plan.agency_id)
    book = Workbook()
    sheet = book.active
    sheet.title = "Danh mục hồ sơ"
    sheet.append([agency.name.upper()])
    sheet.append(["DANH MỤC HỒ SƠ"])
    sheet.append([f"Năm {plan.year}"])
    sheet.append([decision_line(plan)])
    sheet.append([])
    sheet.append(COLUMNS)
    heading_line = sheet.max_row
    sheet.append([f"({i})" for i in range(1, 6)])
    thin = Side(style="thin")
    box = Border(left=thin, right=thin, top=thin, bottom=thin)
    for cell in (*sheet[heading_line], *sheet[heading_line + 1]):
        cell.font, cell.border = Font(bold=True), box
        cell.alignment = Alignment(wrap_text=True, horizontal="center", vertical="center")
    sheet["A2"].font = Font(bold=True, size=14)
    for code, (kind, cells) in zip(heading_codes(plan), table_rows(plan), strict=True):
        if code:
            cells[1] = f"{cells[1]} ({code})"
        sheet.append(cells)
        for cell in sheet[sheet.max_row]:
            cell.border = box
            cell.alignment = Alignment(wrap_text=True, vertical="center")
            if kind != "entry":
                cell.font = Font(bold=True, italic=kind == "sub")
    sheet.append([])
    sheet.append([footer(plan)])
    for letter, width in zip("ABCDE", (16, 60, 16, 28, 24), strict=True):
        sheet.column_dimensions[letter].width = width
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
