"""HTML forms (Flask-WTF, CSRF included). Rules that need the database live in services, not here."""

from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    DateTimeLocalField,
    EmailField,
    IntegerField,
    PasswordField,
    SelectChoice,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, EqualTo, Length, Optional
from wtforms.widgets import CheckboxInput, ListWidget

from app.org.models import ROLE_LABELS

REQUIRED = "Trường này là bắt buộc."
TOO_LONG = "Tối đa %(max)d ký tự (NĐ 30/2020 Phụ lục VI Phần II)."


def choices(pairs) -> list[SelectChoice]:
    """(value, label) pairs as WTForms 3.3 choices."""
    return [SelectChoice(value, label) for value, label in pairs]


def role_choices():
    return choices((role.value, label) for role, label in ROLE_LABELS.items())


def coerce_optional_int(value):
    return int(value) if value not in (None, "", "None") else None


class Required:
    """Mark a field required on the page (its asterisk) and leave the check to the service.

    A failing WTForms validator stops the form before the service runs, so a blank name would hide a bad phone
    number and a missing role; the service checks every field at once and its messages go on the fields.
    """

    field_flags = {"required": True}

    def __call__(self, form, field) -> None:
        return None


class MultiCheckboxField(SelectMultipleField):
    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


class LoginForm(FlaskForm):
    username = StringField(
        "Tên đăng nhập",
        validators=[DataRequired(REQUIRED), Length(max=64)],
        render_kw={"autocomplete": "username", "autofocus": True},
    )
    password = PasswordField(
        "Mật khẩu", validators=[DataRequired(REQUIRED)], render_kw={"autocomplete": "current-password"}
    )


class ChangePasswordForm(FlaskForm):
    current_password = PasswordField(
        "Mật khẩu hiện tại", validators=[DataRequired(REQUIRED)], render_kw={"autocomplete": "current-password"}
    )
    new_password = PasswordField(
        "Mật khẩu mới", validators=[DataRequired(REQUIRED)], render_kw={"autocomplete": "new-password"}
    )
    confirm = PasswordField(
        "Nhập lại mật khẩu mới",
        validators=[DataRequired(REQUIRED), EqualTo("new_password", "Mật khẩu nhập lại không khớp.")],
        render_kw={"autocomplete": "new-password"},
    )


class ResetPasswordForm(FlaskForm):
    new_password = PasswordField(
        "Mật khẩu mới", validators=[DataRequired(REQUIRED)], render_kw={"autocomplete": "new-password"}
    )


class AgencyForm(FlaskForm):
    code = StringField("Mã định danh", validators=[DataRequired(REQUIRED), Length(max=35)])
    # NĐ 30/2020 Phụ lục VI Phần II: OrganName String(200), FullName String(50), Position String(100).
    name = StringField("Tên cơ quan", validators=[DataRequired(REQUIRED), Length(max=200, message=TOO_LONG)])
    abbreviation = StringField(
        "Tên viết tắt (dùng trong ký hiệu văn bản)", validators=[DataRequired(REQUIRED), Length(max=30)]
    )
    parent_id = SelectField("Cơ quan cấp trên", coerce=coerce_optional_int, validate_choice=False)
    address = StringField("Địa chỉ", validators=[Optional(), Length(max=500)])
    email = StringField("Thư điện tử", validators=[Optional(), Length(max=255)])
    phone = StringField("Điện thoại", validators=[Optional(), Length(max=50)])
    open_incoming_to_staff = BooleanField("Mọi cán bộ của cơ quan được xem văn bản đến đã vào sổ")
    due_after_lead_allowed = BooleanField("Cho phép hạn của đơn vị phối hợp, người để biết sau hạn của đơn vị chủ trì")


class UnitForm(FlaskForm):
    name = StringField("Tên phòng/đơn vị", validators=[DataRequired(REQUIRED), Length(max=255)])
    abbreviation = StringField("Tên viết tắt", validators=[DataRequired(REQUIRED), Length(max=30)])
    parent_id = SelectField("Đơn vị cấp trên", coerce=coerce_optional_int, validate_choice=False)
    is_active = BooleanField("Đang hoạt động", default=True)


class UserForm(FlaskForm):
    """An account: app.org.services checks every field (lengths, phone, roles) and reports all problems at once."""

    username = StringField("Tên đăng nhập", validators=[Required()])
    full_name = StringField("Họ và tên", validators=[Required()])
    position = StringField("Chức vụ")
    agency_id = SelectField("Cơ quan", coerce=coerce_optional_int, validate_choice=False)
    unit_id = SelectField("Phòng/đơn vị", coerce=coerce_optional_int, validate_choice=False)
    roles = MultiCheckboxField("Vai trò", choices=role_choices())
    email = EmailField("Thư điện tử")
    phone = StringField("Điện thoại")
    password = PasswordField("Mật khẩu ban đầu", validators=[Required()], render_kw={"autocomplete": "new-password"})


class DelegationForm(FlaskForm):
    from_user_id = SelectField("Người ủy quyền", coerce=coerce_optional_int, validate_choice=False)
    to_user_id = SelectField("Người được ủy quyền", coerce=coerce_optional_int, validate_choice=False)
    roles = MultiCheckboxField(
        "Vai trò được ủy quyền (để trống: mọi vai trò của người ủy quyền)", choices=role_choices()
    )
    starts_at = DateTimeLocalField("Từ", format="%Y-%m-%dT%H:%M", validators=[DataRequired("Nhập thời gian.")])
    ends_at = DateTimeLocalField("Đến", format="%Y-%m-%dT%H:%M", validators=[DataRequired("Nhập thời gian.")])
    reason = TextAreaField("Lý do", validators=[Optional(), Length(max=500)])


class TokenForm(FlaskForm):
    name = StringField("Tên gợi nhớ", validators=[DataRequired(REQUIRED), Length(max=100)])
    days = IntegerField("Hiệu lực (ngày)", default=90, validators=[Optional()], render_kw={"min": 1})
