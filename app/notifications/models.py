"""Notices to people, their queued e-mails, and each person's choices."""

from datetime import date, datetime
from enum import StrEnum

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.core import clock
from app.core.db import UTCDateTime, db


class EmailStatus(StrEnum):
    PENDING = "pending"  # waiting for its (next) attempt
    SENT = "sent"
    FAILED = "failed"  # gave up after the last attempt; kept so an administrator can see why


class Notification(db.Model):
    """One notice to one person. `dedupe_key` makes a repeated notice (a re-run job) a no-op for that person."""

    __tablename__ = "notification"
    __table_args__ = (
        sa.UniqueConstraint("user_id", "dedupe_key", name="uq_notification_user_key"),
        # The bell: "my unread notices, newest first" and its count.
        sa.Index("ix_notification_user_unread", "user_id", "read_at", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("user_account.id"))
    agency_id: Mapped[int | None] = mapped_column(sa.ForeignKey("agency.id"))
    kind: Mapped[str] = mapped_column(sa.String(32))  # e.g. task_reminder, task_overdue, urgent_unopened
    title: Mapped[str] = mapped_column(sa.String(300))
    body: Mapped[str] = mapped_column(sa.Text, default="")
    url: Mapped[str | None] = mapped_column(sa.String(500))  # a path inside qlvb, e.g. /tasks/12
    object_type: Mapped[str | None] = mapped_column(sa.String(64))
    object_id: Mapped[str | None] = mapped_column(sa.String(64))
    dedupe_key: Mapped[str | None] = mapped_column(sa.String(200))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=clock.now)
    read_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    user = relationship("User")

    @property
    def is_read(self) -> bool:
        return self.read_at is not None


class NotificationEmail(db.Model):
    """The e-mail of a notice (or of a digest), queued in the notice's transaction and sent after the commit."""

    __tablename__ = "notification_email"
    __table_args__ = (sa.Index("ix_notification_email_due", "status", "next_attempt_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    notification_id: Mapped[int | None] = mapped_column(sa.ForeignKey("notification.id", ondelete="CASCADE"))
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("user_account.id"), index=True)
    to_address: Mapped[str] = mapped_column(sa.String(255))
    subject: Mapped[str] = mapped_column(sa.String(300))
    body: Mapped[str] = mapped_column(sa.Text)
    status: Mapped[str] = mapped_column(sa.String(16), default=EmailStatus.PENDING)
    attempts: Mapped[int] = mapped_column(default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=clock.now)
    last_error: Mapped[str | None] = mapped_column(sa.String(1000))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=clock.now)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class NotificationPreference(db.Model):
    """A person's choices; no row means the defaults (e-mail on when they have an address, no digest)."""

    __tablename__ = "notification_preference"

    user_id: Mapped[int] = mapped_column(sa.ForeignKey("user_account.id"), primary_key=True)
    email_enabled: Mapped[bool] = mapped_column(default=True)
    digest_enabled: Mapped[bool] = mapped_column(default=False)
    digest_last_sent_on: Mapped[date | None] = mapped_column(sa.Date)  # one digest a day, even after a restart
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=clock.now)
