"""marshmallow shapes of the designer's forms API."""

from marshmallow import Schema, fields, validates_schema
from marshmallow import ValidationError as SchemaValidationError


class DesignerFormUseSchema(Schema):
    process_id = fields.Str()
    process_name = fields.Str()
    version = fields.Int()
    task_id = fields.Str()
    task_name = fields.Str()


class DesignerFormSummarySchema(Schema):
    key = fields.Str(metadata={"description": "process_id/task_id"})
    title = fields.Str()
    scope = fields.Str(metadata={"description": "agency: của cơ quan; global: mặc định (forms/)"})
    has_global = fields.Bool()
    used_by = fields.List(fields.Nested(DesignerFormUseSchema))


class DesignerFormSchema(Schema):
    key = fields.Str()
    scope = fields.Str(allow_none=True)
    has_global = fields.Bool()
    definition = fields.Dict()
    updated_at = fields.DateTime(allow_none=True)


class FormDefinitionInSchema(Schema):
    definition = fields.Raw(required=True, metadata={"description": "JSON Schema + ui + outcomes (app.workflow.forms)"})


class FormPreviewInSchema(Schema):
    definition = fields.Raw(metadata={"description": "the form as JSON"})
    text = fields.Str(metadata={"description": "or the editor's text (syntax errors named by line and column)"})

    @validates_schema
    def one_of(self, data, **kwargs):
        if ("definition" in data) == ("text" in data):
            raise SchemaValidationError("Gửi một trong hai: definition hoặc text.", "_schema")


class FormPreviewSchema(Schema):
    html = fields.Str()
    problems = fields.List(fields.Str())
