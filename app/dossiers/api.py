"""REST endpoints of hồ sơ công việc: list, open (from the plan or ad hoc), describe, file documents and files,
remove items, download an item's file, the head's grants. Another agency's dossier is a 404 like a missing one."""

import io

from flask import request, send_file
from flask.views import MethodView
from marshmallow import ValidationError as SchemaError

from app.api import api_blueprint
from app.api.auth import api_user
from app.api.schemas import ErrorSchema, id_cursor, keyset_page
from app.core.errors import ValidationError
from app.dossiers import grants, items, queries, services
from app.dossiers.api_schemas import (
    ITEM_BODY,
    DossierListArgs,
    DossierOpenArgs,
    DossierPageSchema,
    DossierUpdateArgs,
    GrantArgs,
    GrantSchema,
    ItemDocumentArgs,
    UploadArgs,
)
from app.dossiers.schemas import DossierDetailSchema, DossierItemSchema

blp = api_blueprint(
    "dossiers_api",
    __name__,
    tag="Hồ sơ công việc",
    description=(
        "Hồ sơ công việc (NĐ 30/2020 Điều 28–29, Phụ lục VI Phần II.III): mở hồ sơ theo Danh mục hồ sơ hoặc hồ sơ "
        "phát sinh, lưu văn bản đến, văn bản đi, dự thảo và tài liệu (ảnh, ghi âm, video …) vào hồ sơ, cho phép "
        "sử dụng hồ sơ (QĐ 278 Điều 8.2)"
    ),
)


@blp.route("/dossiers")
class Dossiers(MethodView):
    @blp.arguments(DossierListArgs, location="query")
    @blp.response(200, DossierPageSchema)
    def get(self, args):
        """Hồ sơ người gọi lập hoặc được xem, mới trước; `next_cursor` → `after` để xem trang sau."""
        before, limit = id_cursor(args.pop("after")), args.pop("limit")
        flt = queries.DossierFilter(year=args["year"], status=args["status"], text=args["q"], mine=args["mine"])
        return keyset_page(queries.search(api_user(), flt, before_id=before, limit=limit + 1), limit)

    @blp.arguments(DossierOpenArgs)
    @blp.response(201, DossierDetailSchema)
    @blp.alt_response(409, schema=ErrorSchema, description="`dossier_exists`, `notation_taken`, `plan_not_approved`")
    @blp.alt_response(422, schema=ErrorSchema, description="`dossier_invalid` với `details` theo từng trường")
    def post(self, args):
        """Mở hồ sơ: `entry_id` của Danh mục hồ sơ đã ban hành, hoặc hồ sơ phát sinh (Điều 29.2.c).

        Mã hồ sơ = mã định danh cơ quan.năm.số và ký hiệu hồ sơ; số và ký hiệu của hồ sơ phát sinh không được
        trùng Danh mục hồ sơ hay hồ sơ khác cùng năm (`notation_taken`).
        """
        if args["entry_id"]:
            return services.open_from_entry(api_user(), args["entry_id"], start_date=args["start_date"])
        return services.open_ad_hoc(
            api_user(),
            title=args["title"],
            notation=args["notation"],
            maintenance=args["maintenance"],
            retention_years=args["retention_years"],
            start_date=args["start_date"],
            rights=args["rights"],
            language=args["language"],
            kind=args["kind"],
            description=args["description"],
            keywords=args["keywords"],
        )


@blp.route("/dossiers/<int:dossier_id>")
class DossierResource(MethodView):
    @blp.response(200, DossierDetailSchema)
    def get(self, dossier_id):
        """Hồ sơ với các văn bản, tài liệu theo số thứ tự."""
        return services.get_dossier(api_user(), dossier_id)

    @blp.arguments(DossierUpdateArgs)
    @blp.response(200, DossierDetailSchema)
    @blp.alt_response(409, schema=ErrorSchema, description="`dossier_not_open`, `stale_version`")
    def patch(self, args, dossier_id):
        """Sửa thông tin mô tả của hồ sơ đang lập (người lập hồ sơ)."""
        version = args.pop("version", None)
        return services.describe_dossier(api_user(), dossier_id, args, version=version)


