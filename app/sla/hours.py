"""Office hours as stored (JSON) and as computed with (engine dataclasses): validate one, build the other.

Stored shapes (see models.Calendar): sessions `[{"start": "07:30", "end": "11:30"}, …]`, weekdays
`[1, 2, 3, 4, 5]` (ISO, 1 = Monday), seasons `[{"name", "start": "04-16", "end": "10-15", "sessions"}]`.
"""

import itertools
import re
import unicodedata
from datetime import date, time, timedelta

from app.sla.engine import DEFAULT_SESSIONS, DEFAULT_WEEKDAYS, Season, WorkSession

HHMM = re.compile(r"^([01]?\d|2[0-3]):([0-5]\d)$")
MONTH_DAY_ISO = re.compile(r"^(?:--)?(\d{1,2})-(\d{1,2})$")  # 04-16 or --04-16
DAY_MONTH_VN = re.compile(r"^(\d{1,2})/(\d{1,2})$")  # 16/04, as people write it

WEEKDAY_LABELS = {1: "Thứ Hai", 2: "Thứ Ba", 3: "Thứ Tư", 4: "Thứ Năm", 5: "Thứ Sáu", 6: "Thứ Bảy", 7: "Chủ nhật"}


def working_duration_label(minutes: int) -> str:
    """ "3 giờ 20 phút" of working time (days differ by calendar and season, so hours are what is exact)."""
    hours, rest = divmod(max(0, int(minutes)), 60)
    if hours and rest:
        return f"{hours} giờ {rest} phút"
    return f"{hours} giờ" if hours else f"{rest} phút"


def late_label(minutes: int) -> str:
    """How late an overdue step is, in working time; a deadline passed outside working hours (17:00 → 17:30) is
    late by no working minute yet: "vừa quá hạn", not "0 phút"."""
    return working_duration_label(minutes) if minutes and minutes > 0 else "vừa quá hạn"


def _time(value) -> time | None:
    match = HHMM.match(str(value or "").strip())
    return time(int(match.group(1)), int(match.group(2))) if match else None


def clean_sessions(raw) -> tuple[list[dict], str | None]:
    """Sessions as stored, sorted, or a Vietnamese problem: HH:MM, start before end, no overlap."""
    if not isinstance(raw, list | tuple) or not raw:
        return [], "Cần ít nhất một buổi làm việc."
    pairs = []
    for item in raw:
        if isinstance(item, dict):
            start, end = item.get("start"), item.get("end")
        else:
            start, end = (*tuple(item), None, None)[:2]
        start_at, end_at = _time(start), _time(end)
        if start_at is None or end_at is None:
            return [], f"Giờ “{start}–{end}” không hợp lệ: nhập dạng HH:MM, ví dụ 07:30–11:30."
        if start_at >= end_at:
            return [], f"Buổi {start_at:%H:%M}–{end_at:%H:%M}: giờ bắt đầu phải trước giờ kết thúc."
        pairs.append((start_at, end_at))
    pairs.sort()
    for (_s1, e1), (s2, _e2) in itertools.pairwise(pairs):
        if s2 < e1:
            return [], "Các buổi làm việc không được chồng lấn nhau."
    return [{"start": f"{s:%H:%M}", "end": f"{e:%H:%M}"} for s, e in pairs], None


def clean_weekdays(raw) -> tuple[list[int], str | None]:
    try:
        days = sorted({int(d) for d in raw or ()})
    except (TypeError, ValueError):
        return [], "Ngày trong tuần không hợp lệ."
    if not days:
        return [], "Cần chọn ít nhất một ngày làm việc trong tuần."
    if any(d < 1 or d > 7 for d in days):
        return [], "Ngày trong tuần phải từ 1 (Thứ Hai) đến 7 (Chủ nhật)."
    return days, None


def parse_month_day(value) -> tuple[int, int] | None:
    """(month, day) from "04-16" or "16/04"; 29/02 is allowed (it exists in leap years)."""
    text = str(value or "").strip()
    if match := MONTH_DAY_ISO.match(text):
        month, day = int(match.group(1)), int(match.group(2))
    elif match := DAY_MONTH_VN.match(text):
        day, month = int(match.group(1)), int(match.group(2))
    else:
        return None
    try:
        date(2000, month, day)  # a leap year: accepts 29/02
    except ValueError:
        return None
    return month, day


