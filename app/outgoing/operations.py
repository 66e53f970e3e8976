"""The domain effects of processes/outgoing.bpmn: service-task operations, form actions, validators, sources.

Service tasks run inside the engine's unit of work (what they write commits with the workflow state, or the
case stops in `error` with nothing of the step kept). Form actions run inside a person's task completion and
refuse it cleanly: the signer's PIN (never stored, `writeOnly`) opens the personal key there, and the clerk's
step checks everything it can before the number is taken.
"""

from app.audit import services as audit
from app.core.db import db
from app.core.errors import Conflict
from app.documents.models import RegisterKind
from app.org.models import User
from app.outgoing import issuing
from app.outgoing.dispatch import dispatch_document
from app.outgoing.models import STATUS_LABELS, OutgoingDocument, OutgoingReview, OutgoingStatus, ReviewKind
from app.outgoing.notices import tell_drafter
from app.outgoing.states import STATES
from app.workflow.registry import EngineExtension, RunContext

engine = EngineExtension()  # declared in app.outgoing.MODULE
engine.bind_process("outgoing", "outgoing")  # started by submit_outgoing with its draft (services.OBJECT_TYPE)

# What each step of the procedure may set (NĐ 30/2020 Điều 10–13); SIGNED and ISSUED come from the signature
# and the issue themselves, never from a designer's status step.
SETTABLE = {
    OutgoingStatus.CONSULTING,
    OutgoingStatus.REVIEWING,
    OutgoingStatus.FORMAT_CHECK,
    OutgoingStatus.RETURNED,
    OutgoingStatus.SIGNING,
}
FINAL = {OutgoingStatus.SIGNED, OutgoingStatus.ISSUED, OutgoingStatus.RECALLED, OutgoingStatus.CANCELLED}
REVIEW_KINDS = {
    "give_opinion": ReviewKind.OPINION,
    "review_content": ReviewKind.CONTENT,
    "check_format": ReviewKind.FORMAT,
    "approve_sign": ReviewKind.SIGN,
}


def _document_for(agency_id: int, object_id) -> OutgoingDocument:
    from app.outgoing.services import lock_document

    document = db.session.get(OutgoingDocument, int(object_id))
    if document is None or document.agency_id != agency_id:
        raise Conflict("Không tìm thấy văn bản đi của hồ sơ.", code="outgoing_not_found")
    return lock_document(document.id)


def _actor(user_id) -> User | None:
    return db.session.get(User, int(user_id)) if str(user_id or "").isdigit() else None


# --- service tasks ------------------------------------------------------------------------------------------


@engine.operation(
    "outgoing_set_status", "Chuyển trạng thái văn bản đi (lấy ý kiến, duyệt, kiểm tra, trả lại, trình ký)"
)
def set_status(run: RunContext, data: dict, status: str = "") -> dict:
    document = _document_for(run.agency_id, run.object_id)
    try:
        target = OutgoingStatus(status)
    except ValueError:
        target = None
    if target not in SETTABLE:
        raise Conflict(f"Trạng thái “{status}” không đặt được từ quy trình.", code="status_not_settable")
    if document.status in FINAL:
        raise Conflict("Văn bản đã ký, phát hành hoặc hủy: không chuyển trạng thái.", code="outgoing_final")
    previous = STATES.move(document, target)
    db.session.flush()
    audit.record(
        _actor(run.actor_id),
        "outgoing.status",
        document,
        summary=f"Văn bản đi chuyển sang “{STATUS_LABELS[target]}”",
        changes={"status": [previous, target.value]},
    )
    if target == OutgoingStatus.RETURNED:
        _tell_drafter_returned(document, _actor(run.actor_id), data.get("y_kien"))
    return {"status": target.value}


def _tell_drafter_returned(document, returner, note: str | None) -> None:
    """The drafter learns at once that the draft came back, and why (the reviewer's ý kiến): the step waits in their
    inbox, but a returned draft is news the bell should carry."""
    who = returner.full_name if returner is not None else "Người duyệt"
    tell_drafter(
        document,
        returner,
        kind="outgoing_returned",
        title=f"{who} trả lại dự thảo: {document.subject}",
        body=note or "",
    )


@engine.operation("outgoing_issue", "Cấp số, điền ngày, ký số của cơ quan và phát hành văn bản đi")
def issue(run: RunContext, data: dict) -> dict:
    """NĐ 30/2020 Điều 14–16: the clerk who completed the issue step numbers and seals (seed 000 Điều 21)."""
    document = _document_for(run.agency_id, run.object_id)
    clerk = _actor(data.get("issuer_id")) or _actor(run.actor_id)
    issuing.issue_outgoing(
        clerk,
        document,
        register_id=data.get("register_id"),
        notation=data.get("notation") or document.notation or "",
        issued_date=data.get("issued_date") or None,
    )
    tell_drafter(
        document,
        clerk,
        kind="outgoing_issued",
        title=f"Đã phát hành văn bản {document.symbol} ngày {document.issued_date:%d/%m/%Y}: {document.subject}",
    )
    return {"number": document.number, "symbol": document.symbol, "issued_date": document.issued_date.isoformat()}


