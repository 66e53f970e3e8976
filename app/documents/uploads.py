"""Uploaded files of every document kind: the accepted formats, told by content, and the one check every upload
asks first (`upload_problem`: pages, API, edXML packages, scans). Files are stored through app.core.storage once
the action is accepted.

Design.md §8: size limit, formats checked by content (never the name nor the browser's Content-Type), malware scan.
A file whose name promises one format and whose bytes are another (a ZIP or an .exe named .pdf, a .docx that is not
a Word OOXML package) is refused, with a stable code and a message saying what the bytes are.
"""

import io
import zipfile
from dataclasses import dataclass

from flask import current_app

PDF = "application/pdf"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
PPTX = "application/vnd.openxmlformats-officedocument.presentationml.presentation"
ZIP = "application/zip"
EXECUTABLE = "application/x-executable"

# Vĩnh Long QĐ 480/QĐ-UBND Điều 4 (seed 003): formats accepted for documents and attachments.
ALLOWED = {
    PDF: ".pdf",
    "image/jpeg": ".jpg",
    "image/png": ".png",
    "image/tiff": ".tif",
    DOCX: ".docx",
    XLSX: ".xlsx",
    ZIP: ".zip",
}
MAGIC = [
    (b"%PDF-", PDF),
    (b"\xff\xd8\xff", "image/jpeg"),
    (b"\x89PNG\r\n\x1a\n", "image/png"),
    (b"II*\x00", "image/tiff"),
    (b"MM\x00*", "image/tiff"),
    (b"PK\x03\x04", ZIP),  # OOXML files are ZIP packages: told apart by their parts below
    (b"PK\x05\x06", ZIP),  # an empty ZIP
    (b"MZ", EXECUTABLE),  # Windows (PE/DOS)
    (b"\x7fELF", EXECUTABLE),
    (b"\xca\xfe\xba\xbe", EXECUTABLE),  # Mach-O universal (also Java classes)
    (b"\xcf\xfa\xed\xfe", EXECUTABLE),  # Mach-O 64-bit
    (b"#!", EXECUTABLE),  # a script
]
# OOXML: the part each kind must have (ECMA-376 Part 2: [Content_Types].xml, then the main part).
OOXML_PARTS = {DOCX: "word/document.xml", XLSX: "xl/workbook.xml", PPTX: "ppt/presentation.xml"}
# What a name's extension promises, for the formats told by content here.
PROMISED = {
    ".pdf": PDF,
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".png": "image/png",
    ".tif": "image/tiff",
    ".tiff": "image/tiff",
    ".docx": DOCX,
    ".xlsx": XLSX,
    ".pptx": PPTX,
    ".zip": ZIP,
}
NAMES = {
    PDF: "PDF",
    "image/jpeg": "ảnh JPG",
    "image/png": "ảnh PNG",
    "image/tiff": "ảnh TIFF",
    DOCX: "tài liệu Word (DOCX)",
    XLSX: "bảng tính Excel (XLSX)",
    PPTX: "trình chiếu PowerPoint (PPTX)",
    ZIP: "tệp nén ZIP",
    EXECUTABLE: "tệp chương trình (thực thi)",
}


