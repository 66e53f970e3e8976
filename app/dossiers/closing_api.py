"""REST: close and reopen a dossier (NĐ 30/2020 Điều 29.4), and export it — PDF, XML (Phụ lục VI III.4.g) and the
SIP ZIP (TT 05/2025). The same services as the pages; errors in the one envelope with stable codes."""

from flask import send_file
from marshmallow import Schema, fields

from app.api import api_blueprint
from app.api.auth import api_user
from app.api.schemas import ErrorSchema, Int, Str
from app.core.db import db
from app.dossiers import closing, permissions
from app.dossiers.closing import CloseRequest
from app.dossiers.models import Dossier
from app.dossiers.schemas import DossierItemSchema, DossierSchema

blp = api_blueprint(
    "dossier_closing_api",
    __name__,
    tag="Hồ sơ: kết thúc, kết xuất",
    description="Kết thúc, mở lại hồ sơ; kết xuất PDF, XML và gói SIP",
)


class CloseArgs(Schema):
    remove_item_ids = fields.List(
        Int(), load_default=list, metadata={"description": "văn bản trùng, dự thảo rút khỏi hồ sơ (Điều 29.4.b)"}
    )
    title = Str(load_default=None, metadata={"description": "tiêu đề hồ sơ, nếu sửa"})
    notation = Str(load_default=None, metadata={"description": "số và ký hiệu hồ sơ, nếu sửa (duy nhất trong năm)"})
    maintenance = Str(load_default=None, metadata={"description": "mã thời hạn bảo quản (01 … 07)"})
    retention_years = Int(load_default=None, metadata={"description": "số năm khi mã 07 Khác"})
    end_date = fields.Date(
        load_default=None, metadata={"description": "thời gian kết thúc; mặc định: ngày văn bản cuối"}
    )
    settled_on = fields.Date(load_default=None, metadata={"description": "ngày quyết toán (hồ sơ xây dựng cơ bản)"})
    version = Int(load_default=None, metadata={"description": "phiên bản hồ sơ đã xem: khác thì bị từ chối"})


class ReviewRowSchema(Schema):
    item = fields.Nested(DossierItemSchema)
    duplicate_of = Int(allow_none=True, metadata={"description": "số thứ tự văn bản mà văn bản này trùng"})
    is_draft = fields.Bool()
    suggested = fields.Bool(metadata={"description": "nên rút khỏi hồ sơ khi kết thúc"})


def _dossier(dossier_id: int) -> Dossier:
    return permissions.require_view(api_user(), db.session.get(Dossier, dossier_id))


@blp.route("/dossiers/<int:dossier_id>/close-review")
@blp.response(200, ReviewRowSchema(many=True))
def review(dossier_id):
    """Văn bản, tài liệu của hồ sơ theo thứ tự thời gian, đánh dấu bản trùng và dự thảo (Điều 29.4.b)."""
    dossier = _dossier(dossier_id)
    permissions.require_edit(api_user(), dossier)
    return closing.review(dossier)


@blp.route("/dossiers/<int:dossier_id>/close", methods=["POST"])
@blp.arguments(CloseArgs)
@blp.response(200, DossierSchema)
@blp.alt_response(409, schema=ErrorSchema, description="`dossier_empty`, `dossier_status`, `dossier_notation_taken`")
def close(args, dossier_id):
    """Kết thúc hồ sơ: rút văn bản đã chọn, biên mục lại theo thời gian, tính hạn nộp lưu. Chỉ người lập hồ sơ."""
    return closing.close(api_user(), _dossier(dossier_id), CloseRequest(**args))


@blp.route("/dossiers/<int:dossier_id>/reopen", methods=["POST"])
@blp.response(200, DossierSchema)
def reopen(dossier_id):
    """Mở lại hồ sơ đã kết thúc (hoặc bị lưu trữ trả lại). Chỉ người lập hồ sơ."""
    return closing.reopen(api_user(), _dossier(dossier_id))


def _send(dossier_id: int, fmt: str):
    from app.dossiers import exports  # reportlab, pikepdf: imported on first use (test_lazy_imports)

    handle, name, mimetype = exports.export(api_user(), _dossier(dossier_id), fmt)
    return send_file(handle, mimetype=mimetype, as_attachment=True, download_name=name)


@blp.route("/dossiers/<int:dossier_id>/export.pdf")
@blp.response(200, description="Mục lục văn bản, tài liệu và toàn bộ văn bản theo thứ tự thời gian (PDF)")
@blp.alt_response(409, schema=ErrorSchema, description="`dossier_file_missing`: một tệp không còn hoặc bị hỏng")
def export_pdf(dossier_id):
    """Kết xuất hồ sơ ra PDF (Phụ lục VI III.4.g)."""
    return _send(dossier_id, "pdf")


@blp.route("/dossiers/<int:dossier_id>/export.xml")
@blp.response(200, description="Dữ liệu đặc tả hồ sơ và văn bản (Phụ lục VI Phần II)")
def export_xml(dossier_id):
    """Kết xuất dữ liệu đặc tả hồ sơ ra XML (Phụ lục VI III.4.g)."""
    return _send(dossier_id, "xml")


@blp.route("/dossiers/<int:dossier_id>/sip.zip")
@blp.response(200, description="Gói SIP_hoso: METS.xml, EAD, tệp văn bản, lịch sử xử lý, SHA-256")
@blp.alt_response(409, schema=ErrorSchema, description="`dossier_file_missing`: một tệp không còn hoặc bị hỏng")
def export_sip(dossier_id):
    """Gói nộp lưu (SIP) của hồ sơ, để chuyển sang lưu trữ lịch sử (TT 05/2025)."""
    return _send(dossier_id, "sip")
