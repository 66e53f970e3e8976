"""Document types, registers (sổ), their yearly counters, number assignments; urgency and secrecy."""

from datetime import datetime
from enum import StrEnum

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.core import clock
from app.core.db import UTCDateTime, db
from app.core.errors import DomainError, ValidationError
from app.core.folding import keep_folded

# --- urgency and secrecy (NĐ 30/2020 Phụ lục I, Phần I, mục III.2; legal.md §1.4) ------------------------


class Urgency(StrEnum):
    """Mức độ khẩn. "Thường" is the implied default; the three others are văn bản khẩn (NĐ 30/2020 Điều 4.2.c)."""

    THUONG = "thuong"
    KHAN = "khan"
    THUONG_KHAN = "thuong_khan"
    HOA_TOC = "hoa_toc"

    @property
    def label(self) -> str:
        return URGENCY_LABELS[self]

    @property
    def is_urgent(self) -> bool:
        """Văn bản khẩn must be registered, presented and handed over at once (NĐ 30/2020 Điều 4.2.c, 23.1)."""
        return self is not Urgency.THUONG

    @property
    def priority(self) -> int:
        """The edXML OtherInfo/Priority value: 0 Thường · 1 Khẩn · 2 Thượng khẩn · 3 Hỏa tốc (legal.md §4.4)."""
        return list(Urgency).index(self)


URGENCY_LABELS = {
    Urgency.THUONG: "Thường",
    Urgency.KHAN: "Khẩn",
    Urgency.THUONG_KHAN: "Thượng khẩn",
    Urgency.HOA_TOC: "Hỏa tốc",
}


class Secrecy(StrEnum):
    """Độ mật. Only NONE is ever stored: the system is not for state secrets (design.md §8)."""

    NONE = "none"
    MAT = "mat"
    TOI_MAT = "toi_mat"
    TUYET_MAT = "tuyet_mat"

    @property
    def label(self) -> str:
        return SECRECY_LABELS[self]

    @property
    def is_secret(self) -> bool:
        return self is not Secrecy.NONE


SECRECY_LABELS = {
    Secrecy.NONE: "Không mật",
    Secrecy.MAT: "Mật",
    Secrecy.TOI_MAT: "Tối mật",
    Secrecy.TUYET_MAT: "Tuyệt mật",
}


class SecretDocumentRefused(DomainError):
    code = "secret_document_refused"
    status = 422
    message = "Hệ thống không tiếp nhận văn bản mật."


def refuse_secret(secrecy: "Secrecy | str | None") -> None:
    """Refuse a document marked Mật, Tối mật or Tuyệt mật; None and "none" pass.

    Design.md §8 and legal.md §1.4: văn bản mật are registered, numbered (a separate sequence, NĐ 30/2020
    Điều 15.2) and sent under the Luật Bảo vệ bí mật nhà nước, outside an Internet-connected system such as
    this one; QCVN 102:2016 exchange does not carry them either.
    """
    if secrecy is None or secrecy == "":
        return
    try:
        level = Secrecy(secrecy)
    except ValueError:
        message = "Độ mật không hợp lệ (none, mat, toi_mat, tuyet_mat)."
        raise ValidationError(message, code="invalid_secrecy", details={"secrecy": message}) from None
    if level.is_secret:
        message = (
            f"Văn bản có độ mật “{level.label}” không được xử lý trên hệ thống này: hệ thống không dùng cho văn bản, "
            "tài liệu chứa bí mật nhà nước. Văn bản mật phải được tiếp nhận, đăng ký, cấp số và chuyển giao "
            "theo quy định của pháp luật về bảo vệ bí mật nhà nước."
        )
        raise SecretDocumentRefused(message, details={"secrecy": message})


# --- document types ----------------------------------------------------------------------------------


class TypeCategory(StrEnum):
    ADMINISTRATIVE = "administrative"  # văn bản hành chính (NĐ 30/2020 Điều 7, Phụ lục III mục I)
    COPY = "copy"  # bản sao: sao y, trích sao, sao lục (Phụ lục III; one shared sequence, Phụ lục I Phần II)
    NORMATIVE = "normative"  # văn bản quy phạm pháp luật: notation by the Luật Ban hành VBQPPL (Điều 15.1.a)

    @property
    def label(self) -> str:
        return CATEGORY_LABELS[self]


CATEGORY_LABELS = {
    TypeCategory.ADMINISTRATIVE: "Văn bản hành chính",
    TypeCategory.COPY: "Bản sao văn bản",
    TypeCategory.NORMATIVE: "Văn bản quy phạm pháp luật",
}


