"""Deactivating a person who holds open work: hand all of it to one colleague in the same transaction.

Without a colleague, `app.org.services.deactivate_user` alone applies and `app.workflow.handlers` returns the held
tasks to their lane's queue. With one, each task goes through `services.reassign_task` first (its lock, checks and
`task.reassign` audit, marked as an override when the colleague is outside the step's role or unit), so nothing is
left for the release; then the account is deactivated. One unit of work (the caller's): all or nothing.
"""

import sqlalchemy as sa

from app.core.db import db
from app.core.errors import ValidationError
from app.org import queries as org_queries
from app.org import services as org_services
from app.org.models import User
from app.org.permissions import require_admin_of
from app.workflow import services
from app.workflow.models import HumanTask, TaskState
from app.workflow.queries import held_open_tasks


def colleagues(user: User) -> list[User]:
    """Who may take over a person's work: the active accounts of their agency, others than them."""
    query = sa.select(User).where(User.agency_id == user.agency_id, User.is_active.is_(True), User.id != user.id)
    return list(db.session.scalars(query.order_by(User.full_name)))


def only_taker_of(user: User, limit: int = 200) -> list[HumanTask]:
    """The open queue steps (nobody holds them) that nobody but `user` may take: their deactivation would leave
    them in nobody's inbox, so the page says so before, not an escalation after. Soonest deadline first."""
    roles = sorted(r.value for r in user.roles)
    if not user.is_active or not roles:
        return []
    queued = (
        sa.select(HumanTask)
        .where(
            HumanTask.assignee_id.is_(None),
            HumanTask.state == TaskState.READY,
            HumanTask.agency_id == user.agency_id,
            HumanTask.role.in_(roles),
            sa.or_(HumanTask.unit_id.is_(None), HumanTask.unit_id == user.unit_id),
        )
        .order_by(HumanTask.due_sort, HumanTask.id)
        .limit(limit)
    )
    others: dict[tuple, bool] = {}
    stranded = []
    for task in db.session.scalars(queued):
        key = (task.role, task.unit_id)
        if key not in others:  # one look per role and unit: the rule of who may take a step (holders_select)
            who = org_queries.holders_select(
                User.id, agency_ids=[task.agency_id], roles=[task.role], unit_id=task.unit_id
            )
            others[key] = db.session.scalar(who.where(User.id != user.id).limit(1)) is not None
        if not others[key]:
            stranded.append(task)
    return stranded


def deactivate_handing_over(actor: User, user_id: int, to_user_id: int | None) -> tuple[User, list[HumanTask]]:
    """Deactivate `user_id`, its open tasks handed to `to_user_id` (None: back to their queues, as before).

    Returns the account and the tasks it held (handed over or released)."""
    user = org_queries.get_user(user_id)
    require_admin_of(actor, user.agency_id)
    tasks = held_open_tasks(user.id)
    if to_user_id is not None:
        if to_user_id not in {c.id for c in colleagues(user)}:
            raise ValidationError(
                "Người nhận việc phải là tài khoản đang hoạt động khác của cùng cơ quan.",
                code="handover_target_invalid",
                details={"to_user_id": "Chọn một đồng nghiệp đang hoạt động của cơ quan."},
            )
        for task in tasks:
            services.reassign_task(actor, task.id, to_user_id)
    return org_services.deactivate_user(actor, user.id), tasks
