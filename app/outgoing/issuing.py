"""Ký duyệt, cấp số, đóng dấu, phát hành: the personal signature and the clerk's number, date and seal.

NĐ 30/2020 Điều 13 (the competent person signs), Điều 15 (numbers: gap-free, from 01 on 1 January, unique per
register and year), Điều 14 and 16 (number, register, organization signature), Phụ lục I II.7–8 (where the
signature and seal images go). Seed 000 Điều 21.2.d: the agency's key signs only a document that already carries
a valid signature of an authorised signer, so sealing re-verifies the personal signature first.

Order inside the clerk's step, all in the caller's transaction: checks → number → seal → attachments → store.
The number is taken as late as possible (the register stays locked until commit) and returns with a rollback.
"""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

import sqlalchemy as sa
from flask import current_app

from app.audit import services as audit
from app.core import clock
from app.core.db import db
from app.core.errors import Conflict, DomainError, PermissionDenied, ValidationError
from app.documents.malware import scan_problem
from app.documents.models import DocumentType, Register, RegisterKind, TypeCategory
from app.documents.numbering import assign_number, peek_next_number
from app.documents.pages import count_pages
from app.documents.symbols import document_key, format_code
from app.exchange.edxml import build_package
from app.org.models import Agency, Role, User
from app.outgoing import files
from app.outgoing.metadata import local_date_text, notation_shape_problem
from app.outgoing.models import (
    OutgoingDocument,
    OutgoingReview,
    OutgoingStatus,
    RecipientKind,
    ReviewKind,
    VersionStage,
)
from app.outgoing.permissions import may_sign_for
from app.outgoing.queries import default_place
from app.outgoing.states import STATES
from app.signing.credentials import image_of, organization_key, personal_key
from app.signing.errors import NotAPdf

if TYPE_CHECKING:
    from app.signing.placement import Box

# app.signing's PDF modules (sign, safety, verify, pdf_fields) are imported where they are used: they pull pyHanko,
# which a server that has not signed yet need not carry (tests/test_lazy_imports.py).

OBJECT_TYPE = "outgoing"


def today() -> date:
    return clock.to_local(clock.now()).date()


# --- the leader's signature ---------------------------------------------------------------------------------


def _fallback_box() -> Box | None:
    """The configured signature position (QLVB_SIGNATURE_BOX, last page) for drafts whose signer's name is not found."""
    from app.signing import sign

    rect = current_app.config.get("SIGNATURE_FALLBACK_BOX")
    return sign.Box(page=-1, rect=tuple(rect)) if rect else None


