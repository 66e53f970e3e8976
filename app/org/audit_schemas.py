"""marshmallow schemas of the audit log API."""

from marshmallow import Schema, fields

from app.api.schemas import PageArgs, page_of
from app.audit.actions import action_label


class AuditEventSchema(Schema):
    seq = fields.Int()
    occurred_at = fields.DateTime()
    actor_id = fields.Int(allow_none=True)
    actor_name = fields.Str()
    agency_id = fields.Int(allow_none=True)
    action = fields.Str()
    action_label = fields.Function(lambda e: action_label(e.action))
    object_type = fields.Str()
    object_id = fields.Str(allow_none=True)
    summary = fields.Str()
    changes = fields.Dict()
    ip = fields.Str(allow_none=True)


AuditEventPageSchema = page_of(AuditEventSchema, "AuditEventPageSchema")


class AuditListArgs(PageArgs):
    """Text on purpose: app.audit.filters parses them for the page, the CSV and the API alike."""

    actor = fields.Str(load_default=None, metadata={"description": "Tên đăng nhập người thực hiện"})
    action = fields.Str(load_default=None, metadata={"description": "Mã hành động, ví dụ user.deactivate"})
    object_type = fields.Str(load_default=None)
    agency_id = fields.Str(load_default=None)
    date_from = fields.Str(load_default=None, metadata={"description": "YYYY-MM-DD, giờ Việt Nam"})
    date_to = fields.Str(load_default=None, metadata={"description": "YYYY-MM-DD, cả ngày"})
    q = fields.Str(load_default=None, metadata={"description": "Các từ có trong nội dung"})
