"""Use cases of văn bản đến that people start: receive (paper or electronic) and recall.

The steps in between (check, register, direct, handle) are the BPMN user tasks of processes/incoming.bpmn;
their domain effects are the operations in `operations.py`.
"""

import sqlalchemy as sa
from flask import current_app

from app.audit import services as audit
from app.core import clock
from app.core.db import db
from app.core.errors import NotFound, PermissionDenied, ValidationError
from app.core.locking import lock_name
from app.documents.models import Urgency
from app.documents.pages import count_pages
from app.documents.upload_policy import Screened, screen_received_pdf
from app.documents.uploads import Upload
from app.exchange.models import StatusCode
from app.exchange.services import record_status
from app.incoming import permissions
from app.incoming.intake import checked_intake, key_of
from app.incoming.models import Channel, IncomingDocument, IncomingFile, IncomingStatus
from app.incoming.relations import link_related
from app.org.models import Role, User
from app.signing.errors import NotAPdf
from app.workflow import services as workflow

PROCESS_ID = "incoming"
OBJECT_TYPE = "incoming"


def receive_incoming(
    actor: User | None,
    *,
    channel: Channel | str,
    metadata: dict,
    uploads: list[Upload],
    agency_id: int | None = None,
    message_id: str | None = None,
    relation: str | None = None,
    related_key: str | None = None,
) -> IncomingDocument:
    """Take in one document: checked, stored, signatures verified, procedure started — or refused whole.

    A clerk receives for their own agency; the system (`actor=None`) delivers electronic documents. The same
    message id is delivered once, however often it is retried (design.md §7). A document that updates, replaces
    or corrects an earlier one (`relation`, the earlier one's mã định danh `related_key`) is linked to the
    agency's copy of it (app.incoming.relations).
    """
    from app.signing.verify import verify_pdf, verify_pdf_report_dict  # pyHanko: imported on first use, not at start

    channel = Channel(channel)
    agency_id = agency_id or (actor.agency_id if actor else None)
    if actor is not None and (not actor.has_role(Role.CLERK) or actor.agency_id != agency_id):
        raise PermissionDenied("Chỉ văn thư của cơ quan được tiếp nhận văn bản đến.")
    if agency_id is None:
        raise ValidationError("Thiếu cơ quan nhận văn bản.", code="agency_required")
    if message_id:
        lock_name("incoming-delivery", agency_id, message_id)  # parallel retries: one inserts, the rest find it
        existing = db.session.scalar(
            sa.select(IncomingDocument).where(
                IncomingDocument.agency_id == agency_id, IncomingDocument.message_id == message_id
            )
        )
        if existing is not None:
            # Not a column: tells the caller (a clerk's file import) that nothing new was registered.
            existing.already_received = True
            return existing
    meta, uploads = checked_intake(metadata, uploads, paper=channel == Channel.PAPER)  # scans → one PDF (22.3.b)
    reports, screened = {}, {}
    for upload in uploads:
        if upload.content_type == "application/pdf" and not upload.digitised:
            # Seed 001 Điều 9.2, seed 004 Điều 14.3: active content refused or disarmed by the agency's policy.
            screened[id(upload)] = screen_received_pdf(upload.filename, upload.data, agency_id=agency_id)
            try:  # on the file as received: a disarmed copy no longer carries the signature
                reports[id(upload)] = verify_pdf(upload.data, agency_id=agency_id)
            except NotAPdf as exc:
                raise ValidationError(
                    f"Tệp “{upload.filename}” không phải PDF đọc được.",
                    code="not_a_pdf",
                    details={"files": exc.message},
                ) from exc

    store = current_app.extensions["qlvb.blobs"]
    key = key_of(meta, given=metadata.get("document_id"))
    # NĐ 30 Phụ lục VI Phần II.II field 10 (auto-filled): the pages of the main PDF, else what the sender wrote.
    main = next((u for u in uploads if u.is_main), None)
    meta["page_count"] = count_pages(main.data if main else None) or meta["page_count"]
    document = IncomingDocument(
        agency_id=agency_id,
        channel=channel.value,
        status=IncomingStatus.RECEIVED,
        message_id=message_id,
        document_key=key,
        arrived_at=clock.now(),
        created_by_id=actor.id if actor else None,
        **meta,
    )
    disarmed = []
    for upload in uploads:
        report = reports.get(id(upload))
        kept = screened.get(id(upload)) or Screened(upload.data)
        if kept.disarmed:
            disarmed.append(upload.filename)
        document.files.append(
            IncomingFile(
                sha256=store.put(kept.data),
                filename=upload.filename[:255],
                content_type=upload.content_type,
                size=len(kept.data),
                is_main=upload.is_main,
                signature_valid=report.valid if report is not None else None,
                signature_report=verify_pdf_report_dict(report) if report is not None else None,
                findings=kept.findings or None,
                disarmed=kept.disarmed,
                original_sha256=store.put(kept.original) if kept.original is not None else None,
            )
        )
    db.session.add(document)
    db.session.flush()
    link_related(document, relation, related_key)  # NĐ 30/2020 Điều 18.3
    audit.record(
        actor,
        "incoming.receive",
        document,
        summary=f"Tiếp nhận văn bản đến: {document.subject[:200]}",
        changes={
            "channel": channel.value,
            "sender": document.sender_name,
            "files": len(uploads),
            **({"relation": document.relation, "related_id": document.related_id} if document.relation else {}),
            **({"disarmed": disarmed} if disarmed else {}),
        },
    )
    if disarmed:
        audit.record(
            actor,
            "documents.pdf_disarmed",
            document,
            summary=f"Gỡ nội dung chủ động khỏi tệp: {', '.join(disarmed)[:400]}",
            changes={"files": disarmed},
        )
    if channel == Channel.ELECTRONIC:
        # NĐ 30/2020 Điều 21.2.c: tell the sender the same day that the document arrived (status 01).
        status_for_sender(document, StatusCode.ARRIVED, staff=actor)
    workflow.start_process(
        actor,
        PROCESS_ID,
        agency_id=agency_id,
        object_type=OBJECT_TYPE,
        object_id=str(document.id),
        title=title_of(document),
        urgent=Urgency(document.urgency).is_urgent,
        data=workflow_data(document),
    )
    return document


