"""What app.incoming answers: the exchange handing it a package or a recall request (app.exchange.delivery), and a
handling step handed to another person (app.workflow)."""

import sqlalchemy as sa

from app.core import clock
from app.core.db import db
from app.core.signals import task_reassigned, tasks_created
from app.documents.uploads import Upload
from app.exchange.delivery import package_arrived, recall_by_key_requested, recall_requested, status_arrived
from app.exchange.edxml import Package
from app.exchange.models import StatusCode
from app.incoming import permissions, recall
from app.incoming.models import AssignmentKind, IncomingDocument, IncomingStatus
from app.incoming.services import receive_incoming


def receive_package(package: Package, *, actor, agency_id: int | None, message_id: str | None) -> IncomingDocument:
    """An electronic document: the package's header is the metadata, its attachments the files (the first the
    main one)."""
    uploads = [Upload(name, data, is_main=(i == 0)) for i, (name, data) in enumerate(package.uploads)]
    return receive_incoming(
        actor,
        channel="electronic",
        metadata=package.metadata,
        uploads=uploads,
        agency_id=agency_id,
        message_id=message_id,
        relation=package.relation,  # an update, replacement or correction (BussinessDocType 2, 3)
        related_key=package.related_key,
    )


def recall_delivered(message_id: str, *, agency_id: int, note: str) -> bool:
    """The sender's 13 (Lấy lại) for the document its message delivered here, if it is here."""
    document_id = db.session.scalar(
        sa.select(IncomingDocument.id).where(
            IncomingDocument.agency_id == agency_id, IncomingDocument.message_id == message_id
        )
    )
    if document_id is None:
        return False
    recall.request_recall(None, document_id, note=note)
    return True


def recall_by_key(document_key: str, *, sender_code: str, agency_id: int | None, note: str) -> bool:
    """The sender's recall (a BussinessDocType 1 package, or a 13 status from another system) of the document it
    sent under `document_key` (its mã định danh văn bản): a recall request on each such document here (of
    `agency_id`, or of any agency when None). False when there is none; a Conflict when there is nothing to ask."""
    query = sa.select(IncomingDocument.id).where(
        IncomingDocument.document_key == document_key,
        IncomingDocument.sender_code == sender_code,
        IncomingDocument.status != IncomingStatus.RECALLED,
    )
    if agency_id is not None:
        query = query.where(IncomingDocument.agency_id == agency_id)
    document_ids = list(db.session.scalars(query.order_by(IncomingDocument.id)))
    for document_id in document_ids:
        recall.request_recall(None, document_id, note=note)
    return bool(document_ids)


def recall_status_arrived(data, *, agency_id: int | None = None, **_extra) -> bool:
    """A 13 (Lấy lại) status from another system: the same request as a recall package (legal.md §4.5), for the
    agency named (a clerk's file import) or whichever agency here holds the document (the connector)."""
    if data.code != StatusCode.RECALL_REQUESTED:
        return False
    note = data.description or "Nơi gửi yêu cầu lấy lại văn bản"
    return recall_by_key(data.response_for_key, sender_code=data.from_code, agency_id=agency_id, note=note)


def follow_reassigned_task(task, *, previous_id: int | None, target) -> None:
    """A handling step handed to someone else (a colleague standing in, a deactivated person's work handed over):
    the document's lead or coordinating assignment that named the previous holder names the new one, so the
    document page, the handler's permissions and the reports follow the task (NĐ 30 Điều 24: who handles is
    recorded)."""
    if task.object_type != "incoming" or previous_id is None or task.task_name not in permissions.HANDLING_TASKS:
        return
    document = db.session.get(IncomingDocument, int(task.object_id))
    if document is None:
        return
    lead = task.task_name in permissions.LEAD_TASKS
    for assignment in document.assignments:
        if assignment.user_id == previous_id and (assignment.kind == AssignmentKind.LEAD) == lead:
            assignment.user_id = target.id
            if lead:
                document.lead_user_id = target.id
            db.session.flush()
            break


def keep_default_deadlines(object_type: str, *, tasks) -> None:
    """A handling step the leader gave no date (no "Hạn giải quyết", no reply date from the sender) gets the
    deadline its process sets (the step's `sla`, e.g. 5 working days; for a văn bản khẩn the agency's urgent one):
    that date becomes the assignment's and, for the lead, the document's "Hạn giải quyết" (NĐ 30/2020 Phụ lục VI
    III.1.l), so the document page, the reports, the overdue filter and an extension request all know it."""
    if object_type != "incoming":
        return
    from app.incoming.handling import assignment_of

    for task in tasks:
        if task.task_name not in permissions.HANDLING_TASKS or task.due_at is None:
            continue
        document = db.session.get(IncomingDocument, int(task.object_id))
        assignment = assignment_of(document, task) if document is not None else None
        if assignment is None or assignment.due_date is not None:
            continue
        assignment.due_date = clock.to_local(task.due_at).date()
        if assignment.kind == AssignmentKind.LEAD and document.handling_due is None:
            document.handling_due = assignment.due_date


RECEIVERS = [
    (package_arrived, receive_package),
    (recall_requested, recall_delivered),
    (recall_by_key_requested, recall_by_key),
    (status_arrived, recall_status_arrived),
    (task_reassigned, follow_reassigned_task),
    (tasks_created, keep_default_deadlines),
]  # app.incoming.MODULE