class DocumentType(db.Model):
    """A loại văn bản: global (agency_id NULL, seeded by migration 0004) or added by one agency.

    `code` is an ASCII key for forms, registers and the API ("QD"); `abbreviation` is what goes into the ký
    hiệu ("QĐ"), empty for Công văn whose notation is agency + drafting unit (Phụ lục I, Phần I, II.3.b).
    """

    __tablename__ = "document_type"
    __table_args__ = (
        sa.UniqueConstraint("agency_id", "code", name="uq_document_type_agency_code"),
        # NULLs are distinct in a UNIQUE constraint: the global codes need their own partial index.
        sa.Index(
            "uq_document_type_global_code",
            "code",
            unique=True,
            sqlite_where=sa.text("agency_id IS NULL"),
            postgresql_where=sa.text("agency_id IS NULL"),
        ),
        sa.CheckConstraint("category IN ('administrative', 'copy', 'normative')", name="category"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    agency_id: Mapped[int | None] = mapped_column(sa.ForeignKey("agency.id"), index=True)
    code: Mapped[str] = mapped_column(sa.String(16))
    name: Mapped[str] = mapped_column(sa.String(255))
    name_folded: Mapped[str] = mapped_column(sa.String(255), index=True)
    abbreviation: Mapped[str | None] = mapped_column(sa.String(16))
    category: Mapped[str] = mapped_column(sa.String(16), default=TypeCategory.ADMINISTRATIVE)
    sort_order: Mapped[int] = mapped_column(default=1000)
    is_active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=clock.now)

    agency = relationship("Agency")

    @property
    def is_global(self) -> bool:
        return self.agency_id is None

    @property
    def is_normative(self) -> bool:
        return self.category == TypeCategory.NORMATIVE

    @property
    def category_label(self) -> str:
        return TypeCategory(self.category).label

    def __repr__(self) -> str:
        return f"<DocumentType {self.code} {self.abbreviation or '-'}>"


keep_folded(DocumentType.name, "name_folded")


# --- registers and numbering -------------------------------------------------------------------------


class RegisterKind(StrEnum):
    INCOMING = "incoming"  # sổ đăng ký văn bản đến (Phụ lục IV mục VI)
    OUTGOING = "outgoing"  # sổ đăng ký văn bản đi (Phụ lục IV mục I)

    @property
    def label(self) -> str:
        return REGISTER_KIND_LABELS[self]


REGISTER_KIND_LABELS = {RegisterKind.INCOMING: "Sổ văn bản đến", RegisterKind.OUTGOING: "Sổ văn bản đi"}


class Register(db.Model):
    """A sổ đăng ký: one sequence of numbers per year, restarting at 1 on 1 January (NĐ 30/2020 Điều 15.1, 22.2).

    Several outgoing registers may exist, as the head of the agency decides (Điều 15.1.b-c): e.g. one per type
    of legal normative document (Điều 15.1.a), one for copies (SY/TrS/SL share one, Phụ lục I Phần II), one
    for the rest. `document_type_codes` lists the types a register numbers; empty means every type. The
    default register of a kind takes what no other register claims; at most one per agency and kind.
    """

    __tablename__ = "register"
    __table_args__ = (
        sa.UniqueConstraint("agency_id", "code", name="uq_register_agency_code"),
        sa.Index(
            "uq_register_default",
            "agency_id",
            "kind",
            unique=True,
            sqlite_where=sa.text("is_default"),
            postgresql_where=sa.text("is_default"),
        ),
        sa.CheckConstraint("kind IN ('incoming', 'outgoing')", name="kind"),
        sa.CheckConstraint("is_active OR NOT is_default", name="default_active"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    agency_id: Mapped[int] = mapped_column(sa.ForeignKey("agency.id"), index=True)
    kind: Mapped[str] = mapped_column(sa.String(16))
    code: Mapped[str] = mapped_column(sa.String(32))
    name: Mapped[str] = mapped_column(sa.String(255))
    document_type_codes: Mapped[list[str]] = mapped_column(sa.JSON, default=list)
    is_default: Mapped[bool] = mapped_column(default=False)
    is_active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=clock.now)

    agency = relationship("Agency")

    @property
    def kind_label(self) -> str:
        return RegisterKind(self.kind).label

    def applies_to(self, type_code: str | None) -> bool:
        return not self.document_type_codes or type_code in self.document_type_codes

    def __repr__(self) -> str:
        return f"<Register {self.agency_id}/{self.code} {self.kind}>"


class RegisterCounter(db.Model):
    """The last number taken in a register in one (local, Asia/Ho_Chi_Minh) year; updated under a row lock."""

    __tablename__ = "register_counter"

    register_id: Mapped[int] = mapped_column(sa.ForeignKey("register.id"), primary_key=True)
    year: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    last_number: Mapped[int] = mapped_column(default=0)


class NumberAssignment(db.Model):
    """Which object got which number: the database refuses a number given twice in a register and year."""

    __tablename__ = "number_assignment"
    __table_args__ = (
        sa.UniqueConstraint("register_id", "year", "number", name="uq_number_assignment_number"),
        # One object, one number per register: a retried or double-clicked registration cannot take two.
        sa.UniqueConstraint("register_id", "object_type", "object_id", name="uq_number_assignment_object"),
        sa.Index("ix_number_assignment_object", "object_type", "object_id"),
        sa.CheckConstraint("number > 0", name="positive"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    register_id: Mapped[int] = mapped_column(sa.ForeignKey("register.id"))
    year: Mapped[int]
    number: Mapped[int]
    object_type: Mapped[str] = mapped_column(sa.String(64))
    object_id: Mapped[int]
    assigned_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=clock.now)
    assigned_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user_account.id"))

    register: Mapped[Register] = relationship()

    @property
    def formatted_number(self) -> str:
        return f"{self.number:02d}"

    def __repr__(self) -> str:
        return f"<NumberAssignment {self.register_id}/{self.year} #{self.number} {self.object_type}:{self.object_id}>"
