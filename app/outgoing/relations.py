"""Văn bản đi that update, replace or correct an issued document of the agency (NĐ 30/2020 Điều 18.3).

"Văn bản đã phát hành nhưng có sai sót về nội dung phải được sửa đổi, thay thế bằng văn bản có hình thức tương
đương. Văn bản … có sai sót về thể thức, kỹ thuật trình bày, thủ tục ban hành phải được đính chính bằng công văn"
(also seed 004 Điều 11.3.b). So an update or a replacement has the earlier document's type, a correction is a
Công văn; the earlier one must be issued by the same agency. The edXML package names the earlier document by its
mã định danh (Bussiness/DocumentId; BussinessDocType 2 update, 3 replace — a correction travels as an update
whose reason says "Đính chính", app.exchange.edxml), so a recipient links it to the copy it received.
"""

from app.core.db import db
from app.core.errors import Conflict, ValidationError
from app.documents.symbols import document_key
from app.exchange.edxml import CORRECTION_REASON, RELATION_BUSINESS_TYPES
from app.org.models import Agency
from app.outgoing.models import OutgoingDocument, OutgoingStatus, RecipientKind, Relation

CORRECTION_TYPE = "CV"  # Công văn (Phụ lục III)


def original_key(original: OutgoingDocument) -> str | None:
    """The mã định danh of an issued document, as its recipients received it in its package (legal.md §4.6)."""
    if original.document_key:  # stored on issue (Phụ lục VI III.1.c): the agency's code may change later
        return original.document_key
    if not (original.number and original.notation and original.issued_date):
        return None
    agency = db.session.get(Agency, original.agency_id)
    return document_key(agency.code, original.number, original.notation, original.issued_date)


def check_original(document: OutgoingDocument | None, agency_id: int) -> OutgoingDocument:
    """The earlier document must be one the agency issued and has not recalled."""
    if document is None or document.agency_id != agency_id:
        raise Conflict("Không tìm thấy văn bản được sửa đổi, thay thế, đính chính.", code="outgoing_not_found")
    if document.status != OutgoingStatus.ISSUED:
        raise Conflict(
            "Chỉ sửa đổi, thay thế, đính chính văn bản đã phát hành và chưa thu hồi.", code="outgoing_not_issued"
        )
    return document


def check_relation(document: OutgoingDocument) -> None:
    """Before the procedure starts (trình): the earlier document still stands, and the form fits Điều 18.3."""
    if not document.relation:
        return
    original = check_original(document.related, document.agency_id)
    if document.relation == Relation.CORRECT and document.type_code != CORRECTION_TYPE:
        message = "Văn bản đính chính phải là Công văn (NĐ 30/2020 Điều 18.3)."
        raise ValidationError(message, code="related_form_mismatch", details={"type_code": message})
    if document.relation in (Relation.UPDATE, Relation.REPLACE) and document.type_code != original.type_code:
        message = (
            f"Văn bản sửa đổi, thay thế phải có hình thức tương đương văn bản {original.symbol} "
            f"({original.type_name}) (NĐ 30/2020 Điều 18.3)."
        )
        raise ValidationError(message, code="related_form_mismatch", details={"type_code": message})


def package_relation(document: OutgoingDocument) -> dict:
    """The edXML Bussiness keys (app.exchange.edxml.build_package) of a document that changes an earlier one."""
    original = document.related if document.relation and document.related_id else None
    key = original_key(original) if original is not None else None
    if key is None:
        return {}
    issued = original.issued_date.strftime("%d/%m/%Y")
    reasons = {
        Relation.UPDATE: f"Cập nhật văn bản điện tử: sửa đổi văn bản số {original.symbol} ngày {issued}",
        Relation.REPLACE: f"Thay thế văn bản điện tử số {original.symbol} ngày {issued}",
        Relation.CORRECT: f"{CORRECTION_REASON} văn bản số {original.symbol} ngày {issued}",
    }
    return {
        "business_type": RELATION_BUSINESS_TYPES[document.relation],
        "business_document_id": key,
        "business_reason": reasons[Relation(document.relation)],
        "replaced_organ_ids": [r.code for r in original.recipients if r.kind != RecipientKind.UNIT and r.code],
    }


def response_for(document: OutgoingDocument) -> list[dict]:
    """ResponseFor (legal.md §4.2 item 1.12) of a reply: the incoming document it answers, as its sender knows it
    (the sender's code, số/ký hiệu, date and mã định danh kept at intake), so the sender links our reply to it."""
    answered = document.reply_to if document.reply_to_id else None
    if answered is None or not answered.document_key:  # without the sender's id the sender cannot match it
        return []
    return [
        {
            "organ_id": answered.sender_code,
            "code": answered.symbol or None,
            "promulgation_date": answered.issued_date,
            "document_id": answered.document_key,
        }
    ]
