"""Thu hồi văn bản đi: freeze the issued document and ask every agency that received it to cancel its copy.

NĐ 30/2020 Điều 18.4 and Phụ lục VI III.8: the issuing agency recalls; each recipient cancels the recalled
electronic document on its System and tells the sender (15 agreed, 16 refused), which flows back into the
recipient's status (app.outgoing.handlers). An agency of another system reached through a connector peer gets a
BussinessDocType 1 package through the outbox (app.outgoing.connector). The outgoing document stays as the record
of what was issued and recalled: its files and metadata are frozen (no edits, no versions, no resend).
"""

import logging

from app.audit import services as audit
from app.core import clock
from app.core.db import db
from app.core.errors import Conflict, PermissionDenied, ValidationError
from app.exchange.delivery import request_recall
from app.org.models import User
from app.outgoing import connector
from app.outgoing.dispatch import record_recall_request, savepoint
from app.outgoing.models import DeliveryState, OutgoingDocument, OutgoingStatus, RecipientKind
from app.outgoing.notices import tell_drafter
from app.outgoing.permissions import may_recall
from app.outgoing.states import STATES

log = logging.getLogger(__name__)


def recall_outgoing(actor: User, document_id: int, reason: str) -> OutgoingDocument:
    """Recall an issued document (status RECALLED) and send status 13 to each agency that received it."""
    from app.outgoing.services import get_document, label_of, lock_document

    reason = (reason or "").strip()
    if not reason:
        message = "Nhập lý do thu hồi để báo cho nơi nhận."
        raise ValidationError(message, code="reason_required", details={"reason": message})
    document = get_document(actor, document_id)
    if not may_recall(actor):
        raise PermissionDenied("Chỉ văn thư hoặc lãnh đạo cơ quan được thu hồi văn bản.", code="cannot_recall")
    document = lock_document(document.id)
    if document.status == OutgoingStatus.RECALLED:
        raise Conflict("Văn bản đã được thu hồi.", code="outgoing_already_recalled")
    if document.status != OutgoingStatus.ISSUED:
        raise Conflict("Chỉ thu hồi được văn bản đã phát hành.", code="outgoing_not_issued")
    STATES.move(document, OutgoingStatus.RECALLED)
    document.recalled_at, document.recall_reason = clock.now(), reason[:1000]
    # Recorded before the requests it causes (each receiving agency audits its own), so the log reads in order:
    # the recall, then what it asked. Whom it asked is added below, before the event is sealed at commit.
    event = audit.record(
        actor,
        "outgoing.recall",
        document,
        summary=f"Thu hồi văn bản {label_of(document)}: {reason[:300]}",
        changes={"status": [OutgoingStatus.ISSUED.value, OutgoingStatus.RECALLED.value]},
    )
    asked = []
    for recipient in document.recipients:
        if recipient.delivery == DeliveryState.PENDING and connector.route_of(recipient) is not None:
            connector.cancel_delivery(recipient)  # still in the outbox: never sent now
        if recipient.delivery != DeliveryState.DELIVERED:
            continue  # pending deliveries stop here: the retry job skips recalled documents
        if (route := connector.route_of(recipient)) is not None:
            # Another system's agency: a BussinessDocType 1 package; its 15/16 comes back as a status.
            connector.send_recall(recipient, route, reason=reason)
            record_recall_request(recipient, actor=actor, note=reason)
            asked.append(recipient.name)
            continue
        if recipient.kind != RecipientKind.AGENCY:
            continue
        try:
            with savepoint():
                asked_there = request_recall(
                    agency_id=recipient.agency_id, message_id=recipient.message_id, note=reason
                )
        except Conflict as exc:  # already recalled there, or a request still waiting: nothing more to ask
            log.info("recall request to %s not recorded: %s", recipient.code, exc.message)
            continue
        if not asked_there:
            continue
        record_recall_request(recipient, actor=actor, note=reason)
        asked.append(recipient.name)
    db.session.flush()
    event.changes = {**event.changes, "asked": asked}
    tell_drafter(
        document,
        actor,
        kind="outgoing_recalled",
        title=f"{actor.full_name} thu hồi văn bản {label_of(document)}",
        body=reason,
    )
    return document
