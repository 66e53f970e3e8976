"""Use cases of văn bản đi that people start: draft, upload, submit, comment, cancel, read.

The steps in between (opinions, content and format review, approval and signature, number, seal and issue,
dispatch) are the BPMN tasks of processes/outgoing.bpmn; their domain effects are in `operations.py` and
`issuing.py`; recall is in `recall.py`, delivery in `dispatch.py`, what follows the issue (statuses, resend, the
external package, related documents) in `tracking.py`. Every function takes the acting user first and
only flushes: the caller's unit of work commits (style.md).
"""

import sqlalchemy as sa

from app.audit import services as audit
from app.core.db import db
from app.core.errors import Conflict, NotFound, PermissionDenied, ValidationError
from app.core.locking import lock_row
from app.documents.models import RegisterKind, Urgency
from app.documents.services import register_for_type
from app.documents.uploads import Upload
from app.org.models import User
from app.outgoing import content, files, layout
from app.outgoing.metadata import COLUMNS, clean_outgoing_metadata, metadata_of
from app.outgoing.models import (
    OutgoingAttachment,
    OutgoingDocument,
    OutgoingRecipient,
    OutgoingReview,
    OutgoingStatus,
    OutgoingVersion,
    ReviewKind,
    VersionStage,
)
from app.outgoing.notices import tell_drafter
from app.outgoing.permissions import (
    EDITABLE,
    can_comment,
    can_draft,
    can_view,
    cancellable_states,
    is_frozen,
    may_cancel,
    reviewer_step,
)
from app.outgoing.queries import default_place
from app.outgoing.relations import check_relation
from app.outgoing.states import STATES
from app.workflow import queries as wf_queries
from app.workflow import services as workflow
from app.workflow.models import HumanTask, InstanceStatus, TaskState, WorkflowInstance

# OutgoingReview.decision of a reviewer's corrected version (beside approve | return).
REVISED = "revise"

__all__ = [
    "add_attachment",
    "add_comment",
    "attachment_file",
    "cancel",
    "clean_outgoing_metadata",
    "create_draft",
    "get_document",
    "remove_attachment",
    "revise_as_reviewer",
    "submit",
    "update_draft",
    "upload_version",
    "version_file",
    "view_document",
]

PROCESS_ID = "outgoing"
OBJECT_TYPE = "outgoing"


# --- reading ------------------------------------------------------------------------------------------


def get_document(actor: User, document_id: int) -> OutgoingDocument:
    """A document the actor may see; another agency's (or a colleague's unsent draft) answers 404 (design.md §8)."""
    document = db.session.get(OutgoingDocument, document_id)
    if document is None or not can_view(actor, document):
        raise NotFound("Không tìm thấy văn bản đi.", code="outgoing_not_found")
    return document


def view_document(actor: User, document_id: int) -> OutgoingDocument:
    """Open a document's page: viewing is audited."""
    document = get_document(actor, document_id)
    audit.record_view(actor, "outgoing.view", document, summary=f"Xem văn bản đi {label_of(document)}")
    return document


def version_file(actor: User, document_id: int, version_id: int) -> tuple[OutgoingVersion, bytes]:
    document = get_document(actor, document_id)
    content.require_content(document)  # destroyed with its dossiers: 410 content_destroyed
    version = db.session.get(OutgoingVersion, version_id)
    if version is None or version.document_id != document.id:
        raise NotFound("Không tìm thấy phiên bản.", code="version_not_found")
    return version, files.read(version.sha256)


def attachment_file(
    actor: User, document_id: int, attachment_id: int, *, signed: bool = True
) -> tuple[OutgoingAttachment, bytes]:
    """An attachment as issued (organization-signed) when there is such a file, else as uploaded."""
    document = get_document(actor, document_id)
    content.require_content(document)
    attachment = db.session.get(OutgoingAttachment, attachment_id)
    if attachment is None or attachment.document_id != document.id:
        raise NotFound("Không tìm thấy tệp kèm theo.", code="attachment_not_found")
    digest = attachment.signed_sha256 if signed and attachment.signed_sha256 else attachment.sha256
    return attachment, files.read(digest)


