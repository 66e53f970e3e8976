"""Who may see and do a human task: lanes are roles, data may name an assignee or a unit, delegations apply.

A deactivated account is never a candidate (seed 004 Điều 13.3: accounts are kept, not deleted).
"""

from datetime import datetime

from sqlalchemy.orm import lazyload

from app.core import clock
from app.core.db import db
from app.org.models import Delegation, User
from app.org.queries import active_delegations_to, holders_select
from app.workflow.models import HumanTask, TaskState


def _delegation_covers(delegation: Delegation, role: str | None, process_id: str) -> bool:
    return (not delegation.roles or role in delegation.roles) and (
        not delegation.process_ids or process_id in delegation.process_ids
    )


def qualifies(user: User, task: HumanTask) -> bool:
    """Would `user` be offered this task from the queue (ignoring delegation)?"""
    return mismatch(user, task) is None


def mismatch(user: User, task: HumanTask) -> str | None:
    """What keeps `user` from the task's queue, in words ("vai trò", "đơn vị"…); None when nothing does."""
    if not user.is_active:
        return "tài khoản"
    if user.agency_id != task.agency_id:
        return "cơ quan"
    if task.role is not None and task.role not in {r.value for r in user.roles}:
        return "vai trò"
    return None if task.unit_id is None or task.unit_id == user.unit_id else "đơn vị"


def acting_for(user: User, task: HumanTask, at: datetime | None = None) -> User | None:
    """The person `user` acts for on this task: themself, or a delegator; None when they may not act."""
    if task.assignee_id is not None:
        if task.assignee_id == user.id and user.is_active:
            return user
        for delegation in active_delegations_to(user, at):
            if delegation.from_user_id == task.assignee_id and _delegation_covers(
                delegation, task.role, task.process_id
            ):
                return delegation.from_user
        return None
    if qualifies(user, task):
        return user
    for delegation in active_delegations_to(user, at):
        if _delegation_covers(delegation, task.role, task.process_id) and qualifies(delegation.from_user, task):
            return delegation.from_user
    return None


def candidates(task: HumanTask) -> list[User]:
    """Active users of the task's agency with its role (and unit), for claim and reassignment (names and ids: their
    own roles are not read)."""
    roles = [task.role] if task.role else None
    query = holders_select(User, agency_ids=[task.agency_id], roles=roles, unit_id=task.unit_id)
    return list(db.session.scalars(query.order_by(User.full_name).options(lazyload(User.role_rows))))


def inbox_scopes(user: User, at: datetime | None = None) -> list[dict]:
    """The (assignee | agency+roles+unit) scopes whose open tasks make up `user`'s inbox, delegations included.

    Each scope becomes one index range scan in the inbox query, so the page stays fast at any size.
    """
    at = at or clock.now()
    scopes = [{"assignee_id": user.id}]
    roles = sorted(r.value for r in user.roles)
    if roles:
        scopes.append({"agency_id": user.agency_id, "roles": roles, "unit_id": user.unit_id})
    for delegation in active_delegations_to(user, at):
        giver = delegation.from_user
        given = sorted(set(delegation.roles or [r.value for r in giver.roles]) & {r.value for r in giver.roles})
        scopes.append({"assignee_id": giver.id, "roles": given or None, "process_ids": delegation.process_ids})
        if given:
            scopes.append(
                {
                    "agency_id": giver.agency_id,
                    "roles": given,
                    "unit_id": giver.unit_id,
                    "process_ids": delegation.process_ids,
                }
            )
    return scopes


OPEN_STATES = (TaskState.READY.value, TaskState.CLAIMED.value)
