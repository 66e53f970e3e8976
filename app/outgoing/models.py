"""Outgoing documents (văn bản đi): the draft and its versions, reviews, attachments and recipients.

The fields follow NĐ 30/2020 Phụ lục VI Phần II.I (dữ liệu đầu vào của văn bản đi) and the register columns of
Phụ lục IV mục I (Sổ đăng ký văn bản đi); the procedure follows Điều 10–19 (legal.md §1.5).
"""

from datetime import date, datetime
from enum import StrEnum

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.core import clock
from app.core.db import UTCDateTime, db
from app.core.folding import keep_folded


class OutgoingStatus(StrEnum):
    DRAFT = "draft"  # being written; not yet submitted
    CONSULTING = "consulting"  # coordinating units give opinions (lấy ý kiến)
    REVIEWING = "reviewing"  # unit leader checks the content (NĐ 30/2020 Điều 12.1)
    FORMAT_CHECK = "format_check"  # clerk checks thể thức, kỹ thuật trình bày (Điều 12.2)
    RETURNED = "returned"  # sent back to the drafter with comments
    SIGNING = "signing"  # waiting for the signer's approval and personal signature (Điều 13)
    SIGNED = "signed"  # personally signed; waiting for number, seal and issue (Điều 15, 18.1)
    ISSUED = "issued"  # numbered, sealed, registered and dispatched (Điều 14, 16, 17)
    RECALLED = "recalled"  # thu hồi (Điều 18.4)
    CANCELLED = "cancelled"  # the draft was abandoned before issue


STATUS_LABELS = {
    OutgoingStatus.DRAFT: "Dự thảo",
    OutgoingStatus.CONSULTING: "Đang lấy ý kiến",
    OutgoingStatus.REVIEWING: "Chờ duyệt nội dung",
    OutgoingStatus.FORMAT_CHECK: "Chờ kiểm tra thể thức",
    OutgoingStatus.RETURNED: "Trả lại để chỉnh sửa",
    OutgoingStatus.SIGNING: "Chờ ký duyệt",
    OutgoingStatus.SIGNED: "Đã ký, chờ phát hành",
    OutgoingStatus.ISSUED: "Đã phát hành",
    OutgoingStatus.RECALLED: "Đã thu hồi",
    OutgoingStatus.CANCELLED: "Đã hủy",
}

# The colour of each status's badge (Bootstrap classes), on the list and the document's page: work in progress blue,
# waiting on its drafter yellow, done green, ended grey or black.
STATUS_BADGES = {
    OutgoingStatus.DRAFT: "text-bg-light border",
    OutgoingStatus.CONSULTING: "text-bg-primary",
    OutgoingStatus.REVIEWING: "text-bg-primary",
    OutgoingStatus.FORMAT_CHECK: "text-bg-primary",
    OutgoingStatus.RETURNED: "text-bg-warning",
    OutgoingStatus.SIGNING: "text-bg-primary",
    OutgoingStatus.SIGNED: "text-bg-info",
    OutgoingStatus.ISSUED: "text-bg-success",
    OutgoingStatus.RECALLED: "text-bg-dark",
    OutgoingStatus.CANCELLED: "text-bg-secondary",
}


class SignerAuthority(StrEnum):
    """Thẩm quyền ký (NĐ 30/2020 Điều 13; Phụ lục I II.7.b). NONE: the head signs in their own name."""

    NONE = ""
    TM = "TM."  # thay mặt tập thể
    KT = "KT."  # ký thay
    Q = "Q."  # quyền
    TL = "TL."  # thừa lệnh
    TUQ = "TUQ."  # thừa ủy quyền


AUTHORITY_LABELS = {
    SignerAuthority.NONE: "Ký trực tiếp",
    SignerAuthority.TM: "TM. (thay mặt tập thể)",
    SignerAuthority.KT: "KT. (ký thay)",
    SignerAuthority.Q: "Q. (quyền)",
    SignerAuthority.TL: "TL. (thừa lệnh)",
    SignerAuthority.TUQ: "TUQ. (thừa ủy quyền)",
}


