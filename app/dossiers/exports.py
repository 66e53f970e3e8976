"""Kết xuất hồ sơ (NĐ 30/2020 Phụ lục VI III.4.g; seed 000 Điều 19.2.b "Kết xuất … mục lục văn bản trong hồ sơ
thành định dạng PDF"): the whole dossier as one PDF — the Mục lục văn bản, tài liệu (Phụ lục V.IV) then every
document in chronological order — and as XML with its metadata (Phụ lục VI Phần II.III, and II.I–II per document).

Streamed: documents are checked and appended one by one from the blob store into a temporary file, never all held
in memory. pikepdf copies a source's stream data into memory when its pages are appended (so a source may be closed
early), so the output is saved to disk and reopened — its own content then read lazily from that file — whenever the
sources appended since the last save reach FLUSH_BYTES or BATCH files: the content held in memory stays bounded by
one batch whatever the dossier's size; what still grows is qpdf's table of the output's objects, some tens of KB per
document (bench/dossiers.py: peak RSS +35 / +43 / +64 MiB for 250 / 500 / 1000 documents of 145 KB).

An export writes nothing but its audit event, recorded only once the file is complete: a failed export changes
nothing and leaves no file.
"""

import os
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO
from xml.sax.saxutils import escape

import pikepdf
from lxml import etree
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.units import mm
from reportlab.lib.utils import ImageReader
from reportlab.pdfgen import canvas
from reportlab.platypus import Paragraph, Spacer, Table, TableStyle

from app.audit import services as audit
from app.core import clock
from app.core.db import db
from app.dossiers import permissions
from app.dossiers.closing import chronological
from app.dossiers.codes import LANGUAGES, MAINTENANCE, RIGHTS, retention_label
from app.dossiers.contents import ContentMissing, item_file, metadata, verify
from app.dossiers.models import Dossier, DossierItem
from app.org.models import Agency, User

BATCH = 200  # sources open at once while concatenating
FLUSH_BYTES = 16 * 2**20  # source bytes appended between two saves of the partial output
IMAGES = frozenset({"image/jpeg", "image/png"})
FORMATS = {
    "pdf": ("application/pdf", "pdf"),
    "xml": ("application/xml", "xml"),
    "sip": ("application/zip", "zip"),
}


@dataclass
class Part:
    item: DossierItem
    path: Path  # a PDF: the document's own, or a page made for it
    pages: int
    first_page: int = 0


# ---- the PDF --------------------------------------------------------------------------------------------------


def build_pdf(dossier: Dossier, out_path: str | os.PathLike) -> int:
    """Write the dossier's PDF to `out_path`; its page count. Refused (409 `dossier_file_missing`) when a file is
    gone or damaged."""
    items = chronological(list(dossier.items))
    with tempfile.TemporaryDirectory(prefix="qlvb-dossier-") as work:
        work = Path(work)
        parts = [_part(item, work) for item in items]
        toc_path = work / "muc-luc.pdf"
        assumed = 1
        for _attempt in range(4):  # the table's length depends on the page numbers it prints: settle them
            running = assumed + 1
            for part in parts:
                part.first_page, running = running, running + part.pages
            toc_path.write_bytes(_toc(dossier, parts))
            with pikepdf.open(toc_path) as toc:
                counted = len(toc.pages)
            if counted == assumed:
                break
            assumed = counted
        return _concatenate([toc_path] + [p.path for p in parts], Path(out_path), work)


def _part(item: DossierItem, work: Path) -> Part:
    found = item_file(item)
    if found is None:
        return Part(item, _placeholder(work, item, "Văn bản, tài liệu này không có tệp điện tử."), 1)
    path = verify(item, found)
    is_pdf = found.content_type == "application/pdf" or found.filename.lower().endswith(".pdf")
    if is_pdf:
        try:
            with pikepdf.open(path) as pdf:
                return Part(item, path, len(pdf.pages))
        except pikepdf.PdfError as exc:
            raise ContentMissing(
                f"Tệp PDF của văn bản số thứ tự {item.ordinal} ({found.filename}) không đọc được.",
                code="dossier_file_unreadable",
                details={"ordinal": item.ordinal},
            ) from exc
    if found.content_type in IMAGES:
        return Part(item, _image_page(work, item, path), 1)
    return Part(
        item,
        _placeholder(
            work,
            item,
            f"Tệp “{found.filename}” ({found.content_type}) không ở định dạng PDF: xem tệp gốc trong hồ sơ "
            "hoặc trong gói SIP.",
        ),
        1,
    )


