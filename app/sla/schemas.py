"""marshmallow shapes of working calendars, overrides and deadline answers for the REST API."""

from marshmallow import Schema, fields, validate

from app.api.schemas import Int, Str
from app.sla.models import OverrideKind
from app.sla.rules import Basis


class DueArgs(Schema):
    start = Str(
        required=True,
        metadata={"description": "ISO 8601; không có múi giờ thì hiểu là giờ Việt Nam", "example": "2026-11-23T08:00"},
    )
    spec = Str(
        required=True,
        metadata={"description": "PTnHnM, PnD, next-working-day, next-morning, hoặc tên quy tắc của cơ quan (intake…)"},
    )
    agency_id = Int(load_default=None, metadata={"description": "mặc định: cơ quan của người gọi"})


class DueSchema(Schema):
    start = Str(metadata={"example": "2026-11-23T08:00:00+07:00"})
    spec = Str(metadata={"description": "thời hạn đã chuẩn hóa", "example": "PT1H"})
    agency_id = Int(allow_none=True)
    due = Str(metadata={"description": "hạn xử lý, giờ Việt Nam", "example": "2026-11-23T09:00:00+07:00"})
    due_utc = Str(metadata={"example": "2026-11-23T02:00:00+00:00"})


class SessionSchema(Schema):
    start = Str(required=True, metadata={"example": "07:30"})
    end = Str(required=True, metadata={"example": "11:30"})


class SeasonSchema(Schema):
    name = Str(required=True, metadata={"example": "Giờ mùa hè"})
    start = Str(required=True, metadata={"description": "tháng-ngày hoặc dd/mm", "example": "04-16"})
    end = Str(required=True, metadata={"example": "10-15"})
    sessions = fields.List(fields.Nested(SessionSchema), required=True)


class CalendarSchema(Schema):
    """The effective office hours of an agency (its own, or inherited from the default)."""

    agency_id = Int(allow_none=True)
    has_own_hours = fields.Bool(metadata={"description": "false: dùng giờ của lịch mặc định"})
    sessions = fields.List(fields.Nested(SessionSchema))
    weekdays = fields.List(Int(), metadata={"description": "1 = Thứ Hai … 7 = Chủ nhật"})
    seasons = fields.List(fields.Nested(SeasonSchema))
    version = Int()


class CalendarArgs(Schema):
    agency_id = Int(load_default=None)


class HoursUpdateArgs(Schema):
    agency_id = Int(allow_none=True, load_default=None, metadata={"description": "null: lịch mặc định"})
    use_default = fields.Bool(load_default=False, metadata={"description": "true: bỏ giờ riêng, dùng lịch mặc định"})
    sessions = fields.List(fields.Nested(SessionSchema), load_default=list)
    weekdays = fields.List(Int(), load_default=lambda: [1, 2, 3, 4, 5])
    seasons = fields.List(fields.Nested(SeasonSchema), load_default=list)


class OverrideSchema(Schema):
    id = Int(dump_only=True)
    agency_id = Int(allow_none=True, metadata={"description": "null: lịch mặc định (áp dụng cho mọi cơ quan)"})
    day = fields.Date()
    kind = Str(metadata={"description": "off: ngày nghỉ; work: ngày làm việc bù"})
    note = Str(allow_none=True)
    created_at = fields.AwareDateTime(dump_only=True)


class OverrideCreateArgs(Schema):
    agency_id = Int(allow_none=True, load_default=None, metadata={"description": "null: lịch mặc định"})
    day = fields.Date(required=True, metadata={"example": "2027-02-03"})
    kind = Str(required=True, validate=validate.OneOf([k.value for k in OverrideKind]))
    note = Str(allow_none=True, load_default=None)  # its length is the service's rule (app.sla.services)


class OverrideListArgs(Schema):
    agency_id = Int(load_default=None, metadata={"description": "bỏ trống: lịch mặc định"})
    year = Int(load_default=None, validate=validate.Range(1995, 2100))


# --- deadline settings (app.sla.rules) ----------------------------------------------------------------------


class LevelSettingSchema(Schema):
    basis = Str(
        required=True,
        validate=validate.OneOf([b.value for b in Basis]),
        metadata={"description": "calendar: giờ đồng hồ (kể cả ngoài giờ, ngày nghỉ); working: giờ làm việc"},
    )
    duration = Str(
        required=True, metadata={"description": "PTnHnM, PnD, next-working-day, next-morning", "example": "PT1H"}
    )


class UrgencySettingsSchema(Schema):
    hoa_toc = fields.Nested(LevelSettingSchema, metadata={"description": "Hỏa tốc"})
    thuong_khan = fields.Nested(LevelSettingSchema, metadata={"description": "Thượng khẩn"})
    khan = fields.Nested(LevelSettingSchema, metadata={"description": "Khẩn"})


class RuleValuesSchema(Schema):
    intake = Str(
        metadata={"description": "Tiếp nhận văn bản đến, bước kiểm tra (QĐ 278 Kiên Giang Điều 3.3)", "example": "PT2H"}
    )
    register = Str(metadata={"description": "Đăng ký văn bản đến (NĐ 30/2020 Điều 4.2.c)"})
    present = Str(metadata={"description": "Trình văn bản đến (NĐ 30/2020 Điều 23.1)"})
    assign = Str(metadata={"description": "Phân công chuyên viên chủ trì (QĐ 278 Điều 3.3)"})
    issue = Str(metadata={"description": "Phát hành văn bản đi (NĐ 30/2020 Điều 18.1)"})


class PreviewLineSchema(Schema):
    level = Str(metadata={"description": "hoa_toc | thuong_khan | khan | thuong"})
    label = Str()
    due = Str(metadata={"description": "hạn tiếp nhận, giờ Việt Nam"})


class SlaSettingsSchema(Schema):
    """An agency's effective deadline settings (its own, or the deployment defaults)."""

    agency_id = Int()
    is_default = fields.Bool(metadata={"description": "true: cơ quan chưa có thiết lập riêng, dùng mặc định"})
    urgency = fields.Nested(UrgencySettingsSchema)
    rules = fields.Nested(RuleValuesSchema)
    version = Int()
    updated_at = fields.AwareDateTime(allow_none=True)
    preview = fields.List(
        fields.Nested(PreviewLineSchema),
        metadata={"description": "hạn của bước tiếp nhận cho văn bản đến vào lúc này, theo từng mức độ khẩn"},
    )


class SlaSettingsArgs(Schema):
    agency_id = Int(load_default=None, metadata={"description": "mặc định: cơ quan của người gọi"})


class SlaSettingsUpdateArgs(Schema):
    """Levels and rules not given keep their values; each field is checked by the service (details per field)."""

    agency_id = Int(load_default=None, metadata={"description": "mặc định: cơ quan của người gọi"})
    urgency = fields.Dict(
        keys=Str(),
        values=fields.Dict(),
        load_default=None,
        metadata={"example": {"hoa_toc": {"basis": "calendar", "duration": "PT1H"}}},
    )
    rules = fields.Dict(keys=Str(), values=fields.Raw(), load_default=None, metadata={"example": {"intake": "PT1H"}})
