"""What the people handling an incoming document do beside completing their step: ask for more time (gia hạn),
give the document back to their unit leader (trả lại), record progress (cập nhật tiến độ) — the actions a VNPT
iOffice user expects — and the decisions their leaders take on them.

Seed 000 Điều 18 (giải quyết và theo dõi, đôn đốc), NĐ 30/2020 Điều 24: each assignee works to their own deadline
(app.incoming.steps.direct_incoming); a leader may move it, and the history of every request stays. Each use case
takes the actor first, only flushes (the caller's unit of work commits) and records an audit event.
"""

from datetime import UTC, date, datetime, timedelta

import sqlalchemy as sa

from app.audit import services as audit
from app.core import clock
from app.core.db import db
from app.core.errors import Conflict, NotFound, PermissionDenied, ValidationError
from app.incoming import permissions
from app.incoming.models import AssignmentKind, IncomingAssignment, IncomingDocument, IncomingStatus
from app.incoming.models_handling import ExtensionStatus, IncomingExtension, IncomingNote, NoteKind
from app.incoming.notices import tell
from app.incoming.services import get_document
from app.org import queries as org_queries
from app.org.models import Role, User
from app.sla.calendar import deadline_problem
from app.workflow.models import HumanTask, TaskState

OPEN = (IncomingStatus.DIRECTED, IncomingStatus.HANDLING)


def _today() -> date:
    return clock.to_local(clock.now()).date()


def _open_document(actor: User, document_id: int) -> IncomingDocument:
    document = get_document(actor, document_id)
    if document.status not in OPEN:
        raise Conflict("Văn bản không còn trong quá trình giải quyết.", code="incoming_not_in_handling")
    return document


def _acting_task(actor: User, document: IncomingDocument) -> HumanTask:
    task = permissions.handling_task(actor, document)
    if task is None:
        raise PermissionDenied(
            "Chỉ người đang được giao giải quyết hoặc phối hợp văn bản mới thực hiện được thao tác này.",
            code="not_handling",
        )
    return task


def assignment_of(document: IncomingDocument, task: HumanTask) -> IncomingAssignment | None:
    """The assignment a handling step works for: the lead's, or the coordinating person's or unit's."""
    if task.task_name in permissions.LEAD_TASKS:
        return next((a for a in document.assignments if a.kind == AssignmentKind.LEAD), None)
    coordinating = [a for a in document.assignments if a.kind == AssignmentKind.COORDINATE]
    by_person = [a for a in coordinating if a.user_id is not None and a.user_id == task.assignee_id]
    by_unit = [a for a in coordinating if a.unit_id is not None and a.unit_id == task.unit_id]
    return (by_person or by_unit or [None])[0]


def _tasks_of(document: IncomingDocument, assignment: IncomingAssignment) -> list[HumanTask]:
    return [
        t
        for t in permissions.open_handling_tasks(document, permissions.HANDLING_TASKS)
        if assignment_of(document, t) is assignment
    ]


def _end_of_day(agency_id: int, day: date) -> datetime:
    """A deadline date as an instant: the end of office hours on that day, or on the first working day after it
    (BLDS 2015 Điều 148.5) — how the engine reads a `due` date (app.workflow.runtime)."""
    from app.sla.calendar import calendar_for

    noon_before = datetime(day.year, day.month, day.day, 12, tzinfo=clock.LOCAL_TZ) - timedelta(days=1)
    return calendar_for(agency_id).end_of_working_day(noon_before, 1).astimezone(UTC)


def _who(assignment: IncomingAssignment) -> str:
    parts = [assignment.unit.name if assignment.unit else None, assignment.user.full_name if assignment.user else None]
    return " — ".join(p for p in parts if p) or "người được giao"


# --- Gia hạn --------------------------------------------------------------------------------------------------