def sign_document(actor: User, document: OutgoingDocument, pin: str, *, comment: str | None = None) -> dict:
    """Approve and sign with the actor's personal key (the PIN opens it); the document becomes SIGNED.

    The newest draft is checked for active content, gets its empty number and date fields (a PREPARED version),
    then the signature (a SIGNED version). Any refusal — a wrong PIN, an expired or revoked certificate, a PDF
    with JavaScript, no signature block — raises before anything is written.
    """
    from app.signing import sign
    from app.signing.safety import check_active_content

    if not may_sign_for(actor, document.agency_id, authority=document.signer_authority):
        raise PermissionDenied("Chỉ lãnh đạo cơ quan (hoặc người được ủy quyền) được ký văn bản.", code="not_a_signer")
    if document.status != OutgoingStatus.SIGNING:
        raise Conflict("Văn bản không ở bước trình ký.", code="outgoing_not_signing")
    draft = files.newest(document, VersionStage.DRAFT)
    if draft is None:
        raise ValidationError("Văn bản chưa có tệp dự thảo.", code="outgoing_incomplete", details={"file": "—"})
    try:
        key, credential = personal_key(actor, pin or "")
    except DomainError as exc:  # wrong PIN, no/expired/revoked certificate: shown at the PIN field, same code
        details = {**(exc.details or {}), "pin": (exc.details or {}).get("pin") or exc.message}
        raise ValidationError(exc.message, code=exc.code, details=details) from exc
    pdf = files.read(draft.sha256)
    check_active_content(pdf)  # seed 001 Điều 9.2, seed 004 Điều 14.3
    prepared = sign.prepare_draft(pdf)
    signed = sign.sign_personal(
        prepared,
        key.pdf_signer(),
        image_png=image_of(credential),
        signer_name=actor.full_name,
        image_size_pt=(credential.image_width_pt, credential.image_height_pt),
        fallback_box=_fallback_box(),
        location=document.place,
    )
    name = draft.filename
    files.add_version(document, prepared, filename=name, stage=VersionStage.PREPARED, actor_id=actor.id)
    version = files.add_version(
        document, signed, filename=name, stage=VersionStage.SIGNED, actor_id=actor.id, credential_id=credential.id
    )
    previous = STATES.move(document, OutgoingStatus.SIGNED)
    document.signed_at, document.signer_id = clock.now(), actor.id
    document.reviews.append(
        OutgoingReview(
            kind=ReviewKind.SIGN,
            decision="approve",
            comment=(comment or "").strip() or None,
            version_number=draft.number,
            user_id=actor.id,
            unit_id=actor.unit_id,
        )
    )
    db.session.flush()
    audit.record(
        actor,
        "outgoing.sign",
        document,
        summary=f"Ký số văn bản đi (dự thảo lần {draft.number}): {document.subject[:200]}",
        changes={"status": [previous, OutgoingStatus.SIGNED.value], "version": version.number},
    )
    # No issue date here: it is the day the clerk issues (default today at that step, NĐ 30/2020 Điều 15.2).
    return {"signed_at": document.signed_at.isoformat()}


# --- checks before the seal ---------------------------------------------------------------------------------


def check_personal_signature(document: OutgoingDocument) -> None:
    """Seed 000 Điều 21.2.d: a valid personal signature, by the credential of the recorded, authorised signer."""
    from app.signing.pdf_fields import PERSONAL_FIELD

    version = files.newest(document, VersionStage.SIGNED)
    if version is None:
        raise _refusal("no_personal_signature", "Văn bản chưa có chữ ký số của người có thẩm quyền.")
    report = _signature_report(version.sha256, document.agency_id)
    checks = [c for c in report.signatures if c.field == PERSONAL_FIELD and not c.is_timestamp]
    if not checks:
        raise _refusal("no_personal_signature", "Văn bản chưa có chữ ký số của người có thẩm quyền.")
    check = checks[0]
    if not check.valid:
        reason = "; ".join(check.problems) or "không hợp lệ"
        raise _refusal("personal_signature_invalid", f"Chữ ký số của người ký không hợp lệ: {reason}.")
    credential = version.credential
    signer = db.session.get(User, document.signer_id) if document.signer_id else None
    if credential is None or signer is None or credential.user_id != signer.id:
        raise _refusal("signer_not_authorised", "Không xác định được người ký văn bản.")
    if check.certificate_sha256 != credential.fingerprint:
        raise _refusal("signer_not_authorised", "Chữ ký số trên văn bản không phải của người ký đã ghi nhận.")
    if not credential.active:
        raise _refusal("signer_not_authorised", "Chứng thư số của người ký đã bị vô hiệu hóa.")
    if not may_sign_for(signer, document.agency_id, document.signed_at, authority=document.signer_authority):
        raise _refusal("signer_not_authorised", f"{signer.full_name} không có thẩm quyền ký văn bản của cơ quan.")


def _signature_report(sha256: str, agency_id: int | None = None):
    """verify_pdf of a stored file, once per session: the clerk's step checks it before the number is taken (form
    action) and the service task checks again (it also runs alone, on a retry) within the same request."""
    from app.signing.verify import verify_pdf

    reports = db.session.info.setdefault("qlvb.outgoing.signature_reports", {})
    if sha256 not in reports:
        try:
            reports[sha256] = verify_pdf(files.read(sha256), agency_id=agency_id)
        except NotAPdf as exc:
            raise _refusal("personal_signature_invalid", "Tệp văn bản đã ký bị hỏng, không đọc được.") from exc
    return reports[sha256]


