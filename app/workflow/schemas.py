"""marshmallow shapes of tasks, cases and process versions for the REST API."""

from marshmallow import Schema, fields


class TaskSchema(Schema):
    id = fields.Int()
    title = fields.Str()
    task_name = fields.Str(metadata={"description": "Mã công việc trong BPMN"})
    process_id = fields.Str()
    instance_id = fields.Int()
    object_type = fields.Str()
    object_id = fields.Str()
    object_title = fields.Str()
    role = fields.Str(allow_none=True)
    agency_id = fields.Int()
    unit_id = fields.Int(allow_none=True)
    assignee_id = fields.Int(allow_none=True)
    state = fields.Str()
    urgency = fields.Str()
    due_at = fields.DateTime(allow_none=True)
    created_at = fields.DateTime()
    claimed_at = fields.DateTime(allow_none=True)
    completed_at = fields.DateTime(allow_none=True)
    completed_by_id = fields.Int(allow_none=True)
    outcome = fields.Str(allow_none=True)
    comment = fields.Str(allow_none=True)
    form_key = fields.Str(allow_none=True)


class TaskDetailSchema(TaskSchema):
    form = fields.Dict(allow_none=True, metadata={"description": "JSON Schema + gợi ý giao diện của biểu mẫu"})
    submitted = fields.Dict(allow_none=True)
    history = fields.List(fields.Nested(TaskSchema))


class TaskPageSchema(Schema):
    items = fields.List(fields.Nested(TaskSchema))
    total = fields.Int(metadata={"description": "Số việc, đếm tối đa đến total_cap"})
    total_cap = fields.Int()
    next_cursor = fields.Str(allow_none=True)


class TaskListArgs(Schema):
    process_id = fields.Str(load_default=None)
    overdue = fields.Bool(load_default=False)
    urgent = fields.Bool(load_default=False)
    after = fields.Str(load_default=None, metadata={"description": "next_cursor của trang trước"})
    limit = fields.Int(load_default=50, validate=lambda n: 1 <= n <= 200)


class CompleteArgs(Schema):
    data = fields.Dict(load_default=dict)
    outcome = fields.Str(load_default=None, allow_none=True)
    comment = fields.Str(load_default=None, allow_none=True)


class ReassignArgs(Schema):
    user_id = fields.Int(required=True)


class StartArgs(Schema):
    data = fields.Dict(load_default=dict)
    title = fields.Str(load_default=None, allow_none=True)
    urgent = fields.Bool(load_default=False)


class InstanceSchema(Schema):
    id = fields.Int()
    process_id = fields.Str()
    version = fields.Function(lambda i: i.process_version.version)
    agency_id = fields.Int()
    object_type = fields.Str()
    object_id = fields.Str()
    title = fields.Str()
    status = fields.Str()
    is_urgent = fields.Bool()
    next_timer_at = fields.DateTime(allow_none=True)
    error_message = fields.Str(allow_none=True)
    error_task = fields.Str(allow_none=True)
    started_at = fields.DateTime()
    completed_at = fields.DateTime(allow_none=True)


class ProcessVersionSchema(Schema):
    id = fields.Int()
    process_id = fields.Str()
    name = fields.Str()
    version = fields.Int()
    agency_id = fields.Int(allow_none=True)
    checksum = fields.Str()
    deployed_at = fields.DateTime()


class DeployArgs(Schema):
    bpmn = fields.Str(required=True, metadata={"description": "Nội dung tệp BPMN (XML)"})
    filename = fields.Str(load_default="process.bpmn")
    forms = fields.Dict(load_default=dict, metadata={"description": "mã công việc → biểu mẫu (JSON)"})


class ValidateResultSchema(Schema):
    valid = fields.Bool()
    problems = fields.List(fields.Str())