def request_extension(actor: User, document_id: int, *, reason: str, proposed_date: date | None) -> IncomingExtension:
    """Ask for a later deadline for one's own assignment, with a reason; the leader decides."""
    document = _open_document(actor, document_id)
    task = _acting_task(actor, document)
    assignment = assignment_of(document, task)
    if assignment is None:
        raise Conflict("Không tìm thấy phân công của bạn trong văn bản này.", code="assignment_not_found")
    reason = (reason or "").strip()
    problems = {}
    if len(reason) < 3:
        problems["reason"] = "Nhập lý do xin gia hạn."
    elif len(reason) > 1000:
        problems["reason"] = "Lý do quá dài (tối đa 1000 ký tự)."
    if proposed_date is None:
        problems["proposed_date"] = "Chọn ngày đề nghị gia hạn đến."
    elif problem := deadline_problem(proposed_date, document.agency_id, what="Ngày đề nghị"):
        problems["proposed_date"] = problem  # not past, not a day off: the rule of every deadline a person sets
    elif proposed_date > _today() + timedelta(days=3 * 366):
        problems["proposed_date"] = "Ngày đề nghị quá xa (tối đa 3 năm)."
    elif assignment.due_date is not None and proposed_date <= assignment.due_date:
        problems["proposed_date"] = f"Ngày đề nghị phải sau hạn hiện tại ({assignment.due_date:%d/%m/%Y})."
    if problems:
        raise ValidationError("Đề nghị gia hạn chưa hợp lệ.", code="extension_invalid", details=problems)
    pending = sa.select(IncomingExtension.id).where(
        IncomingExtension.assignment_id == assignment.id, IncomingExtension.status == ExtensionStatus.PENDING
    )
    if db.session.scalar(pending) is not None:
        raise Conflict("Đã có đề nghị gia hạn đang chờ lãnh đạo cho ý kiến.", code="extension_pending")
    extension = IncomingExtension(
        document_id=document.id,
        assignment=assignment,
        reason=reason,
        proposed_date=proposed_date,
        previous_date=assignment.due_date,
        requested_by_id=actor.id,
        requested_at=clock.now(),
    )
    db.session.add(extension)
    db.session.flush()
    # Whoever decides is told at once, not left to find a banner.
    tell(
        document,
        permissions.extension_deciders(assignment) - {actor.id},
        kind="incoming_extension_request",
        title=f"{actor.full_name} xin gia hạn giải quyết đến {proposed_date:%d/%m/%Y}",
        body=f"{document.subject[:300]}\nLý do: {reason[:300]}",
    )
    audit.record(
        actor,
        "incoming.extension_request",
        document,
        summary=f"Xin gia hạn giải quyết đến {proposed_date:%d/%m/%Y}: {reason[:200]}",
        changes={"assignment_id": assignment.id, "proposed_date": proposed_date.isoformat()},
    )
    return extension


def decide_extension(
    actor: User, document_id: int, extension_id: int, *, approve: bool, note: str | None = None
) -> IncomingExtension:
    """Approve (the new deadline goes on the assignment and its open step) or refuse (with a reason) a request."""
    document = get_document(actor, document_id)
    extension = db.session.get(IncomingExtension, extension_id)
    if extension is None or extension.document_id != document.id:
        raise NotFound("Không tìm thấy đề nghị gia hạn.", code="extension_not_found")
    assignment = extension.assignment
    if not permissions.can_decide_extension(actor, document, assignment):
        raise PermissionDenied("Chỉ lãnh đạo đã giao việc hoặc lãnh đạo đơn vị được duyệt gia hạn.")
    if extension.status != ExtensionStatus.PENDING:
        raise Conflict("Đề nghị gia hạn đã được cho ý kiến.", code="extension_decided")
    note = (note or "").strip()[:1000] or None
    if not approve and not note:
        message = "Nhập lý do không đồng ý gia hạn."
        raise ValidationError(message, code="extension_refusal_reason", details={"note": message})
    extension.status = ExtensionStatus.APPROVED if approve else ExtensionStatus.REFUSED
    extension.decided_by_id, extension.decided_at, extension.decision_note = actor.id, clock.now(), note
    if approve:
        _move_deadline(document, assignment, extension.proposed_date)
    db.session.flush()
    verb = "Đồng ý" if approve else "Không đồng ý"
    tell(
        document,
        {extension.requested_by_id} - {actor.id},
        kind="incoming_extension_decided",
        title=f"{actor.full_name} {verb.lower()} gia hạn đến {extension.proposed_date:%d/%m/%Y}",
        body=document.subject[:300] + (f"\nÝ kiến: {note[:300]}" if note else ""),
    )
    audit.record(
        actor,
        "incoming.extension_approve" if approve else "incoming.extension_refuse",
        document,
        summary=f"{verb} gia hạn cho {_who(assignment)} đến {extension.proposed_date:%d/%m/%Y}",
        changes={
            "extension_id": extension.id,
            "due_date": [str(extension.previous_date) if extension.previous_date else None, str(assignment.due_date)],
        },
    )
    return extension