@engine.operation("outgoing_dispatch", "Gửi văn bản đi đến các nơi nhận")
def dispatch(run: RunContext, data: dict) -> dict:
    document = _document_for(run.agency_id, run.object_id)
    return dispatch_document(document, actor=_actor(data.get("issuer_id")) or _actor(run.actor_id))


# --- form actions -------------------------------------------------------------------------------------------


def _record_review(actor: User, task, document: OutgoingDocument, outcome: str | None, comment) -> OutgoingReview:
    kind = REVIEW_KINDS.get(task.task_name, ReviewKind.COMMENT)
    drafts = document.draft_versions
    review = OutgoingReview(
        kind=kind,
        decision=outcome if kind != ReviewKind.OPINION else None,
        comment=(comment or "").strip() or None,
        version_number=drafts[-1].number if drafts else None,
        user_id=actor.id,
        unit_id=task.unit_id if kind == ReviewKind.OPINION and task.unit_id else actor.unit_id,
    )
    document.reviews.append(review)
    db.session.flush()
    verdict = {"approve": "đồng ý", "return": "trả lại"}.get(outcome or "", "góp ý")
    audit.record(actor, "outgoing.review", document, summary=f"{task.title}: {verdict}", changes={"kind": kind.value})
    return review


@engine.form_action("outgoing_record_review")
def record_review(actor: User, task, data: dict, outcome: str | None) -> dict:
    """Opinions, content approval (Điều 12.1), format check (Điều 12.2): the trail on the document page."""
    document = _document_for(task.agency_id, task.object_id)
    _record_review(actor, task, document, outcome, data.get("y_kien"))
    return {}


@engine.form_action("outgoing_sign_personal")
def sign_personal(actor: User, task, data: dict, outcome: str | None) -> dict:
    """Ký duyệt: the PIN opens the signer's key; returning instead records the reason."""
    document = _document_for(task.agency_id, task.object_id)
    if outcome != "sign":
        _record_review(actor, task, document, outcome, data.get("y_kien"))
        return {}
    return issuing.sign_document(actor, document, data.get("pin") or "", comment=data.get("y_kien"))


@engine.form_action("outgoing_resubmit")
def resubmit(actor: User, task, data: dict, outcome: str | None) -> dict:
    """Trình lại after a return: what the drafter changed (signer, unit, notation …) routes the next steps."""
    from app.outgoing.services import check_ready, workflow_data

    document = _document_for(task.agency_id, task.object_id)
    if document.status != OutgoingStatus.RETURNED:
        raise Conflict("Văn bản không ở bước chỉnh sửa dự thảo.", code="outgoing_not_returned")
    check_ready(document)
    fresh = workflow_data(document)
    fresh.pop("consult_unit_ids", None)  # opinions were asked once; a resubmission goes back to content review
    return fresh


@engine.form_action("outgoing_check_issue")
def check_issue(actor: User, task, data: dict, outcome: str | None) -> dict:
    """Everything the issue needs, checked while the clerk can still be told; the service task does the work."""
    document = _document_for(task.agency_id, task.object_id)
    issuing.check_issuable(actor, document, data)
    return {"issuer_id": actor.id}


# --- validators and data sources -----------------------------------------------------------------------------


@engine.form_validator("outgoing_return_comment")
def _return_comment(data: dict, outcome: str | None, agency_id: int) -> dict[str, str]:
    if outcome == "return" and not (data.get("y_kien") or "").strip():
        return {"y_kien": "Nhập ý kiến khi trả lại để người soạn thảo biết cần sửa gì."}
    return {}


@engine.form_validator("outgoing_sign_pin")
def _sign_pin(data: dict, outcome: str | None, agency_id: int) -> dict[str, str]:
    if outcome == "sign" and not (data.get("pin") or "").strip():
        return {"pin": "Nhập mã PIN của chứng thư số để ký."}
    return {}


@engine.form_validator("outgoing_issue")
def _issue(data: dict, outcome: str | None, agency_id: int) -> dict[str, str]:
    """The issue form's checks that need no document, said with the form's other faults (issuing.issue_problems)."""
    return issuing.issue_problems(None, data, agency_id)


@engine.data_source("outgoing_registers")
def _outgoing_registers(agency_id: int, options: dict) -> list[tuple[int, str]]:
    """The agency's sổ văn bản đi in use (NĐ 30/2020 Điều 15.1: as many as the head of the agency decides)."""
    from app.documents.queries import list_registers

    return [(r.id, r.name) for r in list_registers(agency_id, kind=RegisterKind.OUTGOING.value, active_only=True)]