def _ooxml_kind(data: bytes) -> str | None:
    """The OOXML kind of a ZIP package by its parts, or None when it is a plain ZIP (or a broken one)."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as package:
            names = set(package.namelist())
    except (zipfile.BadZipFile, ValueError, OSError, NotImplementedError):
        return None
    if "[Content_Types].xml" not in names:
        return None
    return next((kind for kind, part in OOXML_PARTS.items() if part in names), None)


def sniff(data: bytes) -> str:
    """The type told by the bytes themselves (OOXML by the package's parts); application/octet-stream if unknown."""
    for magic, kind in MAGIC:
        if data.startswith(magic):
            if kind == ZIP:
                return _ooxml_kind(data) or ZIP
            return kind
    if data[:1024].lstrip().startswith(b"%PDF-"):  # readers accept whitespace before the header
        return PDF
    return "application/octet-stream"


@dataclass
class Upload:
    filename: str
    data: bytes
    is_main: bool = False
    digitised: bool = False  # made here from image scans (app.documents.scans): no signature to verify

    @property
    def content_type(self) -> str:
        """The type told by the bytes themselves, never by the name or the browser (design.md §8)."""
        return sniff(self.data)

    @property
    def extension(self) -> str:
        name = self.filename.lower()
        return "." + name.rsplit(".", 1)[-1] if "." in name else ""


def _family(kind: str) -> str:
    """Images pass under one another's names (a phone's PNG saved as .jpg is common and harmless); nothing else."""
    return "image" if kind.startswith("image/") else kind


def size_limit() -> int:
    """Bytes one uploaded file may have: QLVB_MAX_UPLOAD_MB, and never more than the web server takes."""
    config = current_app.config
    limits = [v for v in (config.get("UPLOAD_MAX_BYTES"), config.get("MAX_CONTENT_LENGTH")) if v]
    return min(limits) if limits else 0


def upload_problem(
    upload: Upload, *, check_format: bool = True, scan: bool = True, refuse_active: bool = False
) -> tuple[str, str] | None:
    """(code, Vietnamese message) when a file is refused; None for a good one. Every upload of the system asks this
    first: empty, over the size limit, an executable, bytes that are not what the name says, (with `check_format`)
    a format not accepted, a PDF no reader should open (app.documents.pdfcheck), malware (app.documents.malware).

    `refuse_active`: a PDF that carries active content (JavaScript, Launch, embedded files…) is refused too — for
    files that are kept and served to others exactly as uploaded, with no policy to disarm them: a dossier's own
    documents (the archive's PDF/A allows none of it) and the files of a task's form. Received documents go
    through the agency's policy instead (app.documents.upload_policy); an outgoing PDF is refused before signing
    (app.signing.safety)."""
    limit = size_limit()
    name = upload.filename
    if len(upload.data) == 0:
        return "empty_file", f"Tệp “{name}” rỗng."
    if limit and len(upload.data) > limit:
        return "file_too_large", f"Tệp “{name}” vượt quá {limit // (1024 * 1024)} MB."
    kind = upload.content_type
    if kind == EXECUTABLE:
        return "executable_file", f"Tệp “{name}” là tệp chương trình (thực thi): không được tiếp nhận."
    promised = PROMISED.get(upload.extension)
    if promised is not None and _family(promised) != _family(kind):
        if promised in OOXML_PARTS and kind == ZIP:
            return "invalid_ooxml", (
                f"Tệp “{name}” không phải {NAMES[promised]} hợp lệ: gói ZIP không có cấu trúc Office Open XML."
            )
        what = f"là {NAMES[kind]}" if kind in NAMES else "không thuộc định dạng nào được nhận"
        return "file_type_mismatch", (
            f"Tệp “{name}” mang đuôi {upload.extension} nhưng nội dung {what}: không được tiếp nhận."
        )
    if check_format and kind not in ALLOWED:
        return "invalid_files", (
            f"Tệp “{name}” không thuộc định dạng được chấp nhận (PDF, JPG, PNG, TIFF, DOCX, XLSX, ZIP)."
        )
    if kind == PDF:
        from app.documents.pdfcheck import active_labels, inspect_pdf

        report = inspect_pdf(upload.data)  # read once: its bounds, and what it carries
        if report.refusal:
            code, message = report.refusal
            return code, f"Tệp “{name}”: {message}"
        if refuse_active and report.active:
            carried = active_labels(report.active)
            return "pdf_active_content", f"Tệp “{name}” có nội dung chủ động — {carried}: không được lưu."
    if scan:
        from app.documents.malware import scan_problem

        return scan_problem(name, upload.data)
    return None