def label_of(document: OutgoingDocument) -> str:
    return document.symbol or f"“{document.subject[:80]}”"


def title_of(document: OutgoingDocument) -> str:
    return f"{document.type_name}: {document.subject}"[:500]


# --- drafts -------------------------------------------------------------------------------------------


def create_draft(
    actor: User, *, metadata: dict, upload: Upload | None = None, attachments: list[Upload] = ()
) -> OutgoingDocument:
    """Start a draft (NĐ 30/2020 Điều 10.2: the drafter puts the draft into the System with its information)."""
    if not can_draft(actor):
        raise PermissionDenied("Bạn không có quyền soạn văn bản đi.")
    raw = dict(metadata)
    if raw.get("drafting_unit_id") in (None, ""):
        raw["drafting_unit_id"] = actor.unit_id
    meta = clean_outgoing_metadata(raw, actor.agency_id, actor=actor)
    if not meta["place"]:  # the date line needs its place before the signature (NĐ 30/2020 Phụ lục I, II.4)
        meta["place"] = default_place(actor.agency_id)
    prepared = files.prepare_draft_file(upload) if upload is not None else None
    for item in attachments:
        files.check_attachment(item)
    document = OutgoingDocument(agency_id=actor.agency_id, status=OutgoingStatus.DRAFT, drafter_id=actor.id)
    _apply(document, meta)
    db.session.add(document)
    db.session.flush()
    if prepared is not None:
        _store_draft(document, upload, prepared, actor, note=None)
    for item in attachments:
        files.add_attachment_row(document, item, actor.id)
    db.session.flush()
    audit.record(
        actor,
        "outgoing.create",
        document,
        summary=f"Soạn văn bản đi: {document.type_name} {document.subject[:200]}",
        changes={"type": document.type_code, "files": int(upload is not None) + len(attachments)},
    )
    return document


def _apply(document: OutgoingDocument, meta: dict) -> None:
    for field in ("type_name", *COLUMNS):
        setattr(document, field, meta[field])
    document.recipients = [
        OutgoingRecipient(kind=r.kind.value, name=r.name[:255], code=r.code, agency_id=r.agency_id, unit_id=r.unit_id)
        for r in meta["recipients"]
    ]


def _store_draft(document, upload: Upload, prepared: tuple[bytes, bytes | None], actor: User, note) -> OutgoingVersion:
    pdf, source = prepared
    return files.add_version(
        document,
        pdf,
        filename=files.pdf_name(upload.filename) if source is not None else upload.filename,
        stage=VersionStage.DRAFT,
        actor_id=actor.id,
        source=source,
        source_filename=upload.filename if source is not None else None,
        note=note,
    )


def lock_document(document_id: int) -> OutgoingDocument:
    """Re-read the document under a lock held to commit."""
    busy = Conflict("Văn bản đang được người khác xử lý, vui lòng thử lại.", code="outgoing_busy")
    document = lock_row(OutgoingDocument, document_id, busy=busy, touch="status")
    if document is None:
        raise NotFound("Không tìm thấy văn bản đi.", code="outgoing_not_found")
    return document


def refuse_frozen(document: OutgoingDocument) -> None:
    """Refuse any change to a recalled document, with one stable code for every action (permissions.is_frozen)."""
    if is_frozen(document):  # NĐ 30 Phụ lục VI III.8.a: đóng băng văn bản đi và dữ liệu đặc tả khi thu hồi
        raise Conflict(
            "Văn bản đã bị thu hồi: văn bản và dữ liệu đặc tả được đóng băng, không thể thay đổi.",
            code="outgoing_recalled",
        )


def _check_editable(actor: User, document_id: int, *, lock: bool) -> OutgoingDocument:
    """The drafter's own draft, not submitted or returned. Check once unlocked before slow work on files
    (a DOCX conversion must not hold the document's lock), then again under the lock."""
    document = get_document(actor, document_id)
    refuse_frozen(document)
    if document.drafter_id != actor.id:  # permissions.can_edit: the drafter's own draft, in an EDITABLE state
        raise PermissionDenied("Chỉ người soạn thảo được sửa dự thảo.", code="not_drafter")
    if lock:
        document = lock_document(document.id)
    if document.status not in EDITABLE:
        raise Conflict("Chỉ sửa được dự thảo chưa trình hoặc đã bị trả lại.", code="outgoing_not_editable")
    return document


