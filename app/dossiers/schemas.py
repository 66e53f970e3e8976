"""marshmallow shapes of dossiers and their items for the REST API (Phụ lục VI Phần II.III field names in the
descriptions); every part of the module returns a dossier in this one shape."""

from marshmallow import Schema, fields

from app.api.schemas import Int, Str
from app.dossiers.codes import retention_label
from app.dossiers.states import DOSSIER_STATUS_LABELS


class DossierItemSchema(Schema):
    id = Int()
    ordinal = Int(metadata={"description": "DocOrdinal: số thứ tự văn bản trong hồ sơ"})
    kind = Str(metadata={"description": "incoming | outgoing | draft | file | history"})
    object_type = Str(allow_none=True)
    object_id = Int(allow_none=True)
    code_notation = Str(allow_none=True, metadata={"description": "số, ký hiệu văn bản"})
    dated_on = fields.Date(allow_none=True, metadata={"description": "ngày tháng năm văn bản"})
    subject = Str(metadata={"description": "tên loại và trích yếu nội dung"})
    author = Str(allow_none=True, metadata={"description": "tác giả văn bản"})
    pages = Int(metadata={"description": "số trang"})
    filename = Str(allow_none=True)
    content_type = Str(allow_none=True)
    size = Int(allow_none=True)
    sha256 = Str(allow_none=True)
    note = Str(allow_none=True)
    auto = fields.Bool(metadata={"description": "true: hệ thống tự lưu khi kết thúc quy trình"})
    filed_at = fields.AwareDateTime()


class DossierSchema(Schema):
    id = Int()
    file_code = Str(
        metadata={"description": "FileCode = OrganId.năm.số và ký hiệu hồ sơ", "example": "000.00.00.H33.2026.01.TCCB"}
    )
    year = Int(metadata={"description": "FileCatalog: năm hình thành hồ sơ"})
    notation = Str(metadata={"description": "FileNotation: số và ký hiệu hồ sơ", "example": "01.TCCB"})
    entry_id = Int(allow_none=True, metadata={"description": "hồ sơ trong Danh mục; null: hồ sơ phát sinh"})
    title = Str(metadata={"description": "Title: tiêu đề hồ sơ"})
    maintenance = Str(metadata={"description": "Maintenance: mã thời hạn bảo quản (TT 05/2025: 01 Vĩnh viễn …)"})
    retention_years = Int(allow_none=True, metadata={"description": "số năm bảo quản; null: vĩnh viễn"})
    retention = fields.Function(lambda d: retention_label(d.maintenance, d.retention_years))
    rights = Str(metadata={"description": "Rights: chế độ sử dụng (01 Công khai, 02 Sử dụng có điều kiện, 03 Mật)"})
    language = Str(metadata={"description": "Language: mã ngôn ngữ"})
    keywords = Str(allow_none=True)
    description = Str(allow_none=True)
    kind = Str(metadata={"description": "general | construction (xây dựng cơ bản)"})
    creator_id = Int(metadata={"description": "Creator: người lập hồ sơ"})
    creator = fields.Function(lambda d: d.creator.full_name if d.creator else None)
    unit_id = Int(allow_none=True)
    start_date = fields.Date(metadata={"description": "StartDate"})
    end_date = fields.Date(allow_none=True, metadata={"description": "EndDate"})
    settled_on = fields.Date(allow_none=True, metadata={"description": "ngày quyết toán công trình"})
    status = Str(metadata={"description": "open | closed | submitted | returned | archived | destroyed"})
    status_label = fields.Function(lambda d: DOSSIER_STATUS_LABELS[d.status])
    doc_total = Int(metadata={"description": "DocTotal: tổng số văn bản"})
    page_total = Int(metadata={"description": "PageTotal: tổng số trang"})
    closed_at = fields.AwareDateTime(allow_none=True)
    transfer_due_on = fields.Date(allow_none=True, metadata={"description": "hạn nộp lưu (NĐ 30/2020 Điều 30.2)"})
    archived_at = fields.AwareDateTime(allow_none=True)
    expires_on = fields.Date(allow_none=True, metadata={"description": "hết thời hạn bảo quản; null: vĩnh viễn"})
    version = Int()


class DossierDetailSchema(DossierSchema):
    items = fields.List(fields.Nested(DossierItemSchema))
