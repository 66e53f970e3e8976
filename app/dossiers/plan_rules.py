"""What a file plan's headings and entries must hold (Phụ lục V.I; TT 05/2025 code lists): one check each, used by
the services, the import and (through their refusals) the pages and the API."""

import re

from app.core import inputs
from app.core.db import db
from app.core.errors import ValidationError
from app.dossiers.codes import MAINTENANCE, years_of
from app.org.models import Unit, User

# Chữ viết tắt của đề mục lớn (Phụ lục V.I.1): capitals, digits, groups joined by "-" (TCCB, KH-TC).
ABBREVIATION = re.compile(r"^[A-ZĐ0-9]+(?:-[A-ZĐ0-9]+)*$")
ABBREVIATION_MAX = 15  # the notation ("101." + it) fits FilePlanEntry.notation (20)
TITLE_MAX, NOTE_MAX = 500, 500


def text(value: str | None, field: str, label: str, limit: int, *, required: bool = True) -> str | None:
    text = " ".join((value or "").split())
    if inputs.has_nul(text):
        raise ValidationError(details={field: f"{label} chứa ký tự không hợp lệ."})
    if required and not text:
        raise ValidationError(f"Thiếu {label.lower()}.", details={field: f"Nhập {label.lower()}."})
    if len(text) > limit:
        raise ValidationError(details={field: f"{label} dài quá {limit} ký tự."})
    return text or None


def check_abbreviation(value: str | None) -> str:
    text = (value or "").strip().upper()
    if not text:
        raise ValidationError(
            "Đề mục lớn phải có chữ viết tắt (ký hiệu của hồ sơ, ví dụ TCCB).",
            code="heading_abbreviation_missing",
            details={"abbreviation": "Nhập chữ viết tắt của đề mục lớn, ví dụ TCCB."},
        )
    if len(text) > ABBREVIATION_MAX or not ABBREVIATION.match(text):
        raise ValidationError(
            "Chữ viết tắt không hợp lệ.",
            code="heading_abbreviation_invalid",
            details={"abbreviation": f"Chỉ gồm chữ in hoa, chữ số và dấu gạch nối, tối đa {ABBREVIATION_MAX} ký tự."},
        )
    return text


def check_retention(maintenance: str | None, retention_years) -> tuple[str, int | None]:
    """A TT 05/2025 maintenance code and its years ("07" Khác: the years given, 1–200)."""
    if maintenance not in MAINTENANCE:
        raise ValidationError(
            "Thời hạn bảo quản không hợp lệ.",
            code="retention_invalid",
            details={"maintenance": "Chọn thời hạn bảo quản theo bảng mã (01 Vĩnh viễn … 07 Khác)."},
        )
    if maintenance == "07":
        try:
            years = int(retention_years)
        except (TypeError, ValueError):
            years = 0
        if not 1 <= years <= 200:
            raise ValidationError(
                "Thời hạn bảo quản “Khác” cần số năm bảo quản từ 1 đến 200.",
                code="retention_invalid",
                details={"retention_years": "Nhập số năm bảo quản (từ 1 đến 200)."},
            )
        return maintenance, years
    return maintenance, years_of(maintenance)


def check_responsible(agency_id: int, responsible_id: int | None, unit_id: int | None) -> tuple[int | None, int | None]:
    """Người lập hồ sơ: an active person of the agency, and/or one of its units."""
    if responsible_id is not None:
        person = db.session.get(User, responsible_id)
        if person is None or person.agency_id != agency_id or not person.is_active:
            raise ValidationError(
                "Người lập hồ sơ không thuộc cơ quan hoặc đã ngừng hoạt động.",
                code="responsible_invalid",
                details={"responsible_id": "Chọn một người đang làm việc tại cơ quan."},
            )
    if unit_id is not None:
        unit = db.session.get(Unit, unit_id)
        if unit is None or unit.agency_id != agency_id:
            raise ValidationError(
                "Đơn vị lập hồ sơ không thuộc cơ quan.",
                code="responsible_invalid",
                details={"responsible_unit_id": "Chọn một đơn vị của cơ quan."},
            )
    return responsible_id, unit_id