def _refusal(code: str, message: str) -> ValidationError:
    return ValidationError(message, code=code, details={"_form": message})


def outgoing_register(agency_id: int, register_id) -> Register:
    register = db.session.get(Register, int(register_id)) if str(register_id or "").isdigit() else None
    if register is None or register.agency_id != agency_id or register.kind != RegisterKind.OUTGOING:
        raise ValidationError(
            "Chọn sổ văn bản đi của cơ quan.", code="register_invalid", details={"register_id": "Sổ không hợp lệ."}
        )
    if not register.is_active:
        raise ValidationError(
            "Sổ đã ngừng sử dụng.", code="register_inactive", details={"register_id": "Sổ đã ngừng sử dụng."}
        )
    return register


def issue_problems(document: OutgoingDocument | None, values: dict, agency_id: int | None = None) -> dict[str, str]:
    """The clerk's form: register, notation and issue date (not in the future, not before the signature), all at
    once. Without the document (the form's validator, before any step runs) the checks that need it — the notation's
    shape for its type, the signature's date, the place — wait for the step's own check; the rest are the same."""
    problems: dict[str, str] = {}
    agency_id = document.agency_id if document is not None else agency_id
    try:
        outgoing_register(agency_id, values.get("register_id"))
    except ValidationError as exc:
        problems.update(exc.details)
    notation = "".join(str(values.get("notation") or "").split())
    if not notation or len(notation) > 30:
        problems["notation"] = "Nhập ký hiệu văn bản (tối đa 30 ký tự), ví dụ QĐ-UBND hoặc UBND-VP."
    elif document is not None and (
        problem := notation_shape_problem(
            notation, db.session.get(Agency, document.agency_id), document_type_of(document)
        )
    ):
        problems["notation"] = problem  # NĐ 30/2020 Phụ lục I, Phần I, II.3.b: the type's shape
    raw = values.get("issued_date")
    if raw:
        try:
            day = date.fromisoformat(str(raw)[:10])
        except ValueError:
            problems["issued_date"] = "Ngày không hợp lệ (định dạng YYYY-MM-DD)."
        else:
            if problem := clock.future_problem(day, "Ngày ban hành"):
                problems["issued_date"] = problem
            elif document is not None and document.signed_at and day < clock.to_local(document.signed_at).date():
                problems["issued_date"] = "Ngày ban hành không được trước ngày ký."
    if document is not None and not place_of(document):
        problems["place"] = (
            "Văn bản chưa có địa danh cho dòng “Địa danh, ngày … tháng … năm …”: trả lại người soạn để bổ sung."
        )
    return problems


def place_of(document: OutgoingDocument) -> str | None:
    """The date line's địa danh: the draft's, else the one the agency's drafts use (a draft saved without it before
    the place was asked at Trình). NĐ 30/2020 Phụ lục I, Phần I, II.4.a: the issue date is never written without it."""
    return (document.place or "").strip() or default_place(document.agency_id)


def check_issuable(actor: User, document: OutgoingDocument, values: dict):
    """Everything the clerk's step needs, before the number is taken: refusals here change nothing.

    Returns the agency's seal key and credential, opened for this clerk (the last check: it is usable now).
    """
    if not actor.has_role(Role.CLERK) or actor.agency_id != document.agency_id:
        raise PermissionDenied("Chỉ văn thư của cơ quan được cấp số, đóng dấu và phát hành.", code="not_agency_clerk")
    if document.status == OutgoingStatus.ISSUED or document.number is not None:
        raise Conflict(f"Văn bản đã được cấp số {document.symbol}.", code="already_issued")
    if document.status != OutgoingStatus.SIGNED:
        raise Conflict("Văn bản chưa được ký duyệt.", code="outgoing_not_signed")
    if problems := issue_problems(document, values):
        raise ValidationError("Thông tin phát hành chưa hợp lệ.", details=problems)
    # NĐ 30/2020 Điều 15.1: refused before the number is taken, so the register keeps no gap.
    register = outgoing_register(document.agency_id, values.get("register_id"))
    year = _issue_day(values.get("issued_date")).year
    notation = "".join(str(values.get("notation")).split())
    # The peeked number is only a forecast: a concurrent issue from this register may take it first, and then this
    # one gets the next number, never that one. So a holder from this register is no conflict here; the check after
    # the number is taken (issue_outgoing) is the one that decides.
    predicted = symbol_for(document, peek_next_number(register.id, year), notation, year)
    check_symbol_free(document, predicted, year, except_register_id=register.id)
    # Recipients may have changed since the draft (an agency closed): refuse now, not halfway through dispatch.
    from app.outgoing.dispatch import check_recipient_agencies
    from app.outgoing.packages import package_metadata

    check_recipient_agencies(document)
    if any(r.kind != RecipientKind.UNIT for r in document.recipients):
        # The edXML field limits (legal.md §4.3) of the header recipients will get: refused now with the element
        # named (InvalidPackage), not as a delivery error after the number is taken.
        build_package(package_metadata(document, None), [])
    check_personal_signature(document)
    return organization_key(actor, document.agency_id)


