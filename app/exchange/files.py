"""An edXML file a clerk imports by hand (tệp .edxml carried from an axis we cannot reach directly, issue 14 item 3):
a document, a revocation or a status message, each sent where the connector sends the same message.

- a document package (BussinessDocType 0, 2, 3) → `delivery.receive_package` (app.incoming registers it);
- a revocation (BussinessDocType 1) → `delivery.request_recall_by_key`: the recall request of the clerk's agency's
  incoming document with that sender DocumentId (Bussiness/DocumentId), answered later by 15/16;
- a status message → `delivery.status_arrived`: 01–06, 15, 16 answer one of our outgoing documents (app.outgoing),
  13 asks for one we received back (app.incoming). Nobody taking it means the document is not here: said plainly.

A signature, when the file carries one, must hold against the clerk's agency's trust roots (xmldsig). An unsigned
file is accepted, as a paper-borne one is, unless the deployment requires signed files
(EXCHANGE_FILE_REQUIRE_SIGNATURE); either way the result says whether it was signed and by whom, so the clerk is
warned and the audit trail keeps it. A document package must be addressed to the clerk's agency when it names its
recipients (To/OrganId, merges followed) and must not be the agency's own (From/OrganId): a file carried by hand has
no connector checking that for it.
"""

from dataclasses import dataclass, replace

import sqlalchemy as sa
from flask import current_app

from app.audit import services as audit
from app.core.db import db
from app.core.errors import NotFound, PermissionDenied, ValidationError
from app.exchange import delivery
from app.exchange.directory import resolve
from app.exchange.edxml import message_kind, parse_package, parse_status
from app.exchange.edxml_base import children, message_header, parse_root, text
from app.exchange.models import STATUS_LABELS, StatusCode
from app.exchange.xmldsig import verify_package
from app.org.agency_code import normalize_agency_code
from app.org.models import Agency, Role


@dataclass(frozen=True)
class Imported:
    kind: str  # "document" | "recall" | "status"
    document: object | None = None  # the incoming document registered (kind "document")
    key: str | None = None  # the mã định danh of the document recalled or answered
    code: str | None = None  # the status code (kind "status")
    message: str = ""  # what to tell the clerk
    signed: bool = False  # the file carried a valid XML-DSig signature (verified against the agency's trust roots)
    signer: str | None = None  # the signing certificate's common name
    duplicate: bool = False  # the document was registered before (same sender DocumentId): nothing imported again


def import_file(data: bytes, *, actor) -> Imported:
    """Take in an .edxml file uploaded by a clerk of `actor`'s agency; raises InvalidPackage / InvalidSignature /
    NotFound (nothing written)."""
    if actor is None or not actor.has_role(Role.CLERK):
        raise PermissionDenied("Chỉ văn thư của cơ quan được nhập gói tin edXML.")
    agency_id = actor.agency_id
    signed = verify_package(data, agency_id)  # parses with the hardened parser first: a bomb never gets further
    if not signed.signed and current_app.config.get("EXCHANGE_FILE_REQUIRE_SIGNATURE"):
        message = "Gói tin chưa được ký số (XML-DSig) của hệ thống gửi; cơ quan chỉ nhận gói tin có chữ ký số."
        raise ValidationError(message, code="signature_required", details={"package": message})
    imported = _status(data, agency_id) if message_kind(data) == "status" else _package(data, actor)
    imported = replace(imported, signed=signed.signed, signer=signed.signer)
    document = imported.document
    audit.record(
        actor,
        "exchange.import_file",
        document,
        object_type=None if document is not None else "exchange_file",
        object_id=None if document is not None else imported.key,
        summary=f"Nhập tệp edXML ({imported.kind}): {imported.key or ''}"[:500],
        changes={
            "kind": imported.kind,
            "key": imported.key,
            "signed": signed.signed,
            "signer": signed.signer,
            **({"duplicate": True} if imported.duplicate else {}),
        },
        agency_id=agency_id,
    )
    return imported


def _package(data: bytes, actor) -> Imported:
    agency_id = actor.agency_id
    _check_addressed(data, agency_id)
    package = parse_package(data)
    if package.business_type == 1:
        key = package.related_key
        note = package.metadata.get("business_reason") or "Nơi gửi thu hồi văn bản điện tử"
        sender = package.metadata["sender_code"]
        if not delivery.request_recall_by_key(key, sender_code=sender, agency_id=agency_id, note=note):
            raise NotFound(
                f"Không tìm thấy văn bản đến có mã định danh {key} của {sender} để thu hồi.",
                code="recalled_document_not_found",
                details={"package": f"Không có văn bản đến {key}."},
            )
        return Imported("recall", key=key, message=f"Đã ghi nhận yêu cầu thu hồi văn bản {key}; chờ văn thư xử lý.")
    document = delivery.receive_package(data, actor=actor)
    # app.incoming marks a document it already had (the same DocumentId): the clerk is told, nothing is re-imported.
    duplicate = bool(getattr(document, "already_received", False))
    return Imported("document", document=document, key=package.message_id, duplicate=duplicate)


def _check_addressed(data: bytes, agency_id: int) -> None:
    """A package from the agency itself, or naming recipients none of which is the agency, is refused."""
    own = db.session.scalar(sa.select(Agency.code).where(Agency.id == agency_id))
    own = normalize_agency_code(own or "")
    message = message_header(parse_root(data))
    if own and normalize_agency_code(text(message, "From", "OrganId") or "") == own:
        raise ValidationError(
            "Gói tin do chính cơ quan này gửi.",
            code="own_package",
            details={"package": "Gói tin do chính cơ quan này gửi."},
        )
    codes = [code for to in children(message, "To") if (code := text(to, "OrganId"))]
    if not codes:  # an exported file may lack the recipient's code (legal.md §4.3): the clerk judges it
        return
    for code in codes:
        route = resolve(code)
        if route is not None and route.agency_id == agency_id:
            return
    named = ", ".join(codes)
    raise ValidationError(
        f"Gói tin không gửi cho cơ quan này (gửi {named}).",
        code="not_addressed_to_agency",
        details={"package": f"Gói tin gửi {named}."},
    )


def _status(data: bytes, agency_id: int) -> Imported:
    status = parse_status(data)
    taken = any(result for _receiver, result in delivery.status_arrived.send(status, agency_id=agency_id))
    label = STATUS_LABELS[StatusCode(status.code)]
    if not taken:
        whose = "văn bản đến" if status.code == StatusCode.RECALL_REQUESTED else "văn bản đi"
        raise NotFound(
            f"Không tìm thấy {whose} có mã định danh {status.response_for_key} mà thông điệp trạng thái "
            f"“{label}” của {status.from_name or status.from_code} nói tới.",
            code="answered_document_not_found",
            details={"package": f"Không có văn bản {status.response_for_key}."},
        )
    return Imported(
        "status",
        key=status.response_for_key,
        code=status.code,
        message=f"Đã ghi nhận trạng thái “{label}” của văn bản {status.response_for_key}.",
    )
