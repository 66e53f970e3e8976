"""Shapes of the backups endpoint."""

from marshmallow import Schema, fields


class VerificationSchema(Schema):
    at = fields.String(allow_none=True)
    ok = fields.Boolean()
    message = fields.String()


class BackupSchema(Schema):
    name = fields.String()
    size = fields.Integer()
    created_at = fields.DateTime(allow_none=True)
    database = fields.String(allow_none=True)
    schema_revision = fields.String(allow_none=True)
    app_version = fields.String(allow_none=True)
    with_keys = fields.Boolean()
    verified = fields.Nested(VerificationSchema, allow_none=True)


class LastRunSchema(Schema):
    at = fields.String()
    ok = fields.Boolean()
    trigger = fields.String()
    archive = fields.String(allow_none=True)
    message = fields.String()
    size = fields.Integer(allow_none=True)


class BackupListSchema(Schema):
    folder = fields.String()
    daily = fields.Boolean()
    hour = fields.Integer()
    keep = fields.Integer()
    running = fields.Boolean()
    last_run = fields.Nested(LastRunSchema, allow_none=True)
    archives = fields.List(fields.Nested(BackupSchema))


class BackupStartedSchema(Schema):
    status = fields.String(metadata={"description": "started (chạy nền), done, failed"})
    message = fields.String()
    archive = fields.String(allow_none=True)
