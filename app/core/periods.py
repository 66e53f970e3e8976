"""A period of Việt Nam calendar days (`start`…`end`, both included), queried as the UTC instants [starts_at, ends_at).

Shared by the leaders' reports (app.reports.periods: standard months, quarters…) and the designer's heatmap
(app.designer.periods), which sit on different floors.
"""

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from app.core.clock import LOCAL_TZ


@dataclass(frozen=True)
class Period:
    start: date
    end: date  # included

    @property
    def starts_at(self) -> datetime:
        """The first instant of the period (local midnight), in UTC."""
        return datetime.combine(self.start, time(), LOCAL_TZ).astimezone(UTC)

    @property
    def ends_at(self) -> datetime:
        """The instant after the period (local midnight after its last day), in UTC: bounds are [starts_at, ends_at)."""
        return datetime.combine(self.end + timedelta(days=1), time(), LOCAL_TZ).astimezone(UTC)

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    @property
    def label(self) -> str:
        return f"từ ngày {self.start:%d/%m/%Y} đến ngày {self.end:%d/%m/%Y}"

    def as_args(self) -> dict[str, str]:
        return {"start": self.start.isoformat(), "end": self.end.isoformat()}


REVERSED = "“Đến ngày” phải sau hoặc bằng “Từ ngày”."


def range_problem(start: date | None, end: date | None) -> str | None:
    """A search's dates the wrong way round (every list and log that filters by a day range says it the same way)."""
    return REVERSED if start is not None and end is not None and start > end else None