def _editable_by_drafter(actor: User, document_id: int) -> OutgoingDocument:
    return _check_editable(actor, document_id, lock=True)


def update_draft(actor: User, document_id: int, *, metadata: dict) -> OutgoingDocument:
    """Change the draft's fields; keys not given keep their values (so a partial API payload works)."""
    document = _editable_by_drafter(actor, document_id)
    before = metadata_of(document)
    meta = clean_outgoing_metadata(
        {**before, **metadata},
        document.agency_id,
        actor=actor,
        kept_reply_to=document.reply_to_id,
        kept_dues={"reply_due": document.reply_due, "consult_due": document.consult_due},
    )
    _apply(document, meta)
    db.session.flush()
    after = metadata_of(document)
    changes = {k: [str(before.get(k)), str(after.get(k))] for k in after if before.get(k) != after.get(k)}
    audit.record(actor, "outgoing.update", document, summary="Sửa thông tin dự thảo văn bản đi", changes=changes)
    return document


def upload_version(actor: User, document_id: int, upload: Upload, *, note: str | None = None) -> OutgoingVersion:
    """A new numbered draft (lần n): DOCX is converted to PDF for signing, the DOCX kept as its source.

    The drafter uploads while the draft is theirs; the content reviewer and the clerk checking the format upload
    a corrected version, with a comment, while the document is at their step (`revise_as_reviewer`).
    """
    document = get_document(actor, document_id)
    if reviewer_step(actor, document) is not None:
        return revise_as_reviewer(actor, document, upload, note=note)
    _check_editable(actor, document_id, lock=False)
    prepared = files.prepare_draft_file(upload)
    document = _editable_by_drafter(actor, document_id)
    version = _store_draft(document, upload, prepared, actor, note)
    db.session.flush()
    audit.record(
        actor,
        "outgoing.upload_version",
        document,
        summary=f"Tải lên dự thảo lần {version.number}: {version.filename}",
        changes={"version": version.number, "sha256": version.sha256},
    )
    return version


def revise_as_reviewer(actor: User, document: OutgoingDocument, upload: Upload, *, note: str | None) -> OutgoingVersion:
    """A reviewer's corrected draft (NĐ 30 Phụ lục VI III.1.n: "truy cập, chỉnh sửa, chuyển lại dự thảo").

    The comment says what was changed and is required; the draft must keep the layout the signing step needs (it
    was checked when the drafter submitted). The earlier versions stay: the history shows who uploaded each.
    """
    text = (note or "").strip()
    if not text or len(text) > 1000:
        message = "Nhập nội dung đã chỉnh sửa (tối đa 1000 ký tự)."
        raise ValidationError(message, code="comment_required", details={"note": message})
    pdf, source = files.prepare_draft_file(upload)  # a DOCX conversion runs before the lock is taken
    found = layout.check(
        pdf, signer_name=document.signer.full_name if document.signer else None, notation=document.notation
    )
    if found.problems:
        message = "Bản chỉnh sửa chưa đúng thể thức để ký: " + " ".join(found.problems.values())
        raise ValidationError(message, code="draft_layout", details=found.problems)
    document = lock_document(document.id)
    task = reviewer_step(actor, document)
    if task is None:
        raise Conflict("Dự thảo không còn ở bước duyệt của bạn.", code="outgoing_not_at_your_step")
    version = _store_draft(document, upload, (pdf, source), actor, text)
    kind = ReviewKind.CONTENT if task.task_name == "review_content" else ReviewKind.FORMAT
    document.reviews.append(
        OutgoingReview(
            kind=kind,
            decision=REVISED,
            comment=text,
            version_number=version.number,
            user_id=actor.id,
            unit_id=actor.unit_id,
        )
    )
    db.session.flush()
    audit.record(
        actor,
        "outgoing.revise_draft",
        document,
        summary=f"{task.title}: tải lên bản chỉnh sửa lần {version.number} — {text[:200]}",
        changes={"version": version.number, "sha256": version.sha256, "step": task.task_name},
    )
    return version


