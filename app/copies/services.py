"""Make an electronic copy: take the source PDF, number it in the copies register, apply the agency signature.

One clerk action is one transaction: the number, the signed file and the audit record commit together, so a
refused signature (no seal credential, an unsafe PDF) consumes no number (NĐ 30/2020 Điều 15.1: no gaps).
"""

import re

import sqlalchemy as sa
from flask import current_app

from app.audit import services as audit
from app.copies.models import CopyForm, ElectronicCopy, SourceKind
from app.copies.permissions import can_view, visible_filter
from app.core import clock
from app.core.db import db
from app.core.errors import NotFound, PermissionDenied, ValidationError
from app.documents import numbering
from app.documents.fields import nfc
from app.documents.models import Register, RegisterKind
from app.documents.services import create_register
from app.documents.uploads import Upload, upload_problem
from app.org.models import Role, User
from app.signing.errors import NotAPdf

# The catalogue codes of the three copy types (migration 0004; Phụ lục III mục I).
COPY_TYPE_CODES = ["SY", "SL", "TRS"]
COPY_REGISTER_CODE = "BS"
# Phụ lục I Phần II.I.2.a: a digitised document is a PDF of version 1.4 or later.
_PDF_VERSION = re.compile(rb"^%PDF-(\d+)\.(\d+)")


def copy_register(agency_id: int) -> Register:
    """The register that numbers the agency's copies: SY, SL and TrS share one sequence (Phụ lục I Phần II
    II.1.c). An outgoing register listing those types is used when the agency opened one; otherwise "Sổ bản
    sao" is opened on first use."""
    registers = db.session.scalars(
        sa.select(Register).where(
            Register.agency_id == agency_id, Register.kind == RegisterKind.OUTGOING.value, Register.is_active
        )
    )
    for register in registers:
        if CopyForm.SAO_Y.value in (register.document_type_codes or []):
            return register
    return create_register(
        None,
        agency_id=agency_id,
        kind=RegisterKind.OUTGOING.value,
        code=COPY_REGISTER_CODE,
        name="Sổ đăng ký bản sao văn bản",
        document_type_codes=COPY_TYPE_CODES,
    )


def _require_clerk(actor: User) -> None:
    # NĐ 30/2020 Điều 25, Phụ lục I Phần II: copies are made and signed by the agency's Văn thư.
    if not actor.has_role(Role.CLERK):
        raise PermissionDenied("Chỉ văn thư cơ quan được sao văn bản.", code="clerk_only")


def _check_pdf(data: bytes, filename: str) -> None:
    """A readable PDF ≥ 1.4, without active content, not already digitally signed: read once, all checks on it."""
    from app.signing.pdf_fields import signature_field_states
    from app.signing.safety import check_active_content, read_pdf

    try:
        reader = read_pdf(data)
    except NotAPdf as exc:
        raise ValidationError(
            f"Tệp “{filename}” không phải PDF đọc được.", code="not_a_pdf", details={"file": "Cần tệp PDF."}
        ) from exc
    match = _PDF_VERSION.match(data[:16])
    if match and (int(match[1]), int(match[2])) < (1, 4):
        raise ValidationError(
            "Bản số hóa phải là PDF phiên bản 1.4 trở lên (NĐ 30/2020 Phụ lục I Phần II).",
            code="pdf_version_too_old",
            details={"file": "PDF phiên bản 1.4 trở lên."},
        )
    check_active_content(reader)
    if signature_field_states(reader):
        # A digitally signed file is itself an electronic original (seed 000 Điều 4): it is sent as it is or
        # printed (sao y điện tử → giấy). An electronic copy digitises paper (Điều 25.1.a; Phụ lục I Phần II).
        raise ValidationError(
            "Văn bản đã có chữ ký số là bản gốc điện tử; bản sao điện tử chỉ được tạo từ văn bản giấy đã số hóa.",
            code="already_signed_original",
            details={"file": "Chọn bản số hóa của văn bản giấy."},
        )


def _source(actor: User, kind: SourceKind, source_id: int | None, file_id: int | None) -> tuple[bytes, str, str, str]:
    """The bytes, file name, số/ký hiệu and trích yếu of what is copied — always of the actor's own agency."""
    store = current_app.extensions["qlvb.blobs"]
    if kind == SourceKind.INCOMING:
        from app.incoming import services as incoming
        from app.incoming.content import require_content

        document = incoming.get_document(actor, source_id)
        require_content(document)  # destroyed with its dossiers: nothing to copy (410 content_destroyed)
        item = (
            incoming.document_file(document, file_id)
            if file_id
            else next((f for f in document.files if f.is_main), None)
        )
        if item is None:
            raise NotFound("Văn bản đến không có tệp để sao.", code="file_not_found")
        return store.read(item.sha256), item.filename, document.symbol, document.subject
    if kind == SourceKind.COPY:
        original = get_copy(actor, source_id)
        if original.form != CopyForm.SAO_Y:
            raise ValidationError("Bản sao lục được thực hiện từ bản sao y.", code="copy_source_not_sao_y")
        # The sao y's content without its own corner signature: the sao lục gets the agency's signature in the
        # same place, and records which sao y it was made from.
        return store.read(original.source_sha256), original.filename, original.source_symbol, original.subject
    raise ValidationError("Nguồn sao không hợp lệ.", code="copy_source_invalid")


