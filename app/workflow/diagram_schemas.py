"""marshmallow shapes of the case diagram (GET /api/v1/cases/<id>/diagram)."""

from marshmallow import Schema, fields


class CaseStepActorSchema(Schema):
    name = fields.Str(metadata={"description": "Người xử lý (hoặc vai trò khi chưa ai nhận)"})
    at = fields.Str(allow_none=True, metadata={"description": "Lúc hoàn thành, hoặc lúc giao việc nếu còn mở (ISO)"})
    at_label = fields.Str(metadata={"description": "“14:05 03/12”, giờ Việt Nam"})
    state = fields.Str(metadata={"description": "completed | open"})
    outcome = fields.Str(allow_none=True)
    due_at = fields.Str(allow_none=True)


class CaseElementSchema(Schema):
    state = fields.Str(metadata={"description": "current | waiting | error | completed"})
    count = fields.Int(metadata={"description": "Số lần bước đã hoàn thành (vòng lặp)"})
    actors = fields.List(fields.Nested(CaseStepActorSchema))


class CaseDiagramSchema(Schema):
    instance_id = fields.Int()
    process_id = fields.Str()
    version = fields.Int()
    bpmn_xml = fields.Str()
    elements = fields.Dict(keys=fields.Str(), values=fields.Nested(CaseElementSchema))
    flows = fields.List(fields.Str(), metadata={"description": "Mã các luồng (sequence flow) đã đi qua"})
