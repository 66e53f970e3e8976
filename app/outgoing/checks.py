"""Văn bản đi's consistency rules (`qlvb check`): the number, the signed and issued files and the status agree with
each other, with numbering and with the case's open steps.

NĐ 30/2020 Điều 13 (the signature), 15–16 (number, seal): signing writes the PREPARED and SIGNED versions with the
status in one transaction, issuing the number, the ISSUED version and the status in another (app.outgoing.issuing).
A step cut short must leave no document marked signed without its signed file, no number given to a document
that was not issued, no issued document without its original. (That each file named exists: app.maintenance.)
"""

from collections import defaultdict

import sqlalchemy as sa

from app.core.checks import Inconsistency
from app.core.db import db
from app.documents.models import NumberAssignment
from app.outgoing.models import OutgoingDocument, OutgoingStatus, OutgoingVersion, VersionStage
from app.workflow.checks import open_task_names

OBJECT_TYPE = "outgoing"
ISSUED = {OutgoingStatus.ISSUED, OutgoingStatus.RECALLED}
# The shipped procedure's steps (processes/outgoing.bpmn) that cannot be open while the document is in a status.
REVIEW_STEPS = {"give_opinion", "review_content", "check_format", "revise_draft"}
NOT_OPEN = {
    OutgoingStatus.SIGNING: {"issue_document"},
    OutgoingStatus.SIGNED: REVIEW_STEPS | {"approve_sign"},
    OutgoingStatus.ISSUED: REVIEW_STEPS | {"approve_sign", "issue_document"},
}


def _stages() -> dict[int, set[str]]:
    found: dict[int, set[str]] = defaultdict(set)
    for document_id, stage in db.session.execute(sa.select(OutgoingVersion.document_id, OutgoingVersion.stage)):
        found[document_id].add(stage)
    return found


def files_and_numbers_match_status() -> list[Inconsistency]:
    assignments = {
        a.object_id: a
        for a in db.session.scalars(sa.select(NumberAssignment).where(NumberAssignment.object_type == OBJECT_TYPE))
    }
    stages = _stages()
    problems = []
    columns = (
        OutgoingDocument.id,
        OutgoingDocument.status,
        OutgoingDocument.register_id,
        OutgoingDocument.number_year,
        OutgoingDocument.number,
        OutgoingDocument.signed_at,
    )
    for document_id, status, register_id, year, number, signed_at in db.session.execute(sa.select(*columns)):
        subject = f"outgoing_document {document_id}"

        def problem(message: str, rule: str = "outgoing.state") -> None:
            problems.append(Inconsistency(rule, subject, message))  # noqa: B023  (called in this iteration only)

        assignment = assignments.pop(document_id, None)
        if number is None and assignment is not None:
            problem(f"số {assignment.number}/{assignment.year} đã cấp nhưng văn bản không mang số", "outgoing.number")
        if number is not None and (
            assignment is None
            or (assignment.register_id, assignment.year, assignment.number) != (register_id, year, number)
        ):
            problem(f"số {number}/{year} không khớp sổ cấp số", "outgoing.number")
        has = stages.get(document_id, set())
        if status in ISSUED:
            if number is None:
                problem(f"trạng thái {status} nhưng chưa có số")
            if VersionStage.ISSUED not in has:
                problem(f"trạng thái {status} nhưng không có bản phát hành")
        else:
            if number is not None:
                problem(f"trạng thái {status} nhưng đã mang số {number}/{year}")
            if VersionStage.ISSUED in has:
                problem(f"trạng thái {status} nhưng đã có bản phát hành")
        if status in ISSUED | {OutgoingStatus.SIGNED} and (VersionStage.SIGNED not in has or signed_at is None):
            problem(f"trạng thái {status} nhưng không có bản đã ký")
    for object_id, assignment in assignments.items():
        message = f"số {assignment.number}/{assignment.year} cấp cho văn bản không tồn tại"
        problems.append(Inconsistency("outgoing.number", f"outgoing_document {object_id}", message))
    return problems


def status_matches_case() -> list[Inconsistency]:
    open_names = open_task_names(OBJECT_TYPE)
    problems = []
    for document_id, status in db.session.execute(sa.select(OutgoingDocument.id, OutgoingDocument.status)):
        wrong = open_names.get(str(document_id), set()) & NOT_OPEN.get(status, set())
        if wrong:
            message = f"trạng thái {status} nhưng bước {', '.join(sorted(wrong))} còn mở"
            problems.append(Inconsistency("outgoing.status", f"outgoing_document {document_id}", message))
    return problems


CHECKS = [files_and_numbers_match_status, status_matches_case]