def _season_days(start: tuple[int, int], end: tuple[int, int]) -> set[tuple[int, int]]:
    days, current = set(), date(2000, *start)
    while True:
        days.add((current.month, current.day))
        if (current.month, current.day) == end:
            return days
        current = current + timedelta(days=1) if current != date(2000, 12, 31) else date(2000, 1, 1)


def clean_seasons(raw) -> tuple[list[dict], str | None]:
    """Seasons as stored, or a problem: named, valid month/day, valid sessions, no two covering one date."""
    if raw in (None, ""):
        return [], None
    if not isinstance(raw, list | tuple):
        return [], "Danh sách giai đoạn theo mùa không hợp lệ."
    if not all(isinstance(item, dict) for item in raw):
        return [], "Danh sách giai đoạn theo mùa không hợp lệ."
    cleaned, covered, problems = [], set(), []
    for number, item in enumerate(raw, 1):  # every season's problem said at once, not one per try
        name = unicodedata.normalize("NFC", str(item.get("name") or "")).strip()
        if not name or len(name) > 100:
            problems.append(f"Giai đoạn thứ {number}: cần có tên (tối đa 100 ký tự), ví dụ “Giờ mùa hè”.")
            continue
        start, end = parse_month_day(item.get("start")), parse_month_day(item.get("end"))
        sessions, problem = clean_sessions(item.get("sessions"))
        if start is None or end is None:
            problems.append(
                f"Giai đoạn “{name}”: ngày bắt đầu/kết thúc phải có dạng dd/mm (ví dụ 16/04) và là ngày có thật."
            )
        elif problem:
            problems.append(f"Giai đoạn “{name}”: {problem}")
        elif (days := _season_days(start, end)) & covered:
            problems.append(f"Giai đoạn “{name}” trùng ngày với một giai đoạn khác.")
        else:
            covered |= days
            cleaned.append(
                {
                    "name": name,
                    "start": f"{start[0]:02d}-{start[1]:02d}",
                    "end": f"{end[0]:02d}-{end[1]:02d}",
                    "sessions": sessions,
                }
            )
    if problems:
        return [], " ".join(dict.fromkeys(problems))
    return cleaned, None


# --- stored JSON → engine ----------------------------------------------------------------------------


def to_sessions(stored: list | None) -> tuple[WorkSession, ...]:
    if not stored:
        return DEFAULT_SESSIONS
    return tuple(WorkSession(_time(s["start"]), _time(s["end"])) for s in stored)


def to_weekdays(stored: list | None) -> frozenset[int]:
    return frozenset(int(d) for d in stored) if stored else DEFAULT_WEEKDAYS


def to_seasons(stored: list | None) -> tuple[Season, ...]:
    return tuple(
        Season(s["name"], parse_month_day(s["start"]), parse_month_day(s["end"]), to_sessions(s["sessions"]))
        for s in stored or ()
    )


def format_sessions(sessions) -> str:
    """ "07:30–11:30, 13:30–17:00" from stored dicts or engine WorkSessions."""
    parts = []
    for s in sessions:
        start, end = (s["start"], s["end"]) if isinstance(s, dict) else (f"{s.start:%H:%M}", f"{s.end:%H:%M}")
        parts.append(f"{start}–{end}")
    return ", ".join(parts)


def format_weekdays(weekdays) -> str:
    """ "Thứ Hai–Thứ Sáu" for a run of days, else the days one by one ("Thứ Hai, Thứ Tư, Thứ Bảy")."""
    days = sorted(int(d) for d in weekdays)
    if len(days) > 2 and days == list(range(days[0], days[-1] + 1)):
        return f"{WEEKDAY_LABELS[days[0]]}–{WEEKDAY_LABELS[days[-1]]}"
    return ", ".join(WEEKDAY_LABELS[d] for d in days)


def format_hours(sessions, weekdays, seasons) -> str:
    """The whole timetable in a line, as the audit log says it: "07:30–11:30, 13:30–17:00, Thứ Hai–Thứ Sáu; Giờ
    mùa hè 16/04–15/10: 07:00–11:00, 13:00–17:00"."""
    said = f"{format_sessions(sessions)}, {format_weekdays(weekdays or sorted(DEFAULT_WEEKDAYS))}"
    for season in seasons or ():
        span = f"{format_month_day(season['start'])}–{format_month_day(season['end'])}"
        said += f"; {season['name']} {span}: {format_sessions(season['sessions'])}"
    return said


def format_month_day(stored: str) -> str:
    month, day = parse_month_day(stored)
    return f"{day:02d}/{month:02d}"
