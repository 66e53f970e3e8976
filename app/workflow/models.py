"""Process versions, workflow instances and the human tasks mirrored from them."""

from datetime import UTC, datetime
from enum import StrEnum

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.core import clock
from app.core.db import UTCDateTime, db


class InstanceStatus(StrEnum):
    RUNNING = "running"  # has ready work (a user task)
    WAITING = "waiting"  # only timers or messages can move it on
    COMPLETED = "completed"
    ERROR = "error"  # an operation failed; state kept, an administrator may retry
    CANCELLED = "cancelled"


class TaskState(StrEnum):
    READY = "ready"  # offered to candidates (or to the named assignee)
    CLAIMED = "claimed"  # someone took it
    COMPLETED = "completed"
    CANCELLED = "cancelled"  # withdrawn by the engine (interrupting timer, cancelled instance…)


NO_DEADLINE = datetime(9999, 12, 31, tzinfo=UTC)


class Urgency(StrEnum):
    NORMAL = "normal"
    URGENT = "urgent"


STATUS_LABELS = {
    InstanceStatus.RUNNING: "Đang xử lý",
    InstanceStatus.WAITING: "Đang chờ",
    InstanceStatus.COMPLETED: "Hoàn thành",
    InstanceStatus.ERROR: "Lỗi",
    InstanceStatus.CANCELLED: "Đã hủy",
}
TASK_STATE_LABELS = {
    TaskState.READY: "Chờ nhận",
    TaskState.CLAIMED: "Đang xử lý",
    TaskState.COMPLETED: "Đã xong",
    TaskState.CANCELLED: "Đã hủy",
}


class ProcessVersion(db.Model):
    """An immutable deployment of one BPMN process with its forms; global (agency NULL) or for one agency."""

    __tablename__ = "process_version"
    __table_args__ = (
        sa.UniqueConstraint("process_id", "agency_id", "version", name="uq_process_version_number"),
        sa.Index("ix_process_version_lookup", "process_id", "agency_id", "version"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    process_id: Mapped[str] = mapped_column(sa.String(100))
    name: Mapped[str] = mapped_column(sa.String(255))
    agency_id: Mapped[int | None] = mapped_column(sa.ForeignKey("agency.id"))
    version: Mapped[int] = mapped_column()
    checksum: Mapped[str] = mapped_column(sa.String(64))
    bpmn_xml: Mapped[str] = mapped_column(sa.Text, deferred=True)  # read once per process (engine.bundle_for)
    forms: Mapped[dict] = mapped_column(sa.JSON, default=dict)
    source: Mapped[str] = mapped_column(sa.String(255))
    # What the designer wrote when deploying ("Thêm bước xin ý kiến phòng Pháp chế"), shown in the version list.
    comment: Mapped[str | None] = mapped_column(sa.Text)
    # The version this one was edited from, or re-deployed from on a rollback (None: a first or uploaded file).
    based_on_id: Mapped[int | None] = mapped_column(sa.ForeignKey("process_version.id"))
    deployed_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user_account.id"))
    deployed_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=clock.now)

    @property
    def display_name(self) -> str:
        """The version's number with its scope: numbers restart per scope, so an agency's first own version and
        the global first version are both "1" — every message and picker names a version through this."""
        if self.agency_id is None:
            return f"phiên bản {self.version}, mặc định toàn hệ thống"  # no brackets: it is often in brackets
        return f"phiên bản {self.version} của cơ quan"

    def __repr__(self) -> str:
        return f"<ProcessVersion {self.process_id} v{self.version} agency={self.agency_id}>"


class AgencyForm(db.Model):
    """An agency's own task form, edited in the designer: it overrides forms/<key>.json when the agency deploys.

    A deployed version keeps a copy of its forms (ProcessVersion.forms), so editing this row never changes a
    version: the next deploy takes it.
    """

    __tablename__ = "agency_form"
    __table_args__ = (sa.UniqueConstraint("agency_id", "key", name="uq_agency_form_key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    agency_id: Mapped[int] = mapped_column(sa.ForeignKey("agency.id"))
    key: Mapped[str] = mapped_column(sa.String(200))  # process_id/task_id, as in forms/
    definition: Mapped[dict] = mapped_column(sa.JSON)
    updated_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user_account.id"))
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=clock.now)


class WorkflowInstance(db.Model):
    """One running process for one business object; its SpiffWorkflow state lives in `state` (compressed JSON)."""

    __tablename__ = "workflow_instance"
    __table_args__ = (sa.UniqueConstraint("object_type", "object_id", name="uq_workflow_instance_object"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    process_version_id: Mapped[int] = mapped_column(sa.ForeignKey("process_version.id"), index=True)
    process_id: Mapped[str] = mapped_column(sa.String(100), index=True)
    agency_id: Mapped[int] = mapped_column(sa.ForeignKey("agency.id"), index=True)
    object_type: Mapped[str] = mapped_column(sa.String(64))
    object_id: Mapped[str] = mapped_column(sa.String(64))
    title: Mapped[str] = mapped_column(sa.String(500))
    status: Mapped[str] = mapped_column(sa.String(16), index=True)
    is_urgent: Mapped[bool] = mapped_column(default=False)
    state: Mapped[bytes] = mapped_column(sa.LargeBinary)
    state_size: Mapped[int] = mapped_column(default=0)  # uncompressed bytes, to watch growth
    # Indexed so the scheduler selects only instances whose timer is due (design.md §4).
    next_timer_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), index=True)
    error_message: Mapped[str | None] = mapped_column(sa.Text)
    error_task: Mapped[str | None] = mapped_column(sa.String(255))
    started_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user_account.id"))
    started_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=clock.now)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=clock.now)
    completed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    process_version: Mapped[ProcessVersion] = relationship()