def add_attachment(actor: User, document_id: int, upload: Upload) -> OutgoingAttachment:
    _check_editable(actor, document_id, lock=False)
    files.check_attachment(upload)
    document = _editable_by_drafter(actor, document_id)
    attachment = files.add_attachment_row(document, upload, actor.id)
    db.session.flush()
    audit.record(actor, "outgoing.add_attachment", document, summary=f"Thêm tệp kèm theo “{attachment.filename}”")
    return attachment


def remove_attachment(actor: User, document_id: int, attachment_id: int) -> None:
    document = _editable_by_drafter(actor, document_id)
    attachment = next((a for a in document.attachments if a.id == attachment_id), None)
    if attachment is None:
        raise NotFound("Không tìm thấy tệp kèm theo.", code="attachment_not_found")
    document.attachments.remove(attachment)
    db.session.flush()
    audit.record(actor, "outgoing.remove_attachment", document, summary=f"Bỏ tệp kèm theo “{attachment.filename}”")


# --- the procedure ------------------------------------------------------------------------------------


def workflow_data(document: OutgoingDocument) -> dict:
    """What the procedure's forms and routing start from (JSON-safe)."""
    register = register_for_type(document.agency_id, RegisterKind.OUTGOING, document.type_code)
    return {
        "document_id": document.id,
        "drafter_id": document.drafter_id,
        "signer_id": document.signer_id,
        "drafting_unit_id": document.drafting_unit_id,
        "consult_unit_ids": list(document.consult_unit_ids or []),
        "consult_due": document.consult_due.isoformat() if document.consult_due else None,
        "type_code": document.type_code,
        "type_name": document.type_name,
        "subject": document.subject,
        "urgency": document.urgency,
        "notation": document.notation,
        "register_id": register.id,
        "place": document.place,
    }


def open_task(document: OutgoingDocument, task_name: str) -> HumanTask | None:
    return db.session.scalar(
        sa.select(HumanTask).where(
            HumanTask.object_type == OBJECT_TYPE,
            HumanTask.object_id == str(document.id),
            HumanTask.task_name == task_name,
            HumanTask.state.in_([TaskState.READY, TaskState.CLAIMED]),
        )
    )


def instance_of(document: OutgoingDocument) -> WorkflowInstance | None:
    return wf_queries.instance_for(OBJECT_TYPE, document.id)


def submit(actor: User, document_id: int) -> OutgoingDocument:
    """Trình: start the procedure on a draft, or send a returned draft back to review (the drafter's task)."""
    document = get_document(actor, document_id)
    refuse_frozen(document)
    if document.drafter_id != actor.id:
        raise PermissionDenied("Chỉ người soạn thảo được trình dự thảo.", code="not_drafter")
    if document.status == OutgoingStatus.RETURNED:
        check_layout(document)
        task = open_task(document, "revise_draft")
        if task is None:
            raise Conflict("Không tìm thấy bước chỉnh sửa dự thảo của văn bản.", code="outgoing_not_returned")
        workflow.complete_task(actor, task.id, {}, outcome="resubmit")
        db.session.refresh(document)
        return document
    document = lock_document(document.id)
    if document.status != OutgoingStatus.DRAFT:
        raise Conflict("Văn bản đã được trình.", code="outgoing_already_submitted")
    check_ready(document)
    workflow.start_process(
        actor,
        PROCESS_ID,
        agency_id=document.agency_id,
        object_type=OBJECT_TYPE,
        object_id=str(document.id),
        title=title_of(document),
        urgent=Urgency(document.urgency).is_urgent,
        data=workflow_data(document),
    )
    audit.record(actor, "outgoing.submit", document, summary=f"Trình dự thảo văn bản đi: {document.subject[:200]}")
    db.session.refresh(document)
    return document


PLACE_REQUIRED = "Nhập địa danh cho dòng “Địa danh, ngày … tháng … năm …” của văn bản, ví dụ Rạch Giá."


