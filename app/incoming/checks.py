"""Văn bản đến's consistency rules (`qlvb check`): a document's số đến is the one numbering recorded for it, and its
status agrees with the steps its case has open.

NĐ 30/2020 Điều 22.2: the số đến is taken when the clerk registers the document (steps.register_incoming, in the
step's transaction). A registration cut short must leave neither a number without its document nor a document
that moved on without its number.
"""

import sqlalchemy as sa

from app.core.checks import Inconsistency
from app.core.db import db
from app.documents.models import NumberAssignment
from app.incoming.models import IncomingDocument, IncomingStatus
from app.workflow.checks import open_task_names

OBJECT_TYPE = "incoming"
NUMBERED = {IncomingStatus.REGISTERED, IncomingStatus.DIRECTED, IncomingStatus.HANDLING, IncomingStatus.COMPLETED}
# The shipped procedure's steps (processes/incoming.bpmn) that cannot be open while the document is in a status.
BEFORE_REGISTRATION = {"check_document", "register_document"}
AFTER_REGISTRATION = {"direct_handling", "assign_specialist", "handle_document", "give_opinion", "confirm_read"}
NOT_OPEN = {
    IncomingStatus.RECEIVED: AFTER_REGISTRATION,
    IncomingStatus.REGISTERED: BEFORE_REGISTRATION | {"assign_specialist", "handle_document", "give_opinion"},
    IncomingStatus.DIRECTED: BEFORE_REGISTRATION,
    IncomingStatus.HANDLING: BEFORE_REGISTRATION | {"direct_handling"},
    IncomingStatus.COMPLETED: BEFORE_REGISTRATION | {"direct_handling", "assign_specialist", "handle_document"},
}


def numbers_match_documents() -> list[Inconsistency]:
    assignments = {
        a.object_id: a
        for a in db.session.scalars(sa.select(NumberAssignment).where(NumberAssignment.object_type == OBJECT_TYPE))
    }
    problems = []
    rows = db.session.execute(
        sa.select(
            IncomingDocument.id,
            IncomingDocument.status,
            IncomingDocument.register_id,
            IncomingDocument.arrival_year,
            IncomingDocument.arrival_number,
        )
    )
    for document_id, status, register_id, year, number in rows:
        subject = f"incoming_document {document_id}"
        assignment = assignments.pop(document_id, None)
        if number is None:
            if assignment is not None:
                message = f"số đến {assignment.number}/{assignment.year} đã cấp nhưng văn bản không mang số"
                problems.append(Inconsistency("incoming.number", subject, message))
            if status in NUMBERED:
                problems.append(Inconsistency("incoming.number", subject, f"trạng thái {status} nhưng chưa có số đến"))
        elif assignment is None or (assignment.register_id, assignment.year, assignment.number) != (
            register_id,
            year,
            number,
        ):
            message = f"số đến {number}/{year} không khớp sổ cấp số"
            problems.append(Inconsistency("incoming.number", subject, message))
    for object_id, assignment in assignments.items():
        message = f"số đến {assignment.number}/{assignment.year} cấp cho văn bản không tồn tại"
        problems.append(Inconsistency("incoming.number", f"incoming_document {object_id}", message))
    return problems


def status_matches_case() -> list[Inconsistency]:
    open_names = open_task_names(OBJECT_TYPE)
    problems = []
    for document_id, status in db.session.execute(sa.select(IncomingDocument.id, IncomingDocument.status)):
        wrong = open_names.get(str(document_id), set()) & NOT_OPEN.get(status, set())
        if wrong:
            message = f"trạng thái {status} nhưng bước {', '.join(sorted(wrong))} còn mở"
            problems.append(Inconsistency("incoming.status", f"incoming_document {document_id}", message))
    return problems


CHECKS = [numbers_match_documents, status_matches_case]
