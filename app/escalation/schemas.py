"""marshmallow shapes of the escalation policy and the leaders' overdue list for the REST API."""

from marshmallow import Schema, fields, validate

from app.api.schemas import Int, Str


class PolicySchema(Schema):
    agency_id = Int()
    is_default = fields.Bool(metadata={"description": "true: cơ quan chưa có chính sách riêng, dùng mặc định"})
    reminder_percent = Int(metadata={"description": "nhắc việc khi đã dùng phần trăm này của thời hạn", "example": 75})
    grace = Str(
        metadata={"description": "thời gian gia hạn sau hạn xử lý (giờ làm việc)", "example": "next-working-day"}
    )
    escalate_to = Str(
        metadata={"description": "vai trò được báo cáo khi quy trình không chỉ định", "example": "lanh_dao"}
    )
    version = Int()
    updated_at = fields.AwareDateTime(allow_none=True)


class PolicyArgs(Schema):
    agency_id = Int(load_default=None, metadata={"description": "mặc định: cơ quan của người gọi"})


class PolicyUpdateArgs(Schema):
    """Fields not given keep their values; each is checked by the service (`invalid_escalation_policy`)."""

    agency_id = Int(load_default=None, metadata={"description": "mặc định: cơ quan của người gọi"})
    # Raw: the service says what is wrong in Vietnamese, per field, with one stable code.
    reminder_percent = fields.Raw(load_default=None, metadata={"description": "1–99", "example": 75})
    grace = fields.Raw(
        load_default=None, metadata={"description": "PTnHnM, PnD, next-working-day, next-morning", "example": "PT4H"}
    )
    escalate_to = fields.Raw(load_default=None, metadata={"description": "lanh_dao | lanh_dao_don_vi"})


class OverdueArgs(Schema):
    limit = Int(load_default=50, validate=validate.Range(1, 200))
    offset = Int(load_default=0, validate=validate.Range(0, 1_000_000))


class OverdueItemSchema(Schema):
    task_id = Int()
    task_title = Str(metadata={"description": "bước xử lý", "example": "Kiểm tra văn bản đến"})
    object_type = Str(metadata={"example": "incoming"})
    object_id = Str()
    object_title = Str()
    document_url = Str(metadata={"description": "đường dẫn trang văn bản (hoặc trang công việc)"})
    task_url = Str()
    assignee = Str(allow_none=True, metadata={"description": "người xử lý; null: chờ nhận"})
    role = Str(allow_none=True)
    unit = Str(allow_none=True)
    urgency = Str()
    due_at = fields.AwareDateTime()
    escalated_at = fields.AwareDateTime()
    escalate_to = Str(allow_none=True)
    late_working_minutes = Int(metadata={"description": "số phút làm việc đã trễ so với hạn xử lý"})
    late = Str(metadata={"example": "3 giờ 20 phút"})


class OverduePageSchema(Schema):
    items = fields.List(fields.Nested(OverdueItemSchema))
    total = Int()
