"""Who may see and do what with văn bản đi (no request globals: services, queries and pages share these).

Tenancy first (design.md §8): a document is only ever visible inside its agency. Within the agency, clerks and
leaders see everything (they register, sign and issue it: NĐ 30/2020 Điều 12–18); others see their own drafts,
what their unit drafts, what their unit is consulted on (once asked) or they are handed a step of, and every issued
document (units receiving one "để biết" among them). One rule, `visible_filter`, for lists, pages, files and API.
"""

from datetime import datetime

import sqlalchemy as sa

from app.core import clock
from app.core.db import db
from app.org.models import Delegation, Role, User
from app.outgoing.models import OutgoingDocument, OutgoingStatus

# Who may draft (NĐ 30/2020 Điều 10.1: the unit or person assigned drafts; in practice any working role).
DRAFTER_ROLES = (Role.SPECIALIST, Role.UNIT_LEADER, Role.AGENCY_LEADER, Role.CLERK)
# Who sees every document of the agency.
OVERSEERS = (Role.CLERK, Role.AGENCY_LEADER)
# Who may recall an issued document for the agency (Điều 18.4: the issuing agency, through its văn thư/leader).
RECALLERS = (Role.CLERK, Role.AGENCY_LEADER)
PUBLIC_STATES = (OutgoingStatus.ISSUED, OutgoingStatus.RECALLED)
# A draft the drafter may still change: not submitted yet, or returned to them.
EDITABLE = (OutgoingStatus.DRAFT, OutgoingStatus.RETURNED)
# Before the personal signature: comments are taken, and the drafter may still withdraw it.
BEFORE_SIGNATURE = (
    OutgoingStatus.DRAFT,
    OutgoingStatus.CONSULTING,
    OutgoingStatus.REVIEWING,
    OutgoingStatus.FORMAT_CHECK,
    OutgoingStatus.RETURNED,
    OutgoingStatus.SIGNING,
)
# NĐ 30 Phụ lục VI III.1.n, NĐ 30/2020 Điều 12: at their own step the unit leader checking the content and the
# clerk checking thể thức may put a corrected version into the draft themselves instead of only returning it.
REVISING_STEPS = {OutgoingStatus.REVIEWING: "review_content", OutgoingStatus.FORMAT_CHECK: "check_format"}


def can_draft(user: User) -> bool:
    return user.is_active and user.has_role(*DRAFTER_ROLES)


def is_frozen(document: OutgoingDocument) -> bool:
    """A recalled document and its metadata are frozen (NĐ 30 Phụ lục VI III.8.a): nothing about it changes any more
    — no edit, version, attachment, comment, cancel, resend or export; it stays as the record of what was issued."""
    return document.status == OutgoingStatus.RECALLED


def can_edit(user: User, document: OutgoingDocument) -> bool:
    """The drafter's own draft, not submitted or returned: edit, new version, attachments, submit."""
    return not is_frozen(document) and document.drafter_id == user.id and document.status in EDITABLE


def reviewer_step(user: User, document: OutgoingDocument):
    """The open review step (review_content, check_format) of the document that `user` acts on, or None.

    Only while the document is at that step: its status says which step it is (REVISING_STEPS), and the step's
    human task must be open and offered to the user (themself or by a delegation).
    """
    task_name = REVISING_STEPS.get(document.status)
    if task_name is None or not user.is_active or user.agency_id != document.agency_id:
        return None
    from app.workflow.assignment import OPEN_STATES, acting_for
    from app.workflow.models import HumanTask

    tasks = db.session.scalars(
        sa.select(HumanTask)
        .where(
            HumanTask.object_type == "outgoing",
            HumanTask.object_id == str(document.id),
            HumanTask.task_name == task_name,
            HumanTask.state.in_(list(OPEN_STATES)),
        )
        .order_by(HumanTask.id)
    )
    return next((task for task in tasks if acting_for(user, task) is not None), None)


def can_upload_version(user: User, document: OutgoingDocument) -> bool:
    """A new numbered draft version: the drafter while the draft is theirs, a reviewer at their step (III.1.n)."""
    return can_edit(user, document) or reviewer_step(user, document) is not None


def can_start_related(user: User, document: OutgoingDocument) -> bool:
    """Draft an update, replacement or correction of an issued, not recalled document (NĐ 30/2020 Điều 18.3)."""
    return document.status == OutgoingStatus.ISSUED and document.agency_id == user.agency_id and can_draft(user)


