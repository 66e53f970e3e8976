"""SLA specs: the text a process designer writes in a task's `sla` property, parsed and normalized.

Four forms (design.md §4, §5):

- `PTnHnM` (`PT2H`, `PT90M`, `PT1H30M`): that much working time; hours outside office hours do not count.
- `PnD` (`P3D`): the end of office hours on the n-th working day after the start day.
- `next-working-day`: the end of office hours on the next working day
  (NĐ 30/2020 Điều 18.1, 23.1: "trong ngày, chậm nhất là trong ngày làm việc tiếp theo").
- `next-morning`: the end of the morning session of the next working day
  (Kiên Giang QĐ 278/QĐ-UBND Điều 3.3, seed 001: "chậm nhất là trong buổi sáng ngày làm việc kế tiếp").

Days and hours are not combined (`P1DT4H` is refused): "a working day" ends at closing time whatever the
hour of the start, so adding hours to it has no single obvious meaning; write `P1D` or `PT12H` instead.
"""

import re
from dataclasses import dataclass
from enum import StrEnum

from app.core.errors import ValidationError


class SpecKind(StrEnum):
    WORKING_TIME = "working_time"
    WORKING_DAYS = "working_days"
    NEXT_WORKING_DAY = "next-working-day"
    NEXT_MORNING = "next-morning"


RULE_NAMES = {kind.value: kind for kind in (SpecKind.NEXT_WORKING_DAY, SpecKind.NEXT_MORNING)}

# A year of working time is far beyond any step of a procedure; larger values are typing mistakes.
MAX_DAYS = 366
MAX_MINUTES = 2000 * 60

_ISO = re.compile(r"^P(?:(?P<days>\d+)D)?(?:T(?=\d)(?:(?P<hours>\d+)H)?(?:(?P<minutes>\d+)M)?)?$")

FORMS_HELP = (
    "Dùng PTnHnM (thời gian làm việc, ví dụ PT2H, PT1H30M), PnD (n ngày làm việc, ví dụ P3D), "
    "next-working-day (hết ngày làm việc tiếp theo) hoặc next-morning (hết buổi sáng ngày làm việc tiếp theo)."
)


@dataclass(frozen=True)
class SlaSpec:
    """A parsed spec. `minutes` is set for WORKING_TIME, `days` for WORKING_DAYS."""

    kind: SpecKind
    minutes: int = 0
    days: int = 0

    @property
    def normalized(self) -> str:
        if self.kind is SpecKind.WORKING_TIME:
            hours, minutes = divmod(self.minutes, 60)
            return "PT" + (f"{hours}H" if hours else "") + (f"{minutes}M" if minutes else "")
        if self.kind is SpecKind.WORKING_DAYS:
            return f"P{self.days}D"
        return self.kind.value

    def __str__(self) -> str:
        return self.normalized


def _parse(spec: str) -> SlaSpec | str:
    """The parsed spec, or a Vietnamese message saying what is wrong with it."""
    if not isinstance(spec, str) or not spec.strip():
        return "Chưa nhập thời hạn xử lý. " + FORMS_HELP
    text = spec.strip()
    rule = RULE_NAMES.get(text.lower().replace("_", "-"))
    if rule is not None:
        return SlaSpec(rule)
    match = _ISO.match(text.upper())
    if match is None or text.upper() in ("P", "PT"):
        return f"Thời hạn “{text}” không hợp lệ. " + FORMS_HELP
    days, hours, minutes = (int(match.group(k) or 0) for k in ("days", "hours", "minutes"))
    has_time = match.group("hours") is not None or match.group("minutes") is not None
    if match.group("days") is not None and has_time:
        return f"Thời hạn “{text}” kết hợp ngày với giờ: dùng PnD (ngày làm việc) hoặc PTnHnM (giờ làm việc)."
    if match.group("days") is not None:
        if days == 0:
            return "Số ngày làm việc phải lớn hơn 0."
        if days > MAX_DAYS:
            return f"Số ngày làm việc tối đa là {MAX_DAYS}."
        return SlaSpec(SpecKind.WORKING_DAYS, days=days)
    total = hours * 60 + minutes
    if total == 0:
        return "Thời gian làm việc phải lớn hơn 0."
    if total > MAX_MINUTES:
        return f"Thời gian làm việc tối đa là {MAX_MINUTES // 60} giờ."
    return SlaSpec(SpecKind.WORKING_TIME, minutes=total)


def spec_problem(spec: str) -> str | None:
    """Say what is wrong with a spec, or None when it is valid (for deploy validation)."""
    result = _parse(spec)
    return result if isinstance(result, str) else None


def parse_spec(spec: "str | SlaSpec") -> SlaSpec:
    """Parse a spec; refuse a bad one with ValidationError(code="invalid_sla")."""
    if isinstance(spec, SlaSpec):
        return spec
    result = _parse(spec)
    if isinstance(result, str):
        raise ValidationError(result, code="invalid_sla", details={"spec": result})
    return result
