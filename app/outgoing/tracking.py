"""After issue: each recipient's delivery and statuses, resend, the external package, related documents.

NĐ 30/2020 Điều 4.2.d (track sending, receipt and handling), Điều 18.3 (update, replace, correct an issued
document). Called through `app.outgoing.services`, whose names the pages and the API use.
"""

import sqlalchemy as sa

from app.audit import services as audit
from app.core.db import db
from app.core.errors import Conflict, NotFound, PermissionDenied, ValidationError
from app.exchange.models import STATUS_LABELS as EXCHANGE_LABELS
from app.exchange.models import reason_of
from app.exchange.services import statuses_for
from app.exchange.xmldsig import sign_package
from app.org.models import User
from app.outgoing import connector
from app.outgoing.metadata import metadata_of
from app.outgoing.models import OutgoingDocument, OutgoingRecipient, OutgoingStatus, RecipientKind, Relation
from app.outgoing.permissions import can_draft, can_view, may_resend
from app.outgoing.relations import CORRECTION_TYPE, check_original
from app.outgoing.services import create_draft, get_document, label_of, lock_document, refuse_frozen

DELIVERY_LABELS = {
    "pending": "Đang gửi / chờ gửi lại",
    "delivered": "Đã gửi",
    "exported": "Gửi thủ công bằng gói tin edXML",  # a package the clerk downloads: nothing was sent by the system
}
KIND_LABELS = {"agency": "Cơ quan trong hệ thống", "external": "Cơ quan ngoài hệ thống", "unit": "Đơn vị nội bộ"}


def resend(actor: User, document_id: int, recipient_id: int) -> OutgoingRecipient:
    """Gửi lại: deliver again, under a new message id, to an agency that refused it (02) or never got it."""
    from app.outgoing.dispatch import redeliver

    document = get_document(actor, document_id)
    if not may_resend(actor):
        raise PermissionDenied("Chỉ văn thư cơ quan được gửi lại văn bản.")
    document = lock_document(document.id)
    refuse_frozen(document)
    if document.status != OutgoingStatus.ISSUED:
        raise Conflict("Chỉ gửi lại được văn bản đã phát hành, chưa thu hồi.", code="outgoing_not_issued")
    recipient = _recipient(document, recipient_id)
    previous = recipient.message_id
    if connector.route_of(recipient) is not None:  # another system's agency, through the connector
        if not connector.may_resend(recipient):
            raise Conflict(
                "Văn bản đang được gửi hoặc đã gửi, nơi nhận chưa từ chối; không cần gửi lại.", code="resend_not_needed"
            )
        connector.resend_through_peer(recipient)
    else:
        if recipient.kind != RecipientKind.AGENCY:
            raise Conflict("Chỉ gửi lại được cho cơ quan trong hệ thống.", code="not_an_agency_recipient")
        if recipient.status_code != "02" and recipient.delivery != "pending":
            raise Conflict("Nơi nhận chưa từ chối văn bản; không cần gửi lại.", code="resend_not_needed")
        redeliver(recipient, actor=actor)
    audit.record(
        actor,
        "outgoing.resend",
        document,
        summary=f"Gửi lại văn bản {label_of(document)} cho {recipient.name}",
        changes={"recipient": recipient.id, "message_id": [previous, recipient.message_id]},
    )
    return recipient


def _recipient(document: OutgoingDocument, recipient_id: int) -> OutgoingRecipient:
    recipient = next((r for r in document.recipients if r.id == recipient_id), None)
    if recipient is None:
        raise NotFound("Không tìm thấy nơi nhận.", code="recipient_not_found")
    return recipient


def external_package(actor: User, document_id: int, recipient_id: int) -> tuple[str, bytes]:
    """The edXML package for a recipient outside the deployment, to download and send (legal.md §4.2), signed
    (XML-DSig) with the agency's exchange credential when it has one."""
    from app.outgoing.packages import package_for

    document = get_document(actor, document_id)
    refuse_frozen(document)
    if document.status != OutgoingStatus.ISSUED:
        raise Conflict("Chỉ xuất gói tin của văn bản đã phát hành, chưa thu hồi.", code="outgoing_not_issued")
    recipient = _recipient(document, recipient_id)
    if recipient.kind != RecipientKind.EXTERNAL:
        raise Conflict("Nơi nhận này nhận văn bản qua hệ thống.", code="not_an_external_recipient")
    data = sign_package(package_for(document, recipient), document.agency_id)  # unchanged without a credential
    audit.record(actor, "outgoing.export", document, summary=f"Tải gói tin edXML gửi {recipient.name}")
    safe = "".join(c if c.isalnum() or c in "-_" else "-" for c in (document.symbol or str(document.id)))
    return f"{safe}-{recipient.id}.edxml", data