def check_ready(document: OutgoingDocument) -> None:
    """Everything the procedure needs, checked again now: people, units and agencies may have changed."""
    clean_outgoing_metadata(metadata_of(document), document.agency_id)
    problems = {}
    if not document.draft_versions:
        problems["file"] = "Chưa có tệp dự thảo."
    if document.signer_id is None:
        problems["signer_id"] = "Chọn người ký văn bản."
    if not (document.place or "").strip():  # NĐ 30/2020 Phụ lục I, Phần I, II.4.a: "Địa danh, ngày … tháng … năm …"
        problems["place"] = PLACE_REQUIRED
    if problems:
        raise ValidationError("Dự thảo chưa đủ thông tin để trình.", code="outgoing_incomplete", details=problems)
    check_relation(document)  # NĐ 30/2020 Điều 18.3
    check_layout(document)


def draft_layout(document: OutgoingDocument) -> layout.Layout | None:
    """What the drafter is told about the newest draft's layout while he may still change it."""
    return layout.of_document(document) if document.status in EDITABLE else None


def check_layout(document: OutgoingDocument) -> None:
    """Trình only a draft the signing and issuing steps can place their fields and signature on."""
    found = layout.of_document(document)
    if found is not None and found.problems:
        message = "Dự thảo chưa đúng thể thức để trình: " + " ".join(found.problems.values())
        raise ValidationError(message, code="draft_layout", details=found.problems)


def add_comment(actor: User, document_id: int, comment: str) -> OutgoingReview:
    """A free comment on the draft (NĐ 30/2020 Điều 10.3: opinions on the draft in the System)."""
    document = get_document(actor, document_id)
    text = (comment or "").strip()
    if not text or len(text) > 4000:
        message = "Nhập ý kiến (tối đa 4000 ký tự)."
        raise ValidationError(message, code="comment_required", details={"comment": message})
    refuse_frozen(document)
    if document.status == OutgoingStatus.CANCELLED:
        raise Conflict("Văn bản đã hủy.", code="outgoing_cancelled")
    if not can_comment(document):  # the page offers comments only then: one rule for both
        raise Conflict("Văn bản đã ký, không nhận thêm góp ý về dự thảo.", code="outgoing_not_commentable")
    review = OutgoingReview(
        kind=ReviewKind.COMMENT,
        comment=text,
        version_number=document.draft_versions[-1].number if document.draft_versions else None,
        user_id=actor.id,
        unit_id=actor.unit_id,
    )
    document.reviews.append(review)
    db.session.flush()
    audit.record(actor, "outgoing.comment", document, summary=f"Góp ý dự thảo: {text[:200]}")
    return review


def cancel(actor: User, document_id: int, reason: str) -> OutgoingDocument:
    """Abandon a document before it is issued; its procedure stops and its tasks leave every inbox."""
    document = get_document(actor, document_id)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError("Nhập lý do hủy.", code="reason_required", details={"reason": "Nhập lý do hủy."})
    refuse_frozen(document)
    allowed = cancellable_states(actor)
    if not may_cancel(actor, document):
        raise PermissionDenied("Chỉ người soạn thảo, văn thư hoặc lãnh đạo được hủy văn bản.", code="cannot_cancel")
    if document.status not in allowed:
        raise Conflict("Không hủy được văn bản ở trạng thái này.", code="outgoing_not_cancellable")
    instance = instance_of(document)
    if instance is not None and instance.status not in (InstanceStatus.COMPLETED, InstanceStatus.CANCELLED):
        # The instance first, then the document: the order a task completion takes its locks in.
        workflow.cancel_instance(None, instance.id, f"{actor.full_name} hủy văn bản: {reason}"[:500])
    document = lock_document(document.id)
    if document.status not in allowed:
        raise Conflict("Không hủy được văn bản ở trạng thái này.", code="outgoing_not_cancellable")
    previous = STATES.move(document, OutgoingStatus.CANCELLED)
    db.session.flush()
    audit.record(
        actor,
        "outgoing.cancel",
        document,
        summary=f"Hủy văn bản đi: {reason[:300]}",
        changes={"status": [previous, OutgoingStatus.CANCELLED.value], "reason": reason[:1000]},
    )
    tell_drafter(
        document,
        actor,
        kind="outgoing_cancelled",
        title=f"{actor.full_name} hủy văn bản: {document.subject}",
        body=reason,
    )
    return document
