"""The bound books of văn bản đến (NĐ 30/2020 Phụ lục IV): Sổ đăng ký (mục VI), Sổ theo dõi giải quyết (mục VIII).

Each book opens with its cover page, then one table row per document in số đến order.
"""

from datetime import date
from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.units import mm
from reportlab.platypus import PageBreak, Paragraph, Spacer, Table, TableStyle

from app.core import clock
from app.documents.fonts import build, fmt_date, styles
from app.documents.printing import RegisterPrint
from app.documents.replies import replies_to
from app.incoming.models import STATUS_LABELS, AssignmentKind, IncomingDocument, IncomingStatus


def _cover(meta: RegisterPrint, title: str, documents: list[IncomingDocument], *, number_range: bool) -> list:
    """Phụ lục IV, first page of each book; the follow-up book has no "Từ số … đến số …" line."""
    st = styles()
    first_day = meta.date_from or min((clock.to_local(d.arrived_at).date() for d in documents), default=None)
    last_day = meta.date_to or max((clock.to_local(d.arrived_at).date() for d in documents), default=None)
    story = [
        Paragraph(escape((meta.parent_name or "").upper()), st["cover_small"]),
        Paragraph(escape(meta.agency_name.upper()), st["cover_bold"]),
        Spacer(1, 40 * mm),
        Paragraph(title, st["cover_title"]),
    ]
    if meta.register_name:
        story.append(Paragraph(escape(meta.register_name), st["cover_small"]))
    story += [
        Spacer(1, 15 * mm),
        Paragraph(f"Năm: {meta.year}", st["cover_small"]),
        Paragraph(f"Từ ngày {fmt_date(first_day) or '……'} đến ngày {fmt_date(last_day) or '……'}", st["cover_small"]),
    ]
    if number_range:
        numbers = [d.arrival_number for d in documents if d.arrival_number]
        story.append(
            Paragraph(f"Từ số {min(numbers, default=0):02d} đến số {max(numbers, default=0):02d}", st["cover_small"])
        )
    story += [Paragraph(f"Quyển số: {meta.book_number:02d}", st["cover_small"]), PageBreak()]
    return story


def _cell(value) -> str:
    """A cell's markup: a list of lines is kept as lines."""
    lines = value if isinstance(value, list) else [value]
    return "<br/>".join(escape(str(line or "")) for line in lines if line)


def _table(headings: list[str], rows: list[list], widths: list[float], centered: set[int]) -> Table:
    st = styles()
    data = [
        [Paragraph(h, st["head"]) for h in headings],
        [Paragraph(f"({i})", st["head"]) for i in range(1, len(headings) + 1)],
    ]
    for cells in rows:
        data.append([Paragraph(_cell(c), st["cell_center" if i in centered else "cell"]) for i, c in enumerate(cells)])
    table = Table(data, colWidths=[w * mm for w in widths], repeatRows=2)
    table.setStyle(
        TableStyle(
            [
                ("GRID", (0, 0), (-1, -1), 0.5, colors.black),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("BACKGROUND", (0, 0), (-1, 1), colors.whitesmoke),
            ]
        )
    )
    return table


def _build(story: list, title: str, author: str) -> bytes:
    return build(story, pagesize=landscape(A4), title=title, author=author, margins=(15, 12, 15, 12))


def _lead(doc: IncomingDocument):
    return next((a for a in doc.assignments if a.kind == AssignmentKind.LEAD), None)


def _who(assignment) -> str:
    """ "Phòng Tổng hợp (Võ Quốc Bảo)", or just one of the two."""
    if assignment is None:
        return ""
    unit = assignment.unit.name if assignment.unit else ""
    person = assignment.user.full_name if assignment.user else ""
    return f"{unit} ({person})" if unit and person else unit or person


def _with_due(assignment, lead_due) -> str:
    """ "Phòng Kinh tế (hạn 25/11/2026)" when the assignee's deadline is not the lead's."""
    who = _who(assignment)
    if assignment.due_date is None or assignment.due_date == lead_due:
        return who
    return f"{who} (hạn {fmt_date(assignment.due_date)})"


