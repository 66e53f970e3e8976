"""Who sees an incoming document (văn bản đến) of their agency.

NĐ 30/2020 Phụ lục VI III.3.b: the document goes to whom the leader's direction names; the head of the agency may
open registered documents to all staff (the agency's `open_incoming_to_staff`). So a document is seen by the
agency's clerks and leaders (and administrators of the agency), by the people and units it was directed or
assigned to (lead, coordinating, informed), by whoever has or had a task of its procedure, and — where the agency
says so — by all its staff once it is registered. The list, the page, its files, the API and the printed slip all
ask `visible_filter` / `can_view`: one rule.
"""

import sqlalchemy as sa

from app.core.db import db
from app.exchange.directory import peer_route
from app.incoming.models import IncomingAssignment, IncomingDocument, IncomingStatus
from app.org import queries as org_queries
from app.org.models import Agency, Role, User
from app.org.permissions import managed_agency_ids
from app.workflow.assignment import acting_for
from app.workflow.models import HumanTask, TaskState
from app.workflow.permissions import can_act_on

OBJECT_TYPE = "incoming"  # the workflow instances' object_type (app.incoming.services.OBJECT_TYPE)
SEE_ALL = frozenset({Role.CLERK, Role.AGENCY_LEADER})


def visible_filter(user: User):
    """A WHERE clause on IncomingDocument: the documents `user` may see."""
    if user.roles & SEE_ALL or user.agency_id in managed_agency_ids(user):
        return IncomingDocument.agency_id == user.agency_id
    unit_id = user.unit_id
    # Uncorrelated IN lists, each read once through its own index (migration 0035): correlated EXISTS probes ran
    # once per document of the agency, ~1.5 s for a specialist's search at 20 000 documents (bench/scale.py).
    assigned = sa.select(IncomingAssignment.document_id).where(
        sa.or_(IncomingAssignment.user_id == user.id, *([IncomingAssignment.unit_id == unit_id] if unit_id else []))
    )
    worked_on = sa.select(sa.cast(HumanTask.object_id, sa.Integer)).where(
        HumanTask.object_type == OBJECT_TYPE,
        sa.or_(HumanTask.assignee_id == user.id, HumanTask.completed_by_id == user.id),
    )
    open_to_staff = sa.select(Agency.open_incoming_to_staff).where(Agency.id == user.agency_id).scalar_subquery()
    return sa.and_(
        IncomingDocument.agency_id == user.agency_id,
        sa.or_(
            IncomingDocument.lead_user_id == user.id,
            *([IncomingDocument.lead_unit_id == unit_id] if unit_id else []),
            IncomingDocument.id.in_(assigned),
            IncomingDocument.id.in_(worked_on),
            sa.and_(open_to_staff.is_(True), IncomingDocument.arrival_number.is_not(None)),
        ),
    )


# Nothing to answer: a recalled document is destroyed (seed 000 Điều 17, NĐ 30/2020 Phụ lục VI III.1.h); one sent
# back to its sender (02, Điều 21.2) was never taken in.
UNANSWERABLE = (IncomingStatus.RECALLED, IncomingStatus.RETURNED)


def answerable_filter(user: User):
    """A WHERE clause on IncomingDocument: the documents `user` may name as answered by an outgoing draft.

    Those they may see (`visible_filter`), not UNANSWERABLE. The draft form's list, the service's check of
    `reply_to_id` and the document page's "Soạn văn bản trả lời" (`is_answerable`) all ask this.
    """
    return sa.and_(visible_filter(user), IncomingDocument.status.not_in(UNANSWERABLE))


def is_answerable(document: IncomingDocument) -> bool:
    """The status half of `answerable_filter`, for a document already shown to its reader."""
    return document.status not in UNANSWERABLE


def can_answer(user: User, document_id: int) -> bool:
    query = sa.select(IncomingDocument.id).where(IncomingDocument.id == document_id, answerable_filter(user))
    return db.session.scalar(query) is not None


def can_view(user: User, document: IncomingDocument) -> bool:
    query = sa.select(IncomingDocument.id).where(IncomingDocument.id == document.id, visible_filter(user))
    return db.session.scalar(query) is not None


# The steps of processes/incoming.bpmn where a specialist handles the document for an assignment: the lead's
# "Giải quyết văn bản" and a coordinator's "Góp ý phối hợp". An agency's own BPMN keeps these ids to offer the
# specialists' actions (gia hạn, trả lại, cập nhật tiến độ).
LEAD_TASKS = frozenset({"handle_document"})
COORDINATE_TASKS = frozenset({"give_opinion"})
HANDLING_TASKS = LEAD_TASKS | COORDINATE_TASKS


def open_handling_tasks(document: IncomingDocument, names: frozenset[str]) -> list[HumanTask]:
    query = sa.select(HumanTask).where(
        HumanTask.object_type == OBJECT_TYPE,
        HumanTask.object_id == str(document.id),
        HumanTask.task_name.in_(names),
        HumanTask.state.in_([TaskState.READY, TaskState.CLAIMED]),
    )
    return list(db.session.scalars(query.order_by(HumanTask.id)))


def handling_task(user: User, document: IncomingDocument) -> HumanTask | None:
    """The open handling step `user` may act on for this document (as the lead or a coordinator), if any: who may
    request an extension, return the document to their unit leader and record progress (seed 000 Điều 18)."""
    tasks = [t for t in open_handling_tasks(document, HANDLING_TASKS) if t.role != Role.UNIT_LEADER]
    mine = [t for t in tasks if t.assignee_id == user.id] or [t for t in tasks if can_act_on(user, t)]
    return mine[0] if mine else None


def returned_task(user: User, document: IncomingDocument) -> HumanTask | None:
    """A handling step returned to the unit leaders (trả lại) that `user` may give to a specialist again."""
    tasks = [t for t in open_handling_tasks(document, HANDLING_TASKS) if t.role == Role.UNIT_LEADER]
    return next((t for t in tasks if acting_for(user, t) is not None), None)


def can_decide_extension(user: User, document: IncomingDocument, assignment: IncomingAssignment) -> bool:
    """Seed 000 Điều 18.1: the leader who directed (any leader of the agency, who direct), or — for work given to a
    unit — that unit's leader approves or refuses an extension of its deadline."""
    if user.agency_id != document.agency_id or not user.is_active:
        return False
    if assignment.created_by_id == user.id or user.has_role(Role.AGENCY_LEADER):
        return True
    return assignment.unit_id is not None and user.unit_id == assignment.unit_id and user.has_role(Role.UNIT_LEADER)


def extension_deciders(assignment: IncomingAssignment) -> set[int]:
    """Who is told of a request to extend `assignment`: the leader who gave the work and, for work given to a unit,
    its active leaders — those of `can_decide_extension` the request concerns (any agency leader may still decide)."""
    told = {assignment.created_by_id} if assignment.created_by_id else set()
    if assignment.unit_id is not None:
        told |= {u.id for u in org_queries.active_members(assignment.unit_id, Role.UNIT_LEADER.value)}
    return told


def can_send_status_by_hand(user: User, document: IncomingDocument) -> bool:
    """Who downloads a status message owed to the sender to send it by hand: the agency's clerk (văn thư), who
    keeps the exchange with other agencies (NĐ 30/2020 Điều 21), when no connector sends it by itself."""
    return (
        user.agency_id == document.agency_id and user.has_role(Role.CLERK) and peer_route(document.sender_code) is None
    )
