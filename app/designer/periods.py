"""The heatmap's period: a range of Việt Nam calendar days (`start`…`end`, both included), queried as the UTC instants
[starts_at, ends_at). The same rules and error codes as the leaders' report periods (app.reports.periods), which sit
on a floor above the designer; both build on app.core.periods.Period."""

from datetime import date, datetime, timedelta

from app.core import clock
from app.core.errors import ValidationError
from app.core.periods import Period

DEFAULT_DAYS = 90  # the default period: the last 90 days, today included
MAX_DAYS = 5 * 366  # beyond this a period is a mistake (a year typed wrong), and would scan a decade of rows


def _refuse(code: str, message: str, field: str) -> ValidationError:
    return ValidationError(message, code=code, details={field: message})


def _parse(value, field: str) -> date:
    if isinstance(value, date):
        return value
    text = (value or "").strip()
    for pattern in ("%Y-%m-%d", "%d/%m/%Y"):
        try:
            return datetime.strptime(text, pattern).date()
        except ValueError:
            continue
    raise _refuse("period_invalid", f"Ngày “{text}” không hợp lệ (dd/mm/yyyy hoặc yyyy-mm-dd).", field)


def default_period(today: date | None = None) -> Period:
    today = today or clock.to_local(clock.now()).date()
    return Period(today - timedelta(days=DEFAULT_DAYS - 1), today)


def period_from(start, end) -> Period:
    """The page's and the API's `from`/`to`, each defaulting to the last 90 days' bound; refused when reversed or
    too long."""
    default = default_period()
    first, last = _parse(start or default.start, "from"), _parse(end or default.end, "to")
    if last < first:
        raise _refuse("period_reversed", "Ngày kết thúc phải sau hoặc trùng ngày bắt đầu của kỳ.", "to")
    if (last - first).days + 1 > MAX_DAYS:
        raise _refuse("period_too_long", f"Kỳ dài quá {MAX_DAYS // 366} năm; hãy chọn kỳ ngắn hơn.", "to")
    return Period(first, last)
