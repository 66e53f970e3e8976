"""marshmallow schemas of the exchange administration API: directory, peers, outbox (app.exchange.*_api)."""

from marshmallow import Schema, fields, validate

from app.exchange.directory import state_of


class DirectoryEntrySchema(Schema):
    id = fields.Int()
    code = fields.Str(metadata={"description": "Mã định danh (QCVN 102:2016 hoặc QĐ 20/2020)"})
    name = fields.Str()
    peer_id = fields.Int(allow_none=True)
    peer_key_id = fields.Function(lambda e: e.peer.key_id if e.peer else None, allow_none=True)
    merged_into = fields.Str(allow_none=True, metadata={"description": "Mã của cơ quan đã thay thế (QĐ 09/2025)"})
    is_active = fields.Bool()
    state = fields.Function(state_of, metadata={"description": "active, merged, inactive"})
    note = fields.Str(allow_none=True)
    updated_at = fields.DateTime()


class DirectoryListArgs(Schema):
    q = fields.Str(load_default=None, metadata={"description": "Tìm theo mã hoặc tên (không phân biệt dấu)"})
    state = fields.Str(
        load_default=None,
        validate=validate.OneOf(
            ["active", "merged", "inactive"],
            error="Chọn một trong: active (đang dùng), merged (đã sáp nhập), inactive (ngừng dùng).",
        ),
    )
    with_peer = fields.Bool(load_default=None)


class DirectoryEntryCreateArgs(Schema):
    code = fields.Str(required=True)
    name = fields.Str(required=True)
    peer_id = fields.Int(load_default=None, allow_none=True)
    note = fields.Str(load_default=None, allow_none=True)


class DirectoryEntryUpdateArgs(Schema):
    name = fields.Str(required=True)
    peer_id = fields.Int(load_default=None, allow_none=True)
    note = fields.Str(load_default=None, allow_none=True)


class DirectoryMergeArgs(Schema):
    into_code = fields.Str(required=True, metadata={"description": "Mã định danh của cơ quan sau sáp nhập"})


class DirectoryImportReportSchema(Schema):
    added = fields.Int()
    updated = fields.Int()
    unchanged = fields.Int()
    applied = fields.Bool(metadata={"description": "false: chỉ kiểm tra (dry_run), chưa ghi"})


DIRECTORY_UPLOAD = {
    "required": True,
    "content": {
        "multipart/form-data": {
            "schema": {
                "type": "object",
                "required": ["file"],
                "properties": {
                    "file": {"type": "string", "format": "binary", "description": "Tệp CSV (UTF-8) hoặc XML"},
                    "dry_run": {"type": "boolean", "description": "Chỉ kiểm tra, chưa ghi"},
                },
            }
        }
    },
}


class ExchangePeerSchema(Schema):
    id = fields.Int()
    name = fields.Str()
    key_id = fields.Str()
    adapter = fields.Str()
    base_url = fields.Str()
    auth = fields.Str(metadata={"description": "hmac | mtls"})
    tls_fingerprint = fields.Str(allow_none=True)
    require_signature = fields.Bool()
    is_active = fields.Bool()
    created_at = fields.DateTime()
    last_success_at = fields.DateTime(allow_none=True)
    last_error = fields.Str(allow_none=True)


class ExchangePeerWithSecretSchema(ExchangePeerSchema):
    secret = fields.Str(metadata={"description": "Khóa bí mật: chỉ trả về một lần, ngay lúc tạo hoặc đổi"})


class ExchangePeerUpdateArgs(Schema):
    name = fields.Str(required=True)
    key_id = fields.Str(required=True)
    base_url = fields.Str(required=True)
    auth = fields.Str(load_default="hmac", validate=validate.OneOf(["hmac", "mtls"], error="Chọn “hmac” hoặc “mtls”."))
    tls_fingerprint = fields.Str(load_default=None, allow_none=True)
    require_signature = fields.Bool(load_default=True)
    is_active = fields.Bool(load_default=True)


class ExchangePeerCreateArgs(ExchangePeerUpdateArgs):
    secret = fields.Str(load_default=None, allow_none=True, metadata={"description": "Bỏ trống: hệ thống tạo"})


class ExchangePeerRotateArgs(Schema):
    secret = fields.Str(load_default=None, allow_none=True, metadata={"description": "Bỏ trống: hệ thống tạo"})


class ExchangePeerCheckSchema(Schema):
    ok = fields.Bool()
    message = fields.Str()


class OutboxMessageSchema(Schema):
    id = fields.Int()
    agency_id = fields.Int()
    peer_id = fields.Int()
    to_code = fields.Str()
    kind = fields.Str(metadata={"description": "edoc | status"})
    state = fields.Str(metadata={"description": "pending | sent | failed"})
    attempts = fields.Int()
    next_attempt_at = fields.DateTime(allow_none=True)
    last_error = fields.Str(allow_none=True)
    object_type = fields.Str(allow_none=True)
    object_id = fields.Str(allow_none=True)
    created_at = fields.DateTime()
    sent_at = fields.DateTime(allow_none=True)


class OutboxListArgs(Schema):
    state = fields.Str(
        load_default=None,
        validate=validate.OneOf(
            ["pending", "sent", "failed"],
            error="Chọn một trong: pending (đang chờ), sent (đã gửi), failed (bị từ chối).",
        ),
    )
    limit = fields.Int(load_default=100, validate=validate.Range(min=1, max=500, error="Từ 1 đến 500."))
    offset = fields.Int(load_default=0, validate=validate.Range(min=0, error="Không được âm."))
