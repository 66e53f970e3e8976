"""Incoming documents, their files and the assignments a leader's direction creates."""

from datetime import date, datetime
from enum import StrEnum

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.core import clock
from app.core.db import UTCDateTime, db
from app.core.folding import keep_folded


class IncomingStatus(StrEnum):
    RECEIVED = "received"  # arrived, waiting for the clerk's check
    RETURNED = "returned"  # sent back to the sender (status 02)
    REGISTERED = "registered"  # has its số đến, waiting for direction (status 03)
    DIRECTED = "directed"  # a leader assigned it (status 04)
    HANDLING = "handling"  # the lead is working on it (status 05)
    COMPLETED = "completed"  # status 06
    RECALLED = "recalled"  # the sender recalled it (status 15)


STATUS_LABELS = {
    IncomingStatus.RECEIVED: "Chờ tiếp nhận",
    IncomingStatus.RETURNED: "Đã trả lại",
    IncomingStatus.REGISTERED: "Đã vào sổ",
    IncomingStatus.DIRECTED: "Đã phân công",
    IncomingStatus.HANDLING: "Đang xử lý",
    IncomingStatus.COMPLETED: "Hoàn thành",
    IncomingStatus.RECALLED: "Đã thu hồi",
}

# The colour of each status's badge (Bootstrap classes), on the list and the document's page: waiting on the clerk
# yellow, in the leaders' and handlers' hands blue, done green, ended grey or black.
STATUS_BADGES = {
    IncomingStatus.RECEIVED: "text-bg-warning",
    IncomingStatus.RETURNED: "text-bg-secondary",
    IncomingStatus.REGISTERED: "text-bg-info",
    IncomingStatus.DIRECTED: "text-bg-primary",
    IncomingStatus.HANDLING: "text-bg-primary",
    IncomingStatus.COMPLETED: "text-bg-success",
    IncomingStatus.RECALLED: "text-bg-dark",
}


class Channel(StrEnum):
    ELECTRONIC = "electronic"  # từ hệ thống khác / liên thông / API
    PAPER = "paper"  # bản giấy, văn thư số hóa


class AssignmentKind(StrEnum):
    LEAD = "lead"  # chủ trì
    COORDINATE = "coordinate"  # phối hợp
    INFORM = "inform"  # để biết


ASSIGNMENT_LABELS = {
    AssignmentKind.LEAD: "Chủ trì",
    AssignmentKind.COORDINATE: "Phối hợp",
    AssignmentKind.INFORM: "Để biết",
}