# --- number, seal, issue ------------------------------------------------------------------------------------


def document_type_of(document: OutgoingDocument) -> DocumentType | None:
    """The document's type: the agency's own of that code first, else the global one."""
    return db.session.scalar(
        sa.select(DocumentType)
        .where(
            DocumentType.code == document.type_code,
            sa.or_(DocumentType.agency_id.is_(None), DocumentType.agency_id == document.agency_id),
        )
        .order_by(DocumentType.agency_id.is_(None))
        .limit(1)
    )


def symbol_for(document: OutgoingDocument, number: int, notation: str, year: int) -> str:
    """ "05/QĐ-UBND", "54/UBND-VP"; a legal normative document carries its year: "30/2020/NĐ-CP" (legal.md §1.2)."""
    doc_type = document_type_of(document)
    normative = doc_type is not None and doc_type.category == TypeCategory.NORMATIVE
    return format_code(number, notation, year=year if normative else None)


def _issue_day(issued_date) -> date:
    return date.fromisoformat(str(issued_date)[:10]) if issued_date else today()


def check_symbol_free(
    document: OutgoingDocument, symbol: str, year: int, *, except_register_id: int | None = None
) -> None:
    """NĐ 30/2020 Điều 15.1: "Số và ký hiệu văn bản của cơ quan, tổ chức là duy nhất trong một năm", whichever
    register gave the number. Raises `symbol_taken` naming the document that has it; the unique index
    uq_outgoing_agency_year_symbol refuses what a concurrent issue slips past this check."""
    holder = db.session.scalar(
        sa.select(OutgoingDocument).where(
            OutgoingDocument.agency_id == document.agency_id,
            OutgoingDocument.number_year == year,
            sa.func.upper(OutgoingDocument.symbol) == symbol.upper(),
            OutgoingDocument.id != document.id,
            *([OutgoingDocument.register_id != except_register_id] if except_register_id is not None else []),
        )
    )
    if holder is not None:
        raise symbol_taken(symbol, year, holder)


def symbol_taken(symbol: str, year: int, holder: OutgoingDocument | None = None) -> ValidationError:
    whose = f" cho văn bản “{holder.subject[:120]}”" if holder is not None else ""
    message = (
        f"Số, ký hiệu {symbol} đã được cấp năm {year}{whose}. Số và ký hiệu văn bản của cơ quan là duy nhất trong "
        "một năm (NĐ 30/2020 Điều 15.1): chọn sổ hoặc ký hiệu khác; chưa có số nào bị lấy."
    )
    return ValidationError(message, code="symbol_taken", details={"notation": message})


def _issued_names(document: OutgoingDocument) -> dict:
    """The copies kept at issue (Phụ lục VI Phần II.I fields 7, 12.2): later renames do not reach the document."""
    agency = db.session.get(Agency, document.agency_id)
    signer = db.session.get(User, document.signer_id) if document.signer_id else None
    return {
        "organ_name": agency.name[:200],  # Phụ lục VI: OrganName String(200)
        "signer_full_name": signer.full_name[:50] if signer is not None else None,  # FullName String(50)
    }


