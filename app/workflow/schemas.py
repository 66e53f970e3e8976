"""marshmallow shapes of tasks, cases and process versions for the REST API."""

from marshmallow import Schema, fields

from app.api.schemas import Int, Str


class TaskSchema(Schema):
    id = Int()
    title = Str()
    task_name = Str(metadata={"description": "Mã công việc trong BPMN"})
    process_id = Str()
    instance_id = Int()
    object_type = Str()
    object_id = Str()
    object_title = Str()
    role = Str(allow_none=True)
    agency_id = Int()
    unit_id = Int(allow_none=True)
    assignee_id = Int(allow_none=True)
    state = Str()
    urgency = Str()
    due_at = fields.DateTime(allow_none=True)
    created_at = fields.DateTime()
    claimed_at = fields.DateTime(allow_none=True)
    completed_at = fields.DateTime(allow_none=True)
    completed_by_id = Int(allow_none=True)
    outcome = Str(allow_none=True)
    comment = Str(allow_none=True)
    form_key = Str(allow_none=True)


class TaskDetailSchema(TaskSchema):
    form = fields.Dict(allow_none=True, metadata={"description": "JSON Schema + gợi ý giao diện của biểu mẫu"})
    values = fields.Dict(
        metadata={"description": "Giá trị ban đầu của biểu mẫu (như trang điền sẵn): dữ liệu hồ sơ đã có"}
    )
    can_act = fields.Bool(metadata={"description": "Người gọi có thể hoàn thành công việc này ngay"})
    submitted = fields.Dict(allow_none=True)
    history = fields.List(fields.Nested(TaskSchema))


class TaskPageSchema(Schema):
    items = fields.List(fields.Nested(TaskSchema))
    total = Int(metadata={"description": "Số việc, đếm tối đa đến total_cap"})
    total_cap = Int()
    next_cursor = Str(allow_none=True)


class TaskListArgs(Schema):
    process_id = Str(load_default=None)
    overdue = fields.Bool(load_default=False)
    urgent = fields.Bool(load_default=False)
    due_today = fields.Bool(load_default=False, metadata={"description": "Chưa quá hạn, hạn trong hôm nay"})
    new = fields.Bool(load_default=False, metadata={"description": "Việc đến trong 24 giờ qua"})
    after = Str(load_default=None, metadata={"description": "next_cursor của trang trước"})
    limit = Int(load_default=50, validate=lambda n: 1 <= n <= 200)


class CompleteArgs(Schema):
    data = fields.Dict(load_default=dict)
    outcome = Str(load_default=None, allow_none=True)
    comment = Str(load_default=None, allow_none=True)


class ReassignArgs(Schema):
    user_id = Int(required=True)


class StartArgs(Schema):
    data = fields.Dict(load_default=dict)
    title = Str(load_default=None, allow_none=True)
    urgent = fields.Bool(load_default=False)


class InstanceSchema(Schema):
    id = Int()
    process_id = Str()
    version = fields.Function(lambda i: i.process_version.version)
    agency_id = Int()
    object_type = Str()
    object_id = Str()
    title = Str()
    status = Str()
    is_urgent = fields.Bool()
    next_timer_at = fields.DateTime(allow_none=True)
    error_message = Str(allow_none=True)
    error_task = Str(allow_none=True)
    started_at = fields.DateTime()
    completed_at = fields.DateTime(allow_none=True)


class ProcessVersionSchema(Schema):
    id = Int()
    process_id = Str()
    name = Str()
    version = Int()
    agency_id = Int(allow_none=True)
    checksum = Str()
    source = Str()
    comment = Str(allow_none=True)
    based_on_id = Int(allow_none=True)
    deployed_by_id = Int(allow_none=True)
    deployed_at = fields.DateTime()


class DeployArgs(Schema):
    bpmn = Str(required=True, metadata={"description": "Nội dung tệp BPMN (XML)"})
    filename = Str(load_default="process.bpmn")
    forms = fields.Dict(load_default=dict, metadata={"description": "mã công việc → biểu mẫu (JSON)"})


class ValidateResultSchema(Schema):
    valid = fields.Bool()
    problems = fields.List(Str())


class ChoiceSchema(Schema):
    value = fields.Raw()
    label = Str()