class Relation(StrEnum):
    """How a document relates to an earlier one of the agency (NĐ 30/2020 Điều 18.3; Phụ lục VI III.8)."""

    UPDATE = "update"  # cập nhật / sửa đổi
    REPLACE = "replace"  # thay thế
    CORRECT = "correct"  # đính chính (a Công văn)


RELATION_LABELS = {Relation.UPDATE: "Cập nhật", Relation.REPLACE: "Thay thế", Relation.CORRECT: "Đính chính"}


class VersionStage(StrEnum):
    DRAFT = "draft"  # uploaded by the drafter (lần 1, 2, 3 …)
    PREPARED = "prepared"  # the PDF to sign, with the empty number and date fields
    SIGNED = "signed"  # with the personal signature
    ISSUED = "issued"  # numbered and sealed: the original (bản gốc, Điều 19.2)


class ReviewKind(StrEnum):
    OPINION = "opinion"  # góp ý of a coordinating unit
    CONTENT = "content"  # duyệt nội dung (Điều 12.1)
    FORMAT = "format"  # kiểm tra thể thức (Điều 12.2)
    SIGN = "sign"  # ký duyệt (Điều 13)
    COMMENT = "comment"  # a free comment on the draft


# How pages name a version's stage and a review's kind.
STAGE_LABELS = {
    VersionStage.DRAFT: "Dự thảo",
    VersionStage.PREPARED: "Chuẩn bị ký",
    VersionStage.SIGNED: "Đã ký số cá nhân",
    VersionStage.ISSUED: "Bản phát hành",
}
REVIEW_LABELS = {
    ReviewKind.OPINION: "Góp ý của đơn vị phối hợp",
    ReviewKind.CONTENT: "Duyệt nội dung",
    ReviewKind.FORMAT: "Kiểm tra thể thức",
    ReviewKind.SIGN: "Ký duyệt",
    ReviewKind.COMMENT: "Góp ý",
}
REVIEW_DECISION_LABELS = {"approve": "Đồng ý", "return": "Trả lại"}  # OutgoingReview.decision; None: no decision


class RecipientKind(StrEnum):
    AGENCY = "agency"  # an agency of this deployment: delivered through the exchange
    EXTERNAL = "external"  # an agency elsewhere: through the connector when a peer reaches it, else a package file
    UNIT = "unit"  # an internal unit: for information


class DeliveryState(StrEnum):
    PENDING = "pending"  # not yet delivered (a delivery failed; the exchange job retries)
    DELIVERED = "delivered"  # in the recipient's hands; statuses follow
    EXPORTED = "exported"  # an external recipient: package ready to download and send


