"""HTML forms for registers and document types. The rules (codes, overlaps, defaults) are checked by services."""

from flask_wtf import FlaskForm
from wtforms import BooleanField, SelectField, StringField
from wtforms.validators import DataRequired, Length, Optional

from app.documents.models import CATEGORY_LABELS, REGISTER_KIND_LABELS
from app.org.forms import REQUIRED, MultiCheckboxField, choices


class RegisterForm(FlaskForm):
    kind = SelectField("Loại sổ", choices=choices((k.value, label) for k, label in REGISTER_KIND_LABELS.items()))
    name = StringField("Tên sổ", validators=[DataRequired(REQUIRED), Length(max=255)])
    code = StringField(
        "Mã sổ", validators=[DataRequired(REQUIRED), Length(max=32)], render_kw={"placeholder": "Ví dụ: DI-QD"}
    )
    document_type_codes = MultiCheckboxField("Loại văn bản cấp số trong sổ này", choices=[])
    is_default = BooleanField("Sổ mặc định của loại sổ này")
    is_active = BooleanField("Đang sử dụng", default=True)


class DocumentTypeForm(FlaskForm):
    code = StringField(
        "Mã", validators=[DataRequired(REQUIRED), Length(max=16)], render_kw={"placeholder": "Ví dụ: QDKT"}
    )
    name = StringField("Tên loại văn bản", validators=[DataRequired(REQUIRED), Length(max=255)])
    abbreviation = StringField(
        "Chữ viết tắt trong ký hiệu", validators=[Optional(), Length(max=16)], render_kw={"placeholder": "Ví dụ: QĐKT"}
    )
    category = SelectField("Nhóm", choices=choices((c.value, label) for c, label in CATEGORY_LABELS.items()))
