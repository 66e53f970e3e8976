"""Sổ đăng ký văn bản đi (NĐ 30/2020 Phụ lục IV mục I): the printed, bound register of outgoing documents.

NĐ 30/2020 Điều 16.2.b: documents registered in the System are printed on the register's form and bound. The book
opens with the cover of Phụ lục IV, then one row per document in number order with the 10 columns of mục I. The
fonts and page helpers are the ones the incoming books use (app.documents.fonts: Liberation Serif 2, else
DejaVu Serif, both with every Vietnamese letter).
"""

from datetime import date
from xml.sax.saxutils import escape

from app.audit import services as audit
from app.documents.fonts import build, fmt_date, styles
from app.documents.models import RegisterKind
from app.documents.printing import BOOK_ROLES, Printed, RegisterPrint, register_to_print  # noqa: F401
from app.org.models import User
from app.outgoing import queries
from app.outgoing.models import RELATION_LABELS, OutgoingDocument, OutgoingStatus, RecipientKind

TITLE = "SỔ ĐĂNG KÝ VĂN BẢN ĐI"
# Phụ lục IV mục I, "tối thiểu gồm 10 nội dung", in order (legal.md §1.6).
HEADINGS = [
    "Số, ký hiệu văn bản",
    "Ngày tháng văn bản",
    "Tên loại và trích yếu nội dung văn bản",
    "Người ký",
    "Nơi nhận văn bản",
    "Đơn vị, người nhận bản lưu",
    "Số lượng bản",
    "Ngày chuyển",
    "Ký nhận",
    "Ghi chú",
]
# A4 landscape (297 mm) less 15 + 12 mm margins = 270 mm.
WIDTHS_MM = [26, 21, 55, 30, 38, 27, 15, 21, 15, 22]
CENTERED = {0, 1, 6, 7}

# reportlab is imported inside the functions that draw a PDF, not at start (tests/test_lazy_imports.py).


def signer_text(doc: OutgoingDocument) -> list[str]:
    """ "KT. CHỦ TỊCH / PHÓ CHỦ TỊCH" on one line, the name on the next (Phụ lục I II.7)."""
    title = " ".join(p for p in (doc.signer_authority, doc.signer_title) if p)
    name = doc.signer_name or ""  # the copy kept at issue (Phụ lục VI III.1.g): a later rename does not reach it
    return [line for line in (title, name) if line]


def recipients_text(doc: OutgoingDocument) -> list[str]:
    """Nơi nhận: one line per recipient; internal units are marked as such."""
    lines = []
    for r in doc.recipients:
        lines.append(f"{r.name} (nội bộ)" if r.kind == RecipientKind.UNIT else r.name)
    return lines


def file_copy_text(doc: OutgoingDocument) -> str:
    """Đơn vị, người nhận bản lưu: the original stays with the Văn thư, the file copy with the drafting unit.

    NĐ 30/2020 Điều 19.1: bản gốc lưu tại Văn thư cơ quan; bản chính lưu trong hồ sơ công việc.
    """
    parts = ["Văn thư"]
    unit = doc.drafting_unit.name if doc.drafting_unit else ""
    drafter = doc.drafter.full_name if doc.drafter else ""
    if unit or drafter:
        parts.append(f"{unit} ({drafter})" if unit and drafter else unit or drafter)
    return "; ".join(parts)


def sent_on(doc: OutgoingDocument) -> str:
    """Ngày chuyển: the first dispatch to a recipient, else the issue."""
    times = [r.dispatched_at for r in doc.recipients if r.dispatched_at]
    return fmt_date(min(times) if times else doc.issued_at)


def note_text(doc: OutgoingDocument) -> list[str]:
    """Ghi chú: what replaced or corrected what, the incoming document answered, a recall."""
    notes = []
    if doc.relation and doc.related is not None:
        label = RELATION_LABELS.get(doc.relation, doc.relation)
        notes.append(f"{label} văn bản {doc.related.symbol or doc.related.subject[:60]}")
    if doc.reply_to is not None:
        incoming = doc.reply_to
        notes.append(f"Trả lời văn bản {incoming.symbol or incoming.subject[:60]} của {incoming.sender_name}")
    if doc.status == OutgoingStatus.RECALLED:
        notes.append(f"Đã thu hồi ngày {fmt_date(doc.recalled_at)}")
    return notes


def register_row(doc: OutgoingDocument) -> list:
    """The 10 cells of one document; a list is printed as separate lines."""
    return [
        doc.symbol or "",
        fmt_date(doc.issued_date),
        f"{doc.type_name}: {doc.subject}",
        signer_text(doc),
        recipients_text(doc),
        file_copy_text(doc),
        str(doc.copies) if doc.copies else "",
        sent_on(doc),
        "",  # signed by hand on the bound book
        note_text(doc),
    ]