def _move_deadline(document: IncomingDocument, assignment: IncomingAssignment, day: date) -> None:
    """The new deadline on the assignment (the lead's is the document's too) and on its open steps' due dates, so
    inboxes, overdue lists and escalation follow it."""
    assignment.due_date = day
    if assignment.kind == AssignmentKind.LEAD:
        document.handling_due = day
    due_at = _end_of_day(document.agency_id, day)
    for task in _tasks_of(document, assignment):
        task.due_at, task.due_sort = due_at, due_at


def extensions_of(document: IncomingDocument) -> list[IncomingExtension]:
    query = sa.select(IncomingExtension).where(IncomingExtension.document_id == document.id)
    return list(db.session.scalars(query.order_by(IncomingExtension.id)))


def extensions_to_decide(actor: User, limit: int = 100) -> list[IncomingExtension]:
    """The pending requests the actor may decide, oldest first: what a leader's "chờ cho ý kiến" list shows."""
    query = (
        sa.select(IncomingExtension)
        .join(IncomingDocument, IncomingExtension.document_id == IncomingDocument.id)
        .where(
            IncomingExtension.status == ExtensionStatus.PENDING,
            IncomingDocument.agency_id == actor.agency_id,
            permissions.visible_filter(actor),
        )
        .order_by(IncomingExtension.id)
        .limit(limit)
    )
    return [
        e
        for e in db.session.scalars(query)
        if permissions.can_decide_extension(actor, db.session.get(IncomingDocument, e.document_id), e.assignment)
    ]


def record_opinion(actor: User, task: HumanTask, text: str) -> IncomingNote | None:
    """A coordinating unit's or person's opinion, given in its "Góp ý phối hợp" step (NĐ 30/2020 Điều 24: the
    lead handles it with the coordinators' opinions): their assignment is done from now, and the opinion is on the
    document's page for the lead handler and the leaders, not only inside the finished step."""
    document = db.session.get(IncomingDocument, int(task.object_id))
    if document is None:
        return None
    assignment = assignment_of(document, task)
    if assignment is not None and assignment.done_at is None:
        assignment.done_at = clock.now()
    note = IncomingNote(
        document_id=document.id, assignment=assignment, kind=NoteKind.OPINION, text=text.strip(), author_id=actor.id
    )
    db.session.add(note)
    db.session.flush()
    if document.lead_user_id and document.lead_user_id != actor.id:  # the lead handles with it: told at once
        from app.notifications.services import notify

        who = assignment.unit.name if assignment is not None and assignment.unit else actor.full_name
        notify(
            [document.lead_user_id],
            kind="incoming_opinion",
            title=f"Ý kiến phối hợp của {who}: {document.subject}"[:300],
            body=note.text[:2000],
            url=f"/incoming/{document.id}#xu-ly",
            object_type="incoming",
            object_id=document.id,
        )
    return note


