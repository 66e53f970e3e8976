"""What stays of a recalled văn bản đến: the metadata of the recall itself (NĐ 30 Phụ lục VI III.8.c).

When the agency agrees to a recall, the document, its files and its metadata are destroyed (III.8.b, NĐ 30/2020
Điều 18.4.b: "bên nhận hủy bỏ văn bản điện tử bị thu hồi trên Hệ thống"). A `RecallRecord` keeps who asked, who
agreed, when, and which document it was — its identifiers (mã định danh, số/ký hiệu, sender, số đến), never its
content — and one `RecallFile` per destroyed file with the SHA-256 of its bytes.

`RecallFile.sha256` is deliberately not declared as a blob column (`Module(blobs=…)`): the record names the bytes
that were destroyed, it does not keep them.
"""

from datetime import date, datetime
from enum import StrEnum

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.core import clock
from app.core.db import UTCDateTime, db


class BlobFate(StrEnum):
    PENDING = "pending"  # the rows are gone; the bytes are removed after commit (retried by a job)
    DESTROYED = "destroyed"  # removed from the blob store
    SHARED = "shared"  # the same bytes belong to another row (the sender's own copy, a bản sao): kept for it


BLOB_FATE_LABELS = {
    BlobFate.PENDING: "Đang xóa",
    BlobFate.DESTROYED: "Đã xóa",
    # The store keeps one copy of equal contents: here most often the sender's own original, in this deployment.
    BlobFate.SHARED: "Đã gỡ khỏi văn bản; nội dung tệp vẫn được lưu vì một tài liệu khác trên Hệ thống (thường là "
    "bản gốc của nơi gửi) có cùng nội dung",
}


class RecallRecord(db.Model):
    """The recall of one văn bản đến, agreed and carried out (status 15 sent to the sender)."""

    __tablename__ = "recall_record"

    id: Mapped[int] = mapped_column(primary_key=True)
    agency_id: Mapped[int] = mapped_column(sa.ForeignKey("agency.id"), index=True)
    # The tombstone row of the destroyed document (kept so its id, số đến and delivery id stay taken).
    incoming_document_id: Mapped[int] = mapped_column(sa.ForeignKey("incoming_document.id"), unique=True)
    channel: Mapped[str] = mapped_column(sa.String(16))
    message_id: Mapped[str | None] = mapped_column(sa.String(100))
    # The document's identifiers (III.8.c), copied before its metadata is blanked.
    document_key: Mapped[str | None] = mapped_column(sa.String(100))  # mã định danh văn bản
    sender_code: Mapped[str | None] = mapped_column(sa.String(35))
    sender_name: Mapped[str] = mapped_column(sa.String(200))
    code_number: Mapped[str | None] = mapped_column(sa.String(11))
    code_notation: Mapped[str | None] = mapped_column(sa.String(30))
    issued_date: Mapped[date | None] = mapped_column(sa.Date)
    arrival_year: Mapped[int | None] = mapped_column()
    arrival_number: Mapped[int | None] = mapped_column()  # số đến
    arrived_at: Mapped[datetime] = mapped_column(UTCDateTime())
    # Who asked: the sender (through the exchange) or a clerk entering a request that came another way.
    requested_at: Mapped[datetime] = mapped_column(UTCDateTime())
    request_note: Mapped[str | None] = mapped_column(sa.String(1000))
    requested_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user_account.id"))
    # Who agreed, when; the name is copied (FullName, 50) so a renamed account does not rewrite the record.
    decided_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=clock.now)
    decided_by_id: Mapped[int] = mapped_column(sa.ForeignKey("user_account.id"))
    decided_by_name: Mapped[str] = mapped_column(sa.String(50))

    files: Mapped[list["RecallFile"]] = relationship(
        back_populates="record", order_by="RecallFile.id", cascade="all, delete-orphan"
    )
    requested_by = relationship("User", foreign_keys=[requested_by_id])
    decided_by = relationship("User", foreign_keys=[decided_by_id])

    @property
    def symbol(self) -> str:
        return "/".join(part for part in (self.code_number, self.code_notation) if part)

    @property
    def arrival_label(self) -> str:
        return f"{self.arrival_number:02d}" if self.arrival_number else ""

    @property
    def files_destroyed(self) -> bool:
        """Every file's bytes are gone from this document (removed, or left only to the other rows naming them)."""
        return all(f.fate != BlobFate.PENDING for f in self.files)


class RecallFile(db.Model):
    """One destroyed file: its SHA-256 and size (not its name: that is the document's metadata)."""

    __tablename__ = "recall_file"
    __table_args__ = (sa.Index("ix_recall_file_fate", "fate", "id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    record_id: Mapped[int] = mapped_column(sa.ForeignKey("recall_record.id"), index=True)
    origin: Mapped[str] = mapped_column(sa.String(16))  # "document" (its files) or "case" (files of its procedure)
    sha256: Mapped[str] = mapped_column(sa.String(64))
    size: Mapped[int | None] = mapped_column(sa.BigInteger)
    is_main: Mapped[bool] = mapped_column(default=False)
    fate: Mapped[str] = mapped_column(sa.String(16), default=BlobFate.PENDING)
    attempts: Mapped[int] = mapped_column(default=0)
    last_error: Mapped[str | None] = mapped_column(sa.String(500))
    done_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    record: Mapped[RecallRecord] = relationship(back_populates="files")

    @property
    def fate_label(self) -> str:
        return BLOB_FATE_LABELS[BlobFate(self.fate)]
