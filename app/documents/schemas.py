"""marshmallow shapes of document types and registers for the REST API."""

from marshmallow import Schema, fields, validate

from app.documents.models import RegisterKind, TypeCategory

KINDS = [k.value for k in RegisterKind]
CATEGORIES = [c.value for c in TypeCategory]


class DocumentTypeSchema(Schema):
    id = fields.Int(dump_only=True)
    code = fields.Str(metadata={"example": "QD"})
    name = fields.Str(metadata={"example": "Quyết định"})
    abbreviation = fields.Str(allow_none=True, metadata={"description": "chữ viết tắt trong ký hiệu", "example": "QĐ"})
    category = fields.Str(metadata={"description": "administrative, copy, normative"})
    agency_id = fields.Int(allow_none=True, metadata={"description": "null: danh mục dùng chung (Phụ lục III)"})
    is_active = fields.Bool()


class DocumentTypeListArgs(Schema):
    q = fields.Str(load_default="", metadata={"description": "tìm theo tên, không phân biệt dấu: “quyet dinh”"})
    category = fields.Str(load_default=None, validate=validate.OneOf(CATEGORIES))


class DocumentTypeCreateArgs(Schema):
    agency_id = fields.Int(load_default=None, metadata={"description": "mặc định: cơ quan của người gọi"})
    code = fields.Str(required=True, metadata={"example": "QDKT"})
    name = fields.Str(required=True, metadata={"example": "Quyết định khen thưởng"})
    abbreviation = fields.Str(allow_none=True, load_default=None, metadata={"example": "QĐKT"})
    category = fields.Str(load_default=TypeCategory.ADMINISTRATIVE.value, validate=validate.OneOf(CATEGORIES))


class RegisterSchema(Schema):
    id = fields.Int(dump_only=True)
    agency_id = fields.Int()
    kind = fields.Str(metadata={"description": "incoming: sổ văn bản đến; outgoing: sổ văn bản đi"})
    code = fields.Str(metadata={"example": "DEN"})
    name = fields.Str(metadata={"example": "Sổ văn bản đến"})
    document_type_codes = fields.List(fields.Str(), metadata={"description": "rỗng: mọi loại văn bản"})
    is_default = fields.Bool()
    is_active = fields.Bool()
    year = fields.Int(dump_only=True, metadata={"description": "năm hiện tại (giờ Việt Nam)"})
    last_number = fields.Int(dump_only=True, metadata={"description": "số cuối cùng đã cấp trong năm; 0: chưa có"})
    next_number = fields.Int(dump_only=True, metadata={"description": "số sẽ cấp tiếp (chỉ để xem, không giữ số)"})


class RegisterListArgs(Schema):
    kind = fields.Str(load_default=None, validate=validate.OneOf(KINDS))
    agency_id = fields.Int(load_default=None, metadata={"description": "mặc định: cơ quan của người gọi"})


class RegisterCreateArgs(Schema):
    agency_id = fields.Int(load_default=None, metadata={"description": "mặc định: cơ quan của người gọi"})
    kind = fields.Str(required=True, validate=validate.OneOf(KINDS))
    code = fields.Str(required=True, metadata={"example": "DI-QD"})
    name = fields.Str(required=True, metadata={"example": "Sổ quyết định"})
    document_type_codes = fields.List(fields.Str(), load_default=list, metadata={"example": ["QD"]})
    is_active = fields.Bool(load_default=True)
    is_default = fields.Bool(load_default=False)


class RegisterUpdateArgs(Schema):
    code = fields.Str()
    name = fields.Str()
    document_type_codes = fields.List(fields.Str())
    is_active = fields.Bool()
    is_default = fields.Bool()