def _scan_before_issue(document: OutgoingDocument, signed: bytes) -> None:
    """Seed 001 Điều 9.2, seed 004 Điều 14.3: the văn thư checks that the electronic document is "an toàn, không bị
    lây nhiễm" before issuing it — the signed PDF and each attachment through clamd (when configured)."""
    name = files.newest(document, VersionStage.SIGNED).filename
    found = [(name, signed)] + [(a.filename, files.read(a.sha256)) for a in document.attachments]
    for filename, data in found:
        if problem := scan_problem(filename, data, purpose="issue"):
            code, message = problem
            raise ValidationError(message, code=code, details={"file": message})


def issue_outgoing(
    actor: User, document: OutgoingDocument, *, register_id, notation: str, issued_date: date | str | None
) -> OutgoingDocument:
    """Take the number, fill number and date, seal, sign the attachments, store the original: one transaction."""
    from app.signing import sign

    values = {"register_id": register_id, "notation": notation, "issued_date": issued_date}
    key, credential = check_issuable(actor, document, values)
    register = outgoing_register(document.agency_id, register_id)
    day = _issue_day(issued_date)
    notation = "".join(notation.split())
    signed = files.read(files.newest(document, VersionStage.SIGNED).sha256)
    _scan_before_issue(document, signed)
    signer = key.pdf_signer()
    document.place = place_of(document)  # check_issuable refused a document without one

    # NĐ 30/2020 Điều 15.1: the number of the year of the issue date (local), from 01 on 1 January.
    assignment = assign_number(actor, register.id, OBJECT_TYPE, document.id, year=day.year)
    symbol = symbol_for(document, assignment.number, notation, day.year)
    check_symbol_free(document, symbol, day.year)  # a concurrent issue took it: the rollback returns the number
    issued = sign.issue(
        signed,
        signer,
        seal_png=image_of(credential),
        seal_size_pt=(credential.image_width_pt, credential.image_height_pt),
        number_text=symbol,
        date_text=local_date_text(document.place, day),
        location=document.place,
    )
    store = current_app.extensions["qlvb.blobs"]
    for attachment in document.attachments:
        if attachment.content_type == files.PDF:  # Phụ lục I II.8.b: each attachment file in its own right
            signed_attachment = sign.sign_attachment(files.read(attachment.sha256), signer, symbol=symbol)
            attachment.signed_sha256 = store.put(signed_attachment)
    name = files.newest(document, VersionStage.SIGNED).filename
    files.add_version(
        document, issued, filename=name, stage=VersionStage.ISSUED, actor_id=actor.id, credential_id=credential.id
    )
    previous = STATES.move(document, OutgoingStatus.ISSUED)
    document.register_id, document.number_year, document.number = register.id, day.year, assignment.number
    document.notation, document.symbol, document.issued_date = notation, symbol, day
    document.issued_at, document.issued_by_id = clock.now(), actor.id
    # NĐ 30 Phụ lục VI III.1.g: the System fills PageAmount and the mã định danh văn bản (legal.md §4.6).
    document.page_count = count_pages(issued) or document.page_count
    organ_id = db.session.get(Agency, document.agency_id).code
    document.document_key = document_key(organ_id, assignment.number, symbol.split("/", 1)[1], day)
    for field, value in _issued_names(document).items():
        setattr(document, field, value)
    try:
        with db.session.begin_nested():
            db.session.flush()
    except sa.exc.IntegrityError as exc:  # uq_outgoing_agency_year_symbol: another register issued it just now
        raise symbol_taken(symbol, day.year) from exc
    audit.record(
        actor,
        "outgoing.issue",
        document,
        summary=f"Cấp số, ký số cơ quan và phát hành văn bản {symbol}: {document.subject[:200]}",
        changes={
            "status": [previous, OutgoingStatus.ISSUED.value],
            "register_id": register.id,
            "symbol": symbol,
            "document_key": document.document_key,
        },
    )
    return document
