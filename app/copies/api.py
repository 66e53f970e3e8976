"""REST endpoints of electronic copies: list, make (multipart), download."""

import io

from flask import request, send_file
from marshmallow import Schema, fields

from app.api import api_blueprint
from app.api.auth import api_user
from app.api.schemas import Int, PageArgs, Str, Year, id_cursor, keyset_page, page_of
from app.copies import services
from app.core.inputs import bounded_int
from app.documents.uploads import Upload

blp = api_blueprint(
    "copies_api",
    __name__,
    tag="Bản sao điện tử",
    description="Sao y, sao lục, trích sao (NĐ 30/2020 Điều 25): danh sách, tạo bản sao có chữ ký số cơ quan, tải về",
)


class CopySchema(Schema):
    id = Int()
    symbol = Str(metadata={"description": "Số, ký hiệu bản sao, ví dụ 05/SY"})
    form = Str(metadata={"description": "SY (sao y), SL (sao lục), TrS (trích sao)"})
    source_kind = Str()
    source_id = Int(allow_none=True)
    source_symbol = Str(allow_none=True)
    subject = Str()
    year = Year()
    number = Int()
    sha256 = Str()
    created_at = fields.DateTime()


@blp.route("/copies", methods=["GET"])
@blp.arguments(PageArgs, location="query")
@blp.response(200, page_of(CopySchema, "CopyPage"))
def list_copies(args):
    """Các bản sao điện tử của cơ quan, mới nhất trước; `next_cursor` → `after` để xem trang sau."""
    rows = services.list_copies(api_user(), before_id=id_cursor(args["after"]), limit=args["limit"] + 1)
    return keyset_page(rows, args["limit"])


@blp.route("/copies", methods=["POST"])
@blp.response(201, CopySchema)
def make():
    """Sao văn bản (multipart): `form` (SY/SL/TrS), `source_kind` (incoming/copy/upload), `source_id`,
    `file_id`, `file` (PDF; bắt buộc với upload và trích sao), `source_symbol`, `subject`. Chỉ văn thư."""
    file = request.files.get("file")
    form = request.form
    return services.make_copy(
        api_user(),
        form=form.get("form", ""),
        source_kind=form.get("source_kind", "upload"),
        source_id=form.get("source_id", type=bounded_int),
        file_id=form.get("file_id", type=bounded_int),
        upload=Upload(file.filename, file.read()) if file and file.filename else None,
        source_symbol=form.get("source_symbol"),
        subject=form.get("subject"),
    )


@blp.route("/copies/<int:copy_id>/file")
@blp.doc(responses={"200": {"description": "Bản sao (PDF đã ký số)", "content": {"application/pdf": {}}}})
def download(copy_id):
    copy, data = services.copy_file(api_user(), copy_id)
    return send_file(io.BytesIO(data), mimetype="application/pdf", download_name=copy.filename)
