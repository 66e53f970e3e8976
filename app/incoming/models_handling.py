"""What the people an incoming document was assigned to record while they handle it: extension requests (gia hạn),
returns to their unit leader (trả lại) and progress notes (cập nhật tiến độ).

Kept beside app.incoming.models (the document, its files and its assignments): these rows belong to one assignment
and keep its history — an approved extension keeps the deadline it replaced.
"""

from datetime import date, datetime
from enum import StrEnum

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.core import clock
from app.core.db import UTCDateTime, db


class ExtensionStatus(StrEnum):
    PENDING = "pending"
    APPROVED = "approved"
    REFUSED = "refused"


EXTENSION_LABELS = {
    ExtensionStatus.PENDING: "Chờ duyệt",
    ExtensionStatus.APPROVED: "Đã đồng ý",
    ExtensionStatus.REFUSED: "Không đồng ý",
}


class NoteKind(StrEnum):
    PROGRESS = "progress"  # cập nhật tiến độ
    RETURNED = "returned"  # trả lại lãnh đạo đơn vị để phân công lại
    OPINION = "opinion"  # ý kiến của đơn vị / người phối hợp (its "Góp ý phối hợp" step)
    ASSIGNED = "assigned"  # ý kiến của lãnh đạo đơn vị khi phân công chuyên viên


NOTE_LABELS = {
    NoteKind.PROGRESS: "Cập nhật tiến độ",
    NoteKind.RETURNED: "Trả lại để phân công lại",
    NoteKind.OPINION: "Ý kiến phối hợp",
    NoteKind.ASSIGNED: "Ý kiến phân công",
}


class IncomingExtension(db.Model):
    """A request to extend one assignment's deadline, and the decision on it (seed 000 Điều 18.1: theo dõi, đôn đốc)."""

    __tablename__ = "incoming_extension"
    __table_args__ = (sa.Index("ix_incoming_extension_document", "document_id", "status"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    document_id: Mapped[int] = mapped_column(sa.ForeignKey("incoming_document.id"))
    assignment_id: Mapped[int] = mapped_column(sa.ForeignKey("incoming_assignment.id"), index=True)
    status: Mapped[str] = mapped_column(sa.String(16), default=ExtensionStatus.PENDING)
    reason: Mapped[str] = mapped_column(sa.String(1000))
    proposed_date: Mapped[date] = mapped_column(sa.Date)
    previous_date: Mapped[date | None] = mapped_column(sa.Date)  # the deadline when it was asked
    requested_by_id: Mapped[int] = mapped_column(sa.ForeignKey("user_account.id"))
    requested_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=clock.now)
    decided_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user_account.id"))
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    decision_note: Mapped[str | None] = mapped_column(sa.String(1000))

    assignment = relationship("IncomingAssignment")
    requested_by = relationship("User", foreign_keys=[requested_by_id])
    decided_by = relationship("User", foreign_keys=[decided_by_id])

    @property
    def status_label(self) -> str:
        return EXTENSION_LABELS.get(ExtensionStatus(self.status), self.status)


class IncomingNote(db.Model):
    """A progress note (with an optional percent), a return to the unit leader (with its reason), or a coordinating
    unit's or person's opinion."""

    __tablename__ = "incoming_note"

    id: Mapped[int] = mapped_column(primary_key=True)
    document_id: Mapped[int] = mapped_column(sa.ForeignKey("incoming_document.id"), index=True)
    assignment_id: Mapped[int | None] = mapped_column(sa.ForeignKey("incoming_assignment.id"))
    kind: Mapped[str] = mapped_column(sa.String(16))
    text: Mapped[str] = mapped_column(sa.String(2000))
    percent: Mapped[int | None] = mapped_column(sa.SmallInteger)
    author_id: Mapped[int] = mapped_column(sa.ForeignKey("user_account.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=clock.now)

    assignment = relationship("IncomingAssignment")
    author = relationship("User")

    @property
    def kind_label(self) -> str:
        return NOTE_LABELS.get(NoteKind(self.kind), self.kind)