class IncomingDocument(db.Model):
    """A văn bản đến with the Phụ lục VI Phần II.II fields (NĐ 30/2020)."""

    __tablename__ = "incoming_document"
    __table_args__ = (
        sa.UniqueConstraint("agency_id", "message_id", name="uq_incoming_message"),
        sa.UniqueConstraint("register_id", "arrival_year", "arrival_number", name="uq_incoming_number"),
        sa.Index("ix_incoming_agency_status", "agency_id", "status", "arrived_at"),
        sa.Index("ix_incoming_agency_number", "agency_id", "arrival_year", "arrival_number"),
        # The leaders' reports (app.reports): what arrived in a period, per lead unit, index-only on PostgreSQL.
        sa.Index(
            "ix_incoming_agency_arrived",
            "agency_id",
            "arrived_at",
            postgresql_include=["id", "status", "channel", "lead_unit_id", "handling_due", "due_date", "completed_at"],
        ),
    )
    # Not stored: receive_incoming sets it on the document it returns for a message id delivered before, so that a
    # clerk importing the same file again is told so.
    already_received = False

    id: Mapped[int] = mapped_column(primary_key=True)
    agency_id: Mapped[int] = mapped_column(sa.ForeignKey("agency.id"), index=True)
    channel: Mapped[str] = mapped_column(sa.String(16))
    status: Mapped[str] = mapped_column(sa.String(16))
    # An electronic delivery's message id: delivered once however often it is retried (design.md §7).
    message_id: Mapped[str | None] = mapped_column(sa.String(100))
    sender_code: Mapped[str | None] = mapped_column(sa.String(35))  # OrganId
    sender_name: Mapped[str] = mapped_column(sa.String(200))  # 7 OrganName
    sender_folded: Mapped[str | None] = mapped_column(sa.String(200))  # without diacritics, for search
    code_number: Mapped[str | None] = mapped_column(sa.String(11))  # 4 CodeNumber
    code_notation: Mapped[str | None] = mapped_column(sa.String(30))  # 5 CodeNotation
    issued_date: Mapped[date | None] = mapped_column(sa.Date)  # 6 IssuedDate
    type_name: Mapped[str] = mapped_column(sa.String(100))  # 3 TypeName
    subject: Mapped[str] = mapped_column(sa.String(500))  # 8 Subject
    subject_folded: Mapped[str] = mapped_column(sa.String(500), index=True)  # without diacritics, for search
    language: Mapped[str] = mapped_column(sa.String(30), default="Tiếng Việt")  # 9 Language
    page_count: Mapped[int | None] = mapped_column()  # 10 PageAmount
    description: Mapped[str | None] = mapped_column(sa.String(500))  # 11 Description
    signer_position: Mapped[str | None] = mapped_column(sa.String(100))  # 14.1
    signer_name: Mapped[str | None] = mapped_column(sa.String(50))  # 14.2
    urgency: Mapped[str] = mapped_column(sa.String(16), default="thuong")  # 15 Priority
    recipients: Mapped[str | None] = mapped_column(sa.String(1000))  # 16 ToPlaces (as written on the document)
    due_date: Mapped[date | None] = mapped_column(sa.Date)  # 18 DueDate
    paper_follows: Mapped[bool] = mapped_column(default=False)
    document_key: Mapped[str | None] = mapped_column(sa.String(100), index=True)  # mã định danh văn bản
    # Phụ lục VI Phần II.II fields 1 and 2: set when the document is filed into a dossier (hồ sơ).
    file_code: Mapped[str | None] = mapped_column(sa.String(100))  # 1 FileCode
    doc_ordinal: Mapped[int | None] = mapped_column()  # 2 DocOrdinal
    # NĐ 30/2020 Điều 18.3: this document updates, replaces or corrects an earlier one of the same sender
    # (edXML Bussiness: BussinessDocType 2/3 and the earlier DocumentId, legal.md §4.2); the earlier incoming copy
    # when this agency received it (app.incoming.relations).
    relation: Mapped[str | None] = mapped_column(sa.String(16))  # update | replace | correct
    related_key: Mapped[str | None] = mapped_column(sa.String(100))  # the earlier document's mã định danh
    related_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("incoming_document.id", ondelete="SET NULL"), index=True
    )
    arrived_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=clock.now)  # 12 ArrivalDate
    register_id: Mapped[int | None] = mapped_column(sa.ForeignKey("register.id"))
    arrival_year: Mapped[int | None] = mapped_column()
    arrival_number: Mapped[int | None] = mapped_column()  # 13 ArrivalNumber (số đến)
    registered_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    registered_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user_account.id"))
    returned_reason: Mapped[str | None] = mapped_column(sa.String(1000))
    returned_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # Thu hồi (NĐ 30/2020 Điều 18.4.b, Phụ lục VI III.8.c): the sender's request, the agency's decision.
    recall_requested_at: Mapped[datetime | None] = mapped_column(UTCDateTime())  # status 13 received
    recall_note: Mapped[str | None] = mapped_column(sa.String(1000))  # the sender's note
    recall_decided_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user_account.id"))
    recalled_at: Mapped[datetime | None] = mapped_column(UTCDateTime())  # accepted (status 15)
    # Its content (files, text, case) destroyed with the dossiers that held it (app.dossiers.destruction; seed 000
    # Điều 25.2): the register line stays, the content is gone. FK by name: app.dossiers sits above this module.
    content_destroyed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    content_destruction_id: Mapped[int | None] = mapped_column(sa.ForeignKey("dossier_destruction.id"))
    direction: Mapped[str | None] = mapped_column(sa.Text)  # ý kiến chỉ đạo
    lead_unit_id: Mapped[int | None] = mapped_column(sa.ForeignKey("unit.id"))
    lead_user_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user_account.id"))
    handling_due: Mapped[date | None] = mapped_column(sa.Date)  # the lead's deadline set by the leader
    result: Mapped[str | None] = mapped_column(sa.Text)
    completed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    created_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user_account.id"))

    files: Mapped[list["IncomingFile"]] = relationship(
        back_populates="document", order_by="IncomingFile.id", cascade="all, delete-orphan"
    )
    assignments: Mapped[list["IncomingAssignment"]] = relationship(
        order_by="IncomingAssignment.id", cascade="all, delete-orphan"
    )
    lead_unit = relationship("Unit", foreign_keys=[lead_unit_id])
    lead_user = relationship("User", foreign_keys=[lead_user_id])
    recall_decided_by = relationship("User", foreign_keys=[recall_decided_by_id])
    related = relationship("IncomingDocument", remote_side=[id], foreign_keys=[related_id])

    @property
    def symbol(self) -> str:
        """Số, ký hiệu as written: "123/SNV-TCBC"."""
        return "/".join(part for part in (self.code_number, self.code_notation) if part)

    @property
    def arrival_label(self) -> str:
        return f"{self.arrival_number:02d}" if self.arrival_number else ""

    @property
    def recall_pending(self) -> bool:
        """The sender asked to recall it (status 13) and the agency has not decided yet."""
        return self.recall_requested_at is not None and self.recall_decided_by_id is None


