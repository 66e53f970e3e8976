"""marshmallow shapes of the designer's versions API: the list with running cases, rollback, the property diff."""

from marshmallow import Schema, fields

from app.api.schemas import Int, Str
from app.workflow.schemas import ProcessVersionSchema


class DesignerVersionRowSchema(ProcessVersionSchema):
    running = Int(metadata={"description": "Số hồ sơ đang xử lý của cơ quan trên phiên bản này"})
    is_current = fields.Bool(metadata={"description": "Hồ sơ mới của cơ quan chạy theo phiên bản này"})
    same_as_current = fields.Bool(
        metadata={"description": "Nội dung giống phiên bản hiện hành (khôi phục không tạo gì)"}
    )
    based_on_number = Int(allow_none=True, metadata={"description": "Số phiên bản được sửa hoặc khôi phục từ đó"})
    deployed_by_name = Str(allow_none=True)
    scope = Str(metadata={"description": "agency: riêng của cơ quan; global: mặc định toàn hệ thống"})


class DesignerRollbackArgs(Schema):
    comment = Str(load_default=None, allow_none=True, metadata={"description": "Lý do khôi phục"})


class DesignerCompareArgs(Schema):
    a = Int(required=True, metadata={"description": "Phiên bản cũ"})
    b = Int(required=True, metadata={"description": "Phiên bản mới"})


class DesignerPropertyChangeSchema(Schema):
    element_id = Str()
    element_name = Str()
    element_type = Str()
    kind = Str(metadata={"description": "added | removed | changed"})
    field = Str(metadata={"description": "form, sla, urgent_sla, escalate_to, role (làn), operation, …"})
    old = Str(allow_none=True)
    new = Str(allow_none=True)


class DesignerFormChangeSchema(Schema):
    key = Str()
    kind = Str()
    summary = Str()


class DesignerVersionDiffSchema(Schema):
    a = fields.Nested(ProcessVersionSchema)
    b = fields.Nested(ProcessVersionSchema)
    properties = fields.List(fields.Nested(DesignerPropertyChangeSchema))
    forms = fields.List(fields.Nested(DesignerFormChangeSchema))
