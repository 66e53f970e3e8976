"""marshmallow schemas of the trust roots API (app.signing.trust_api)."""

from marshmallow import Schema, fields

from app.core import clock


class TrustedCertificateSchema(Schema):
    id = fields.Int()
    agency_id = fields.Int(allow_none=True, metadata={"description": "null: toàn hệ thống"})
    subject_name = fields.Str()
    issuer_name = fields.Str()
    common_name = fields.Str()
    fingerprint = fields.Str(metadata={"description": "SHA-256 của chứng thư (DER), hex"})
    self_signed = fields.Bool()
    not_before = fields.DateTime()
    not_after = fields.DateTime()
    note = fields.Str(allow_none=True)
    active = fields.Bool()
    state = fields.Function(
        lambda row: row.state_at(clock.now()), metadata={"description": "active, disabled, expired, not_yet_valid"}
    )
    created_at = fields.DateTime()
    created_by_id = fields.Int(allow_none=True)
    disabled_at = fields.DateTime(allow_none=True)


TRUST_ROOT_UPLOAD = {
    "required": True,
    "content": {
        "multipart/form-data": {
            "schema": {
                "type": "object",
                "required": ["file"],
                "properties": {
                    "file": {"type": "string", "format": "binary", "description": "Một chứng thư CA, PEM hoặc DER"},
                    "agency_id": {"type": "integer", "description": "Cơ quan (bỏ trống: toàn hệ thống)"},
                    "note": {"type": "string", "description": "Ghi chú: nguồn, căn cứ"},
                },
            }
        }
    },
}
