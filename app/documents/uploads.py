"""Uploaded files of every document kind: the accepted formats, told by content, and the checks every upload form
asks first (empty, size limit, format). Files are stored through app.core.storage once the action is accepted."""

import mimetypes
from dataclasses import dataclass

from flask import current_app

# Vĩnh Long QĐ 480/QĐ-UBND Điều 4 (seed 003): formats accepted for documents and attachments.
ALLOWED = {
    "application/pdf": ".pdf",
    "image/jpeg": ".jpg",
    "image/png": ".png",
    "image/tiff": ".tif",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": ".docx",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": ".xlsx",
    "application/zip": ".zip",
}
MAGIC = [
    (b"%PDF-", "application/pdf"),
    (b"\xff\xd8\xff", "image/jpeg"),
    (b"\x89PNG\r\n\x1a\n", "image/png"),
    (b"II*\x00", "image/tiff"),
    (b"MM\x00*", "image/tiff"),
    (b"PK\x03\x04", "application/zip"),  # docx/xlsx are zip containers; told apart by the name below
]


@dataclass
class Upload:
    filename: str
    data: bytes
    is_main: bool = False
    digitised: bool = False  # made here from image scans (app.documents.scans): no signature to verify

    @property
    def content_type(self) -> str:
        """The type told by the bytes themselves, never by the name or the browser (design.md §8)."""
        for magic, kind in MAGIC:
            if self.data.startswith(magic):
                if kind == "application/zip":
                    guessed = mimetypes.guess_type(self.filename)[0]
                    return guessed if guessed in ALLOWED else kind
                return kind
        return "application/octet-stream"


def upload_problem(upload: Upload, *, check_format: bool = True) -> tuple[str, str] | None:
    """(code, Vietnamese message) when a file is empty, over the size limit or (by content) of a format not
    accepted; None for a good one. Every upload form of the system asks this first."""
    limit = current_app.config["MAX_CONTENT_LENGTH"]
    if len(upload.data) == 0:
        return "empty_file", f"Tệp “{upload.filename}” rỗng."
    if limit and len(upload.data) > limit:
        return "file_too_large", f"Tệp “{upload.filename}” vượt quá {limit // (1024 * 1024)} MB."
    if check_format and upload.content_type not in ALLOWED:
        return "invalid_files", (
            f"Tệp “{upload.filename}” không thuộc định dạng được chấp nhận (PDF, JPG, PNG, TIFF, DOCX, XLSX, ZIP)."
        )
    return None
