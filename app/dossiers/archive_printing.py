"""The archive's printed forms (NĐ 30/2020 Phụ lục V): the Mục lục hồ sơ, tài liệu nộp lưu (V.III), the Biên bản
giao nhận hồ sơ, tài liệu (V.V) and the Biên bản hủy tài liệu (seed 000 Điều 25), in the Vietnamese serif font."""

from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.units import mm
from reportlab.platypus import Paragraph, Spacer, Table, TableStyle

from app.core import clock
from app.core.db import db
from app.documents.fonts import build, fmt_date, name_paragraph, styles
from app.dossiers.codes import retention_label
from app.dossiers.destruction import FATE_LABELS
from app.org.models import Agency, Unit, User

DIGITS = ["không", "một", "hai", "ba", "bốn", "năm", "sáu", "bảy", "tám", "chín"]


def _below_thousand(n: int, full: bool) -> str:
    """0 < n < 1000; `full`: a higher group precedes, so hundreds and "lẻ" are spoken
    (1 005 → một nghìn không trăm lẻ năm)."""
    hundreds, rest = divmod(n, 100)
    tens, units = divmod(rest, 10)
    words = []
    if hundreds or full:
        words += [DIGITS[hundreds], "trăm"]
    if tens == 0:
        if units and (hundreds or full):
            words.append("lẻ")
    elif tens == 1:
        words.append("mười")
    else:
        words += [DIGITS[tens], "mươi"]
    if units:
        if units == 1 and tens >= 2:
            words.append("mốt")
        elif units == 5 and tens >= 1:
            words.append("lăm")
        elif units == 4 and tens >= 2:
            words.append("tư")
        else:
            words.append(DIGITS[units])
    return " ".join(words)


def number_in_words(n: int) -> str:
    """A count in Vietnamese words, capitalised ("Viết bằng chữ" of Phụ lục V.III): 12 → "Mười hai"."""
    if n == 0:
        return "Không"
    groups, scales = [], ["", "nghìn", "triệu", "tỷ"]
    while n:
        n, group = divmod(n, 1000)
        groups.append(group)
    words = []
    for index in range(len(groups) - 1, -1, -1):
        group = groups[index]
        if group == 0:
            continue
        words.append(_below_thousand(group, full=index < len(groups) - 1))
        if scales[index]:
            words.append(scales[index])
    text = " ".join(words)
    return text[0].upper() + text[1:]


def _grid(data, widths) -> Table:
    table = Table(data, colWidths=[w * mm for w in widths], repeatRows=1)
    table.setStyle(TableStyle([("GRID", (0, 0), (-1, -1), 0.5, colors.black), ("VALIGN", (0, 0), (-1, -1), "MIDDLE")]))
    return table


HEADING_LEFT = 80 * mm
CELL_PADDING = 12  # points: a Table cell's default left and right padding


def _heading(agency: Agency, unit_name: str | None, st) -> list:
    # The names break between words and before the place (name_paragraph), not where the column ends.
    width = HEADING_LEFT - CELL_PADDING
    left = [name_paragraph(agency.name, st["header"], width)]
    if unit_name:
        left.append(name_paragraph(unit_name, st["header"], width, bold=True))
    right = [
        Paragraph("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", st["header_bold"]),
        Paragraph("Độc lập - Tự do - Hạnh phúc", st["header_bold"]),
    ]
    return [Table([[left, right]], colWidths=[HEADING_LEFT, 100 * mm]), Spacer(1, 6 * mm)]


def _signatures(left: str, right: str, st) -> Table:
    cell = lambda title: [  # noqa: E731
        Paragraph(f"<b>{escape(title)}</b>", st["header"]),
        Paragraph("<i>(Ký, ghi rõ họ tên)</i>", st["header"]),
    ]
    return Table([[cell(left), cell(right)]], colWidths=[90 * mm, 90 * mm])


def _period(transfer) -> str:
    starts = [e.dossier.start_date for e in transfer.entries if e.dossier.start_date]
    ends = [e.dossier.end_date or e.dossier.start_date for e in transfer.entries if e.dossier.start_date]
    if not starts:
        return ""
    first, last = min(starts).year, max(ends).year
    return str(first) if first == last else f"{first} - {last}"