class OutgoingDocument(db.Model):
    __tablename__ = "outgoing_document"
    __table_args__ = (
        sa.UniqueConstraint("register_id", "number_year", "number", name="uq_outgoing_number"),
        # NĐ 30/2020 Điều 15.1: "Số và ký hiệu văn bản của cơ quan, tổ chức là duy nhất trong một năm" — across all
        # the agency's registers. A plain unique index: NULL symbols (drafts) are distinct on SQLite and PostgreSQL.
        sa.Index("uq_outgoing_agency_year_symbol", "agency_id", "number_year", "symbol", unique=True),
        sa.Index("ix_outgoing_agency_status", "agency_id", "status", "updated_at"),
        # The leaders' reports (app.reports): drafts begun in a period per unit, and what was issued in a period.
        sa.Index(
            "ix_outgoing_agency_created",
            "agency_id",
            "created_at",
            postgresql_include=["status", "drafting_unit_id", "reply_due", "issued_at"],
        ),
        sa.Index("ix_outgoing_agency_issued", "agency_id", "issued_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    agency_id: Mapped[int] = mapped_column(sa.ForeignKey("agency.id"), index=True)
    status: Mapped[str] = mapped_column(sa.String(16), default=OutgoingStatus.DRAFT)
    type_code: Mapped[str] = mapped_column(sa.String(16))  # the DocumentType code
    type_name: Mapped[str] = mapped_column(sa.String(100))  # 3 TypeName
    subject: Mapped[str] = mapped_column(sa.String(500))  # 8 Subject (trích yếu)
    subject_folded: Mapped[str] = mapped_column(sa.String(500), index=True)
    urgency: Mapped[str] = mapped_column(sa.String(16), default="thuong")  # 15 Priority
    language: Mapped[str] = mapped_column(sa.String(30), default="Tiếng Việt")
    page_count: Mapped[int | None] = mapped_column()
    copies: Mapped[int | None] = mapped_column()  # số lượng bản (Phụ lục IV I, column 9)
    place: Mapped[str | None] = mapped_column(sa.String(100))  # địa danh on the date line
    notation: Mapped[str | None] = mapped_column(sa.String(30))  # ký hiệu without the number: "UBND-VP"
    drafting_unit_id: Mapped[int | None] = mapped_column(sa.ForeignKey("unit.id"))
    drafter_id: Mapped[int] = mapped_column(sa.ForeignKey("user_account.id"))
    signer_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user_account.id"))  # proposed, then actual
    signer_authority: Mapped[str] = mapped_column(sa.String(8), default="")
    signer_title: Mapped[str | None] = mapped_column(sa.String(100))  # "PHÓ CHỦ TỊCH"
    reply_to_id: Mapped[int | None] = mapped_column(sa.ForeignKey("incoming_document.id"), index=True)
    reply_requested: Mapped[bool] = mapped_column(default=False)
    reply_due: Mapped[date | None] = mapped_column(sa.Date)
    relation: Mapped[str | None] = mapped_column(sa.String(16))
    related_id: Mapped[int | None] = mapped_column(sa.ForeignKey("outgoing_document.id"), index=True)
    consult_unit_ids: Mapped[list | None] = mapped_column(sa.JSON)
    consult_due: Mapped[date | None] = mapped_column(sa.Date)
    # Numbering (Điều 15): gap-free per register per year; symbol = "05/QĐ-UBND".
    register_id: Mapped[int | None] = mapped_column(sa.ForeignKey("register.id"))
    number_year: Mapped[int | None] = mapped_column()
    number: Mapped[int | None] = mapped_column()
    symbol: Mapped[str | None] = mapped_column(sa.String(50), index=True)
    issued_date: Mapped[date | None] = mapped_column(sa.Date)
    signed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    issued_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    issued_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user_account.id"))
    recalled_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    recall_reason: Mapped[str | None] = mapped_column(sa.String(1000))
    # Its content (files, text, case) destroyed with the dossiers that held it (app.dossiers.destruction; seed 000
    # Điều 25.2): the register line stays, the content is gone. FK by name: app.dossiers sits above this module.
    content_destroyed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    content_destruction_id: Mapped[int | None] = mapped_column(sa.ForeignKey("dossier_destruction.id"))
    # Phụ lục VI Phần II.I fields kept on the document itself (III.1.g: filled by the System at issue). The names are
    # copies taken at issue, so renaming the agency or the signer's account never rewrites an issued document.
    description: Mapped[str | None] = mapped_column(sa.String(500))  # 11 Description (ghi chú)
    document_key: Mapped[str | None] = mapped_column(sa.String(100), index=True)  # mã định danh văn bản (§4.6)
    organ_name: Mapped[str | None] = mapped_column(sa.String(200))  # 7 OrganName, as at issue
    signer_full_name: Mapped[str | None] = mapped_column(sa.String(50))  # 12.2 FullName, as at issue
    file_code: Mapped[str | None] = mapped_column(sa.String(100))  # 1 FileCode: set when filed into a dossier
    doc_ordinal: Mapped[int | None] = mapped_column()  # 2 DocOrdinal: its place in that dossier
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=clock.now)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=clock.now, onupdate=clock.now)

    versions: Mapped[list["OutgoingVersion"]] = relationship(
        back_populates="document", order_by="OutgoingVersion.id", cascade="all, delete-orphan"
    )
    attachments: Mapped[list["OutgoingAttachment"]] = relationship(
        order_by="OutgoingAttachment.id", cascade="all, delete-orphan"
    )
    recipients: Mapped[list["OutgoingRecipient"]] = relationship(
        back_populates="document", order_by="OutgoingRecipient.id", cascade="all, delete-orphan"
    )
    reviews: Mapped[list["OutgoingReview"]] = relationship(order_by="OutgoingReview.id", cascade="all, delete-orphan")
    drafter = relationship("User", foreign_keys=[drafter_id])
    signer = relationship("User", foreign_keys=[signer_id])
    drafting_unit = relationship("Unit", foreign_keys=[drafting_unit_id])
    reply_to = relationship("IncomingDocument", foreign_keys=[reply_to_id])
    related = relationship("OutgoingDocument", remote_side=[id], foreign_keys=[related_id])

    @property
    def signer_name(self) -> str | None:
        """Họ tên người ký: the copy kept at issue; before issue, the proposed signer's current name."""
        if self.signer_full_name:
            return self.signer_full_name
        return self.signer.full_name if self.signer is not None else None

    @property
    def cancel_label(self) -> str:
        """What cancelling it is called: once signed it is no longer a draft (dự thảo), though not yet issued."""
        return "Hủy văn bản (chưa phát hành)" if self.signed_at is not None else "Hủy dự thảo"

    @property
    def number_label(self) -> str:
        return f"{self.number:02d}" if self.number else ""

    @property
    def main_version(self) -> "OutgoingVersion | None":
        """The newest file of the document: the issued original once there is one."""
        return self.versions[-1] if self.versions else None

    @property
    def draft_versions(self) -> list["OutgoingVersion"]:
        return [v for v in self.versions if v.stage == VersionStage.DRAFT]


