"""marshmallow shapes of the file plan (Danh mục hồ sơ, Phụ lục V.II) for the REST API."""

from marshmallow import Schema, fields, validate

from app.api.schemas import Int, Str, Year
from app.dossiers import plan as plans
from app.dossiers.codes import MAINTENANCE

MAINTENANCE_HELP = "mã thời hạn bảo quản (TT 05/2025): " + ", ".join(f"{k} {v[0]}" for k, v in MAINTENANCE.items())


class CountsSchema(Schema):
    total = Int(metadata={"description": "số hồ sơ"})
    permanent = Int(metadata={"description": "hồ sơ bảo quản vĩnh viễn"})
    term = Int(metadata={"description": "hồ sơ bảo quản có thời hạn"})


class FilePlanSchema(Schema):
    id = Int()
    year = Int()
    numbering = Str(metadata={"description": "plan: liên tục trong toàn Danh mục; heading: trong từng đề mục lớn"})
    status = Str(metadata={"description": "draft (dự thảo) | approved (đã ban hành)"})
    status_label = fields.Function(plans.status_label)
    decision_number = Str(allow_none=True, metadata={"description": "số quyết định ban hành", "example": "12/QĐ-UBND"})
    decision_date = fields.Date(allow_none=True)
    approved_by_id = Int(allow_none=True)
    approved_at = fields.AwareDateTime(allow_none=True)
    version = Int(metadata={"description": "gửi lại khi sửa: danh mục đã đổi thì bị từ chối (file_plan_stale)"})
    counts = fields.Function(lambda p: CountsSchema().dump(plans.counts(p)))


class HeadingSchema(Schema):
    id = Int()
    parent_id = Int(allow_none=True, metadata={"description": "null: đề mục lớn"})
    position = Int()
    numeral = fields.Function(plans.heading_numeral, metadata={"description": "I, II … (lớn); 1, 2 … (nhỏ)"})
    abbreviation = Str(allow_none=True, metadata={"description": "chữ viết tắt của đề mục lớn", "example": "TCCB"})
    title = Str()


class EntrySchema(Schema):
    id = Int()
    heading_id = Int()
    position = Int()
    number = Int()
    notation = Str(metadata={"description": "số và ký hiệu hồ sơ", "example": "01.TCCB"})
    title = Str(metadata={"description": "tiêu đề hồ sơ"})
    maintenance = Str(metadata={"description": "mã thời hạn bảo quản (TT 05/2025)", "example": "05"})
    retention_years = Int(allow_none=True, metadata={"description": "null: vĩnh viễn"})
    retention = fields.Function(plans.retention_of, metadata={"example": "20 năm"})
    responsible_id = Int(allow_none=True, metadata={"description": "người lập hồ sơ"})
    responsible_unit_id = Int(allow_none=True)
    responsible = fields.Function(plans.responsible_label)
    note = Str(allow_none=True)


class FilePlanDetailSchema(FilePlanSchema):
    headings = fields.Function(
        lambda p: HeadingSchema(many=True).dump([r.heading for r in plans.outline(p) if r.kind != "entry"])
    )
    entries = fields.Function(
        lambda p: EntrySchema(many=True).dump([r.entry for r in plans.outline(p) if r.kind == "entry"])
    )


class PlanListArgs(Schema):
    year = Year(load_default=None)


class OpenEntriesArgs(Schema):
    year = Year(required=True)


class PlanCreateArgs(Schema):
    year = Year(required=True)
    numbering = Str(load_default="plan", metadata={"description": "plan | heading"})


class YearArgs(Schema):
    year = Year(required=True, metadata={"description": "năm của Danh mục mới (sao chép từ năm trước đó)"})


class VersionArgs(Schema):
    version = Int(load_default=None)


class PlanUpdateArgs(VersionArgs):
    numbering = Str(required=True, metadata={"description": "plan | heading (lỗi: numbering_invalid)"})


class ApproveArgs(VersionArgs):
    decision_number = Str(required=True, validate=validate.Length(1, 50))
    decision_date = fields.Date(required=True)


class HeadingCreateArgs(VersionArgs):
    title = Str(required=True)
    abbreviation = Str(load_default=None, metadata={"description": "bắt buộc với đề mục lớn"})
    parent_id = Int(load_default=None, metadata={"description": "đề mục lớn chứa đề mục nhỏ này"})


class HeadingUpdateArgs(VersionArgs):
    title = Str()
    abbreviation = Str()


class MoveArgs(VersionArgs):
    direction = Str(required=True, validate=validate.OneOf(["up", "down"], error="Chọn “up” hoặc “down”."))


class EntryCreateArgs(VersionArgs):
    heading_id = Int(required=True)
    title = Str(required=True)
    maintenance = Str(required=True, metadata={"description": MAINTENANCE_HELP})
    retention_years = Int(load_default=None, allow_none=True, metadata={"description": "chỉ với mã 07 (Khác)"})
    responsible_id = Int(load_default=None, allow_none=True)
    responsible_unit_id = Int(load_default=None, allow_none=True)
    note = Str(load_default=None, allow_none=True)


class EntryUpdateArgs(VersionArgs):
    """Fields not sent keep their values; the heading changes only in a draft."""

    heading_id = Int()
    title = Str()
    maintenance = Str(metadata={"description": MAINTENANCE_HELP})
    retention_years = Int(allow_none=True)
    responsible_id = Int(allow_none=True)
    responsible_unit_id = Int(allow_none=True)
    note = Str(allow_none=True)
