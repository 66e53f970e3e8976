"""Reactions of the engine to what other modules announce (blinker signals), connected at start (MODULE)."""

from app.audit import services as audit
from app.core.db import db
from app.core.signals import tasks_released, user_deactivated
from app.workflow.models import TaskState
from app.workflow.queries import held_open_tasks


def release_tasks_of_deactivated_user(user, actor=None, **_extra) -> None:
    """A deactivated account is never a candidate: its open tasks go back to their lane's queue.

    Runs inside the deactivation's unit of work, so both commit together.
    """
    tasks = held_open_tasks(user.id)
    for task in tasks:
        task.assignee_id, task.state, task.claimed_at, task.is_designated = None, TaskState.READY, None, False
        audit.record(
            actor,
            "task.release",
            task,
            summary=f"Trả “{task.title}” về hộp việc chung do tài khoản {user.username} bị vô hiệu hóa",
        )
    db.session.flush()
    if tasks:
        tasks_released.send(user, actor=actor, tasks=tasks)


RECEIVERS = [(user_deactivated, release_tasks_of_deactivated_user)]
