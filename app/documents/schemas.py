"""marshmallow shapes of document types and registers for the REST API."""

from marshmallow import Schema, fields, validate

from app.api.schemas import Int, Str
from app.documents.models import RegisterKind, TypeCategory

KINDS = [k.value for k in RegisterKind]
CATEGORIES = [c.value for c in TypeCategory]


class DocumentTypeSchema(Schema):
    id = Int(dump_only=True)
    code = Str(metadata={"example": "QD"})
    name = Str(metadata={"example": "Quyết định"})
    abbreviation = Str(allow_none=True, metadata={"description": "chữ viết tắt trong ký hiệu", "example": "QĐ"})
    category = Str(metadata={"description": "administrative, copy, normative"})
    agency_id = Int(allow_none=True, metadata={"description": "null: danh mục dùng chung (Phụ lục III)"})
    is_active = fields.Bool()


class DocumentTypeListArgs(Schema):
    q = Str(load_default="", metadata={"description": "tìm theo tên, không phân biệt dấu: “quyet dinh”"})
    category = Str(load_default=None, validate=validate.OneOf(CATEGORIES))


class DocumentTypeCreateArgs(Schema):
    agency_id = Int(load_default=None, metadata={"description": "mặc định: cơ quan của người gọi"})
    code = Str(required=True, metadata={"example": "QDKT"})
    name = Str(required=True, metadata={"example": "Quyết định khen thưởng"})
    abbreviation = Str(allow_none=True, load_default=None, metadata={"example": "QĐKT"})
    category = Str(load_default=TypeCategory.ADMINISTRATIVE.value, validate=validate.OneOf(CATEGORIES))


class RegisterSchema(Schema):
    id = Int(dump_only=True)
    agency_id = Int()
    kind = Str(metadata={"description": "incoming: sổ văn bản đến; outgoing: sổ văn bản đi"})
    code = Str(metadata={"example": "DEN"})
    name = Str(metadata={"example": "Sổ văn bản đến"})
    document_type_codes = fields.List(Str(), metadata={"description": "rỗng: mọi loại văn bản"})
    is_default = fields.Bool()
    is_active = fields.Bool()
    year = Int(dump_only=True, metadata={"description": "năm hiện tại (giờ Việt Nam)"})
    last_number = Int(dump_only=True, metadata={"description": "số cuối cùng đã cấp trong năm; 0: chưa có"})
    next_number = Int(dump_only=True, metadata={"description": "số sẽ cấp tiếp (chỉ để xem, không giữ số)"})


class RegisterListArgs(Schema):
    kind = Str(load_default=None, validate=validate.OneOf(KINDS))
    agency_id = Int(load_default=None, metadata={"description": "mặc định: cơ quan của người gọi"})


class RegisterCreateArgs(Schema):
    agency_id = Int(load_default=None, metadata={"description": "mặc định: cơ quan của người gọi"})
    kind = Str(required=True, validate=validate.OneOf(KINDS))
    code = Str(required=True, metadata={"example": "DI-QD"})
    name = Str(required=True, metadata={"example": "Sổ quyết định"})
    document_type_codes = fields.List(Str(), load_default=list, metadata={"example": ["QD"]})
    is_active = fields.Bool(load_default=True)
    is_default = fields.Bool(load_default=False)


class RegisterUpdateArgs(Schema):
    code = Str()
    name = Str()
    document_type_codes = fields.List(Str())
    is_active = fields.Bool()
    is_default = fields.Bool()