def recipient_statuses(actor: User, document_id: int) -> list[dict]:
    """Each nơi nhận with its delivery and latest status (01–16) and the history of status messages."""
    document = get_document(actor, document_id)
    rows = []
    for recipient in document.recipients:
        history = [
            {
                "code": m.code,
                "label": EXCHANGE_LABELS.get(m.code, m.code),
                "description": reason_of(m.code, m.description),
                "at": m.created_at,
                "staff_name": m.staff_name,
            }
            for m in statuses_for("outgoing_recipient", recipient.id)
        ]
        rows.append(
            {
                "id": recipient.id,
                "name": recipient.name,
                "kind": recipient.kind,
                "kind_label": KIND_LABELS.get(recipient.kind, recipient.kind),
                "code": recipient.code,
                "delivery": recipient.delivery,
                "delivery_label": DELIVERY_LABELS.get(recipient.delivery or "", "Chưa gửi"),
                "delivery_error": recipient.delivery_error,
                "attempts": recipient.attempts,
                "dispatched_at": recipient.dispatched_at,
                "status_code": recipient.status_code,
                "status_label": EXCHANGE_LABELS.get(recipient.status_code, "") if recipient.status_code else "",
                "status_note": reason_of(recipient.status_code, recipient.status_note),
                "status_at": recipient.status_at,
                "can_resend": document.status == OutgoingStatus.ISSUED and _may_resend(recipient),
                "history": history,
                # seed 004 Điều 16.8: flagged by outgoing.flag_unacknowledged, still not acknowledged — and still
                # expected to be: a recalled document is no longer awaited
                "ack_late": recipient.ack_flagged_at is not None
                and recipient.acknowledged_at is None
                and document.status == OutgoingStatus.ISSUED,
            }
        )
    return rows


def _may_resend(recipient: OutgoingRecipient) -> bool:
    if recipient.kind == RecipientKind.AGENCY:
        return recipient.status_code == "02" or recipient.delivery == "pending"
    return connector.may_resend(recipient)


def start_related(actor: User, original_id: int, relation: Relation | str) -> OutgoingDocument:
    """A new draft that updates, replaces or corrects an issued document (NĐ 30/2020 Điều 18.3).

    Updates and replacements keep the original's form ("bằng văn bản có hình thức tương đương"); a correction
    (đính chính) is a Công văn. The draft needs its own file; the link shows on both pages once it is issued.
    """
    try:
        relation = Relation(relation)
    except ValueError:
        message = "Quan hệ không hợp lệ (update, replace, correct)."
        raise ValidationError(message, code="invalid_relation", details={"relation": message}) from None
    original = check_original(get_document(actor, original_id), actor.agency_id)  # issued, not recalled
    if not can_draft(actor):
        raise PermissionDenied("Bạn không có quyền soạn văn bản đi.")
    raw = metadata_of(original)
    raw.update(notation=None, reply_to_id=original.reply_to_id, consult_unit_ids=[], consult_due=None)
    issued = original.issued_date.strftime("%d/%m/%Y") if original.issued_date else ""
    if relation == Relation.CORRECT:
        subject = f"Đính chính {original.type_name} số {original.symbol} ngày {issued}"
        raw.update(type_code=CORRECTION_TYPE, subject=subject)
    elif relation == Relation.REPLACE:
        raw["subject"] = f"{original.subject} (thay thế văn bản số {original.symbol} ngày {issued})"[:500]
    document = create_draft(actor, metadata=raw)
    document.relation, document.related_id = relation.value, original.id
    db.session.flush()
    audit.record(
        actor,
        "outgoing.start_related",
        document,
        summary=f"Soạn văn bản {relation.value} cho văn bản {label_of(original)}",
        changes={"relation": relation.value, "original": original.id},
    )
    return document


def related_documents(actor: User, document_id: int) -> dict:
    """What the document page shows about relations: the original it changes, and the issued successors."""
    document = get_document(actor, document_id)
    successors = db.session.scalars(
        sa.select(OutgoingDocument)
        .where(
            OutgoingDocument.related_id == document.id,
            OutgoingDocument.status.in_([OutgoingStatus.ISSUED, OutgoingStatus.RECALLED]),
        )
        .order_by(OutgoingDocument.issued_at)
    ).all()
    original = document.related if document.related_id else None
    return {
        "original": original if original is not None and can_view(actor, original) else None,
        "relation": document.relation,
        "successors": [d for d in successors if can_view(actor, d)],
    }
