"""marshmallow shapes of the designer's REST API."""

from marshmallow import Schema, fields

from app.workflow.schemas import ProcessVersionSchema


class ProcessOverviewSchema(Schema):
    process_id = fields.Str()
    current = fields.Nested(ProcessVersionSchema)
    own_versions = fields.Int()
    running = fields.Int()
