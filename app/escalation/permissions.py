"""Who sees which escalations and who sets an agency's policy: asked by pages, the API and the services alike."""

import sqlalchemy as sa

from app.escalation.models import Escalation
from app.org.models import Role, User
from app.org.permissions import managed_agency_ids

LIST_ROLES = frozenset({Role.AGENCY_LEADER, Role.UNIT_LEADER})


def sees_overdue_list(user: User) -> bool:
    """Leaders of the agency and of its units follow the work escalated to them."""
    return user.is_active and bool(user.roles & LIST_ROLES)


def overdue_filter(user: User) -> sa.ColumnElement[bool]:
    """The escalations a leader follows: the agency's leader all of the agency's, a unit leader their unit's."""
    scopes = []
    if Role.AGENCY_LEADER in user.roles:
        scopes.append(Escalation.agency_id == user.agency_id)
    if Role.UNIT_LEADER in user.roles and user.unit_id is not None:
        scopes.append(sa.and_(Escalation.agency_id == user.agency_id, Escalation.unit_id == user.unit_id))
    return sa.or_(*scopes) if scopes else sa.false()


def can_manage_policy(user: User, agency_id: int) -> bool:
    return agency_id in managed_agency_ids(user)
