"""The audit event row."""

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.core.db import UTCDateTime, db
from app.core.folding import keep_folded

SYSTEM_NAME = "system"  # the actor_name of the CLI, the demo loader, the scheduler
# Someone who has not signed in: a refused sign-in is theirs, neither the system's nor the account owner's.
NOT_SIGNED_IN = "(chưa đăng nhập)"


class AuditEvent(db.Model):
    """One state change: who, what, on which object, from where, when; chained to the one before."""

    __tablename__ = "audit_event"
    __table_args__ = (
        sa.Index("ix_audit_event_object", "object_type", "object_id"),
        # Refused sign-ins per address in a window (app.org.queries.count_login_failures).
        sa.Index("ix_audit_event_login_failures", "action", "ip", "occurred_at"),
    )

    id: Mapped[int] = mapped_column(sa.BigInteger().with_variant(sa.Integer, "sqlite"), primary_key=True)
    # Position in the chain, gap-free from 1; unique, so two writers can never fork the chain. Given, with the
    # hashes, when the transaction commits (app.audit.services._seal): empty only inside that transaction.
    seq: Mapped[int | None] = mapped_column(sa.BigInteger, unique=True)
    occurred_at: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)
    actor_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user_account.id"), index=True)
    actor_name: Mapped[str] = mapped_column(sa.String(255))
    agency_id: Mapped[int | None] = mapped_column(sa.ForeignKey("agency.id"), index=True)
    action: Mapped[str] = mapped_column(sa.String(64), index=True)
    object_type: Mapped[str] = mapped_column(sa.String(64))
    object_id: Mapped[str | None] = mapped_column(sa.String(64))
    summary: Mapped[str] = mapped_column(sa.String(500))
    # The summary without diacritics, for the log's search ("dang ky" finds "Đăng ký"); not in the hash.
    summary_folded: Mapped[str | None] = mapped_column(sa.String(500), deferred=True)
    changes: Mapped[dict] = mapped_column(sa.JSON, default=dict)
    ip: Mapped[str | None] = mapped_column(sa.String(64))
    user_agent: Mapped[str | None] = mapped_column(sa.String(500))
    prev_hash: Mapped[str | None] = mapped_column(sa.String(64))
    hash: Mapped[str | None] = mapped_column(sa.String(64))

    @property
    def actor_label(self) -> str:
        """Who did it, as pages name them: the system is "Hệ thống", not the name it is stored under."""
        return "Hệ thống" if self.actor_name == SYSTEM_NAME else self.actor_name


keep_folded(AuditEvent.summary, "summary_folded", 500)


class AccessChangeWarning(db.Model):
    """A change of who may see or do what, shown as a warning until a person with authority confirms it.

    NĐ 30/2020 Phụ lục VI III.3.c: "Cảnh báo sự thay đổi về quyền truy cập đối với từng hồ sơ, văn bản trong Hệ
    thống cho đến khi có xác nhận của người có thẩm quyền". Raised with the audit event of the change
    (app.audit.access_warnings), confirmed by app.org.access_warnings.
    """

    __tablename__ = "access_change_warning"

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(
        sa.BigInteger().with_variant(sa.Integer, "sqlite"), sa.ForeignKey("audit_event.id"), unique=True
    )
    agency_id: Mapped[int | None] = mapped_column(sa.ForeignKey("agency.id"), index=True)
    confirmed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    confirmed_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user_account.id"))
    note: Mapped[str | None] = mapped_column(sa.String(500))

    event: Mapped[AuditEvent] = relationship()
    confirmed_by = relationship("User", foreign_keys=[confirmed_by_id])