keep_folded(OutgoingDocument.subject, "subject_folded", limit=500)  # search without diacritics


class OutgoingVersion(db.Model):
    """One file of the main document: a draft upload (lần n) or a later stage of the PDF being signed."""

    __tablename__ = "outgoing_version"
    __table_args__ = (
        sa.UniqueConstraint("document_id", "number", name="uq_outgoing_version"),
        # The exchange statistics (app.reports): was the issued original sealed? An index-only probe per document.
        sa.Index("ix_outgoing_version_sealed", "document_id", postgresql_include=["stage", "credential_id"]),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    document_id: Mapped[int] = mapped_column(sa.ForeignKey("outgoing_document.id"), index=True)
    number: Mapped[int] = mapped_column()  # lần 1, 2, 3 … across all stages
    stage: Mapped[str] = mapped_column(sa.String(16), default=VersionStage.DRAFT)
    sha256: Mapped[str] = mapped_column(sa.String(64))  # the PDF
    filename: Mapped[str] = mapped_column(sa.String(255))
    size: Mapped[int] = mapped_column(sa.BigInteger)
    source_sha256: Mapped[str | None] = mapped_column(sa.String(64))  # the uploaded DOCX it was converted from
    source_filename: Mapped[str | None] = mapped_column(sa.String(255))
    note: Mapped[str | None] = mapped_column(sa.String(1000))
    # The key that signed this stage (personal for SIGNED, the seal for ISSUED): checked again before sealing.
    credential_id: Mapped[int | None] = mapped_column(sa.ForeignKey("signing_credential.id"))
    created_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user_account.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=clock.now)

    document: Mapped[OutgoingDocument] = relationship(back_populates="versions")

    @property
    def download_name(self) -> str:
        """The issued original downloads under its số/ký hiệu (`54-UBND-VP.pdf`), the other stages as uploaded."""
        if self.stage == VersionStage.ISSUED and self.document.symbol:
            return self.document.symbol.replace("/", "-") + ".pdf"
        return self.filename

    created_by = relationship("User")
    credential = relationship("SigningCredential")


class OutgoingAttachment(db.Model):
    """A văn bản kèm theo in a separate file: sealed without an image at issue (Phụ lục I II.8.b)."""

    __tablename__ = "outgoing_attachment"

    id: Mapped[int] = mapped_column(primary_key=True)
    document_id: Mapped[int] = mapped_column(sa.ForeignKey("outgoing_document.id"), index=True)
    filename: Mapped[str] = mapped_column(sa.String(255))
    content_type: Mapped[str] = mapped_column(sa.String(100))
    sha256: Mapped[str] = mapped_column(sa.String(64))
    size: Mapped[int] = mapped_column(sa.BigInteger)
    signed_sha256: Mapped[str | None] = mapped_column(sa.String(64))  # the organization-signed PDF
    created_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user_account.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=clock.now)


