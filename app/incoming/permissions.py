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
from app.incoming.models import IncomingAssignment, IncomingDocument
from app.org.models import Agency, Role, User
from app.org.permissions import managed_agency_ids
from app.workflow.models import HumanTask

OBJECT_TYPE = "incoming"  # the workflow instances' object_type (app.incoming.services.OBJECT_TYPE)
SEE_ALL = frozenset({Role.CLERK, Role.AGENCY_LEADER})


def visible_filter(user: User):
    """A WHERE clause on IncomingDocument: the documents `user` may see."""
    if user.roles & SEE_ALL or user.agency_id in managed_agency_ids(user):
        return IncomingDocument.agency_id == user.agency_id
    unit_id = user.unit_id
    assigned = sa.select(IncomingAssignment.id).where(
        IncomingAssignment.document_id == IncomingDocument.id,
        sa.or_(IncomingAssignment.user_id == user.id, *([IncomingAssignment.unit_id == unit_id] if unit_id else [])),
    )
    worked_on = sa.select(HumanTask.id).where(
        HumanTask.object_type == OBJECT_TYPE,
        HumanTask.object_id == sa.cast(IncomingDocument.id, sa.String),
        sa.or_(HumanTask.assignee_id == user.id, HumanTask.completed_by_id == user.id),
    )
    open_to_staff = sa.select(Agency.open_incoming_to_staff).where(Agency.id == user.agency_id).scalar_subquery()
    return sa.and_(
        IncomingDocument.agency_id == user.agency_id,
        sa.or_(
            IncomingDocument.lead_user_id == user.id,
            *([IncomingDocument.lead_unit_id == unit_id] if unit_id else []),
            assigned.exists(),
            worked_on.exists(),
            sa.and_(open_to_staff.is_(True), IncomingDocument.arrival_number.is_not(None)),
        ),
    )


def can_view(user: User, document: IncomingDocument) -> bool:
    query = sa.select(IncomingDocument.id).where(IncomingDocument.id == document.id, visible_filter(user))
    return db.session.scalar(query) is not None
