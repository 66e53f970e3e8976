"""An agency's escalation policy, the per-task schedule the scan reads, and the fired levels (one row each)."""

from datetime import datetime
from enum import StrEnum

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.core import clock
from app.core.db import UTCDateTime, db


class Level(StrEnum):
    """The rungs of the ladder, in the order they are looked at for one task."""

    UNACTIONABLE = "unactionable"  # nobody can act on the task: clerks and administrators at once
    URGENT_UNOPENED = "urgent_unopened"  # an urgent document's step not opened within its urgent SLA
    REMINDER = "reminder"  # 75 % of the working-time SLA elapsed
    OVERDUE = "overdue"  # the deadline passed: the task is marked overdue
    ESCALATED = "escalated"  # the grace after the deadline passed: the escalate_to role, the leader's list


LEVEL_LABELS = {
    Level.UNACTIONABLE: "Không có người xử lý",
    Level.URGENT_UNOPENED: "Văn bản khẩn chưa được mở",
    Level.REMINDER: "Nhắc việc sắp đến hạn",
    Level.OVERDUE: "Quá hạn",
    Level.ESCALATED: "Báo cáo lãnh đạo",
}


class EscalationPolicy(db.Model):
    """An agency's own values; no row means the defaults (app.escalation.policy.DEFAULTS)."""

    __tablename__ = "escalation_policy"

    id: Mapped[int] = mapped_column(primary_key=True)
    agency_id: Mapped[int] = mapped_column(sa.ForeignKey("agency.id"), unique=True)
    reminder_percent: Mapped[int] = mapped_column()
    grace: Mapped[str] = mapped_column(sa.String(32))  # an SLA spec (app.sla.spec), counted after the deadline
    escalate_to: Mapped[str] = mapped_column(sa.String(32))  # a role, unless the BPMN task names its own
    version: Mapped[int] = mapped_column(default=1)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=clock.now)
    updated_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user_account.id"))


class EscalationWatch(db.Model):
    """When the scan must look at an open task next: the only rows it reads (see the package docstring).

    Written in the same transaction as the task (app.escalation.watch), moved on by each look, deleted when the
    task closes or nothing is left to fire.
    """

    __tablename__ = "escalation_watch"

    task_id: Mapped[int] = mapped_column(sa.ForeignKey("human_task.id", ondelete="CASCADE"), primary_key=True)
    next_at: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)


class Escalation(db.Model):
    """One level fired for one task: when, to whom. The unique (task, level) pair is what makes it fire once."""

    __tablename__ = "escalation"
    __table_args__ = (
        sa.UniqueConstraint("task_id", "level", name="uq_escalation_task_level"),
        # The leaders' overdue list: an agency's escalated items, newest first.
        sa.Index("ix_escalation_list", "agency_id", "level", "fired_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    task_id: Mapped[int] = mapped_column(sa.ForeignKey("human_task.id", ondelete="CASCADE"))
    level: Mapped[str] = mapped_column(sa.String(32))
    agency_id: Mapped[int] = mapped_column(sa.ForeignKey("agency.id"))
    unit_id: Mapped[int | None] = mapped_column(sa.ForeignKey("unit.id"))  # the unit whose leader follows it
    escalate_to: Mapped[str | None] = mapped_column(sa.String(32))  # the role told (ESCALATED)
    due_at: Mapped[datetime | None] = mapped_column(UTCDateTime())  # the deadline it was measured against
    fired_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=clock.now)
    recipient_ids: Mapped[list[int]] = mapped_column(sa.JSON, default=list)  # who was told (empty: superseded)

    task = relationship("HumanTask")

    @property
    def label(self) -> str:
        return LEVEL_LABELS[Level(self.level)]
