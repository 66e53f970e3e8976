"""Hồ sơ công việc and the agency archive: file plan, dossiers and what is filed in them, transfers, holds,
destruction (NĐ 30/2020 Điều 28–31, Phụ lục V, Phụ lục VI III.4–5; seed 000 Điều 19–20, 25).

Glossary: file plan = Danh mục hồ sơ; heading = đề mục; entry = hồ sơ trong danh mục; dossier = hồ sơ;
item = văn bản, tài liệu trong hồ sơ; transfer = nộp lưu (vào Lưu trữ cơ quan); handover record = biên bản giao
nhận; hold = phong tỏa (legal hold); destruction = hủy tài liệu hết giá trị; retention = thời hạn bảo quản.
"""

from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.core import clock
from app.core.db import UTCDateTime, db
from app.core.folding import keep_folded
from app.dossiers.states import DestructionStatus, DossierStatus, PlanStatus, TransferStatus


class FilePlan(db.Model):
    """An agency's Danh mục hồ sơ of one year, issued by the head at the start of the year (NĐ 30 Điều 28)."""

    __tablename__ = "file_plan"
    __table_args__ = (sa.UniqueConstraint("agency_id", "year", name="uq_file_plan_agency_year"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    agency_id: Mapped[int] = mapped_column(sa.ForeignKey("agency.id"))
    year: Mapped[int] = mapped_column()
    # Phụ lục V.I.2: "plan" = hồ sơ numbered through the whole plan from 01; "heading" = from 01 in each main heading.
    numbering: Mapped[str] = mapped_column(sa.String(10), default="plan")
    status: Mapped[str] = mapped_column(sa.String(12), default=PlanStatus.DRAFT)
    decision_number: Mapped[str | None] = mapped_column(sa.String(50))  # "Kèm theo Quyết định số … ngày …"
    decision_date: Mapped[date | None] = mapped_column(sa.Date)
    approved_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user_account.id"))
    approved_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    created_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user_account.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=clock.now)
    version: Mapped[int] = mapped_column(default=1)  # bumped by each edit: a stale form is refused

    headings: Mapped[list["FilePlanHeading"]] = relationship(
        back_populates="plan", order_by="FilePlanHeading.position", cascade="all, delete-orphan"
    )
    entries: Mapped[list["FilePlanEntry"]] = relationship(
        back_populates="plan", order_by="FilePlanEntry.position", cascade="all, delete-orphan"
    )


class FilePlanHeading(db.Model):
    """A đề mục: main headings (parent None) numbered I, II … with an abbreviation (TCCB); sub-headings 1, 2 …
    inside their main heading (Phụ lục V.I.1)."""

    __tablename__ = "file_plan_heading"

    id: Mapped[int] = mapped_column(primary_key=True)
    plan_id: Mapped[int] = mapped_column(sa.ForeignKey("file_plan.id", ondelete="CASCADE"), index=True)
    parent_id: Mapped[int | None] = mapped_column(sa.ForeignKey("file_plan_heading.id", ondelete="CASCADE"))
    position: Mapped[int] = mapped_column()  # order among its siblings, from 1: the numeral shown
    abbreviation: Mapped[str | None] = mapped_column(sa.String(20))  # main headings: the ký hiệu of their hồ sơ
    title: Mapped[str] = mapped_column(sa.String(500))

    plan: Mapped[FilePlan] = relationship(back_populates="headings")
    parent: Mapped["FilePlanHeading | None"] = relationship(remote_side=[id])


class FilePlanEntry(db.Model):
    """A hồ sơ of the plan: số và ký hiệu (01.TCCB), tiêu đề, thời hạn bảo quản, người lập (Phụ lục V.II)."""

    __tablename__ = "file_plan_entry"
    __table_args__ = (sa.UniqueConstraint("plan_id", "notation", name="uq_file_plan_entry_notation"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    plan_id: Mapped[int] = mapped_column(sa.ForeignKey("file_plan.id", ondelete="CASCADE"), index=True)
    heading_id: Mapped[int] = mapped_column(sa.ForeignKey("file_plan_heading.id", ondelete="CASCADE"))
    position: Mapped[int] = mapped_column()  # order in the printed plan
    number: Mapped[int] = mapped_column()  # the Arabic số (01 …), per plan or per main heading
    notation: Mapped[str] = mapped_column(sa.String(20))  # FileNotation: "01.TCCB"
    title: Mapped[str] = mapped_column(sa.String(500))
    maintenance: Mapped[str] = mapped_column(sa.String(2))  # TT 05/2025 code (app.dossiers.codes.MAINTENANCE)
    retention_years: Mapped[int | None] = mapped_column()  # None: Vĩnh viễn
    responsible_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user_account.id"))  # người lập hồ sơ
    responsible_unit_id: Mapped[int | None] = mapped_column(sa.ForeignKey("unit.id"))
    note: Mapped[str | None] = mapped_column(sa.String(500))
    # Added after the plan was issued (seed 000 Điều 19.2.a "bổ sung danh mục hồ sơ phát sinh"): only these may be
    # deleted from an issued plan; the others are the head's decision.
    appended: Mapped[bool] = mapped_column(default=False, server_default=sa.false())

    plan: Mapped[FilePlan] = relationship(back_populates="entries")
    heading: Mapped[FilePlanHeading] = relationship()
    responsible = relationship("User", foreign_keys=[responsible_id])


class Dossier(db.Model):
    """A hồ sơ (Phụ lục VI Phần II.III): FileCode = OrganId + năm + số và ký hiệu; totals computed."""

    __tablename__ = "dossier"
    __table_args__ = (
        sa.UniqueConstraint("agency_id", "year", "notation", name="uq_dossier_agency_year_notation"),
        sa.Index("ix_dossier_creator_status", "creator_id", "status"),
        sa.Index("ix_dossier_agency_status", "agency_id", "status"),
        # The destruction list: archived dossiers whose retention ended (expires_on indexed, None = permanent).
        sa.Index("ix_dossier_expiry", "agency_id", "status", "expires_on"),
        sa.Index("ix_dossier_transfer_due", "agency_id", "status", "transfer_due_on"),
        sa.Index("ix_dossier_entry", "entry_id"),  # one dossier per plan entry; the plan's "already opened"
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    agency_id: Mapped[int] = mapped_column(sa.ForeignKey("agency.id"))
    year: Mapped[int] = mapped_column()  # FileCatalog
    entry_id: Mapped[int | None] = mapped_column(sa.ForeignKey("file_plan_entry.id"))  # None: ad hoc (Điều 29.2.c)
    notation: Mapped[str] = mapped_column(sa.String(20))  # FileNotation
    file_code: Mapped[str] = mapped_column(sa.String(100), index=True)  # OrganId.year.notation
    title: Mapped[str] = mapped_column(sa.String(500))
    title_folded: Mapped[str | None] = mapped_column(sa.String(500))  # without diacritics, for search
    maintenance: Mapped[str] = mapped_column(sa.String(2))  # TT 05/2025 code
    retention_years: Mapped[int | None] = mapped_column()  # None: Vĩnh viễn
    rights: Mapped[str] = mapped_column(sa.String(2), default="01")  # chế độ sử dụng / mode code
    language: Mapped[str] = mapped_column(sa.String(50), default="01")  # code(s), comma separated
    keywords: Mapped[str | None] = mapped_column(sa.String(500))
    description: Mapped[str | None] = mapped_column(sa.String(500))
    kind: Mapped[str] = mapped_column(sa.String(20), default="general")  # "construction": xây dựng cơ bản
    creator_id: Mapped[int] = mapped_column(sa.ForeignKey("user_account.id"))
    unit_id: Mapped[int | None] = mapped_column(sa.ForeignKey("unit.id"))
    start_date: Mapped[date] = mapped_column(sa.Date)
    end_date: Mapped[date | None] = mapped_column(sa.Date)  # the work ended (set when closing)
    settled_on: Mapped[date | None] = mapped_column(sa.Date)  # construction: công trình được quyết toán
    status: Mapped[str] = mapped_column(sa.String(12), default=DossierStatus.OPEN)
    doc_total: Mapped[int] = mapped_column(default=0)  # DocTotal, kept by filing
    page_total: Mapped[int] = mapped_column(default=0)  # PageTotal, kept by filing
    next_ordinal: Mapped[int] = mapped_column(default=1)  # DocOrdinal of the next item: ordinals never reused
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    closed_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user_account.id"))
    transfer_due_on: Mapped[date | None] = mapped_column(sa.Date)  # nộp lưu deadline (Điều 30.2), set at closing
    transfer_reminded_at: Mapped[datetime | None] = mapped_column(UTCDateTime())  # Phụ lục VI III.5.b, once
    transfer_id: Mapped[int | None] = mapped_column(sa.ForeignKey("dossier_transfer.id"))  # the latest one
    archived_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    archived_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user_account.id"))
    expires_on: Mapped[date | None] = mapped_column(sa.Date)  # end of retention; None: permanent or not archived
    destroyed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    destruction_id: Mapped[int | None] = mapped_column(sa.ForeignKey("dossier_destruction.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=clock.now)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=clock.now, onupdate=clock.now)
    version: Mapped[int] = mapped_column(default=1)

    entry: Mapped[FilePlanEntry | None] = relationship()
    creator = relationship("User", foreign_keys=[creator_id])
    items: Mapped[list["DossierItem"]] = relationship(
        back_populates="dossier", order_by="DossierItem.ordinal", cascade="all, delete-orphan"
    )


keep_folded(Dossier.title, "title_folded", limit=500)


class DossierItem(db.Model):
    """A văn bản, tài liệu in a dossier, with its automatic DocOrdinal (Phụ lục VI III.4.b).

    A document is linked, not copied: the same incoming or outgoing document may be an item of several dossiers of
    different people (III.4.e). `kind` says what it is: "incoming", "outgoing" (the issued document), "draft" (an
    outgoing draft version, lần 1, 2, 3 …), "file" (a file uploaded into the dossier: a photo, a recording, a video,
    any tài liệu), "history" (the processing history of a procedure, filed by the system when it ended).
    """

    __tablename__ = "dossier_item"
    __table_args__ = (
        sa.UniqueConstraint("dossier_id", "ordinal", name="uq_dossier_item_ordinal"),
        # Which dossiers hold a document (its page, destruction's "still held elsewhere").
        sa.Index("ix_dossier_item_object", "object_type", "object_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    dossier_id: Mapped[int] = mapped_column(sa.ForeignKey("dossier.id", ondelete="CASCADE"), index=True)
    ordinal: Mapped[int] = mapped_column()  # DocOrdinal
    kind: Mapped[str] = mapped_column(sa.String(10))
    object_type: Mapped[str | None] = mapped_column(sa.String(20))  # "incoming", "outgoing", "outgoing_version"
    object_id: Mapped[int | None] = mapped_column()
    # Own content (kind file/history): the blob, its name and type; documents keep theirs in their own module.
    sha256: Mapped[str | None] = mapped_column(sa.String(64), index=True)
    filename: Mapped[str | None] = mapped_column(sa.String(255))
    content_type: Mapped[str | None] = mapped_column(sa.String(100))
    size: Mapped[int | None] = mapped_column(sa.BigInteger)
    # What the Mục lục văn bản prints (Phụ lục V.IV), kept at filing so the table needs no other module.
    code_notation: Mapped[str | None] = mapped_column(sa.String(60))  # số, ký hiệu
    dated_on: Mapped[date | None] = mapped_column(sa.Date)  # ngày văn bản: the chronological order of exports
    subject: Mapped[str] = mapped_column(sa.String(1000))  # tên loại và trích yếu
    author: Mapped[str | None] = mapped_column(sa.String(255))  # tác giả
    pages: Mapped[int] = mapped_column(default=0)
    note: Mapped[str | None] = mapped_column(sa.String(500))
    auto: Mapped[bool] = mapped_column(default=False)  # filed by the system at the end of a procedure
    filed_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=clock.now)
    filed_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user_account.id"))

    dossier: Mapped[Dossier] = relationship(back_populates="items")


class DossierGrant(db.Model):
    """The head's permission for someone to use a current dossier (seed 001 QĐ 278 Điều 8.2)."""

    __tablename__ = "dossier_grant"
    __table_args__ = (sa.Index("ix_dossier_grant_user", "user_id", "revoked_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    dossier_id: Mapped[int] = mapped_column(sa.ForeignKey("dossier.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("user_account.id"))
    granted_by_id: Mapped[int] = mapped_column(sa.ForeignKey("user_account.id"))
    granted_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=clock.now)
    until: Mapped[date | None] = mapped_column(sa.Date)  # inclusive; None: until revoked
    note: Mapped[str | None] = mapped_column(sa.String(500))
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class DossierSettings(db.Model):
    """An agency's choices where the rules leave one (Điều 30.2 vs TT 05/2025's 60 days); no row: the defaults."""

    __tablename__ = "dossier_settings"

    agency_id: Mapped[int] = mapped_column(sa.ForeignKey("agency.id"), primary_key=True)
    transfer_after: Mapped[str] = mapped_column(sa.String(10), default="P1Y")  # ISO 8601 after the work ended
    construction_transfer_after: Mapped[str] = mapped_column(sa.String(10), default="P3M")  # after settlement
    reminder_days: Mapped[int] = mapped_column(default=30)  # Phụ lục VI III.5.b
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=clock.now)
    updated_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user_account.id"))


class DossierTransfer(db.Model):
    """One nộp lưu: dossiers handed to the Lưu trữ cơ quan together, with their Mục lục hồ sơ nộp lưu (Phụ lục
    V.III) and the Biên bản giao nhận (V.V)."""

    __tablename__ = "dossier_transfer"

    id: Mapped[int] = mapped_column(primary_key=True)
    agency_id: Mapped[int] = mapped_column(sa.ForeignKey("agency.id"), index=True)
    unit_id: Mapped[int | None] = mapped_column(sa.ForeignKey("unit.id"))  # bên giao
    name: Mapped[str] = mapped_column(sa.String(500))  # tên khối tài liệu giao nộp
    submitted_by_id: Mapped[int] = mapped_column(sa.ForeignKey("user_account.id"))
    submitted_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=clock.now)
    status: Mapped[str] = mapped_column(sa.String(12), default=TransferStatus.SUBMITTED)
    received_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user_account.id"))  # the archivist
    received_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    condition_note: Mapped[str | None] = mapped_column(sa.String(1000))  # tình trạng tài liệu giao nộp

    entries: Mapped[list["DossierTransferEntry"]] = relationship(
        back_populates="transfer", order_by="DossierTransferEntry.position", cascade="all, delete-orphan"
    )


class DossierTransferEntry(db.Model):
    """A dossier of a transfer and the archivist's decision on it, with the integrity check's result."""

    __tablename__ = "dossier_transfer_entry"
    __table_args__ = (sa.UniqueConstraint("transfer_id", "dossier_id", name="uq_transfer_entry_dossier"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    transfer_id: Mapped[int] = mapped_column(sa.ForeignKey("dossier_transfer.id", ondelete="CASCADE"))
    dossier_id: Mapped[int] = mapped_column(sa.ForeignKey("dossier.id"), index=True)
    position: Mapped[int] = mapped_column()  # Số TT in the Mục lục
    decision: Mapped[str | None] = mapped_column(sa.String(10))  # None (waiting), "accepted", "returned"
    reason: Mapped[str | None] = mapped_column(sa.String(1000))  # why returned
    # SHA-256 of every file at submission: {"<ordinal>": "<sha256>"}; the archivist's check re-reads the blobs.
    manifest: Mapped[dict] = mapped_column(sa.JSON, default=dict)
    check_result: Mapped[dict | None] = mapped_column(sa.JSON)  # {"ok": bool, "problems": [...]}
    decided_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user_account.id"))
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    transfer: Mapped[DossierTransfer] = relationship(back_populates="entries")
    dossier: Mapped[Dossier] = relationship()


hold_dossier = sa.Table(
    "dossier_hold_member",
    db.metadata,
    sa.Column("hold_id", sa.ForeignKey("dossier_hold.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("dossier_id", sa.ForeignKey("dossier.id", ondelete="CASCADE"), primary_key=True, index=True),
)


class DossierHold(db.Model):
    """A legal hold (phong tỏa): while active, none of its dossiers may be destroyed (Phụ lục VI IV.1.g)."""

    __tablename__ = "dossier_hold"

    id: Mapped[int] = mapped_column(primary_key=True)
    agency_id: Mapped[int] = mapped_column(sa.ForeignKey("agency.id"), index=True)
    name: Mapped[str] = mapped_column(sa.String(255))
    reason: Mapped[str] = mapped_column(sa.String(1000))
    created_by_id: Mapped[int] = mapped_column(sa.ForeignKey("user_account.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=clock.now)
    released_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user_account.id"))
    released_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    release_note: Mapped[str | None] = mapped_column(sa.String(1000))

    dossiers: Mapped[list[Dossier]] = relationship(secondary=hold_dossier)


class DossierDestruction(db.Model):
    """A Danh mục tài liệu hết giá trị and its fate: proposed by the archivist, weighed by the council, approved
    by the head, executed. Once executed it is the permanent destruction record (seed 000 Điều 25)."""

    __tablename__ = "dossier_destruction"

    id: Mapped[int] = mapped_column(primary_key=True)
    agency_id: Mapped[int] = mapped_column(sa.ForeignKey("agency.id"), index=True)
    title: Mapped[str] = mapped_column(sa.String(500))
    status: Mapped[str] = mapped_column(sa.String(12), default=DestructionStatus.DRAFT)
    proposed_by_id: Mapped[int] = mapped_column(sa.ForeignKey("user_account.id"))
    proposed_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=clock.now)
    council_opinion: Mapped[str | None] = mapped_column(sa.Text)  # ý kiến Hội đồng xác định giá trị tài liệu
    decision_number: Mapped[str | None] = mapped_column(sa.String(50))  # the head's Quyết định hủy
    decision_date: Mapped[date | None] = mapped_column(sa.Date)
    decided_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user_account.id"))
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    decision_note: Mapped[str | None] = mapped_column(sa.String(1000))
    executed_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user_account.id"))
    executed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    entries: Mapped[list["DossierDestructionEntry"]] = relationship(
        back_populates="destruction", order_by="DossierDestructionEntry.position", cascade="all, delete-orphan"
    )


class DossierDestructionEntry(db.Model):
    """A dossier of a destruction, described as it was (the record outlives the content); `files` lists each
    destroyed file's SHA-256, size and fate (pending / destroyed / shared: bytes still named by a living row)."""

    __tablename__ = "dossier_destruction_entry"
    __table_args__ = (sa.UniqueConstraint("destruction_id", "dossier_id", name="uq_destruction_entry_dossier"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    destruction_id: Mapped[int] = mapped_column(sa.ForeignKey("dossier_destruction.id", ondelete="CASCADE"))
    dossier_id: Mapped[int] = mapped_column(sa.ForeignKey("dossier.id"), index=True)
    position: Mapped[int] = mapped_column()
    file_code: Mapped[str] = mapped_column(sa.String(100))
    title: Mapped[str] = mapped_column(sa.String(500))
    maintenance: Mapped[str] = mapped_column(sa.String(2))
    start_date: Mapped[date | None] = mapped_column(sa.Date)
    end_date: Mapped[date | None] = mapped_column(sa.Date)
    doc_total: Mapped[int] = mapped_column(default=0)
    page_total: Mapped[int] = mapped_column(default=0)
    files: Mapped[list] = mapped_column(sa.JSON, default=list)

    destruction: Mapped[DossierDestruction] = relationship(back_populates="entries")
    dossier: Mapped[Dossier] = relationship()
