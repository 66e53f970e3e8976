"""A numbered electronic copy and where it was copied from."""

from datetime import datetime
from enum import StrEnum

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.core import clock
from app.core.db import UTCDateTime, db


class CopyForm(StrEnum):
    """Hình thức sao and its abbreviation (NĐ 30/2020 Phụ lục III, mục I: bản sao văn bản)."""

    SAO_Y = "SY"
    SAO_LUC = "SL"
    TRICH_SAO = "TrS"

    @property
    def label(self) -> str:
        return COPY_FORM_LABELS[self]

    @property
    def stamp_text(self) -> str:
        """As printed in the signature box (Phụ lục I Phần II.I.1): "SAO Y", "SAO LỤC", "TRÍCH SAO"."""
        return self.label.upper()


COPY_FORM_LABELS = {CopyForm.SAO_Y: "Sao y", CopyForm.SAO_LUC: "Sao lục", CopyForm.TRICH_SAO: "Trích sao"}


class SourceKind(StrEnum):
    INCOMING = "incoming"  # the digitised file of a văn bản đến received on paper
    COPY = "copy"  # a bản sao y (sao lục is made from one, Điều 25.1.b)
    UPLOAD = "upload"  # a paper document the clerk digitised for the purpose


class ElectronicCopy(db.Model):
    __tablename__ = "electronic_copy"
    __table_args__ = (sa.UniqueConstraint("register_id", "year", "number", name="uq_copy_number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    agency_id: Mapped[int] = mapped_column(sa.ForeignKey("agency.id"), index=True)
    form: Mapped[str] = mapped_column(sa.String(8))
    source_kind: Mapped[str] = mapped_column(sa.String(16))
    source_id: Mapped[int | None] = mapped_column()
    source_sha256: Mapped[str] = mapped_column(sa.String(64))
    source_symbol: Mapped[str | None] = mapped_column(sa.String(50))  # số, ký hiệu of the copied document
    subject: Mapped[str] = mapped_column(sa.String(500))  # trích yếu of the copied document
    register_id: Mapped[int] = mapped_column(sa.ForeignKey("register.id"))
    year: Mapped[int] = mapped_column()
    number: Mapped[int] = mapped_column()
    sha256: Mapped[str] = mapped_column(sa.String(64))  # the signed copy
    filename: Mapped[str] = mapped_column(sa.String(255))
    size: Mapped[int] = mapped_column(sa.BigInteger)
    created_by_id: Mapped[int] = mapped_column(sa.ForeignKey("user_account.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=clock.now)

    created_by = relationship("User")
    register = relationship("Register")

    @property
    def symbol(self) -> str:
        """Số, ký hiệu bản sao: the number and the copy form's abbreviation, e.g. "05/SY"."""
        return f"{self.number:02d}/{self.form}"

    @property
    def form_label(self) -> str:
        return CopyForm(self.form).label