@blp.route("/dossiers/<int:dossier_id>/items", methods=["POST"])
@blp.doc(requestBody=ITEM_BODY)
@blp.response(201, DossierItemSchema)
@blp.alt_response(404, schema=ErrorSchema, description="`document_not_found`: văn bản không có hoặc không được xem")
@blp.alt_response(409, schema=ErrorSchema, description="`dossier_not_open`, `item_exists`")
@blp.alt_response(422, schema=ErrorSchema, description="`invalid_files`, `file_too_large`, `empty_file`")
def add_item(dossier_id):
    """Lưu vào hồ sơ: JSON `{kind, object_id}` (văn bản đến, văn bản đi đã phát hành, dự thảo) hoặc multipart với
    `file` (tài liệu bất kỳ: ảnh, ghi âm, video, PDF, tệp văn phòng). Số thứ tự văn bản tự động."""
    user = api_user()
    try:
        if request.mimetype == "multipart/form-data":
            sent = request.files.get("file")
            if sent is None or not sent.filename:
                raise ValidationError("Chọn tệp để tải lên.", code="file_required", details={"file": "Bắt buộc."})
            values = UploadArgs().load(request.form.to_dict())
            return items.file_upload(user, dossier_id, filename=sent.filename, data=sent.read(), **values)
        values = ItemDocumentArgs().load(request.get_json(silent=True) or {})
    except SchemaError as exc:
        raise ValidationError("Thông tin chưa hợp lệ.", details=exc.messages) from exc
    return items.file_document(user, dossier_id, values["kind"], values["object_id"], values["note"])


@blp.route("/dossiers/<int:dossier_id>/items/<int:item_id>", methods=["DELETE"])
@blp.response(204)
@blp.alt_response(409, schema=ErrorSchema, description="`dossier_not_open`")
def remove_item(dossier_id, item_id):
    """Rút một văn bản, tài liệu khỏi hồ sơ đang lập; văn bản gốc không đổi."""
    items.remove(api_user(), dossier_id, item_id)


@blp.route("/dossiers/<int:dossier_id>/items/<int:item_id>/file")
@blp.response(200, description="Tệp của tài liệu")
def item_file(dossier_id, item_id):
    """Tải tệp của một tài liệu trong hồ sơ (tài liệu tải lên, quá trình xử lý)."""
    item, data = items.item_file(api_user(), dossier_id, item_id)
    return send_file(io.BytesIO(data), mimetype=item.content_type, as_attachment=True, download_name=item.filename)


@blp.route("/dossiers/<int:dossier_id>/grants")
class Grants(MethodView):
    @blp.response(200, GrantSchema(many=True))
    def get(self, dossier_id):
        """Những người được cho phép sử dụng hồ sơ (người lập hồ sơ và thủ trưởng xem)."""
        return grants.list_grants(api_user(), dossier_id)

    @blp.arguments(GrantArgs)
    @blp.response(201, GrantSchema)
    @blp.alt_response(403, schema=ErrorSchema, description="`not_dossier_granter`: chỉ thủ trưởng cơ quan")
    def post(self, args, dossier_id):
        """Cho phép một người của cơ quan sử dụng hồ sơ đến hết ngày `until` (QĐ 278 Điều 8.2)."""
        return grants.grant_access(api_user(), dossier_id, args["user_id"], until=args["until"], note=args["note"])


@blp.route("/dossiers/<int:dossier_id>/grants/<int:grant_id>", methods=["DELETE"])
@blp.response(200, GrantSchema)
def revoke_grant(dossier_id, grant_id):
    """Thu hồi quyền sử dụng hồ sơ."""
    return grants.revoke_access(api_user(), dossier_id, grant_id)
