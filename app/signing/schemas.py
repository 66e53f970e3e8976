"""marshmallow shapes of signing credentials for the REST API. Keys, PINs and passphrases never appear in output."""

from marshmallow import Schema, fields, validate

from app.api.schemas import Int, Str
from app.core import clock


class SigningCredentialSchema(Schema):
    id = Int()
    agency_id = Int()
    user_id = Int(allow_none=True, metadata={"description": "Trống: chứng thư số của cơ quan (con dấu)"})
    kind = Str(metadata={"description": "personal | organization | exchange"})
    owner_name = Str()
    subject_name = Str()
    issuer_name = Str()
    serial = Str(metadata={"description": "Số hiệu chứng thư số (hex)"})
    fingerprint = Str(metadata={"description": "SHA-256 của chứng thư số (DER)"})
    not_before = fields.DateTime()
    not_after = fields.DateTime()
    active = fields.Bool()
    state = fields.Method("_state", metadata={"description": "active | expired | not_yet_valid | deactivated"})
    image_sha256 = Str()
    image_width_pt = fields.Float()
    image_height_pt = fields.Float()
    deactivated_at = fields.DateTime(allow_none=True)
    deactivated_reason = Str(allow_none=True)
    created_at = fields.DateTime()
    created_by_id = Int(allow_none=True)

    def _state(self, credential) -> str:
        return credential.state_at(clock.now())


class CredentialCreateArgs(Schema):
    """Form fields of the multipart upload; the files are `p12` (required) and `image` (PNG, optional)."""

    kind = Str(required=True, validate=validate.OneOf(["personal", "organization", "exchange"]))
    user_id = Int(metadata={"description": "Người ký (bắt buộc với kind=personal)"})
    agency_id = Int(metadata={"description": "Cơ quan (kind=organization, exchange)"})
    pin = Str(load_default="", metadata={"description": "Mã PIN của tệp khóa cá nhân (không được lưu)"})
    passphrase = Str(load_default="", metadata={"description": "Mật khẩu tệp khóa của cơ quan (lưu mã hóa)"})


UPLOAD_BODY = {
    "required": True,
    "content": {
        "multipart/form-data": {
            "schema": {
                "type": "object",
                "required": ["kind", "p12"],
                "properties": {
                    "kind": {"type": "string", "enum": ["personal", "organization", "exchange"]},
                    "user_id": {"type": "integer", "description": "Người ký (bắt buộc với kind=personal)"},
                    "agency_id": {"type": "integer", "description": "Cơ quan (kind=organization, exchange)"},
                    "pin": {"type": "string", "description": "Mã PIN của tệp khóa cá nhân (không được lưu)"},
                    "passphrase": {"type": "string", "description": "Mật khẩu tệp khóa của cơ quan (lưu mã hóa)"},
                    "p12": {"type": "string", "format": "binary", "description": "Tệp khóa PKCS#12"},
                    "image": {"type": "string", "format": "binary", "description": "Ảnh PNG chữ ký hoặc con dấu"},
                },
            }
        }
    },
}


class CredentialDeactivateArgs(Schema):
    reason = Str(required=True, validate=validate.Length(min=1, max=500))
