"""An edXML file a clerk imports by hand (tệp .edxml carried from an axis we cannot reach directly, issue 14 item 3):
a document, a revocation or a status message, each sent where the connector sends the same message.

- a document package (BussinessDocType 0, 2, 3) → `delivery.receive_package` (app.incoming registers it);
- a revocation (BussinessDocType 1) → `delivery.request_recall_by_key`: the recall request of the clerk's agency's
  incoming document with that sender DocumentId (Bussiness/DocumentId), answered later by 15/16;
- a status message → `delivery.status_arrived`: 01–06, 15, 16 answer one of our outgoing documents (app.outgoing),
  13 asks for one we received back (app.incoming). Nobody taking it means the document is not here: said plainly.

A signature, when the file carries one, must hold against the clerk's agency's trust roots (xmldsig); an unsigned
file is accepted, as a paper-borne one is, and the clerk checks the document's own PDF signatures as usual.
"""

from dataclasses import dataclass

from app.core.errors import NotFound, PermissionDenied
from app.exchange import delivery
from app.exchange.edxml import message_kind, parse_package, parse_status
from app.exchange.models import STATUS_LABELS, StatusCode
from app.exchange.xmldsig import verify_package
from app.org.models import Role


@dataclass(frozen=True)
class Imported:
    kind: str  # "document" | "recall" | "status"
    document: object | None = None  # the incoming document registered (kind "document")
    key: str | None = None  # the mã định danh of the document recalled or answered
    code: str | None = None  # the status code (kind "status")
    message: str = ""  # what to tell the clerk


def import_file(data: bytes, *, actor) -> Imported:
    """Take in an .edxml file uploaded by a clerk of `actor`'s agency; raises InvalidPackage / InvalidSignature /
    NotFound (nothing written)."""
    if actor is None or not actor.has_role(Role.CLERK):
        raise PermissionDenied("Chỉ văn thư của cơ quan được nhập gói tin edXML.")
    agency_id = actor.agency_id
    verify_package(data, agency_id)  # parses with the hardened parser first: a bomb never gets further
    if message_kind(data) == "status":
        return _status(data, agency_id)
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
    return Imported("document", document=document, key=package.message_id)


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