def can_comment(document: OutgoingDocument) -> bool:
    return document.status in BEFORE_SIGNATURE


def may_cancel(user: User, document: OutgoingDocument) -> bool:
    """Who may abandon a document before it is issued: its drafter, the agency's clerks and leaders."""
    return document.drafter_id == user.id or user.has_role(*OVERSEERS)


def cancellable_states(user: User) -> tuple[OutgoingStatus, ...]:
    """Before the signature; once signed, only the clerks and leaders (who would otherwise issue it)."""
    return BEFORE_SIGNATURE + ((OutgoingStatus.SIGNED,) if user.has_role(*OVERSEERS) else ())


def can_cancel(user: User, document: OutgoingDocument) -> bool:
    return may_cancel(user, document) and document.status in cancellable_states(user)


def may_recall(user: User) -> bool:
    return user.has_role(*RECALLERS)


def can_recall(user: User, document: OutgoingDocument) -> bool:
    return document.status == OutgoingStatus.ISSUED and may_recall(user)


def may_resend(user: User) -> bool:
    """Sending again to a recipient is the clerk's dispatch work (NĐ 30/2020 Điều 17)."""
    return user.has_role(Role.CLERK)


def can_view(user: User, document: OutgoingDocument) -> bool:
    """Whether `user` may open the document (its page, files, statuses): the list's own rule, `visible_filter`."""
    if not user.is_active:
        return False
    query = sa.select(OutgoingDocument.id).where(OutgoingDocument.id == document.id, visible_filter(user))
    return db.session.scalar(query) is not None


def visible_filter(user: User):
    """A WHERE clause on OutgoingDocument: the documents `user` may see (lists, pages, files and API alike).

    Inside the agency: the overseers see everything; others the drafts they wrote or are to sign, those of their
    unit, those with a step for them or their unit (a consulted unit from the moment its opinion is asked; whoever
    a step is handed to) or done by them, and every issued document.
    """
    from app.workflow.models import HumanTask

    same_agency = OutgoingDocument.agency_id == user.agency_id
    if user.has_role(*OVERSEERS):
        return same_agency
    unit_id = user.unit_id
    involved = sa.select(HumanTask.id).where(
        HumanTask.object_type == "outgoing",
        HumanTask.object_id == sa.cast(OutgoingDocument.id, sa.String),
        sa.or_(
            HumanTask.assignee_id == user.id,
            HumanTask.completed_by_id == user.id,
            *([HumanTask.unit_id == unit_id] if unit_id is not None else []),
        ),
    )
    mine = sa.or_(
        OutgoingDocument.drafter_id == user.id,
        OutgoingDocument.signer_id == user.id,
        OutgoingDocument.status.in_([s.value for s in PUBLIC_STATES]),
        *([OutgoingDocument.drafting_unit_id == unit_id] if unit_id is not None else []),
        involved.exists(),
    )
    return sa.and_(same_agency, mine)


def may_sign_for(user: User, agency_id: int, at: datetime | None = None, authority: str | None = None) -> bool:
    """May `user` sign a document of the agency with this signing authority (NĐ 30/2020 Điều 13)?

    A leader of the agency signs in their own name, KT., TM. or Q.; with TL. (thừa lệnh, Điều 13.4) the head of
    the agency lets the head of a unit sign, so a unit leader may too; with TUQ. (thừa ủy quyền, Điều 13.5:
    in writing, limited in time) anyone to whom a leader delegated the leader's role for the moment of signing.
    """
    if not user.is_active or user.agency_id != agency_id:
        return False
    if user.has_role(Role.AGENCY_LEADER):
        return True
    if authority == "TL." and user.has_role(Role.UNIT_LEADER):
        return True
    at = at or clock.now()
    delegations = db.session.scalars(
        sa.select(Delegation).where(
            Delegation.to_user_id == user.id, Delegation.starts_at <= at, Delegation.ends_at > at
        )
    )
    for delegation in delegations:
        giver = delegation.from_user
        covers = not delegation.roles or Role.AGENCY_LEADER.value in delegation.roles
        leader = giver.is_active and giver.agency_id == agency_id and giver.has_role(Role.AGENCY_LEADER)
        if delegation.is_active_at(at) and covers and leader:
            return True
    return False
