"""REST endpoints of the search: find, export, saved searches, the result columns (NĐ 30/2020 Phụ lục VI III.6)."""

import io

from flask import send_file, url_for
from flask.views import MethodView

from app.api import api_blueprint
from app.api.auth import api_user
from app.api.schemas import ErrorSchema
from app.documents.fulltext import export, services
from app.documents.fulltext.query import SearchQuery, search
from app.documents.fulltext.schemas import (
    ColumnsSchema,
    ExportArgs,
    ResultsSchema,
    SavedSearchArgs,
    SavedSearchSchema,
    SearchArgs,
)
from app.documents.fulltext.sources import COLUMNS, SOURCES
from app.documents.fulltext.text import snippet

blp = api_blueprint(
    "search_api",
    __name__,
    tag="Tìm kiếm",
    description=(
        "Tìm kiếm văn bản đến, văn bản đi, bản sao theo mọi trường thông tin và nội dung tệp PDF, không phân biệt "
        "dấu, xếp theo mức phù hợp; yêu cầu tìm kiếm đã lưu, chọn cột, kết xuất XLSX/PDF (NĐ 30/2020 Phụ lục VI III.6)"
    ),
)


def _query(args: dict) -> SearchQuery:
    return SearchQuery(**{k: v for k, v in args.items() if k in SearchQuery.__dataclass_fields__})


def results_payload(user, query: SearchQuery, *, page: int, per_page: int, columns: list[str]) -> dict:
    found = search(user, query, page=page, per_page=per_page)
    items = []
    for hit in found.hits:
        entry, source = hit.entry, SOURCES.get(hit.entry.kind)
        passage = snippet(entry.body, found.terms)
        items.append(
            {
                "kind": entry.kind,
                "kind_label": source.label if source else entry.kind,
                "object_id": entry.object_id,
                "id": entry.object_id,
                "url": url_for(source.endpoint, **{source.id_arg: entry.object_id}) if source else None,
                "tier": hit.tier,
                "snippet": str(passage) if passage else None,
                "values": {c: export._text(export.cell(entry, c)) for c in columns},
                **{
                    k: getattr(entry, k)
                    for k in (
                        "symbol",
                        "subject",
                        "party",
                        "type_name",
                        "signer",
                        "urgency",
                        "status",
                        "number",
                        "year",
                        "issued_date",
                        "arrival_date",
                    )
                },
            }
        )
    return {
        "total": found.total,
        "page": found.page,
        "per_page": found.per_page,
        "pages": found.pages,
        "terms": found.terms,
        "columns": columns,
        "items": items,
    }


@blp.route("/search")
@blp.arguments(SearchArgs, location="query")
@blp.response(200, ResultsSchema)
@blp.alt_response(422, schema=ErrorSchema)
def find(args):
    """Tìm văn bản người dùng được xem: `q` khớp mọi trường và nội dung PDF, không phân biệt dấu.

    Kết quả xếp theo mức phù hợp (khớp số/ký hiệu, trích yếu trước; chỉ khớp nội dung PDF sau) hoặc theo ngày
    (`order=newest|oldest`); `values` theo các cột đã chọn (hoặc `columns`).
    """
    user = api_user()
    columns = services.clean_columns(args.pop("columns")) if args.get("columns") else services.columns_of(user)
    args.pop("columns", None)
    page, per_page = args.pop("page"), args.pop("per_page")
    return results_payload(user, _query(args), page=page, per_page=per_page, columns=columns)


@blp.route("/search/export")
@blp.arguments(ExportArgs, location="query")
@blp.doc(
    responses={
        "200": {
            "description": "Tệp DOCX, XLSX hoặc PDF",
            "content": {"application/pdf": {}, export.XLSX_MIMETYPE: {}, export.DOCX_MIMETYPE: {}},
        }
    }
)
@blp.alt_response(422, schema=ErrorSchema)
def export_results(args):
    """Kết xuất kết quả tìm kiếm ra XLSX hoặc PDF với các cột đã chọn (NĐ 30/2020 Phụ lục VI III.6.h)."""
    user = api_user()
    fmt = args.pop("format")
    columns = services.clean_columns(args.pop("columns")) if args.get("columns") else services.columns_of(user)
    args.pop("columns", None)
    content, mimetype, filename = export.export(user, _query(args), columns, fmt)
    return send_file(io.BytesIO(content), mimetype=mimetype, as_attachment=True, download_name=filename)


@blp.route("/search/columns")
class Columns(MethodView):
    @blp.response(200, ColumnsSchema)
    def get(self):
        """Các cột hiển thị kết quả tìm kiếm người dùng đã chọn (NĐ 30/2020 Phụ lục VI III.6.đ)."""
        return {"columns": services.columns_of(api_user()), "available": COLUMNS}

    @blp.arguments(ColumnsSchema)
    @blp.response(200, ColumnsSchema)
    @blp.alt_response(422, schema=ErrorSchema, description="Cột không có hoặc không chọn cột nào")
    def put(self, args):
        """Chọn các cột hiển thị kết quả tìm kiếm, theo thứ tự; được giữ cho lần sau."""
        return {"columns": services.choose_columns(api_user(), args["columns"]), "available": COLUMNS}


@blp.route("/search/saved")
class SavedList(MethodView):
    @blp.response(200, SavedSearchSchema(many=True))
    def get(self):
        """Các yêu cầu tìm kiếm đã lưu của người dùng (NĐ 30/2020 Phụ lục VI III.6.e)."""
        return services.saved_searches(api_user())

    @blp.arguments(SavedSearchArgs)
    @blp.response(201, SavedSearchSchema)
    @blp.alt_response(409, schema=ErrorSchema, description="Đã có yêu cầu cùng tên")
    @blp.alt_response(422, schema=ErrorSchema)
    def post(self, args):
        """Lưu một yêu cầu tìm kiếm với tên (và các cột riêng nếu muốn) để dùng lại."""
        query = _query(args["query"])
        return services.save_search(api_user(), args["name"], query, args.get("columns"))


@blp.route("/search/saved/<int:saved_id>")
class SavedItem(MethodView):
    @blp.response(200, SavedSearchSchema)
    def get(self, saved_id):
        """Một yêu cầu tìm kiếm đã lưu."""
        return services.get_saved(api_user(), saved_id)

    @blp.response(204)
    def delete(self, saved_id):
        """Xóa một yêu cầu tìm kiếm đã lưu."""
        services.delete_saved(api_user(), saved_id)


@blp.route("/search/saved/<int:saved_id>/results")
@blp.arguments(SearchArgs(only=("page", "per_page")), location="query")
@blp.response(200, ResultsSchema)
def run_saved(args, saved_id):
    """Chạy lại một yêu cầu tìm kiếm đã lưu, với các cột của nó (hoặc các cột đã chọn)."""
    user = api_user()
    saved = services.get_saved(user, saved_id)
    columns = saved.columns or services.columns_of(user)
    query = SearchQuery.from_params(saved.params)
    return results_payload(user, query, page=args["page"], per_page=args["per_page"], columns=columns)
