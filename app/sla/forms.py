"""HTML forms for the calendar page, and the plain-text shapes people type office hours in.

Office hours are typed as "07:30-11:30, 13:30-17:00"; a seasonal timetable as one line
"Giờ mùa hè; 16/04-15/10; 07:00-11:30, 13:30-17:00". These helpers only split the text: the rules
(HH:MM, order, overlap, real dates) are checked by app.sla.services, whose messages name the bad part.
"""

import re

from flask_wtf import FlaskForm
from wtforms import BooleanField, DateField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional

from app.org.forms import REQUIRED, MultiCheckboxField, choices
from app.sla import rules
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


def parse_seasons_text(text: str) -> tuple[list[dict], dict[str, str]]:
    """The seasons typed one a line that could be read, and the problem of the lines that cannot be split (as
    {"seasons": message}).

    The problem is returned, not raised, so that the page can report it together with the other fields' problems
    and with those of the seasons that could be read.
    """
    seasons, bad = [], []
    for number, line in enumerate((text or "").splitlines(), 1):
        if not line.strip():
            continue
        parts = [p.strip() for p in line.split(";", 2)]
        if len(parts) != 3:
            bad.append(number)  # every such line said at once, not one per try
            continue
        name, period, sessions = parts
        start, _, end = _RANGE.sub("|", period, count=1).partition("|")
        seasons.append({"name": name, "start": start, "end": end, "sessions": parse_sessions_text(sessions)})
    if bad:
        lines = ", ".join(str(n) for n in bad)
        message = f"Dòng {lines}: cần ba phần cách nhau bởi dấu chấm phẩy: tên; từ ngày-đến ngày; các buổi."
        return seasons, {"seasons": message}
    return seasons, {}


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
    # No Length here: it would render maxlength, and a browser cuts a longer paste silently. The service refuses
    # a note past the column's length with its own message, and the page shows what was typed.
    note = StringField(
        "Căn cứ / ghi chú",
        validators=[Optional()],
        render_kw={"placeholder": "Ví dụ: Thông báo nghỉ Tết của Bộ Nội vụ"},
    )


class DueTestForm(FlaskForm):
    """The deadline tester: a GET form, nothing is changed, so no CSRF token."""

    class Meta:
        csrf = False

    start = StringField("Thời điểm bắt đầu", validators=[DataRequired(REQUIRED)], render_kw={"type": "datetime-local"})
    spec = StringField(
        "Thời hạn",
        validators=[DataRequired(REQUIRED)],
        render_kw={"placeholder": "Chọn hoặc nhập, ví dụ P3D", "list": "due-choices"},
    )


class SlaSettingsForm(FlaskForm):
    """Deadline settings: `<level>_basis` and `<level>_duration` per urgency level, `rule_<name>` per rule.

    The fields are added below from app.sla.rules, so a new level or rule appears on the page by itself.
    """

    def values(self) -> tuple[dict, dict]:
        """(urgency, rules) as the service takes them."""
        urgency = {
            level: {"basis": self[f"{level}_basis"].data, "duration": (self[f"{level}_duration"].data or "").strip()}
            for level in rules.URGENT_LEVELS
        }
        return urgency, {name: (self[f"rule_{name}"].data or "").strip() for name in rules.RULES}

    def fill(self, settings: dict) -> None:
        for level in rules.URGENT_LEVELS:
            self[f"{level}_basis"].data = settings["urgency"][level]["basis"]
            self[f"{level}_duration"].data = settings["urgency"][level]["duration"]
        for name in rules.RULES:
            self[f"rule_{name}"].data = settings["rules"][name]


def settings_field_name(detail_key: str) -> str:
    """The form field of a service's detail key: `urgency.hoa_toc.duration` → `hoa_toc_duration`."""
    parts = detail_key.split(".")
    if parts[0] == "urgency" and len(parts) == 3:
        return f"{parts[1]}_{parts[2]}"
    if parts[0] == "rules" and len(parts) == 2:
        return f"rule_{parts[1]}"
    return detail_key


_BASIS_CHOICES = choices((basis.value, label) for basis, label in rules.BASIS_LABELS.items())
for _level, _label in rules.LEVEL_LABELS.items():
    setattr(SlaSettingsForm, f"{_level}_basis", SelectField(f"{_label}: cách tính", choices=_BASIS_CHOICES))
    setattr(
        SlaSettingsForm,
        f"{_level}_duration",
        StringField(f"{_label}: thời hạn", validators=[Length(max=40)], render_kw={"placeholder": "PT1H"}),
    )
for _name, _rule in rules.RULES.items():
    setattr(
        SlaSettingsForm,
        f"rule_{_name}",
        StringField(f"{_rule.label} ({_name})", validators=[Length(max=40)], render_kw={"placeholder": _rule.default}),
    )