class HumanTask(db.Model):
    """A user task as inboxes see it: plain indexed columns, never a deserialized workflow (design.md §4)."""

    __tablename__ = "human_task"
    __table_args__ = (
        # "Unassigned tasks of my roles in my agency", urgent first, then by deadline.
        # INCLUDE (PostgreSQL) the filtered columns, so pages and capped counts are index-only scans.
        sa.Index(
            "ix_human_task_role_queue",
            "agency_id",
            "role",
            "state",
            "priority",
            "due_sort",
            "id",
            postgresql_include=["unit_id", "assignee_id", "process_id", "urgency"],
        ),
        # "Tasks assigned to me", urgent first, then by deadline.
        sa.Index(
            "ix_human_task_assignee_queue",
            "assignee_id",
            "state",
            "priority",
            "due_sort",
            "id",
            postgresql_include=["role", "process_id", "urgency"],
        ),
        # The SLA scans: open tasks whose deadline has passed.
        sa.Index("ix_human_task_overdue", "state", "due_at"),
        # The leaders' reports (app.reports): an agency's open work by deadline, and what it completed or received in
        # a period. INCLUDE what the aggregates read, so the dashboard is index-only on PostgreSQL.
        sa.Index(
            "ix_human_task_agency_open",
            "agency_id",
            "state",
            "due_sort",
            postgresql_include=["unit_id", "assignee_id", "process_id", "urgency"],
        ),
        sa.Index(
            "ix_human_task_agency_completed",
            "agency_id",
            "completed_at",
            postgresql_include=[
                "state",
                "unit_id",
                "assignee_id",
                "process_id",
                "urgency",
                "due_at",
                "working_minutes",
            ],
        ),
        sa.Index(
            "ix_human_task_agency_created",
            "agency_id",
            "created_at",
            postgresql_include=["unit_id", "assignee_id", "process_id", "urgency"],
        ),
        # The designer's bottleneck heatmap and SLA what-if (app.designer): one process's completions, step by step.
        sa.Index(
            "ix_human_task_process_step",
            "agency_id",
            "process_id",
            "task_name",
            "completed_at",
            postgresql_include=["state", "urgency", "due_at", "working_minutes", "created_at"],
        ),
        # A document's tasks (its page, its history, the handling steps), and who worked on which document (the
        # incoming visibility rule, app.incoming.permissions): without them each is a scan of every task (bench/scale).
        sa.Index("ix_human_task_object", "object_type", "object_id"),
        sa.Index("ix_human_task_completed_by", "completed_by_id", "object_type", postgresql_include=["object_id"]),
        sa.UniqueConstraint("instance_id", "spiff_task_id", name="uq_human_task_spiff_task"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    instance_id: Mapped[int] = mapped_column(sa.ForeignKey("workflow_instance.id"), index=True)
    spiff_task_id: Mapped[str] = mapped_column(sa.String(36))
    task_name: Mapped[str] = mapped_column(sa.String(100))  # BPMN id, e.g. direct_handling
    title: Mapped[str] = mapped_column(sa.String(255))  # BPMN name, shown to people
    process_id: Mapped[str] = mapped_column(sa.String(100))
    object_type: Mapped[str] = mapped_column(sa.String(64))
    object_id: Mapped[str] = mapped_column(sa.String(64))
    object_title: Mapped[str] = mapped_column(sa.String(500))
    role: Mapped[str | None] = mapped_column(sa.String(32))  # the lane
    agency_id: Mapped[int] = mapped_column(sa.ForeignKey("agency.id"))
    unit_id: Mapped[int | None] = mapped_column(sa.ForeignKey("unit.id"))
    assignee_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user_account.id"))
    # True when the process named the assignee (e.g. the lead specialist chosen by the leader): not unclaimable.
    is_designated: Mapped[bool] = mapped_column(default=False)
    form_key: Mapped[str | None] = mapped_column(sa.String(200))
    due_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # due_at, or a far-future sentinel when there is none: a NOT NULL key the inbox index can page on.
    due_sort: Mapped[datetime] = mapped_column(UTCDateTime())
    urgency: Mapped[str] = mapped_column(sa.String(16), default=Urgency.NORMAL)
    # 0 for urgent work, 1 otherwise: urgent documents go first in every inbox (NĐ 30/2020 Điều 23.1, 24.2).
    priority: Mapped[int] = mapped_column(sa.SmallInteger, default=1, server_default="1")
    escalate_to: Mapped[str | None] = mapped_column(sa.String(32))
    state: Mapped[str] = mapped_column(sa.String(16))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=clock.now)
    claimed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # When the assignee or a candidate first opened the task (page or API): an urgent document's step not opened
    # within its urgent SLA is escalated (app.escalation).
    opened_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    completed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    completed_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user_account.id"))
    # Working minutes from created_at to completed_at on the agency's calendar, stored when the task completes, so
    # that averages and percentiles over long periods never run the calendar per row (app.reports).
    working_minutes: Mapped[int | None] = mapped_column()
    outcome: Mapped[str | None] = mapped_column(sa.String(64))
    comment: Mapped[str | None] = mapped_column(sa.Text)
    submitted: Mapped[dict | None] = mapped_column(sa.JSON)

    instance: Mapped[WorkflowInstance] = relationship()
    assignee = relationship("User", foreign_keys=[assignee_id])
    completed_by = relationship("User", foreign_keys=[completed_by_id])
    unit = relationship("Unit")

    @property
    def outcome_label(self) -> str | None:
        """The button the person pressed ("Đồng ý nội dung"), from the task's form; the raw value otherwise."""
        if not self.outcome:
            return None
        form = self.instance.process_version.forms.get(self.form_key) if self.form_key else None
        labels = {o.get("value"): o.get("label") for o in (form or {}).get("outcomes", [])}
        return labels.get(self.outcome) or self.outcome

    @property
    def is_open(self) -> bool:
        return self.state in (TaskState.READY, TaskState.CLAIMED)

    @property
    def queue_label(self) -> str:
        """Whose queue a task nobody holds waits in: its role and, for a unit's work, the unit ("Chuyên viên · Văn
        phòng Sở"), as the inbox, the overdue list and a document's steps say it."""
        from app.org.models import Role

        parts = (Role(self.role).label if self.role else None, self.unit.name if self.unit else None)
        return " · ".join(part for part in parts if part)

    def is_overdue(self, at: datetime) -> bool:
        return self.is_open and self.due_at is not None and self.due_at < at


class CaseFile(db.Model):
    """A file a form put into a case's data (a "file" widget): the blob store keeps it while a row names it.

    The case's data lives inside its serialized workflow; this row is the plain reference the orphan-blob sweep
    (app.maintenance) reads, written in the same transaction as the step that attached the file.
    """

    __tablename__ = "case_file"
    __table_args__ = (sa.UniqueConstraint("instance_id", "sha256", name="uq_case_file_instance_blob"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    instance_id: Mapped[int] = mapped_column(sa.ForeignKey("workflow_instance.id"))
    sha256: Mapped[str] = mapped_column(sa.String(64), index=True)
    name: Mapped[str] = mapped_column(sa.String(255))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=clock.now)