def muc_luc_pdf(transfer) -> bytes:
    """Mục lục hồ sơ, tài liệu nộp lưu (Phụ lục V.III)."""
    st = styles()
    agency = db.session.get(Agency, transfer.agency_id)
    unit = db.session.get(Unit, transfer.unit_id) if transfer.unit_id else None
    story = _heading(agency, unit.name if unit else None, st)
    story += [
        Paragraph("MỤC LỤC HỒ SƠ, TÀI LIỆU NỘP LƯU", st["title"]),
        Paragraph(f"Năm {_period(transfer)}", st["subtitle"]),
        Paragraph(escape(transfer.name), st["subtitle"]),
        Spacer(1, 5 * mm),
    ]
    headings = [
        "Số TT",
        "Số, ký hiệu hồ sơ",
        "Tiêu đề hồ sơ",
        "Thời gian tài liệu",
        "Thời hạn bảo quản",
        "Số tờ/ Số trang",
        "Ghi chú",
    ]
    data = [[Paragraph(h, st["head"]) for h in headings]]
    data.append([Paragraph(f"({i})", st["cell_center"]) for i in range(1, 8)])
    for entry in transfer.entries:
        d = entry.dossier
        span = f"{fmt_date(d.start_date)} - {fmt_date(d.end_date)}" if d.end_date else fmt_date(d.start_date)
        data.append(
            [
                Paragraph(str(entry.position), st["cell_center"]),
                Paragraph(escape(d.notation), st["cell_center"]),
                Paragraph(escape(d.title), st["cell"]),
                Paragraph(span, st["cell_center"]),
                Paragraph(retention_label(d.maintenance, d.retention_years), st["cell_center"]),
                Paragraph(str(d.page_total), st["cell_center"]),
                Paragraph(escape(_note(entry)), st["cell"]),
            ]
        )
    count = len(transfer.entries)
    story += [
        _grid(data, [14, 32, 90, 45, 28, 22, 36]),
        Spacer(1, 5 * mm),
        Paragraph(f"Mục lục này gồm: {count} hồ sơ (đơn vị bảo quản).", st["body"]),
        Paragraph(f"Viết bằng chữ: {number_in_words(count)} hồ sơ (đơn vị bảo quản).", st["body"]),
        Spacer(1, 4 * mm),
        _signatures("NGƯỜI LẬP", "THỦ TRƯỞNG ĐƠN VỊ", st),
    ]
    return build(
        story,
        pagesize=landscape(A4),
        title="Mục lục hồ sơ, tài liệu nộp lưu",
        author=agency.name,
        margins=(15, 15, 15, 20),
    )


def _note(entry) -> str:
    if entry.decision == "returned":
        return f"Trả lại: {entry.reason}"
    return ""


def bien_ban_giao_nhan_pdf(transfer) -> bytes:
    """Biên bản giao nhận hồ sơ, tài liệu (Phụ lục V.V): bên giao, bên nhận (Lưu trữ cơ quan), the electronic count."""
    st = styles()
    agency = db.session.get(Agency, transfer.agency_id)
    unit = db.session.get(Unit, transfer.unit_id) if transfer.unit_id else None
    submitter = db.session.get(User, transfer.submitted_by_id)
    receiver = db.session.get(User, transfer.received_by_id) if transfer.received_by_id else None
    files = sum(len(digests) for e in transfer.entries for digests in (e.manifest or {}).values())
    giver = unit.name if unit else (submitter.full_name if submitter else "")
    when = clock.to_local(transfer.received_at or transfer.submitted_at)
    story = _heading(agency, None, st)
    story += [
        Paragraph("BIÊN BẢN", st["title"]),
        Paragraph("Về việc giao nhận hồ sơ, tài liệu", st["title"]),
        Spacer(1, 5 * mm),
        Paragraph(
            "Căn cứ Nghị định số 30/2020/NĐ-CP ngày 05 tháng 3 năm 2020 của Chính phủ về công tác văn thư;", st["body"]
        ),
        Paragraph(
            f"Hôm nay, ngày {when:%d} tháng {when:%m} năm {when:%Y}, tại {escape(agency.name)}, chúng tôi gồm:",
            st["body"],
        ),
        Paragraph(
            f"<b>BÊN GIAO:</b> {escape(giver)}, đại diện là ông (bà) "
            f"{escape(submitter.full_name if submitter else '')}.",
            st["body"],
        ),
        Paragraph(
            "<b>BÊN NHẬN:</b> Lưu trữ cơ quan, đại diện là ông (bà) "
            f"{escape(receiver.full_name) if receiver else '……………………'}.",
            st["body"],
        ),
        Paragraph("Thống nhất lập biên bản giao nhận tài liệu như sau:", st["body"]),
        Paragraph(f"1. Tên khối tài liệu giao nộp: {escape(transfer.name)}.", st["body"]),
        Paragraph(f"2. Thời gian của tài liệu: {_period(transfer)}.", st["body"]),
        Paragraph(
            "3. Số lượng tài liệu: tài liệu điện tử — tổng số hồ sơ: "
            f"{len(transfer.entries)}; tổng số tệp tin: {files}.",
            st["body"],
        ),
        Paragraph(
            "4. Tình trạng tài liệu giao nộp: "
            + escape(transfer.condition_note or "đầy đủ, toàn vẹn (đã kiểm tra mã băm SHA-256)")
            + ".",
            st["body"],
        ),
        Paragraph("5. Mục lục hồ sơ, tài liệu nộp lưu kèm theo.", st["body"]),
        Paragraph(
            "Biên bản này được lập thành hai bản; bên giao giữ một bản, bên nhận giữ một bản.",
            st["body"],
        ),
        Spacer(1, 8 * mm),
        _signatures("ĐẠI DIỆN BÊN GIAO", "ĐẠI DIỆN BÊN NHẬN", st),
    ]
    return build(
        story, pagesize=A4, title="Biên bản giao nhận hồ sơ, tài liệu", author=agency.name, margins=(20, 15, 20, 30)
    )


