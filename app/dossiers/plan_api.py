"""REST endpoints of the file plan (Danh mục hồ sơ) under /api/v1/file-plans: the same services and permission rules
as the pages. Errors: `file_plan_not_found` (404, also another agency's plan), `heading_not_found`,
`entry_not_found`, `file_plan_exists`, `file_plan_previous_missing`, `file_plan_approved`, `file_plan_stale`,
`file_plan_busy`, `file_plan_empty`, `file_plan_not_empty`, `heading_not_empty`, `entry_in_use` (409),
`heading_abbreviation_missing|invalid|taken`, `retention_invalid`, `responsible_invalid`, `numbering_invalid`,
`file_plan_import_format|empty|too_large`, `file_plan_import_invalid` (details: row_<n> → message) (422),
`permission_denied` (403)."""

import io

from flask import request, send_file
from flask.views import MethodView

from app.api import api_blueprint
from app.api.auth import api_user
from app.core import inputs
from app.core.errors import ValidationError
from app.dossiers import plan as plans
from app.dossiers import plan_import, plan_items
from app.dossiers.plan_schemas import (
    ApproveArgs,
    EntryCreateArgs,
    EntrySchema,
    EntryUpdateArgs,
    FilePlanDetailSchema,
    FilePlanSchema,
    HeadingCreateArgs,
    HeadingSchema,
    HeadingUpdateArgs,
    MoveArgs,
    OpenEntriesArgs,
    PlanCreateArgs,
    PlanListArgs,
    PlanUpdateArgs,
    VersionArgs,
    YearArgs,
)

blp = api_blueprint(
    "file_plan_api", __name__, tag="Danh mục hồ sơ", description="Danh mục hồ sơ (NĐ 30/2020 Phụ lục V)"
)

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _file_response(mimetype: str, description: str) -> dict:
    content = {mimetype: {"schema": {"type": "string", "format": "binary"}}}
    return {"responses": {"200": {"description": description, "content": content}}}


IMPORT_BODY = {
    "required": True,
    "content": {
        "multipart/form-data": {
            "schema": {
                "type": "object",
                "required": ["file", "year"],
                "properties": {
                    "file": {"type": "string", "format": "binary", "description": "tệp .xlsx theo tệp mẫu"},
                    "year": {"type": "integer", "example": 2026},
                    "replace": {"type": "string", "description": "1: thay nội dung của Danh mục dự thảo đã có"},
                },
            }
        }
    },
}


def _plan(plan_id: int):
    return plans.get_plan(api_user(), plan_id)


@blp.route("/file-plans")
class Plans(MethodView):
    @blp.arguments(PlanListArgs, location="query")
    @blp.response(200, FilePlanSchema(many=True))
    def get(self, args):
        """Danh mục hồ sơ của cơ quan người gọi, năm mới nhất trước (lọc theo `year`)."""
        found = plans.plans_of(api_user())
        return [p for p in found if args["year"] is None or p.year == args["year"]]

    @blp.arguments(PlanCreateArgs)
    @blp.response(201, FilePlanDetailSchema)
    def post(self, args):
        """Lập dự thảo Danh mục hồ sơ của một năm (văn thư, lãnh đạo cơ quan)."""
        return plans.create_plan(api_user(), args["year"], args["numbering"])


@blp.route("/file-plans/copy", methods=["POST"])
@blp.arguments(YearArgs)
@blp.response(201, FilePlanDetailSchema)
def copy(args):
    """Lập dự thảo năm `year` bằng cách sao chép đề mục và hồ sơ của Danh mục năm trước."""
    return plans.copy_previous(api_user(), args["year"])


@blp.route("/file-plans/import", methods=["POST"])
@blp.doc(requestBody=IMPORT_BODY)
@blp.response(201, FilePlanDetailSchema)
def import_file():
    """Nhập Danh mục hồ sơ từ tệp Excel (multipart: `file`, `year`, `replace`=1 để thay nội dung dự thảo).

    Tất cả hoặc không: có dòng sai thì không lưu gì; lỗi `file_plan_import_invalid`, `details` theo từng dòng
    (`row_<số dòng>`)."""
    year = request.form.get("year", type=inputs.year)
    if year is None:
        raise ValidationError("Thiếu năm.", details={"year": "Năm không hợp lệ."})
    upload = request.files.get("file")
    if upload is None:
        raise ValidationError("Thiếu tệp Excel.", details={"file": "Gửi tệp .xlsx trong trường file."})
    replace = request.form.get("replace", "") in ("1", "true", "on")
    return plan_import.import_plan(api_user(), year, upload.read(), replace=replace)


@blp.route("/file-plans/template.xlsx")
@blp.doc(**_file_response(XLSX, "Tệp mẫu"))
def template():
    """Tệp Excel mẫu để nhập Danh mục hồ sơ (các cột theo Phụ lục V.II)."""
    return send_file(
        io.BytesIO(plan_import.template()), mimetype=XLSX, download_name="mau-danh-muc-ho-so.xlsx", as_attachment=True
    )


@blp.route("/file-plans/open-entries")
@blp.arguments(OpenEntriesArgs, location="query")
@blp.response(200, EntrySchema(many=True))
def open_entries(args):
    """Hồ sơ trong Danh mục đã ban hành mà người gọi lập (của mình hoặc của đơn vị mình) và chưa mở."""
    return plans.open_entries(api_user(), args["year"])


