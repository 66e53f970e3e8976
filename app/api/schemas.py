"""Shapes shared by every API module."""

from marshmallow import Schema, fields


class ErrorSchema(Schema):
    """Every API error: a stable machine code, a Vietnamese message, and details (field → message)."""

    code = fields.Str(required=True, metadata={"example": "validation_error"})
    message = fields.Str(required=True, metadata={"example": "Dữ liệu không hợp lệ."})
    details = fields.Dict(metadata={"example": {"code": "Mã định danh không hợp lệ."}})