def make_copy(
    actor: User,
    *,
    form: CopyForm | str,
    source_kind: SourceKind | str,
    source_id: int | None = None,
    file_id: int | None = None,
    upload: Upload | None = None,
    source_symbol: str | None = None,
    subject: str | None = None,
) -> ElectronicCopy:
    """Copy a document into a signed electronic copy (NĐ 30/2020 Điều 25; Phụ lục I Phần II.I).

    Sao y and sao lục copy the whole source file; a trích sao re-creates part of the content, so its file is
    the clerk's upload while the source names what it was extracted from. An upload alone is a digitised paper
    document (giấy → điện tử).
    """
    from app.signing.credentials import organization_key
    from app.signing.sign import sign_copy

    _require_clerk(actor)
    try:
        form, source_kind = CopyForm(form), SourceKind(source_kind)
    except ValueError as exc:
        raise ValidationError("Hình thức sao không hợp lệ.", code="copy_form_invalid") from exc
    if form == CopyForm.SAO_LUC and source_kind != SourceKind.COPY:
        raise ValidationError("Bản sao lục được thực hiện từ bản sao y.", code="copy_source_not_sao_y")
    if (source_kind == SourceKind.UPLOAD or form == CopyForm.TRICH_SAO) and upload is None:
        raise ValidationError(
            "Cần tải lên tệp PDF của văn bản được sao.", code="file_required", details={"file": "Chọn tệp PDF."}
        )
    data, filename, symbol, title = (None, None, None, None)
    if source_kind != SourceKind.UPLOAD:
        data, filename, symbol, title = _source(actor, source_kind, source_id, file_id)
    if upload is not None:
        if problem := upload_problem(upload):  # the one check of every upload: size, format by content, malware
            raise ValidationError(problem[1], code=problem[0], details={"file": problem[1]})
        data, filename = upload.data, upload.filename
    symbol, title = nfc(source_symbol) or symbol, nfc(subject) or title
    if not title:
        raise ValidationError(
            "Nhập trích yếu của văn bản được sao.", code="subject_required", details={"subject": "Bắt buộc."}
        )
    _check_pdf(data, filename)

    agency = actor.agency
    key, _credential = organization_key(actor, agency.id)
    register = copy_register(agency.id)
    year = clock.to_local(clock.now()).year
    signed = sign_copy(data, key.pdf_signer(), copy_form=form.stamp_text, agency_name=agency.name)
    copy = ElectronicCopy(
        agency_id=agency.id,
        form=form.value,
        source_kind=source_kind.value,
        source_id=source_id if source_kind != SourceKind.UPLOAD else None,
        source_sha256=current_app.extensions["qlvb.blobs"].put(data),
        source_symbol=symbol,
        subject=title[:500],
        register_id=register.id,
        year=year,
        number=0,
        sha256=current_app.extensions["qlvb.blobs"].put(signed),
        filename=_copy_name(form, filename),
        size=len(signed),
        created_by_id=actor.id,
    )
    db.session.add(copy)
    db.session.flush()
    copy.number = numbering.assign_number(actor, register.id, "copy", copy.id, year=year).number
    db.session.flush()
    audit.record(
        actor,
        "copy.create",
        copy,
        summary=f"{form.label} văn bản {symbol or ''} thành bản sao số {copy.symbol}: {title[:200]}",
        changes={"form": form.value, "source": f"{source_kind.value}:{source_id or ''}"},
    )
    return copy


def _copy_name(form: CopyForm, filename: str) -> str:
    stem = filename.rsplit(".", 1)[0] if filename else "van-ban"
    return f"{form.value}-{stem}"[:240] + ".pdf"


def get_copy(actor: User, copy_id: int) -> ElectronicCopy:
    copy = db.session.get(ElectronicCopy, copy_id)
    if copy is None or not can_view(actor, copy):
        raise NotFound("Không tìm thấy bản sao.", code="copy_not_found")
    return copy


def copy_file(actor: User, copy_id: int) -> tuple[ElectronicCopy, bytes]:
    copy = get_copy(actor, copy_id)
    audit.record(actor, "copy.view", copy, summary=f"Tải bản sao số {copy.symbol}")
    return copy, current_app.extensions["qlvb.blobs"].read(copy.sha256)


def list_copies(
    actor: User,
    *,
    source_kind: str | None = None,
    source_id: int | None = None,
    before_id: int | None = None,
    limit: int = 100,
):
    query = sa.select(ElectronicCopy).where(visible_filter(actor))
    if before_id:
        query = query.where(ElectronicCopy.id < before_id)
    if source_kind:
        query = query.where(ElectronicCopy.source_kind == source_kind, ElectronicCopy.source_id == source_id)
    return list(db.session.scalars(query.order_by(ElectronicCopy.id.desc()).limit(limit)))