def title_of(document: IncomingDocument) -> str:
    head = f"{document.symbol} " if document.symbol else ""
    return f"{head}{document.sender_name}: {document.subject}"[:500]


def workflow_data(document: IncomingDocument) -> dict:
    """What the procedure's forms start from (JSON-safe): the metadata the clerk may still correct."""
    return {
        "document_id": document.id,
        "sender_code": document.sender_code,
        "sender_name": document.sender_name,
        "code_number": document.code_number,
        "code_notation": document.code_notation,
        "issued_date": document.issued_date.isoformat() if document.issued_date else None,
        "type_name": document.type_name,
        "subject": document.subject,
        "page_count": document.page_count,
        "signer_position": document.signer_position,
        "signer_name": document.signer_name,
        "urgency": document.urgency,
        "due_date": document.due_date.isoformat() if document.due_date else None,
        "paper_follows": document.paper_follows,
        "description": document.description,
        "signatures_valid": all(f.signature_valid for f in document.files if f.signature_valid is not None),
    }


def status_for_sender(document: IncomingDocument, code: StatusCode, *, staff=None, description: str | None = None):
    """Queue the status message owed to the sender (legal.md §4: 01–06, 15, 16): for an electronic document only —
    a paper one came by post and its sender takes no message (the page says "Không có (văn bản giấy)")."""
    if document.channel == Channel.PAPER:
        return None
    return record_status(
        from_agency_id=document.agency_id,
        to_organ_id=document.sender_code,
        to_organ_name=document.sender_name,
        document_key=document.document_key,
        object_type=OBJECT_TYPE,
        object_id=document.id,
        code=code,
        description=description,
        staff=staff,
    )


def get_document(actor: User, document_id: int) -> IncomingDocument:
    """A document the actor may see (app.incoming.permissions); any other answers 404, as another agency's does
    (design.md §8 tenancy: nobody learns that a document they may not see exists)."""
    document = db.session.get(IncomingDocument, document_id)
    if document is None or document.agency_id != actor.agency_id or not permissions.can_view(actor, document):
        raise NotFound("Không tìm thấy văn bản đến.", code="incoming_not_found")
    return document


def view_document(actor: User, document_id: int) -> IncomingDocument:
    """Open a document's page or file: viewing is audited."""
    document = get_document(actor, document_id)
    audit.record_view(actor, "incoming.view", document, summary=f"Xem văn bản đến số {document.arrival_label or '—'}")
    return document


def document_file(document: IncomingDocument, file_id: int) -> IncomingFile:
    """One file of the document, to be served: every route that sends a file's bytes goes through here.

    NĐ 30/2020 Điều 18.4.b, Phụ lục VI III.8.b: a recalled document is destroyed with its files; only the SHA-256 of
    each stays, in the record of the recall (app.incoming.destruction). Nothing of it is ever served.
    """
    from app.incoming.content import require_content  # destroyed with its dossiers: 410 content_destroyed

    require_content(document)
    item = db.session.get(IncomingFile, file_id)
    if item is None or item.document_id != document.id:
        raise NotFound("Không tìm thấy tệp.", code="file_not_found")
    if document.status == IncomingStatus.RECALLED:
        raise NotFound("Văn bản đã bị nơi gửi thu hồi, tệp của văn bản không còn được cung cấp.", code="file_recalled")
    return item


def file_content(document: IncomingDocument, file_id: int, *, original: bool = False) -> tuple[IncomingFile, bytes]:
    """A file's bytes as stored (disarmed, when the agency's upload policy disarmed it), or with `original` the file
    as received, active content and all: kept for the record (issue 15, app.documents.upload_policy) and only ever
    sent as a download. Pages and the API both ask here."""
    item = document_file(document, file_id)
    if original and not item.original_sha256:
        raise NotFound("Tệp này không có bản gốc khác bản đang lưu.", code="no_original")
    return item, current_app.extensions["qlvb.blobs"].read(item.original_sha256 if original else item.sha256)


def status_file(actor: User, document_id: int, status_id: int) -> tuple[str, bytes]:
    """A status message owed to a sender that no connector reaches, as a signed .edxml file the clerk sends by hand
    (seed 000 Điều 15.3: the sender learns the same day that its document arrived; legal.md §4.5)."""
    from app.exchange.handlers import status_package
    from app.exchange.models import StatusMessage

    document = get_document(actor, document_id)
    if not permissions.can_send_status_by_hand(actor, document):
        raise PermissionDenied("Chỉ văn thư của cơ quan được tải thông điệp trạng thái để gửi.")
    message = db.session.get(StatusMessage, status_id)
    if message is None or message.object_type != OBJECT_TYPE or message.object_id != str(document.id):
        raise NotFound("Không tìm thấy thông điệp trạng thái.", code="status_message_not_found")
    if not message.document_key:
        raise ValidationError(
            "Văn bản không có mã định danh của nơi gửi: không lập được thông điệp trạng thái.",
            code="no_document_key",
        )
    data = status_package(message)
    audit.record(
        actor,
        "incoming.export_status",
        document,
        summary=f"Tải thông điệp trạng thái {message.code} gửi {document.sender_name}",
        changes={"status": message.id, "code": message.code},
    )
    return f"trang-thai-{message.code}-{document.id}-{message.id}.edxml", data
