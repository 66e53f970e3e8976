"""The policy form of the administrators' page; the rules themselves are checked by app.escalation.policy."""

from flask_wtf import FlaskForm
from wtforms import SelectField, StringField

from app.escalation.policy import ESCALATION_ROLES
from app.org.forms import choices
from app.org.models import ROLE_LABELS, Role


class PolicyForm(FlaskForm):
    # Text, not IntegerField: the service says what is wrong ("từ 1 đến 99") in one place for the page and the API.
    reminder_percent = StringField("Nhắc việc khi đã dùng (% thời hạn)")
    grace = StringField("Báo cáo lãnh đạo sau hạn xử lý")
    escalate_to = SelectField(
        "Vai trò được báo cáo (khi quy trình không chỉ định)",
        choices=choices((role, ROLE_LABELS[Role(role)]) for role in ESCALATION_ROLES),
    )

    def fill(self, values: dict) -> None:
        self.reminder_percent.data = str(values["reminder_percent"])
        self.grace.data = values["grace"]
        self.escalate_to.data = values["escalate_to"]

    def values(self) -> dict:
        return {
            "reminder_percent": (self.reminder_percent.data or "").strip(),
            "grace": (self.grace.data or "").strip(),
            "escalate_to": self.escalate_to.data,
        }
