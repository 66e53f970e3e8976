"""The files of a văn bản đi: draft uploads (PDF, or DOCX converted to PDF), numbered versions, attachments.

Every check runs before anything is stored, so a refused upload leaves nothing behind. Bytes live in the
content-addressed blob store; rows name them by SHA-256.
"""

from flask import current_app

from app.core.errors import ValidationError
from app.documents.uploads import Upload, upload_problem
from app.outgoing import convert
from app.outgoing.models import OutgoingAttachment, OutgoingDocument, OutgoingVersion, VersionStage

PDF = "application/pdf"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def blobs():
    return current_app.extensions["qlvb.blobs"]


def _refuse(message: str, code: str, field: str = "file"):
    raise ValidationError(message, code=code, details={field: message})


def _check_upload(upload: Upload, field: str, *, check_format: bool) -> None:
    if problem := upload_problem(upload, check_format=check_format):
        code, message = problem
        _refuse(message, code, field)


def prepare_draft_file(upload: Upload) -> tuple[bytes, bytes | None]:
    """The PDF to keep for a draft upload and, for a DOCX, the DOCX itself (kept as the version's source)."""
    from app.signing.safety import check_active_content  # pyHanko: imported on first use (tests/test_lazy_imports.py)

    _check_upload(upload, "file", check_format=False)
    kind = upload.content_type
    if kind == PDF:
        check_active_content(upload.data)  # seed 001 Điều 9.2, seed 004 Điều 14.3
        return upload.data, None
    if kind == DOCX:
        pdf = convert.docx_to_pdf(upload.data)
        check_active_content(pdf)
        return pdf, upload.data
    _refuse(f"Tệp dự thảo “{upload.filename}” phải là PDF hoặc DOCX.", "invalid_draft_file")


def check_attachment(upload: Upload) -> None:
    """A văn bản kèm theo: an accepted format; a PDF must be safe, since it is signed and sent (Phụ lục I II.8.b)."""
    _check_upload(upload, "attachments", check_format=True)
    if upload.content_type == PDF:
        from app.signing.safety import check_active_content  # pyHanko: imported on first use

        check_active_content(upload.data)


def pdf_name(filename: str) -> str:
    stem = filename.rsplit(".", 1)[0] if "." in filename else filename
    return f"{stem or 'van-ban'}.pdf"[:255]


def add_version(
    document: OutgoingDocument,
    data: bytes,
    *,
    filename: str,
    stage: VersionStage,
    actor_id: int | None,
    source: bytes | None = None,
    source_filename: str | None = None,
    note: str | None = None,
    credential_id: int | None = None,
) -> OutgoingVersion:
    """Store a new numbered version (lần 1, 2, 3 … across every stage of the file)."""
    store = blobs()
    number = max((v.number for v in document.versions), default=0) + 1
    version = OutgoingVersion(
        number=number,
        stage=stage.value,
        sha256=store.put(data),
        filename=filename[:255],
        size=len(data),
        source_sha256=store.put(source) if source is not None else None,
        source_filename=source_filename[:255] if source_filename else None,
        note=(note or "").strip()[:1000] or None,
        credential_id=credential_id,
        created_by_id=actor_id,
    )
    document.versions.append(version)
    return version


def add_attachment_row(document: OutgoingDocument, upload: Upload, actor_id: int | None) -> OutgoingAttachment:
    attachment = OutgoingAttachment(
        filename=upload.filename[:255],
        content_type=upload.content_type,
        sha256=blobs().put(upload.data),
        size=len(upload.data),
        created_by_id=actor_id,
    )
    document.attachments.append(attachment)
    return attachment


def newest(document: OutgoingDocument, stage: VersionStage) -> OutgoingVersion | None:
    found = [v for v in document.versions if v.stage == stage]
    return found[-1] if found else None


def read(digest: str) -> bytes:
    return blobs().read(digest)