def record_assignment_note(actor: User, task: HumanTask, text: str) -> IncomingNote | None:
    """The unit leader's ý kiến when assigning a specialist ("Phân công chuyên viên"): on the document's page and
    the specialist's task, not only inside the finished step (and the printed phiếu giải quyết)."""
    text = (text or "").strip()
    document = db.session.get(IncomingDocument, int(task.object_id))
    if not text or document is None:
        return None
    note = IncomingNote(
        document_id=document.id,
        assignment=assignment_of(document, task),
        kind=NoteKind.ASSIGNED,
        text=text,
        author_id=actor.id,
    )
    db.session.add(note)
    db.session.flush()
    return note


def notes_of(document: IncomingDocument) -> list[IncomingNote]:
    query = sa.select(IncomingNote).where(IncomingNote.document_id == document.id)
    return list(db.session.scalars(query.order_by(IncomingNote.id)))


# --- Trả lại lãnh đạo đơn vị, giao lại --------------------------------------------------------------------------


def return_to_unit_leader(actor: User, document_id: int, reason: str) -> IncomingNote:
    """Give one's handling step back to the leaders of its unit, with a reason: they give it to someone else."""
    document = _open_document(actor, document_id)
    task = _acting_task(actor, document)
    reason = (reason or "").strip()
    if len(reason) < 3 or len(reason) > 2000:
        message = "Nhập lý do trả lại (tối đa 2000 ký tự)."
        raise ValidationError(message, code="return_reason_required", details={"reason": message})
    unit_id = task.unit_id or actor.unit_id
    if unit_id is None or not org_queries.active_members(unit_id, Role.UNIT_LEADER.value):
        raise Conflict("Đơn vị chưa có lãnh đạo đơn vị đang hoạt động để nhận lại văn bản.", code="no_unit_leader")
    assignment = assignment_of(document, task)
    if assignment is not None:
        assignment.user_id, assignment.unit_id = None, assignment.unit_id or unit_id
        if assignment.kind == AssignmentKind.LEAD:
            document.lead_user_id, document.lead_unit_id = None, document.lead_unit_id or unit_id
    # The step stays open in the case; its inbox row moves to the unit leaders' queue of the unit.
    task.role, task.unit_id, task.assignee_id, task.is_designated = Role.UNIT_LEADER.value, unit_id, None, False
    task.state, task.claimed_at = TaskState.READY, None
    note = IncomingNote(
        document_id=document.id, assignment=assignment, kind=NoteKind.RETURNED, text=reason, author_id=actor.id
    )
    db.session.add(note)
    db.session.flush()
    audit.record(
        actor,
        "incoming.return_to_unit",
        document,
        summary=f"Trả lại lãnh đạo đơn vị để phân công lại: {reason[:200]}",
        changes={"task_id": task.id, "unit_id": unit_id},
    )
    _tell_returned(actor, document, assignment, unit_id, reason)
    return note


def _tell_returned(actor: User, document: IncomingDocument, assignment, unit_id: int, reason: str) -> None:
    """The unit's leaders hear at once that a step came back to them, and why; when the unit has no other specialist
    to give it to, the leader who directed it hears too — the document may need another unit."""
    leaders = {u.id for u in org_queries.active_members(unit_id, Role.UNIT_LEADER.value)}
    others = [u for u in org_queries.active_members(unit_id, Role.SPECIALIST.value) if u.id != actor.id]
    director = assignment.created_by_id if assignment is not None and not others else None
    title = f"{actor.full_name} trả lại văn bản để phân công lại: {document.subject}"
    body = reason[:500] + ("" if others else "\nĐơn vị không còn chuyên viên khác để giao.")
    tell(
        document,
        (leaders | ({director} if director else set())) - {actor.id},
        kind="incoming_returned",
        title=title[:300],
        body=body,
    )


def returned_by(document: IncomingDocument, task: HumanTask) -> int | None:
    """Who gave the step back: the author of its latest "trả lại" note (of its assignment, when it has one)."""
    assignment = assignment_of(document, task)
    query = sa.select(IncomingNote.author_id).where(
        IncomingNote.document_id == document.id, IncomingNote.kind == NoteKind.RETURNED
    )
    if assignment is not None:
        query = query.where(IncomingNote.assignment_id == assignment.id)
    return db.session.scalar(query.order_by(IncomingNote.id.desc()).limit(1))