def _concatenate(sources: list[Path], out_path: Path, work: Path) -> int:
    """Append the sources' pages into `out_path`; the partial result is saved and reopened between batches."""
    out, opened, partial, pages, pending = pikepdf.Pdf.new(), [], 0, 0, 0
    try:
        for source in sources:
            pdf = pikepdf.open(source)
            opened.append(pdf)
            out.pages.extend(pdf.pages)
            pending += source.stat().st_size
            if len(opened) >= BATCH or pending >= FLUSH_BYTES:
                partial += 1
                saved = work / f"part-{partial}.pdf"
                out.save(saved)
                out.close()
                for pdf in opened:
                    pdf.close()
                out, opened, pending = pikepdf.open(saved), [], 0
                if partial > 1:
                    (work / f"part-{partial - 1}.pdf").unlink()
        pages = len(out.pages)
        out.save(out_path)
    finally:
        out.close()
        for pdf in opened:
            pdf.close()
    return pages


def _toc(dossier: Dossier, parts: list[Part]) -> bytes:
    """Phụ lục V.IV: MỤC LỤC VĂN BẢN, TÀI LIỆU with "Số, ký hiệu hồ sơ: … Năm …" and its seven columns."""
    from app.documents.fonts import build, fmt_date, styles

    st = styles()
    agency = db.session.get(Agency, dossier.agency_id)
    story = [
        Paragraph(escape(agency.name.upper()), st["header_bold"]),
        Spacer(1, 5 * mm),
        Paragraph("MỤC LỤC VĂN BẢN, TÀI LIỆU", st["title"]),
        Paragraph(escape(f"Số, ký hiệu hồ sơ: {dossier.notation}    Năm {dossier.year}"), st["subtitle"]),
        Paragraph(escape(f"Tiêu đề hồ sơ: {dossier.title}"), st["header"]),
        Paragraph(
            escape(
                f"Mã hồ sơ: {dossier.file_code} · Thời hạn bảo quản: "
                f"{retention_label(dossier.maintenance, dossier.retention_years)} · "
                f"{dossier.doc_total} văn bản, {dossier.page_total} trang"
            ),
            st["header"],
        ),
        Spacer(1, 5 * mm),
    ]
    headings = [
        "STT",
        "Số, ký hiệu văn bản",
        "Ngày tháng năm văn bản",
        "Tên loại và trích yếu nội dung văn bản",
        "Tác giả văn bản",
        "Tờ số/ Trang số",
        "Ghi chú",
    ]
    data = [[Paragraph(h, st["head"]) for h in headings]]
    data.append([Paragraph(f"({n})", st["cell_center"]) for n in range(1, 8)])
    for part in parts:
        item = part.item
        last = part.first_page + part.pages - 1
        pages = str(part.first_page) if last == part.first_page else f"{part.first_page}–{last}"
        cells = [
            (str(item.ordinal), "cell_center"),
            (item.code_notation or "", "cell_center"),
            (fmt_date(item.dated_on), "cell_center"),
            (item.subject, "cell"),
            (item.author or "", "cell"),
            (pages, "cell_center"),
            (item.note or "", "cell"),
        ]
        data.append([Paragraph(escape(text), st[style]) for text, style in cells])
    widths = [w * mm for w in (12, 34, 26, 99, 45, 22, 29)]
    table = Table(data, colWidths=widths, repeatRows=2)
    table.setStyle(
        TableStyle(
            [
                ("GRID", (0, 0), (-1, -1), 0.5, colors.black),
                ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
                ("BACKGROUND", (0, 0), (-1, 1), colors.whitesmoke),
            ]
        )
    )
    story.append(table)
    made = clock.to_local(clock.now()).strftime("%H:%M ngày %d/%m/%Y")
    story += [Spacer(1, 3 * mm), Paragraph(f"Kết xuất từ Hệ thống lúc {made}.", st["cell"])]
    return build(
        story,
        pagesize=landscape(A4),
        title=f"Mục lục văn bản, tài liệu — {dossier.file_code}",
        author=agency.name,
        margins=(15, 12, 15, 12),
    )


def _page(work: Path, item: DossierItem, draw) -> Path:
    from app.documents.fonts import FAMILY, styles

    styles()  # registers the Vietnamese font family
    path = work / f"item-{item.id}.pdf"
    page = canvas.Canvas(str(path), pagesize=A4)
    width, height = A4
    page.setFont(f"{FAMILY}-Bold", 12)
    page.drawString(20 * mm, height - 20 * mm, f"Văn bản, tài liệu số thứ tự {item.ordinal}")
    page.setFont(FAMILY, 11)
    page.drawString(20 * mm, height - 27 * mm, item.subject[:110])
    draw(page, width, height)
    page.showPage()
    page.save()
    return path


def _placeholder(work: Path, item: DossierItem, text: str) -> Path:
    def draw(page, width, height):
        from app.documents.fonts import FAMILY

        page.setFont(FAMILY, 11)
        y = height - 40 * mm
        for start in range(0, len(text), 95):
            page.drawString(20 * mm, y, text[start : start + 95])
            y -= 6 * mm

    return _page(work, item, draw)


