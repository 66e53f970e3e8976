"""The outbox of status messages (trạng thái xử lý) owed to the senders of documents."""

from datetime import datetime
from enum import StrEnum

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from app.core import clock
from app.core.db import UTCDateTime, db


class StatusCode(StrEnum):
    """QCVN 102 / QĐ 28/2018 status codes (legal.md §4.5)."""

    ARRIVED = "01"
    REFUSED = "02"
    ACCEPTED = "03"
    ASSIGNED = "04"
    HANDLING = "05"
    COMPLETED = "06"
    RECALL_REQUESTED = "13"
    RECALL_AGREED = "15"
    RECALL_REFUSED = "16"


STATUS_LABELS = {
    StatusCode.ARRIVED: "Đã đến",
    StatusCode.REFUSED: "Từ chối tiếp nhận",
    StatusCode.ACCEPTED: "Đã tiếp nhận",
    StatusCode.ASSIGNED: "Phân công",
    StatusCode.HANDLING: "Đang xử lý",
    StatusCode.COMPLETED: "Hoàn thành",
    StatusCode.RECALL_REQUESTED: "Lấy lại",
    StatusCode.RECALL_AGREED: "Đồng ý lấy lại",
    StatusCode.RECALL_REFUSED: "Từ chối lấy lại",
}


class StatusMessage(db.Model):
    """One status the recipient owes the sender, kept until delivered (and after, as the tracking record)."""

    __tablename__ = "status_message"
    __table_args__ = (
        sa.Index("ix_status_message_undelivered", "delivered_at", "id"),
        sa.Index("ix_status_message_document", "document_key"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    from_agency_id: Mapped[int] = mapped_column(sa.ForeignKey("agency.id"), index=True)
    to_organ_id: Mapped[str | None] = mapped_column(sa.String(35))  # the sender's mã định danh
    to_organ_name: Mapped[str] = mapped_column(sa.String(200))
    document_key: Mapped[str | None] = mapped_column(sa.String(100))  # mã định danh văn bản (legal.md §4.6)
    object_type: Mapped[str] = mapped_column(sa.String(64))
    object_id: Mapped[str] = mapped_column(sa.String(64))
    code: Mapped[str] = mapped_column(sa.String(2))
    description: Mapped[str] = mapped_column(sa.String(500))
    staff_name: Mapped[str | None] = mapped_column(sa.String(255))
    staff_unit: Mapped[str | None] = mapped_column(sa.String(255))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=clock.now)
    delivered_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