def _cover(meta: RegisterPrint, documents: list[OutgoingDocument]) -> list:
    """The first page of the book, as Phụ lục IV sets it out."""
    from reportlab.lib.units import mm
    from reportlab.platypus import PageBreak, Paragraph, Spacer

    st = styles()
    first_day = meta.date_from or min((d.issued_date for d in documents if d.issued_date), default=None)
    last_day = meta.date_to or max((d.issued_date for d in documents if d.issued_date), default=None)
    numbers = [d.number for d in documents if d.number]
    return [
        Paragraph(escape((meta.parent_name or "").upper()), st["cover_small"]),
        Paragraph(escape(meta.agency_name.upper()), st["cover_bold"]),
        Spacer(1, 40 * mm),
        Paragraph(TITLE, st["cover_title"]),
        Paragraph(escape(meta.register_name), st["cover_small"]),
        Spacer(1, 15 * mm),
        Paragraph(f"Năm: {meta.year}", st["cover_small"]),
        Paragraph(f"Từ ngày {fmt_date(first_day) or '……'} đến ngày {fmt_date(last_day) or '……'}", st["cover_small"]),
        Paragraph(f"Từ số {min(numbers, default=0):02d} đến số {max(numbers, default=0):02d}", st["cover_small"]),
        Paragraph(f"Quyển số: {meta.book_number:02d}", st["cover_small"]),
        PageBreak(),
    ]


def _cell(value) -> str:
    lines = value if isinstance(value, list) else [value]
    return "<br/>".join(escape(str(line)) for line in lines if line)


def outgoing_register_pdf(meta: RegisterPrint, documents: list[OutgoingDocument]) -> bytes:
    """The book as a PDF: cover, then the table with its headings repeated on every page (A4 landscape)."""
    from reportlab.lib import colors
    from reportlab.lib.pagesizes import A4, landscape
    from reportlab.lib.units import mm
    from reportlab.platypus import Paragraph, Table, TableStyle

    st = styles()
    data = [
        [Paragraph(h, st["head"]) for h in HEADINGS],
        [Paragraph(f"({i})", st["head"]) for i in range(1, len(HEADINGS) + 1)],
    ]
    for doc in documents:
        cells = register_row(doc)
        data.append([Paragraph(_cell(c), st["cell_center" if i in CENTERED else "cell"]) for i, c in enumerate(cells)])
    table = Table(data, colWidths=[w * mm for w in WIDTHS_MM], repeatRows=2)
    table.setStyle(
        TableStyle(
            [
                ("GRID", (0, 0), (-1, -1), 0.5, colors.black),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("BACKGROUND", (0, 0), (-1, 1), colors.whitesmoke),
            ]
        )
    )
    story = _cover(meta, documents)
    story.append(table)
    return build(
        story,
        pagesize=landscape(A4),
        title=f"Sổ đăng ký văn bản đi {meta.year}",
        author=meta.agency_name,
        margins=(15, 12, 15, 15),  # top, right, bottom, left
    )


def register_book(
    actor: User,
    *,
    register_id: int | None = None,
    year: int | None = None,
    date_from: date | None = None,
    date_to: date | None = None,
):
    """(register, cover data, rows) of an outgoing register of the actor's agency; only who keeps the books.

    Read-only apart from creating the agency's default outgoing register on first use.
    """
    register, meta = register_to_print(
        actor,
        RegisterKind.OUTGOING,
        register_id=register_id,
        year=year,
        date_from=date_from,
        date_to=date_to,
        refusal="Chỉ văn thư, lãnh đạo cơ quan và quản trị hệ thống được xem sổ đăng ký văn bản đi.",
    )
    return register, meta, queries.register_entries(register.id, meta.year, date_from, date_to)


def print_register(
    actor: User,
    *,
    register_id: int | None = None,
    year: int | None = None,
    date_from: date | None = None,
    date_to: date | None = None,
) -> Printed:
    """Sổ đăng ký văn bản đi of a register for a year (and an optional date range), ready to print and bind."""
    register, meta, entries = register_book(
        actor, register_id=register_id, year=year, date_from=date_from, date_to=date_to
    )
    pdf = outgoing_register_pdf(meta, entries)
    audit.record(
        actor,
        "outgoing.print_register",
        register,
        agency_id=actor.agency_id,
        summary=f"In sổ đăng ký văn bản đi năm {meta.year} ({len(entries)} văn bản)",
    )
    return Printed(pdf, f"so-dang-ky-van-ban-di-{meta.year}.pdf")
