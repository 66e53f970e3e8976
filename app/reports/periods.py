"""Report periods: inclusive local dates, validated once for pages, the API and exports.

A period is a range of Việt Nam calendar days (`start`…`end`, both included); queries use the UTC instants of its
bounds. The exchange statistics are reported by month, quarter, half-year or year (seed 002 Điều 17, seed 004
Điều 15 and 17.4), which `standard_period` turns into such a range.
"""

from datetime import date, datetime, timedelta

from app.core import clock
from app.core.errors import ValidationError
from app.core.periods import Period

# Beyond this a "period" is a mistake (a year typed wrong), and would scan a decade of rows.
MAX_PERIOD_DAYS = 5 * 366
KINDS = {"month": 12, "quarter": 4, "half": 2, "year": 1}  # kind → periods in a year
KIND_LABELS = {"month": "Tháng", "quarter": "Quý", "half": "6 tháng", "year": "Năm"}


def _refuse(code: str, message: str, field: str = "start") -> ValidationError:
    return ValidationError(message, code=code, details={field: message})


def _parse_date(value, field: str) -> date:
    if isinstance(value, date):
        return value
    text = (value or "").strip()
    if not text:
        label = "bắt đầu" if field == "start" else "kết thúc"
        raise _refuse("period_missing", f"Chọn ngày {label} của kỳ báo cáo.", field)
    for pattern in ("%Y-%m-%d", "%d/%m/%Y"):
        try:
            return datetime.strptime(text, pattern).date()
        except ValueError:
            continue
    raise _refuse("period_invalid", f"Ngày “{text}” không hợp lệ (dd/mm/yyyy hoặc yyyy-mm-dd).", field)


def make_period(start, end) -> Period:
    """The period from `start` to `end` (dates or text), refused when missing, reversed or too long."""
    first, last = _parse_date(start, "start"), _parse_date(end, "end")
    if last < first:
        raise _refuse("period_reversed", "Ngày kết thúc phải sau hoặc trùng ngày bắt đầu của kỳ báo cáo.", "end")
    if (last - first).days + 1 > MAX_PERIOD_DAYS:
        raise _refuse(
            "period_too_long", f"Kỳ báo cáo dài quá {MAX_PERIOD_DAYS // 366} năm; hãy chọn kỳ ngắn hơn.", "end"
        )
    return Period(first, last)


def standard_period(kind: str, year: int, number: int = 1) -> Period:
    """Tháng `number`, quý `number`, 6 tháng `number` (1 or 2) or the whole `year`."""
    count = KINDS.get(kind)
    if count is None:
        raise _refuse("period_invalid", "Loại kỳ báo cáo phải là tháng, quý, 6 tháng hoặc năm.", "kind")
    if not 1995 <= year <= 2100:
        raise _refuse("period_invalid", "Năm của kỳ báo cáo không hợp lệ.", "year")
    if not 1 <= number <= count:
        raise _refuse("period_invalid", f"Số thứ tự của kỳ phải từ 1 đến {count}.", "number")
    months = 12 // count
    first = date(year, (number - 1) * months + 1, 1)
    after = date(year + 1, 1, 1) if number == count else date(year, number * months + 1, 1)
    return Period(first, after - timedelta(days=1))


def this_month() -> Period:
    """The default of the pages: the current month up to today."""
    today = clock.to_local(clock.now()).date()
    return Period(today.replace(day=1), today)


def from_args(args, *, default: bool = True) -> Period:
    """A period from request arguments: `start`/`end`, or `kind`/`year`/`number`; none of them: this month."""
    if args.get("kind"):
        try:
            year, number = int(args.get("year") or 0), int(args.get("number") or 1)
        except ValueError:
            raise _refuse("period_invalid", "Năm và số thứ tự của kỳ phải là số.", "year") from None
        return standard_period(args["kind"], year, number)
    if default and "start" not in args and "end" not in args:
        return this_month()
    return make_period(args.get("start"), args.get("end"))


def weeks(period: Period) -> list[date]:
    """The Mondays of the weeks the period touches (the trend chart's buckets)."""
    monday = period.start - timedelta(days=period.start.weekday())
    found = []
    while monday <= period.end:
        found.append(monday)
        monday += timedelta(days=7)
    return found
