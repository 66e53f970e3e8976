"""Each agency's policy for received PDFs that carry active content, and applying it to one received file.

Seed 001 Điều 9.2, seed 004 Điều 14.3 leave the agency the choice: refuse such a file (the sender must send a clean
one), or disarm it — keep a copy without the active content (app.documents.pdfcheck.disarm) to register, show and
forward, and, if the agency wishes, the original as received for the record. A signed PDF cannot be rewritten
without breaking its signature, so for one the original is always kept: its signature is verified on the original,
the disarmed copy is what people open, and the page says so.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from app.audit import services as audit
from app.core import clock
from app.core.db import UTCDateTime, db
from app.core.errors import ValidationError
from app.org.models import User
from app.org.permissions import require_admin_of

log = logging.getLogger(__name__)


class ActivePdf(StrEnum):
    DISARM = "disarm"
    REFUSE = "refuse"


ACTIVE_PDF_LABELS = {
    ActivePdf.DISARM: "Gỡ bỏ nội dung chủ động, tiếp nhận bản sạch (mặc định)",
    ActivePdf.REFUSE: "Từ chối tiếp nhận tệp",
}


class UploadPolicy(db.Model):
    """An agency's choice; an agency without a row has the defaults (disarm, keep the original)."""

    __tablename__ = "upload_policy"

    agency_id: Mapped[int] = mapped_column(sa.ForeignKey("agency.id"), primary_key=True)
    active_pdf: Mapped[str] = mapped_column(sa.String(10), default=ActivePdf.DISARM.value)
    keep_original: Mapped[bool] = mapped_column(default=True, server_default=sa.true())
    updated_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user_account.id"))
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=clock.now)


def policy_for(agency_id: int | None) -> UploadPolicy:
    """The agency's policy (a transient default row when it has none)."""
    row = db.session.get(UploadPolicy, agency_id) if agency_id is not None else None
    return row or UploadPolicy(agency_id=agency_id, active_pdf=ActivePdf.DISARM.value, keep_original=True)


def set_policy(actor: User | None, agency_id: int, *, active_pdf: str, keep_original: bool) -> UploadPolicy:
    """An administrator of the agency sets its policy (audited)."""
    require_admin_of(actor, agency_id)
    if active_pdf not in {p.value for p in ActivePdf}:
        message = "Chọn “gỡ bỏ” hoặc “từ chối”."
        raise ValidationError(message, code="invalid_policy", details={"active_pdf": message})
    row = db.session.get(UploadPolicy, agency_id)
    before = {"active_pdf": row.active_pdf, "keep_original": row.keep_original} if row else None
    if row is None:
        row = UploadPolicy(agency_id=agency_id)
        db.session.add(row)
    row.active_pdf, row.keep_original = active_pdf, bool(keep_original)
    row.updated_by_id, row.updated_at = (actor.id if actor else None), clock.now()
    db.session.flush()
    audit.record(
        actor,
        "documents.upload_policy",
        object_type="agency",
        object_id=agency_id,
        agency_id=agency_id,
        summary=f"Chính sách tệp PDF có nội dung chủ động: {ACTIVE_PDF_LABELS[ActivePdf(active_pdf)]}",
        changes={"before": before, "active_pdf": active_pdf, "keep_original": bool(keep_original)},
    )
    return row


@dataclass
class Screened:
    """A received PDF after the policy: the bytes to keep and serve, the original when kept, what it carried."""

    data: bytes
    findings: list[str] = field(default_factory=list)
    original: bytes | None = None
    disarmed: bool = False


def screen_received_pdf(filename: str, data: bytes, *, agency_id: int | None) -> Screened:
    """Apply the agency's policy to a received PDF (already within bounds: app.documents.uploads); raises
    ValidationError `pdf_active_content` when the policy refuses what it carries."""
    from app.documents import pdfcheck  # pikepdf: imported on first use, not at start (tests/test_lazy_imports.py)

    report = pdfcheck.inspect_pdf(data)
    if not report.active:
        return Screened(data, list(report.findings))
    policy = policy_for(agency_id)
    labels = pdfcheck.active_labels(report.active)
    if policy.active_pdf == ActivePdf.REFUSE:
        message = f"Tệp “{filename}” có nội dung chủ động — {labels}: cơ quan không tiếp nhận tệp như vậy."
        raise ValidationError(
            message, code="pdf_active_content", details={"files": message, "found": ",".join(report.active)}
        )
    try:
        clean = pdfcheck.disarm(data)
    except Exception:  # qpdf read the file but cannot write it back: refused rather than passed on as it is
        log.warning("could not disarm %s", filename, exc_info=True)
        clean = None
    left = pdfcheck.inspect_pdf(clean) if clean is not None else None
    if left is None or left.active or left.refusal:  # nothing this module can remove: refused, not passed on
        message = f"Tệp “{filename}” có nội dung chủ động không gỡ bỏ được — {labels}: không được tiếp nhận."
        raise ValidationError(message, code="pdf_active_content", details={"files": message})
    keep = policy.keep_original or report.signed  # a signature lives only in the original's bytes
    return Screened(clean, list(report.findings), original=data if keep else None, disarmed=True)