def reassign_choices(actor: User, document: IncomingDocument) -> list[User]:
    """The specialists of the unit a returned step waits in, for its unit leader (empty for anyone else) — but not
    the one who gave it back: they said why they cannot handle it, so it goes to someone else."""
    task = permissions.returned_task(actor, document)
    if task is None or task.unit_id is None:
        return []
    returner = returned_by(document, task)
    return [u for u in org_queries.active_members(task.unit_id, Role.SPECIALIST.value) if u.id != returner]


def reassign_returned(actor: User, document_id: int, user_id: int, note: str | None = None) -> HumanTask:
    """The unit leader gives a returned step to a specialist of the unit (the lead's: the new lead person)."""
    document = _open_document(actor, document_id)
    task = permissions.returned_task(actor, document)
    if task is None:
        raise PermissionDenied("Không có việc được trả lại chờ bạn phân công.", code="nothing_returned")
    target = db.session.get(User, user_id) if user_id else None
    if target is not None and target.id == returned_by(document, task):
        message = "Chuyên viên này vừa trả lại văn bản; chọn chuyên viên khác của đơn vị."
        raise ValidationError(message, code="returned_by_them", details={"user_id": message})
    if target is None or target.id not in {u.id for u in reassign_choices(actor, document)}:
        message = "Chọn chuyên viên đang hoạt động của đơn vị."
        raise ValidationError(message, code="not_a_candidate", details={"user_id": message})
    assignment = assignment_of(document, task)
    task.role, task.assignee_id, task.is_designated = Role.SPECIALIST.value, target.id, True
    task.state, task.claimed_at = TaskState.CLAIMED, clock.now()
    if assignment is not None:
        assignment.user_id = target.id
        if assignment.kind == AssignmentKind.LEAD:
            document.lead_user_id = target.id
    text = (note or "").strip()[:2000]
    # The unit leader's words go where the new handler and the leaders read them (the document's notes, beside
    # the reason it was given back), and the new handler is told at once.
    db.session.add(
        IncomingNote(
            document_id=document.id,
            assignment=assignment,
            kind=NoteKind.ASSIGNED,
            text=text or f"Giao lại cho {target.full_name}.",
            author_id=actor.id,
        )
    )
    db.session.flush()
    audit.record(
        actor,
        "incoming.reassign",
        document,
        summary=f"Giao lại cho {target.full_name}" + (f": {text[:300]}" if text else ""),
        changes={"task_id": task.id, "user_id": target.id},
    )
    tell(
        document,
        {target.id} - {actor.id},
        kind="incoming_reassigned",
        title=f"{actor.full_name} giao lại cho bạn: {document.subject}"[:300],
        body=text,
    )
    return task


# --- Cập nhật tiến độ -------------------------------------------------------------------------------------------


def record_progress(actor: User, document_id: int, text: str, percent: int | None = None) -> IncomingNote:
    """A progress note on one's handling, with an optional percent done (shown to the leaders who follow it)."""
    document = _open_document(actor, document_id)
    task = _acting_task(actor, document)
    text = (text or "").strip()
    problems = {}
    if len(text) < 3 or len(text) > 2000:
        problems["text"] = "Nhập nội dung tiến độ (3–2000 ký tự)."
    if percent is not None and not 0 <= percent <= 100:
        problems["percent"] = "Tỷ lệ hoàn thành từ 0 đến 100."
    if problems:
        raise ValidationError("Cập nhật tiến độ chưa hợp lệ.", code="progress_invalid", details=problems)
    note = IncomingNote(
        document_id=document.id,
        assignment=assignment_of(document, task),
        kind=NoteKind.PROGRESS,
        text=text,
        percent=percent,
        author_id=actor.id,
    )
    db.session.add(note)
    db.session.flush()
    done = f" ({percent}%)" if percent is not None else ""
    audit.record(actor, "incoming.progress", document, summary=f"Cập nhật tiến độ{done}: {text[:200]}")
    return note
