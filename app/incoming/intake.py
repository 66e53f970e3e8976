"""Receiving a document: check the metadata and the files, store them, verify signatures, start the procedure.

Everything is checked before anything is written, so a refusal leaves nothing behind (design.md §8).
"""

from app.core import clock
from app.core.errors import ValidationError
from app.documents.fields import nfc, parse_date
from app.documents.models import Secrecy, Urgency, refuse_secret
from app.documents.scans import digitise
from app.documents.symbols import document_key
from app.documents.uploads import Upload, upload_problem


def clean_metadata(raw: dict) -> dict:
    """The Phụ lục VI Phần II.II fields from a form or an API payload, checked; raises ValidationError."""
    problems: dict[str, str] = {}
    secrecy = raw.get("secrecy") or Secrecy.NONE.value
    refuse_secret(secrecy)  # Mật / Tối mật / Tuyệt mật: refused, nothing stored (design.md §8)
    meta = {
        "sender_code": (nfc(raw.get("sender_code")) or "").upper() or None,
        "sender_name": nfc(raw.get("sender_name")),
        "code_number": nfc(raw.get("code_number")),
        "code_notation": nfc(raw.get("code_notation")),
        "type_name": nfc(raw.get("type_name")),
        "subject": nfc(raw.get("subject")),
        "language": nfc(raw.get("language")) or "Tiếng Việt",
        "description": nfc(raw.get("description")),
        "signer_position": nfc(raw.get("signer_position")),
        "signer_name": nfc(raw.get("signer_name")),
        "recipients": nfc(raw.get("recipients")),
        "paper_follows": str(raw.get("paper_follows", "")).lower() in ("1", "true", "on", "yes"),
    }
    required = (("sender_name", "Cơ quan ban hành"), ("type_name", "Tên loại"), ("subject", "Trích yếu nội dung"))
    for field, label in required:  # named as the receive form labels them
        if not meta[field]:
            problems[field] = f"{label}: trường này là bắt buộc."
    limits = {
        "sender_name": 200,
        "code_number": 11,
        "code_notation": 30,
        "type_name": 100,
        "subject": 500,
        "language": 30,
        "description": 500,
        "signer_position": 100,
        "signer_name": 50,
        "recipients": 1000,
    }
    for field, limit in limits.items():
        if meta[field] and len(meta[field]) > limit:
            problems[field] = f"Tối đa {limit} ký tự."
    urgency = raw.get("urgency") or Urgency.THUONG.value
    if urgency not in {u.value for u in Urgency}:
        problems["urgency"] = "Mức độ khẩn không hợp lệ."
    meta["urgency"] = urgency
    meta["issued_date"] = parse_date(raw.get("issued_date"), "issued_date", problems)
    meta["due_date"] = parse_date(raw.get("due_date"), "due_date", problems)
    if meta["issued_date"] and (problem := clock.future_problem(meta["issued_date"], "Ngày văn bản")):
        problems["issued_date"] = problem
    if meta["issued_date"] and meta["due_date"] and meta["due_date"] < meta["issued_date"]:
        problems["due_date"] = "Hạn giải quyết phải sau ngày văn bản."
    page_count = raw.get("page_count")
    if page_count not in (None, ""):
        try:
            meta["page_count"] = int(page_count)
            if not 0 < meta["page_count"] < 1000:
                raise ValueError
        except ValueError:
            problems["page_count"] = "Số trang là số nguyên dương (tối đa 3 chữ số)."
    else:
        meta["page_count"] = None
    if problems:
        raise ValidationError("Thông tin văn bản đến chưa hợp lệ.", details=problems)
    return meta


def check_files(uploads: list[Upload], *, require_pdf: bool) -> None:
    """Formats by content, the size limit, and a main file that is a PDF when the channel requires one."""
    problems: dict[str, str] = {}
    code = "invalid_files"
    if not uploads:
        problems["files"] = "Chưa có tệp văn bản."
    for upload in uploads:
        if problem := upload_problem(upload):
            code, problems["files"] = problem  # the stable code of what was found (file_type_mismatch, malware_found…)
            break
    main = [u for u in uploads if u.is_main] or uploads[:1]
    if main and "files" not in problems:
        main[0].is_main = True
        if require_pdf and main[0].content_type != "application/pdf":
            problems["files"] = (
                f"Văn bản điện tử “{main[0].filename}” phải là tệp PDF (ảnh chụp chỉ dùng cho văn bản giấy đã số hóa)."
            )
    if problems:
        message = "Tệp văn bản chưa hợp lệ." if code == "invalid_files" else problems["files"]
        raise ValidationError(message, code=code, details=problems)


KEY_LIMIT = 100  # IncomingDocument.document_key


def key_of(meta: dict, *, given: str | None = None) -> str | None:
    """The mã định danh văn bản (legal.md §4.6): the one the sender's package carries (edXML DocumentId), else
    built from the sender's code, the date and the số/ký hiệu when all are known — so paper documents whose
    sender code the clerk typed get one too (NĐ 30 Phụ lục VI III.1.h compares them)."""
    given = "".join((nfc(given) or "").split())
    if given and given.count(",") >= 2 and len(given) <= KEY_LIMIT:
        return given
    if meta.get("sender_code") and meta.get("code_number") and meta.get("code_notation") and meta.get("issued_date"):
        try:
            key = document_key(meta["sender_code"], meta["code_number"], meta["code_notation"], meta["issued_date"])
        except ValueError:
            return None
        return key if len(key) <= KEY_LIMIT else None
    return None


def checked_intake(metadata: dict, uploads: list[Upload], *, paper: bool) -> tuple[dict, list[Upload]]:
    """The metadata cleaned and the files as they are kept, every problem of the two said at once (not the files
    only once the rest is right); a paper document's scans digitised to the standard.

    NĐ 30/2020 Điều 22.3.b → Phụ lục I: the image scans of a paper document become one PDF (≥ 1.4, colour,
    ≥ 200 dpi), its main file (app.documents.scans); a scan under 200 dpi is refused with the measured value.
    """
    problems, message = {}, ""
    meta = {}
    try:
        meta = clean_metadata(metadata)
    except ValidationError as exc:
        problems, message = dict(exc.details), exc.message
    try:
        check_files(uploads, require_pdf=not paper)
    except ValidationError as exc:
        if not problems:
            raise  # alone, with the file's own code (file_type_mismatch, malware_found…)
        problems |= exc.details
    if problems:
        raise ValidationError(message, details=problems)
    return meta, digitise(uploads) if paper else uploads
