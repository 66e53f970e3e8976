"""Shapes of the notifications API."""

from marshmallow import Schema, fields

from app.api.schemas import Int, PageArgs, Str


class NotificationSchema(Schema):
    id = Int()
    kind = Str(metadata={"description": "Loại thông báo, ví dụ task_reminder, task_overdue, daily_digest"})
    title = Str()
    body = Str()
    url = Str(allow_none=True, metadata={"description": "Đường dẫn trong qlvb, ví dụ /tasks/12"})
    object_type = Str(allow_none=True)
    object_id = Str(allow_none=True)
    created_at = fields.DateTime()
    read_at = fields.DateTime(allow_none=True)
    is_read = fields.Boolean()


class NotificationListArgs(PageArgs):
    unread = fields.Boolean(load_default=False, metadata={"description": "1: chỉ thông báo chưa đọc"})


class UnreadCountSchema(Schema):
    unread = Int(metadata={"description": "Số thông báo chưa đọc (tối đa 100)"})


class ReadAllSchema(Schema):
    marked = Int(metadata={"description": "Số thông báo vừa được đánh dấu đã đọc"})


class PreferenceSchema(Schema):
    email_enabled = fields.Boolean(metadata={"description": "Nhận thông báo qua thư điện tử"})
    digest_enabled = fields.Boolean(metadata={"description": "Nhận bản tổng hợp công việc hằng ngày"})
    digest_last_sent_on = fields.Date(allow_none=True, dump_only=True)


class PreferenceUpdateArgs(Schema):
    email_enabled = fields.Boolean()
    digest_enabled = fields.Boolean()