class OutgoingReview(db.Model):
    """An opinion, approval, return or comment on the draft: the trail the document page shows."""

    __tablename__ = "outgoing_review"

    id: Mapped[int] = mapped_column(primary_key=True)
    document_id: Mapped[int] = mapped_column(sa.ForeignKey("outgoing_document.id"), index=True)
    kind: Mapped[str] = mapped_column(sa.String(16))
    decision: Mapped[str | None] = mapped_column(sa.String(16))  # approve | return | None (opinion, comment)
    comment: Mapped[str | None] = mapped_column(sa.Text)
    version_number: Mapped[int | None] = mapped_column()
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("user_account.id"))
    unit_id: Mapped[int | None] = mapped_column(sa.ForeignKey("unit.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=clock.now)

    user = relationship("User")
    unit = relationship("Unit")


class OutgoingRecipient(db.Model):
    """A nơi nhận and its delivery: the latest status (edXML status codes 01–16) and when it came."""

    __tablename__ = "outgoing_recipient"
    __table_args__ = (
        sa.UniqueConstraint("message_id", name="uq_outgoing_recipient_message"),
        # The retry job reads only the deliveries that are due (design.md §4: touch only what is due).
        sa.Index("ix_outgoing_recipient_retry", "delivery", "next_attempt_at"),
        # The exchange statistics (app.reports) read each issued document's deliveries: index-only on PostgreSQL.
        sa.Index(
            "ix_outgoing_recipient_report",
            "document_id",
            postgresql_include=["kind", "delivery", "dispatched_at", "status_code", "acknowledged_at"],
        ),
        # The hourly flag job (app.outgoing.acknowledgement, seed 004 Điều 16.8) reads only the deliveries still
        # waiting for an answer and not yet flagged: a few rows, not every recipient ever dispatched.
        sa.Index(
            "ix_outgoing_recipient_unacknowledged",
            "dispatched_at",
            sqlite_where=sa.text("delivery = 'delivered' AND acknowledged_at IS NULL AND ack_flagged_at IS NULL"),
            postgresql_where=sa.text("delivery = 'delivered' AND acknowledged_at IS NULL AND ack_flagged_at IS NULL"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    document_id: Mapped[int] = mapped_column(sa.ForeignKey("outgoing_document.id"), index=True)
    kind: Mapped[str] = mapped_column(sa.String(16))
    agency_id: Mapped[int | None] = mapped_column(sa.ForeignKey("agency.id"), index=True)
    unit_id: Mapped[int | None] = mapped_column(sa.ForeignKey("unit.id"))
    code: Mapped[str | None] = mapped_column(sa.String(35))  # mã định danh of the receiving agency
    name: Mapped[str] = mapped_column(sa.String(255))
    message_id: Mapped[str | None] = mapped_column(sa.String(100))  # one per dispatch: delivered once
    delivery: Mapped[str | None] = mapped_column(sa.String(16))
    delivery_error: Mapped[str | None] = mapped_column(sa.String(1000))
    attempts: Mapped[int] = mapped_column(default=0)
    next_attempt_at: Mapped[datetime | None] = mapped_column(UTCDateTime())  # when the retry job tries again
    dispatched_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    status_code: Mapped[str | None] = mapped_column(sa.String(2))
    status_note: Mapped[str | None] = mapped_column(sa.String(1000))  # e.g. the reason of a refusal (02)
    status_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # When the recipient's system first answered (01 Đã đến, or a refusal): the exchange statistics measure the time
    # to acknowledge and list who has not after 3 working days (seed 004 Điều 16.8, app.reports).
    acknowledged_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # When the sender was told the recipient had not acknowledged within 3 working days (seed 004 Điều 16.8).
    ack_flagged_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    document: Mapped[OutgoingDocument] = relationship(back_populates="recipients")
    agency = relationship("Agency")
    unit = relationship("Unit")