def bien_ban_huy_pdf(destruction) -> bytes:
    """Biên bản hủy tài liệu hết giá trị (seed 000 Điều 25): what, by whose decision, the council, when, by whom."""
    st = styles()
    agency = db.session.get(Agency, destruction.agency_id)
    executor = db.session.get(User, destruction.executed_by_id) if destruction.executed_by_id else None
    when = clock.to_local(destruction.executed_at) if destruction.executed_at else None
    story = _heading(agency, None, st)
    story += [
        Paragraph("BIÊN BẢN HỦY TÀI LIỆU HẾT GIÁ TRỊ", st["title"]),
        Paragraph(escape(destruction.title), st["subtitle"]),
        Spacer(1, 5 * mm),
        Paragraph(
            f"Căn cứ Quyết định số {escape(destruction.decision_number or '……')} ngày "
            # The head of the agency decides a destruction: the decision is cited by the office, not by a name.
            f"{fmt_date(destruction.decision_date)} của người đứng đầu {escape(agency.name)} "
            "về việc hủy tài liệu hết giá trị;",
            st["body"],
        ),
        Paragraph(
            "Ý kiến của Hội đồng xác định giá trị tài liệu: " + escape(destruction.council_opinion or ""), st["body"]
        ),
        Paragraph(
            (f"Hôm nay, lúc {when:%H:%M} ngày {when:%d/%m/%Y}, " if when else "")
            + f"{escape(executor.full_name if executor else '')} (Lưu trữ cơ quan) đã hủy các hồ sơ sau:",
            st["body"],
        ),
        Spacer(1, 3 * mm),
    ]
    headings = ["Số TT", "Mã hồ sơ", "Tiêu đề hồ sơ", "Thời gian", "Số văn bản", "Tệp đã hủy (SHA-256)"]
    data = [[Paragraph(h, st["head"]) for h in headings]]
    for entry in destruction.entries:
        own = [f for f in entry.files or [] if f.get("sha256")]
        kept = [f for f in entry.files or [] if f.get("fate") == "kept"]
        # The whole SHA-256, in groups of 16 so the cell wraps between them: the record proves which bytes went.
        hashes = "<br/>".join(f"{_grouped(f['sha256'])} ({FATE_LABELS.get(f.get('fate'), '')})" for f in own) or "—"
        if kept:
            hashes += f"<br/>{len(kept)} văn bản còn trong hệ thống quản lý văn bản"
        span = fmt_date(entry.start_date) + (f" - {fmt_date(entry.end_date)}" if entry.end_date else "")
        data.append(
            [
                Paragraph(str(entry.position), st["cell_center"]),
                Paragraph(escape(entry.file_code), st["cell"]),
                Paragraph(escape(entry.title), st["cell"]),
                Paragraph(span, st["cell_center"]),
                Paragraph(str(entry.doc_total), st["cell_center"]),
                Paragraph(hashes, st["cell"]),
            ]
        )
    count = len(destruction.entries)
    story += [
        _grid(data, [12, 42, 70, 34, 18, 70]),
        Spacer(1, 4 * mm),
        Paragraph(f"Tổng số: {count} hồ sơ ({number_in_words(count).lower()} hồ sơ).", st["body"]),
        Spacer(1, 8 * mm),
        _signatures("NGƯỜI THỰC HIỆN", "THỦ TRƯỞNG CƠ QUAN", st),
    ]
    return build(
        story,
        pagesize=landscape(A4),
        title="Biên bản hủy tài liệu hết giá trị",
        author=agency.name,
        margins=(15, 15, 15, 20),
    )


def _grouped(digest: str, size: int = 16) -> str:
    return " ".join(digest[i : i + size] for i in range(0, len(digest), size))