@blp.route("/file-plans/<int:plan_id>")
class Plan(MethodView):
    @blp.response(200, FilePlanDetailSchema)
    def get(self, plan_id):
        """Danh mục hồ sơ với đề mục và hồ sơ theo thứ tự in."""
        return _plan(plan_id)

    @blp.arguments(PlanUpdateArgs)
    @blp.response(200, FilePlanDetailSchema)
    def patch(self, args, plan_id):
        """Đổi cách đánh số (chỉ khi còn dự thảo); các hồ sơ được đánh số lại."""
        return plans.set_numbering(api_user(), _plan(plan_id), args["numbering"], version=args["version"])


@blp.route("/file-plans/<int:plan_id>/approve", methods=["POST"])
@blp.arguments(ApproveArgs)
@blp.response(200, FilePlanDetailSchema)
def approve(args, plan_id):
    """Phê duyệt, ban hành (người đứng đầu cơ quan, NĐ 30 Điều 28); sau đó số của hồ sơ không đổi."""
    return plans.approve_plan(api_user(), _plan(plan_id), **args)


@blp.route("/file-plans/<int:plan_id>/export.pdf")
@blp.doc(**_file_response("application/pdf", "Danh mục hồ sơ theo mẫu Phụ lục V.II (bản in)"))
def export_pdf(plan_id):
    """Bản in Danh mục hồ sơ theo mẫu Phụ lục V.II (tiêu đề, quyết định ban hành, bảng 5 cột, dòng tổng kết)."""
    from app.dossiers import plan_print

    plan = _plan(plan_id)
    data = plan_print.to_pdf(plan, api_user().full_name)
    return send_file(io.BytesIO(data), mimetype="application/pdf", download_name=f"danh-muc-ho-so-{plan.year}.pdf")


@blp.route("/file-plans/<int:plan_id>/export.xlsx")
@blp.doc(**_file_response(XLSX, "Danh mục hồ sơ dạng bảng tính (nhập lại được)"))
def export_xlsx(plan_id):
    """Danh mục hồ sơ dạng Excel, cùng các cột; tệp này nhập lại được (POST /file-plans/import)."""
    from app.dossiers import plan_print  # reportlab: imported on first use (test_lazy_imports)

    plan = _plan(plan_id)
    return send_file(
        io.BytesIO(plan_print.to_xlsx(plan)), mimetype=XLSX, download_name=f"danh-muc-ho-so-{plan.year}.xlsx"
    )


@blp.route("/file-plans/<int:plan_id>/headings", methods=["POST"])
@blp.arguments(HeadingCreateArgs)
@blp.response(201, HeadingSchema)
def add_heading(args, plan_id):
    """Thêm đề mục lớn (có `abbreviation`) hoặc đề mục nhỏ (`parent_id`) vào cuối."""
    return plan_items.add_heading(api_user(), _plan(plan_id), **args)


@blp.route("/file-plans/<int:plan_id>/headings/<int:heading_id>")
class Heading(MethodView):
    @blp.arguments(HeadingUpdateArgs)
    @blp.response(200, HeadingSchema)
    def patch(self, args, plan_id, heading_id):
        """Sửa tên đề mục; chữ viết tắt chỉ khi còn dự thảo."""
        return plan_items.update_heading(api_user(), _plan(plan_id), heading_id, **args)

    @blp.arguments(VersionArgs, location="query")
    @blp.response(204)
    def delete(self, args, plan_id, heading_id):
        """Xóa đề mục trống (không còn hồ sơ, đề mục nhỏ) của dự thảo."""
        plan_items.delete_heading(api_user(), _plan(plan_id), heading_id, version=args["version"])


@blp.route("/file-plans/<int:plan_id>/headings/<int:heading_id>/move", methods=["POST"])
@blp.arguments(MoveArgs)
@blp.response(200, HeadingSchema)
def move_heading(args, plan_id, heading_id):
    """Chuyển đề mục lên (`up`) hoặc xuống (`down`) trong dự thảo."""
    return plan_items.move_heading(api_user(), _plan(plan_id), heading_id, args["direction"], version=args["version"])


@blp.route("/file-plans/<int:plan_id>/entries", methods=["POST"])
@blp.arguments(EntryCreateArgs)
@blp.response(201, EntrySchema)
def add_entry(args, plan_id):
    """Thêm hồ sơ vào cuối đề mục; Danh mục đã ban hành: hồ sơ phát sinh nhận số tiếp theo (mọi người trong cơ
    quan được bổ sung hồ sơ của chính mình)."""
    return plan_items.add_entry(api_user(), _plan(plan_id), **args)


@blp.route("/file-plans/<int:plan_id>/entries/<int:entry_id>")
class Entry(MethodView):
    @blp.arguments(EntryUpdateArgs)
    @blp.response(200, EntrySchema)
    def patch(self, args, plan_id, entry_id):
        """Sửa hồ sơ; trường không gửi giữ nguyên."""
        return plan_items.update_entry(api_user(), _plan(plan_id), entry_id, **args)

    @blp.arguments(VersionArgs, location="query")
    @blp.response(204)
    def delete(self, args, plan_id, entry_id):
        """Xóa hồ sơ khỏi Danh mục; bị từ chối khi đã có hồ sơ được mở từ nó (`entry_in_use`)."""
        plan_items.delete_entry(api_user(), _plan(plan_id), entry_id, version=args["version"])


@blp.route("/file-plans/<int:plan_id>/entries/<int:entry_id>/move", methods=["POST"])
@blp.arguments(MoveArgs)
@blp.response(200, EntrySchema)
def move_entry(args, plan_id, entry_id):
    """Chuyển hồ sơ lên hoặc xuống trong đề mục (dự thảo)."""
    return plan_items.move_entry(api_user(), _plan(plan_id), entry_id, args["direction"], version=args["version"])