# The sender's name is searched without diacritics ("so tai chinh" finds "Sở Tài chính"); the ORM keeps the copy.
keep_folded(IncomingDocument.sender_name, "sender_folded", limit=200)
keep_folded(IncomingDocument.subject, "subject_folded", limit=500)


class IncomingFile(db.Model):
    """A file of an incoming document (the main PDF, attachments), stored in the blob store by SHA-256."""

    __tablename__ = "incoming_file"
    # The exchange statistics (app.reports) count the signed main files of a period's documents: index-only probes.
    __table_args__ = (
        sa.Index("ix_incoming_file_signature", "document_id", postgresql_include=["is_main", "signature_valid"]),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    document_id: Mapped[int] = mapped_column(sa.ForeignKey("incoming_document.id"), index=True)
    sha256: Mapped[str] = mapped_column(sa.String(64))
    filename: Mapped[str] = mapped_column(sa.String(255))
    content_type: Mapped[str] = mapped_column(sa.String(100))
    size: Mapped[int] = mapped_column(sa.BigInteger)
    is_main: Mapped[bool] = mapped_column(default=False)
    signature_valid: Mapped[bool | None] = mapped_column()  # None: not a PDF, nothing to verify
    signature_report: Mapped[dict | None] = mapped_column(sa.JSON)
    # What the PDF carried when received (app.documents.pdfcheck codes: "javascript", "embedded_executable", "uri"…),
    # shown next to the file. `disarmed`: `sha256` is a copy without the active content (the agency's policy,
    # app.documents.upload_policy); `original_sha256` the file as received, when kept (always for a signed one: its
    # signature, verified on receipt, lives only in those bytes).
    findings: Mapped[list | None] = mapped_column(sa.JSON)
    disarmed: Mapped[bool] = mapped_column(default=False, server_default=sa.false())
    original_sha256: Mapped[str | None] = mapped_column(sa.String(64))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=clock.now)

    document: Mapped[IncomingDocument] = relationship(back_populates="files")

    @property
    def has_original(self) -> bool:
        """The file as received is kept beside the stored (disarmed) copy."""
        return self.original_sha256 is not None

    @property
    def finding_labels(self) -> list[str]:
        from app.documents.pdfcheck import LABELS

        return [LABELS.get(code, code) for code in self.findings or []]


class IncomingAssignment(db.Model):
    """Who a leader's direction gives the document to: chủ trì, phối hợp, để biết, each with a deadline."""

    __tablename__ = "incoming_assignment"
    # Who a person or unit was given documents to (the visibility rule, app.incoming.permissions).
    __table_args__ = (
        sa.Index("ix_incoming_assignment_user", "user_id", postgresql_include=["document_id"]),
        sa.Index("ix_incoming_assignment_unit", "unit_id", postgresql_include=["document_id"]),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    document_id: Mapped[int] = mapped_column(sa.ForeignKey("incoming_document.id"), index=True)
    kind: Mapped[str] = mapped_column(sa.String(16))
    unit_id: Mapped[int | None] = mapped_column(sa.ForeignKey("unit.id"))
    user_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user_account.id"))
    due_date: Mapped[date | None] = mapped_column(sa.Date)
    note: Mapped[str | None] = mapped_column(sa.String(1000))
    created_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user_account.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=clock.now)
    done_at: Mapped[datetime | None] = mapped_column(UTCDateTime())  # opinion given / "đã đọc" confirmed

    unit = relationship("Unit")
    user = relationship("User", foreign_keys=[user_id])

    @property
    def kind_label(self) -> str:
        return ASSIGNMENT_LABELS.get(self.kind, self.kind)