def _image_page(work: Path, item: DossierItem, image: Path) -> Path:
    """A photo as a page: scaled to fit A4 below its caption."""

    def draw(page, width, height):
        reader = ImageReader(str(image))
        w, h = reader.getSize()
        box_w, box_h = width - 40 * mm, height - 60 * mm
        scale = min(box_w / w, box_h / h, 1.0) if w and h else 1.0
        page.drawImage(reader, 20 * mm, height - 35 * mm - h * scale, w * scale, h * scale)

    return _page(work, item, draw)


# ---- the XML --------------------------------------------------------------------------------------------------


def _date(value) -> str:
    return value.strftime("%d/%m/%Y") if value else ""


def _sub(parent, name: str, value) -> None:
    etree.SubElement(parent, name).text = "" if value is None else str(value)


def file_code_element(parent, dossier: Dossier, organ_id: str) -> None:
    code = etree.SubElement(parent, "FileCode")
    _sub(code, "OrganId", organ_id)
    _sub(code, "FileCatalog", dossier.year)
    _sub(code, "FileNotation", dossier.notation)


def build_xml(dossier: Dossier) -> bytes:
    """Phụ lục VI Phần II.III (the dossier) and II.I–II (each document, in chronological order), UTF-8."""
    agency = db.session.get(Agency, dossier.agency_id)
    root = etree.Element("Dossier")
    file_code_element(root, dossier, agency.code)
    _sub(root, "Title", dossier.title)
    _sub(root, "Maintenance", MAINTENANCE.get(dossier.maintenance, ("",))[0])
    root[-1].set("code", dossier.maintenance)
    _sub(root, "Rights", RIGHTS.get(dossier.rights, dossier.rights))
    root[-1].set("code", dossier.rights)
    _sub(root, "Creator", dossier.creator.full_name if dossier.creator else "")
    codes = [c.strip() for c in (dossier.language or "01").split(",") if c.strip()]
    _sub(root, "Language", ", ".join(LANGUAGES.get(c, c) for c in codes))
    root[-1].set("code", ",".join(codes))
    _sub(root, "StartDate", _date(dossier.start_date))
    _sub(root, "EndDate", _date(dossier.end_date))
    _sub(root, "DocTotal", dossier.doc_total)
    _sub(root, "PageTotal", dossier.page_total)
    _sub(root, "Description", dossier.description)
    documents = etree.SubElement(root, "Documents")
    for item in chronological(list(dossier.items)):
        meta = metadata(item)
        doc = etree.SubElement(documents, "Document", kind=item.kind)
        file_code_element(doc, dossier, agency.code)
        _sub(doc, "DocOrdinal", item.ordinal)
        _sub(doc, "TypeName", meta.type_name)
        _sub(doc, "CodeNumber", meta.code_number)
        _sub(doc, "CodeNotation", meta.code_notation)
        _sub(doc, "IssuedDate", _date(meta.issued_date))
        _sub(doc, "OrganName", meta.organ_name)
        _sub(doc, "Subject", meta.subject)
        _sub(doc, "Language", meta.language)
        _sub(doc, "PageAmount", meta.page_amount)
        _sub(doc, "Description", meta.description)
        if item.kind == "incoming":
            _sub(doc, "ArrivalDate", _date(meta.arrival_date))
            _sub(doc, "ArrivalNumber", meta.arrival_number)
        if meta.signer_name or meta.signer_position:
            signer = etree.SubElement(doc, "SignerInfo")
            _sub(signer, "Position", meta.signer_position)
            _sub(signer, "FullName", meta.signer_name)
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)


# ---- one export, as people and the API ask for it -----------------------------------------------------------


def export(actor: User, dossier: Dossier, fmt: str) -> tuple[BinaryIO, str, str]:
    """(open file, download name, MIME type) of the dossier in `fmt` (pdf, xml, sip) for someone who may see it; the
    file is already unlinked (it vanishes when closed), and the export is audited (Phụ lục VI III.6.l)."""
    from app.dossiers.sip import build_sip

    permissions.require_view(actor, dossier)
    mimetype, extension = FORMATS[fmt]
    fd, name = tempfile.mkstemp(prefix="qlvb-export-", suffix=f".{extension}")
    os.close(fd)
    try:
        if fmt == "pdf":
            build_pdf(dossier, name)
        elif fmt == "xml":
            Path(name).write_bytes(build_xml(dossier))
        else:
            build_sip(dossier, name)
        handle = open(name, "rb")  # noqa: SIM115 (handed to the response, which closes it)
    finally:
        Path(name).unlink(missing_ok=True)
    labels = {"pdf": "PDF (mục lục và văn bản)", "xml": "XML (dữ liệu đặc tả)", "sip": "gói SIP"}
    audit.record(
        actor,
        "dossier.export",
        dossier,
        summary=f"Kết xuất hồ sơ {dossier.file_code} ra {labels[fmt]}",
        changes={"format": fmt},
    )
    return handle, f"{dossier.file_code}.{extension}", mimetype
