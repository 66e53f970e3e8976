"""HTML forms for the calendar page, and the plain-text shapes people type office hours in.

Office hours are typed as "07:30-11:30, 13:30-17:00"; a seasonal timetable as one line
"Giờ mùa hè; 16/04-15/10; 07:00-11:30, 13:30-17:00". These helpers only split the text: the rules
(HH:MM, order, overlap, real dates) are checked by app.sla.services, whose messages name the bad part.
"""

import re

from flask_wtf import FlaskForm
from wtforms import BooleanField, DateField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional

from app.core.errors import ValidationError
from app.org.forms import REQUIRED, MultiCheckboxField, choices
from app.sla.hours import WEEKDAY_LABELS, format_month_day, format_sessions
from app.sla.models import OVERRIDE_LABELS

_RANGE = re.compile(r"\s*[-–—]\s*")


def parse_sessions_text(text: str) -> list[dict]:
    sessions = []
    for part in re.split(r"[,;]", text or ""):
        if part.strip():
            start, _, end = _RANGE.sub("|", part.strip(), count=1).partition("|")
            sessions.append({"start": start.strip(), "end": end.strip()})
    return sessions


def parse_seasons_text(text: str) -> list[dict]:
    seasons = []
    for number, line in enumerate((text or "").splitlines(), 1):
        if not line.strip():
            continue
        parts = [p.strip() for p in line.split(";", 2)]
        if len(parts) != 3:
            message = f"Dòng {number}: cần ba phần cách nhau bởi dấu chấm phẩy: tên; từ ngày-đến ngày; các buổi."
            raise ValidationError("Lịch làm việc chưa hợp lệ, vui lòng kiểm tra lại.", details={"seasons": message})
        name, period, sessions = parts
        start, _, end = _RANGE.sub("|", period, count=1).partition("|")
        seasons.append({"name": name, "start": start, "end": end, "sessions": parse_sessions_text(sessions)})
    return seasons


def seasons_text(seasons: list[dict]) -> str:
    return "\n".join(
        f"{s['name']}; {format_month_day(s['start'])}-{format_month_day(s['end'])}; "
        + format_sessions(s["sessions"]).replace("–", "-")
        for s in seasons or ()
    )


class HoursForm(FlaskForm):
    use_default = BooleanField("Dùng giờ làm việc của lịch mặc định")
    sessions = StringField(
        "Các buổi làm việc", validators=[Optional(), Length(max=200)], default="07:30-11:30, 13:30-17:00"
    )
    weekdays = MultiCheckboxField(
        "Ngày làm việc trong tuần", coerce=int, choices=choices(WEEKDAY_LABELS.items()), default=[1, 2, 3, 4, 5]
    )
    seasons = TextAreaField("Giờ làm việc theo mùa", validators=[Optional(), Length(max=2000)], render_kw={"rows": 3})


class OverrideForm(FlaskForm):
    day = DateField("Ngày", validators=[DataRequired("Nhập ngày.")])
    kind = SelectField("Loại điều chỉnh", choices=choices((k.value, label) for k, label in OVERRIDE_LABELS.items()))
    note = StringField(
        "Căn cứ / ghi chú",
        validators=[Optional(), Length(max=255)],
        render_kw={"placeholder": "Ví dụ: Thông báo nghỉ Tết của Bộ Nội vụ"},
    )


class DueTestForm(FlaskForm):
    """The deadline tester: a GET form, nothing is changed, so no CSRF token."""

    class Meta:
        csrf = False

    start = StringField("Thời điểm bắt đầu", validators=[DataRequired(REQUIRED)], render_kw={"type": "datetime-local"})
    spec = StringField(
        "Thời hạn", validators=[DataRequired(REQUIRED)], render_kw={"placeholder": "PT2H, P3D, next-morning…"}
    )