def incoming_register_pdf(meta: RegisterPrint, documents: list[IncomingDocument]) -> bytes:
    """Sổ đăng ký văn bản đến: Phụ lục IV mục VI, the 10 columns."""
    headings = [
        "Ngày đến",
        "Số đến",
        "Tác giả",
        "Số, ký hiệu văn bản",
        "Ngày tháng văn bản",
        "Tên loại và trích yếu nội dung văn bản",
        "Đơn vị hoặc người nhận",
        "Ngày chuyển",
        "Ký nhận",
        "Ghi chú",
    ]
    rows = []
    for doc in documents:
        lead = _lead(doc)
        rows.append(
            [
                fmt_date(doc.arrived_at),
                doc.arrival_label,
                doc.sender_name,
                doc.symbol,
                fmt_date(doc.issued_date),
                # NĐ 30 Phụ lục VI III.8.b: a recalled document's content is destroyed; its số đến stays taken.
                f"{doc.type_name}: {doc.subject}" if doc.status != "recalled" else "Văn bản đã thu hồi và hủy",
                (lead.user.full_name if lead.user else lead.unit.name if lead.unit else "") if lead else "",
                fmt_date(lead.created_at) if lead else "",
                "",
                doc.description or "",
            ]
        )
    story = _cover(meta, "SỔ ĐĂNG KÝ VĂN BẢN ĐẾN", documents, number_range=True)
    story.append(_table(headings, rows, [20, 14, 38, 30, 20, 72, 36, 20, 17, 15], centered={0, 1, 4, 7}))
    return _build(story, f"Sổ đăng ký văn bản đến {meta.year}", meta.agency_name)


def source_line(doc: IncomingDocument) -> str:
    """Tên loại, số, ký hiệu, ngày tháng và cơ quan ban hành: "Công văn số 123/SNV-TCBC ngày 20/11/2026 của …"."""
    if doc.status == IncomingStatus.RECALLED and not doc.sender_name:  # destroyed (NĐ 30 Phụ lục VI III.8.b)
        return "Văn bản đã thu hồi và hủy"
    parts = [doc.type_name]
    if doc.symbol:
        parts.append(f"số {doc.symbol}")
    if doc.issued_date:
        parts.append(f"ngày {fmt_date(doc.issued_date)}")
    parts.append(f"của {doc.sender_name}")
    return " ".join(parts)


def progress(doc: IncomingDocument, today: date) -> str:
    """Tiến độ giải quyết: the status, the day it was completed, and "quá hạn" once past the deadline."""
    due = doc.handling_due or doc.due_date
    label = STATUS_LABELS.get(doc.status, doc.status)
    if doc.status == IncomingStatus.COMPLETED and doc.completed_at:
        done = clock.to_local(doc.completed_at).date()
        late = due is not None and done > due
        return f"{label} ngày {fmt_date(done)}" + (" (quá hạn)" if late else "")
    if doc.status == IncomingStatus.RECALLED and doc.recalled_at:
        return f"{label} ngày {fmt_date(doc.recalled_at)}"
    in_progress = doc.status in (IncomingStatus.REGISTERED, IncomingStatus.DIRECTED, IncomingStatus.HANDLING)
    if in_progress and due is not None and today > due:
        return f"{label}, quá hạn"
    return label


def reply_symbols(document_ids: list[int]) -> dict[int, list[str]]:
    """Column (6): the số, ký hiệu (and date) of the issued documents answering each one, oldest first."""
    return {
        incoming_id: [f"{r.symbol} ngày {fmt_date(r.issued_date)}" if r.issued_date else r.symbol for r in replies]
        for incoming_id, replies in replies_to(document_ids).items()
    }


def follow_up_pdf(meta: RegisterPrint, documents: list[IncomingDocument]) -> bytes:
    """Sổ theo dõi giải quyết văn bản đến: Phụ lục IV mục VIII, the 7 columns."""
    headings = [
        "Số đến",
        "Tên loại, số, ký hiệu, ngày, tháng và tên cơ quan, tổ chức ban hành văn bản",
        "Đơn vị hoặc người nhận",
        "Thời hạn giải quyết",
        "Tiến độ giải quyết",
        "Số, ký hiệu văn bản trả lời",
        "Ghi chú",
    ]
    today = clock.to_local(clock.now()).date()
    replies = reply_symbols([doc.id for doc in documents])
    rows = []
    for doc in documents:
        receivers = [_who(_lead(doc))]
        # Seed 000 Điều 17.2: each coordinator's own deadline, where it differs from the lead's (column 4).
        coordinating = [_with_due(a, doc.handling_due) for a in doc.assignments if a.kind == AssignmentKind.COORDINATE]
        if coordinating:
            receivers.append("Phối hợp: " + "; ".join(coordinating))
        rows.append(
            [
                doc.arrival_label,
                source_line(doc),
                receivers,
                fmt_date(doc.handling_due or doc.due_date),
                progress(doc, today),
                replies.get(doc.id, []),
                doc.description or "",
            ]
        )
    story = _cover(meta, "SỔ THEO DÕI GIẢI QUYẾT VĂN BẢN ĐẾN", documents, number_range=False)
    story.append(_table(headings, rows, [14, 80, 50, 24, 45, 32, 28], centered={0, 3}))
    return _build(story, f"Sổ theo dõi giải quyết văn bản đến {meta.year}", meta.agency_name)
