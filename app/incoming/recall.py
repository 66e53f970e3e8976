"""Thu hồi văn bản đến: the sender's request (status 13) and the agency's decision (15 agreed, 16 refused).

NĐ 30/2020 Điều 18.4.b: on receiving a recall notice, the recipient cancels the recalled electronic document on
its System and tells the sender through the System. Phụ lục VI III.8.b–c: cancel the incoming document and its
metadata when the issuing agency recalls it, and keep the metadata of the recall itself.

What "cancel" means here: the procedure stops (its open tasks leave every inbox), the document is marked
recalled, and its files are no longer served (`services.document_file`). The row, its metadata and its file list
(names, sizes, SHA-256) stay as the record of what was recalled, when, at whose request and by whose decision;
the audit chain and the status messages hold the rest. The bytes stay in the content-addressed blob store,
which other documents may share.
"""

from app.audit import services as audit
from app.core import clock
from app.core.db import db
from app.core.errors import Conflict, NotFound, PermissionDenied, ValidationError
from app.core.locking import lock_row
from app.exchange.models import StatusCode
from app.incoming.models import IncomingDocument, IncomingStatus
from app.incoming.services import OBJECT_TYPE, get_document, status_for_sender
from app.incoming.states import STATES
from app.org.models import Role, User
from app.workflow import queries as wf_queries
from app.workflow import services as workflow
from app.workflow.models import InstanceStatus

# Who answers the sender for the agency: its văn thư, or its leader (NĐ 30/2020 Điều 18.4.b, "bên nhận").
DECIDERS = (Role.CLERK, Role.AGENCY_LEADER)


def can_decide(user: User | None) -> bool:
    """Whether the user may accept or refuse a recall of their agency's documents."""
    return user is not None and user.is_active and user.has_role(*DECIDERS)


def request_recall(actor: User | None, document_id: int, *, note: str | None) -> IncomingDocument:
    """Record the sender's recall request (status 13 Lấy lại) on a document; the agency then decides.

    `actor=None` is the exchange delivering the sender's message; a person is a clerk of the receiving agency
    entering a request that reached them another way (the REST intake account, as for `receive_incoming`).
    Status 13 comes from the sender, so nothing is queued for the sender here: the request is noted on the
    document and in the audit chain. A sender may ask again after a refusal.
    """
    note = (note or "").strip()[:1000] or None
    if actor is None:
        document = db.session.get(IncomingDocument, document_id)
        if document is None:
            raise NotFound("Không tìm thấy văn bản đến.", code="incoming_not_found")
    else:
        document = get_document(actor, document_id)
        if not actor.has_role(Role.CLERK):
            raise PermissionDenied("Chỉ văn thư của cơ quan được ghi nhận yêu cầu thu hồi của nơi gửi.")
    document = _locked(document.id)
    if document.status == IncomingStatus.RECALLED:
        raise Conflict("Văn bản đã được thu hồi.", code="incoming_already_recalled")
    if document.recall_pending:
        raise Conflict("Văn bản đang có yêu cầu thu hồi chờ quyết định.", code="recall_pending")
    document.recall_requested_at, document.recall_note, document.recall_decided_by_id = clock.now(), note, None
    db.session.flush()
    audit.record(
        actor,
        "incoming.recall_request",
        document,
        summary=f"Nơi gửi yêu cầu thu hồi văn bản đến (trạng thái 13){': ' + note[:300] if note else ''}",
        changes={"status_code": StatusCode.RECALL_REQUESTED.value, "note": note},
    )
    return document


def accept_recall(actor: User, document_id: int) -> IncomingDocument:
    """Agree to the sender's recall: cancel the procedure and the document, tell the sender (status 15).

    NĐ 30/2020 Điều 18.4.b, Phụ lục VI III.8.b–c. A returned or completed document has no procedure left to
    cancel: only its status changes.
    """
    document = _pending_for_decision(actor, document_id)
    previous = document.status
    instance = wf_queries.instance_for(OBJECT_TYPE, document.id)
    if instance is not None and instance.status not in (InstanceStatus.COMPLETED, InstanceStatus.CANCELLED):
        # The decider's authority was checked above; cancel_instance's own check is for administrators.
        workflow.cancel_instance(None, instance.id, f"Nơi gửi thu hồi văn bản; {actor.full_name} đồng ý thu hồi")
    now = clock.now()
    STATES.move(document, IncomingStatus.RECALLED)
    document.recalled_at, document.recall_decided_by_id = now, actor.id
    db.session.flush()
    status_for_sender(document, StatusCode.RECALL_AGREED, staff=actor, description="Đồng ý thu hồi văn bản")
    audit.record(
        actor,
        "incoming.recall_accept",
        document,
        summary=f"Đồng ý thu hồi văn bản đến {document.symbol or document.subject[:100]} (trạng thái 15)",
        changes={
            "status": [previous, IncomingStatus.RECALLED.value],
            "status_code": StatusCode.RECALL_AGREED.value,
            "files": [{"filename": f.filename, "sha256": f.sha256} for f in document.files],
        },
    )
    return document


def refuse_recall(actor: User, document_id: int, reason: str) -> IncomingDocument:
    """Refuse the sender's recall with a reason (status 16): the procedure goes on as before."""
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError(
            "Nhập lý do từ chối thu hồi để báo cho nơi gửi.",
            code="reason_required",
            details={"reason": "Nhập lý do từ chối thu hồi."},
        )
    document = _pending_for_decision(actor, document_id)
    document.recall_decided_by_id = actor.id
    db.session.flush()
    status_for_sender(document, StatusCode.RECALL_REFUSED, staff=actor, description=f"Từ chối thu hồi: {reason}"[:500])
    audit.record(
        actor,
        "incoming.recall_refuse",
        document,
        summary=f"Từ chối thu hồi văn bản đến (trạng thái 16): {reason[:300]}",
        changes={"status_code": StatusCode.RECALL_REFUSED.value, "reason": reason[:1000]},
    )
    return document


def _pending_for_decision(actor: User, document_id: int) -> IncomingDocument:
    """The document, locked, with a recall request nobody has decided yet (another decision is a Conflict)."""
    document = get_document(actor, document_id)  # another agency's document: 404
    if not can_decide(actor):
        raise PermissionDenied("Chỉ văn thư hoặc lãnh đạo cơ quan được quyết định việc thu hồi văn bản.")
    document = _locked(document.id)
    if document.status == IncomingStatus.RECALLED:
        raise Conflict("Văn bản đã được thu hồi.", code="recall_already_decided")
    if document.recall_requested_at is None:
        raise Conflict("Nơi gửi chưa yêu cầu thu hồi văn bản này.", code="no_recall_request")
    if document.recall_decided_by_id is not None:
        raise Conflict("Yêu cầu thu hồi đã được quyết định.", code="recall_already_decided")
    return document


def _locked(document_id: int) -> IncomingDocument:
    """Re-read the document under a lock held to commit, so two decisions apply one after the other."""
    busy = Conflict("Văn bản đang được người khác xử lý, vui lòng thử lại.", code="incoming_busy")
    document = lock_row(IncomingDocument, document_id, busy=busy, touch="status")
    if document is None:
        raise NotFound("Không tìm thấy văn bản đến.", code="incoming_not_found")
    return document
