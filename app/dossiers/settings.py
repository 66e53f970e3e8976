"""An agency's choices on transfers, and the nộp lưu deadline they give (NĐ 30/2020 Điều 30.2; TT 05/2025).

Điều 30.2: a) hồ sơ xây dựng cơ bản — within 03 months of the công trình's settlement (quyết toán); b) others —
within 01 year of the day the work ended. TT 05/2025 (legal.md §3.2, third-party, to verify) asks digital records
within 60 days: an agency that follows it sets `transfer_after` to "P60D". Phụ lục VI III.5.b: remind 30 days before.
"""

import re
from dataclasses import dataclass
from datetime import date, timedelta

from app.core.db import db
from app.core.errors import ValidationError
from app.dossiers.models import Dossier, DossierSettings

PERIOD = re.compile(r"^P(?:(\d+)Y)?(?:(\d+)M)?(?:(\d+)D)?$")
# As people write it: "1 năm", "3 tháng", "60 ngày" (one unit), stored as its ISO 8601 form.
SPOKEN = re.compile(r"^(\d+)\s*(năm|tháng|ngày)$", re.IGNORECASE)
SPOKEN_UNITS = {"năm": "Y", "tháng": "M", "ngày": "D"}


@dataclass(frozen=True)
class Settings:
    transfer_after: str = "P1Y"
    construction_transfer_after: str = "P3M"
    reminder_days: int = 30


DEFAULTS = Settings()


def settings_for(agency_id: int) -> Settings:
    row = db.session.get(DossierSettings, agency_id)
    if row is None:
        return DEFAULTS
    return Settings(row.transfer_after, row.construction_transfer_after, row.reminder_days)


def normalize_period(text: str) -> str:
    """The ISO 8601 form of a period typed as P1Y / p3m / "60 ngày"; refused when it is neither, or zero."""
    text = " ".join((text or "").split())
    if spoken := SPOKEN.match(text):
        text = f"P{int(spoken.group(1))}{SPOKEN_UNITS[spoken.group(2).lower()]}"  # "01 năm": P1Y
    text = text.upper()
    parse_period(text)
    return text


def parse_period(text: str) -> tuple[int, int, int]:
    """(years, months, days) of an ISO 8601 date period such as P1Y, P3M, P60D, longer than zero; refused otherwise."""
    match = PERIOD.match((text or "").strip().upper())
    if not match or not any(int(part or 0) for part in match.groups()):
        raise ValidationError(
            "Thời hạn không hợp lệ: nhập 1 năm, 3 tháng, 60 ngày (hoặc dạng P1Y, P3M, P60D), lớn hơn 0.",
            code="period_invalid",
        )
    return tuple(int(part or 0) for part in match.groups())


def add_period(start: date, text: str) -> date:
    """`start` plus the period, calendar-wise (past the end of a shorter month: its last day)."""
    years, months, days = parse_period(text)
    month_index = start.month - 1 + months
    year, month = start.year + years + month_index // 12, month_index % 12 + 1
    day = start.day
    while True:
        try:
            landed = date(year, month, day)
            break
        except ValueError:
            day -= 1
    return landed + timedelta(days=days)


def transfer_due_on(dossier: Dossier) -> date | None:
    """The nộp lưu deadline of a closed dossier: from the settlement (construction) or the end of the work; None when
    the day it counts from is not known yet (a construction dossier before its settlement)."""
    settings = settings_for(dossier.agency_id)
    if dossier.kind == "construction":
        return add_period(dossier.settled_on, settings.construction_transfer_after) if dossier.settled_on else None
    return add_period(dossier.end_date, settings.transfer_after) if dossier.end_date else None
