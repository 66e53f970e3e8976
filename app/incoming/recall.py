"""Thu hồi văn bản đến: the sender's request (status 13) and the agency's decision (15 agreed, 16 refused).

NĐ 30/2020 Điều 18.4.b: on receiving a recall notice, the recipient cancels the recalled electronic document on
its System and tells the sender through the System. Phụ lục VI III.8.b–c: cancel the incoming document and its
metadata when the issuing agency recalls it, and keep the metadata of the recall itself.

Agreeing destroys the document (app.incoming.destruction): its procedure, files and metadata go, in the decider's
transaction; what stays is the `RecallRecord` (who asked, who agreed, when, the document's identifiers, the SHA-256
of its files), shown on the document's page and in the API. Refusing keeps everything.
"""

import sqlalchemy as sa

from app.audit import services as audit
from app.core import clock
from app.core.db import db
from app.core.errors import Conflict, NotFound, PermissionDenied, ValidationError
from app.core.locking import lock_row
from app.exchange.models import StatusCode, refusal_description
from app.incoming.destruction import destroy_document
from app.incoming.models import IncomingDocument, IncomingStatus
from app.incoming.notices import tell
from app.incoming.recall_models import RecallRecord
from app.incoming.services import OBJECT_TYPE, get_document, status_for_sender
from app.incoming.states import STATES
from app.org import queries as org_queries
from app.org.models import Role, User
from app.workflow.erasure import lock_case

# Who answers the sender for the agency: its văn thư, or its leader (NĐ 30/2020 Điều 18.4.b, "bên nhận").
DECIDERS = (Role.CLERK, Role.AGENCY_LEADER)


def can_decide(user: User | None) -> bool:
    """Whether the user may accept or refuse a recall of their agency's documents."""
    return user is not None and user.is_active and user.has_role(*DECIDERS)


def may_refuse(document: IncomingDocument) -> bool:
    """Whether the recall may be refused: not for a copy the agency itself sent back (02). It holds the document
    only as the record of that return; keeping it against the sender's recall would tell the sender "16, we keep
    it" about a document the agency never took. It can only agree (the copy is cancelled, III.8.b)."""
    return document.status != IncomingStatus.RETURNED


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
        summary=f"{_sender_of(document)} yêu cầu thu hồi văn bản {_label(document)} (trạng thái 13)"
        + (f": {note[:300]}" if note else ""),
        changes={"status_code": StatusCode.RECALL_REQUESTED.value, "note": note},
    )
    # Those who decide are told at once (the bell, and e-mail if they chose it): the request waits for them.
    deciders = org_queries.holders_select(User.id, agency_ids=[document.agency_id], roles=[r.value for r in DECIDERS])
    tell(
        document,
        set(db.session.scalars(deciders)),
        kind="incoming_recall_requested",
        title=f"{_sender_of(document)} yêu cầu thu hồi văn bản {_label(document)}",
        body=note or "",
    )
    return document


def _label(document: IncomingDocument) -> str:
    """How the audit log and the notices name the document: its số, ký hiệu, else its số đến."""
    if document.symbol:
        return document.symbol
    return f"số đến {document.arrival_label}" if document.arrival_number else f"#{document.id}"


def _sender_of(document: IncomingDocument) -> str:
    return document.sender_name or "Nơi gửi"


def accept_recall(actor: User, document_id: int) -> IncomingDocument:
    """Agree to the sender's recall: destroy the document, keep the record of the recall, tell the sender (15).

    NĐ 30/2020 Điều 18.4.b, Phụ lục VI III.8.b–c. One transaction: the case, the files' rows, the assignments and
    the metadata go together or not at all; the files' bytes are removed after the commit (retried by a job).
    The status message to the sender is queued before the metadata is blanked (it needs the sender's address).
    """
    document = get_document(actor, document_id)  # another agency's document: 404
    if can_decide(actor):
        lock_case(OBJECT_TYPE, document.id)  # the case first, then the document: no deadlock with a step completing
    document = _pending_for_decision(actor, document_id)
    previous, symbol = document.status, document.symbol
    STATES.move(document, IncomingStatus.RECALLED)
    document.recalled_at, document.recall_decided_by_id = clock.now(), actor.id
    db.session.flush()
    status_for_sender(document, StatusCode.RECALL_AGREED, staff=actor, description="Đồng ý thu hồi văn bản")
    record = destroy_document(actor, document)
    audit.record(
        actor,
        "incoming.recall_accept",
        document,
        # The document's identifiers only: its content is destroyed, and the audit chain is append-only.
        summary=f"Đồng ý thu hồi văn bản đến {symbol or f'số đến {record.arrival_label or document.id}'} "
        "(trạng thái 15); văn bản, tệp và dữ liệu đặc tả đã hủy",
        changes={
            "status": [previous, IncomingStatus.RECALLED.value],
            "status_code": StatusCode.RECALL_AGREED.value,
            "recall_record": record.id,
            "files": [{"sha256": f.sha256, "origin": f.origin} for f in record.files],
        },
    )
    return document


def record_of(document: IncomingDocument) -> RecallRecord | None:
    """The record of the document's recall (III.8.c), once agreed."""
    return db.session.scalar(sa.select(RecallRecord).where(RecallRecord.incoming_document_id == document.id))


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
    if not may_refuse(document):
        raise Conflict(
            "Văn bản đã được trả lại nơi gửi: chỉ có thể đồng ý thu hồi (hủy bản lưu trên Hệ thống).",
            code="recall_of_returned",
        )
    document.recall_decided_by_id = actor.id
    db.session.flush()
    status_for_sender(
        document,
        StatusCode.RECALL_REFUSED,
        staff=actor,
        description=refusal_description(StatusCode.RECALL_REFUSED, reason),
    )
    audit.record(
        actor,
        "incoming.recall_refuse",
        document,
        summary=f"Từ chối thu hồi văn bản {_label(document)} (trạng thái 16): {reason[:300]}",
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


def list_records(actor: User, *, before_id: int | None = None, limit: int = 50) -> list[RecallRecord]:
    """The records of the agency's recalls, newest first (the clerk's and leaders' register of destroyed documents)."""
    if not can_decide(actor):
        raise PermissionDenied("Chỉ văn thư hoặc lãnh đạo cơ quan được xem sổ thu hồi văn bản đến.")
    query = sa.select(RecallRecord).where(RecallRecord.agency_id == actor.agency_id)
    if before_id:
        query = query.where(RecallRecord.id < before_id)
    return list(db.session.scalars(query.order_by(RecallRecord.id.desc()).limit(limit)))
