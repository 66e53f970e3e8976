"""marshmallow shapes of the heatmap and SLA what-if API (class names prefixed Heatmap/WhatIf: unique in the app)."""

from marshmallow import Schema, fields, validate


class HeatmapPeriodArgs(Schema):
    start = fields.Str(
        data_key="from", load_default=None, metadata={"description": "YYYY-MM-DD (mặc định 90 ngày qua)"}
    )
    end = fields.Str(data_key="to", load_default=None, metadata={"description": "YYYY-MM-DD (mặc định hôm nay)"})


class HeatmapTaskSchema(Schema):
    task_name = fields.Str(metadata={"description": "mã bước (BPMN id)"})
    title = fields.Str()
    in_diagram = fields.Bool(metadata={"description": "false: bước của phiên bản cũ, không còn trên sơ đồ"})
    sla = fields.Str(allow_none=True)
    completed = fields.Int(metadata={"description": "số việc hoàn thành trong kỳ"})
    late = fields.Int(metadata={"description": "số việc hoàn thành sau hạn"})
    open = fields.Int(metadata={"description": "số việc đang mở"})
    open_overdue = fields.Int(metadata={"description": "số việc đang mở đã quá hạn"})
    median_minutes = fields.Int(allow_none=True, metadata={"description": "trung vị phút làm việc"})
    p90_minutes = fields.Int(allow_none=True, metadata={"description": "phân vị 90 phút làm việc"})
    overdue_rate = fields.Float(allow_none=True, metadata={"description": "tỷ lệ quá hạn (%)"})


class HeatmapSchema(Schema):
    process_id = fields.Str()
    version = fields.Int()
    start = fields.Date(data_key="from")
    end = fields.Date(data_key="to")
    tasks = fields.List(fields.Nested(HeatmapTaskSchema))


class HeatmapSlowCaseSchema(Schema):
    task_id = fields.Int()
    instance_id = fields.Int()
    object_title = fields.Str()
    completed_by = fields.Str(allow_none=True)
    created_at = fields.DateTime()
    completed_at = fields.DateTime()
    due_at = fields.DateTime(allow_none=True)
    working_minutes = fields.Int(allow_none=True)
    late_minutes = fields.Int(allow_none=True, metadata={"description": "số phút làm việc trễ hạn"})


class WhatIfArgs(Schema):
    task_name = fields.Str(required=True, validate=validate.Length(min=1, max=100))
    sla = fields.Str(required=True, validate=validate.Length(max=100))
    urgent_sla = fields.Str(
        load_default=None,
        validate=validate.Length(max=100),
        metadata={"description": "Thời hạn khẩn mới cho việc khẩn (K); bỏ trống: urgent_sla trên sơ đồ"},
    )
    start = fields.Str(data_key="from", load_default=None)
    end = fields.Str(data_key="to", load_default=None)


class WhatIfSchema(Schema):
    task_name = fields.Str()
    title = fields.Str()
    sla = fields.Str()
    current_sla = fields.Str(allow_none=True)
    total = fields.Int(metadata={"description": "Y: số việc hoàn thành trong kỳ"})
    overdue_now = fields.Int(metadata={"description": "A: số việc quá hạn hiện nay"})
    overdue_new = fields.Int(metadata={"description": "X: số việc sẽ quá hạn với thời hạn mới"})
    rate_now = fields.Float(allow_none=True)
    rate_new = fields.Float(allow_none=True)
    computed = fields.Int(metadata={"description": "số việc phải tính hạn từng việc một"})
    has_own_due = fields.Bool(metadata={"description": "bước có hạn do hồ sơ đặt (due), thắng sla"})
    urgent_total = fields.Int(metadata={"description": "số việc khẩn (K): tính theo hạn khẩn, không theo sla mới"})
    urgent_sla = fields.Str(allow_none=True, metadata={"description": "hạn khẩn đã dùng (nhập, hoặc trên sơ đồ)"})
    urgent_sla_typed = fields.Bool()
    urgent_note = fields.Str()
    sentence = fields.Str()
