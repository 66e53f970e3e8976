"""marshmallow shapes of moving running cases to a newer version (/api/v1/designer/migrations)."""

from marshmallow import Schema, fields


class MigrationCheckArgs(Schema):
    source = fields.Int(required=True, data_key="from", metadata={"description": "Mã phiên bản nguồn"})
    target = fields.Int(required=True, data_key="to", metadata={"description": "Mã phiên bản đích (mới hơn)"})


class MigrationRunArgs(MigrationCheckArgs):
    instance_ids = fields.List(fields.Int(), required=True, metadata={"description": "Các hồ sơ cần chuyển"})


class MigrationCaseSchema(Schema):
    instance_id = fields.Int()
    title = fields.Str()
    status = fields.Str()
    can_migrate = fields.Bool()
    reason = fields.Str(allow_none=True, metadata={"description": "Lý do không chuyển được"})
    current_steps = fields.List(fields.Str())


class MigrationCheckSchema(Schema):
    source_version_id = fields.Int()
    target_version_id = fields.Int()
    cases = fields.List(fields.Nested(MigrationCaseSchema))


class MigrationResultSchema(Schema):
    source_version_id = fields.Int()
    target_version_id = fields.Int()
    migrated = fields.List(fields.Int(), metadata={"description": "Hồ sơ đã chuyển"})
    refused = fields.List(fields.Nested(MigrationCaseSchema), metadata={"description": "Hồ sơ không chuyển, lý do"})
    missing = fields.List(fields.Int(), metadata={"description": "Mã không ứng với hồ sơ nào"})
