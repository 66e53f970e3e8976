"""marshmallow shapes of a person's open work and the deactivation handing it over (REST API)."""

from marshmallow import Schema, fields

from app.api.schemas import Int
from app.workflow.schemas import TaskSchema


class HeldWorkSchema(Schema):
    user_id = Int()
    open_tasks = Int(metadata={"description": "Số việc đang mở người này giữ (đã nhận hoặc giao đích danh)"})
    tasks = fields.List(fields.Nested(TaskSchema))
    only_theirs = fields.List(
        fields.Nested(TaskSchema),
        metadata={"description": "Việc chờ nhận trong hộp việc chung mà ngoài người này không ai nhận được"},
    )


class HandoverDeactivateArgs(Schema):
    to_user_id = Int(
        load_default=None,
        allow_none=True,
        metadata={"description": "Đồng nghiệp cùng cơ quan nhận tất cả việc; bỏ trống: việc trở về hộp việc chung"},
    )


class HandoverResultSchema(Schema):
    user_id = Int()
    is_active = fields.Bool()
    handed_to_id = Int(allow_none=True)
    handed_over = Int(metadata={"description": "Số việc đã chuyển cho đồng nghiệp"})
    released = Int(metadata={"description": "Số việc đã trở về hộp việc chung"})
