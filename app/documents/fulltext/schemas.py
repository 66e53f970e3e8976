"""Shapes of the search API: the query's fields, a result, saved searches, column choices."""

from marshmallow import Schema, fields, validate
from webargs.fields import DelimitedList

from app.api.schemas import Int, Str, Year
from app.documents.fulltext.query import ORDERS
from app.documents.fulltext.sources import COLUMNS

COLUMN_HELP = "Các cột: " + ", ".join(f"{k} ({v})" for k, v in COLUMNS.items())


class QueryFields(Schema):
    """Every field of a search (NĐ 30/2020 Phụ lục VI III.6.d); all optional, combined with AND."""

    q = Str(
        load_default=None, metadata={"description": "Từ khóa: mọi trường thông tin và nội dung PDF; có dấu hay không"}
    )
    kind = Str(
        load_default=None, metadata={"description": "incoming (đến), outgoing (đi), copy (bản sao); trống: tất cả"}
    )
    symbol = Str(load_default=None, metadata={"description": "Một phần số, ký hiệu"})
    subject = Str(load_default=None, metadata={"description": "Từ trong trích yếu"})
    party = Str(load_default=None, metadata={"description": "Nơi gửi (văn bản đến) / nơi nhận (văn bản đi)"})
    type_name = Str(load_default=None, metadata={"description": "Tên loại văn bản"})
    signer = Str(load_default=None, metadata={"description": "Người ký"})
    urgency = Str(load_default=None, metadata={"description": "thuong, khan, thuong_khan, hoa_toc"})
    status = Str(load_default=None)
    number = Int(load_default=None, metadata={"description": "Số đến / số văn bản đi"})
    year = Year(load_default=None)
    date_from = fields.Date(load_default=None, metadata={"description": "Ngày văn bản từ"})
    date_to = fields.Date(load_default=None, metadata={"description": "Ngày văn bản đến hết"})
    arrival_from = fields.Date(load_default=None, metadata={"description": "Ngày đến từ (văn bản đến)"})
    arrival_to = fields.Date(load_default=None, metadata={"description": "Ngày đến đến hết"})
    order = Str(load_default="rank", validate=validate.OneOf(ORDERS), metadata={"description": "rank, newest, oldest"})


class SearchArgs(QueryFields):
    page = Int(load_default=1, validate=validate.Range(1, 1000))
    per_page = Int(load_default=50, validate=validate.Range(1, 200))
    columns = DelimitedList(Str(), metadata={"description": "Cột trả về, cách nhau dấu phẩy. " + COLUMN_HELP})


class ExportArgs(QueryFields):
    format = Str(
        required=True, validate=validate.OneOf(("docx", "xlsx", "pdf")), metadata={"description": "docx, xlsx hoặc pdf"}
    )
    columns = DelimitedList(Str(), metadata={"description": "Mặc định: các cột đã chọn. " + COLUMN_HELP})


class HitSchema(Schema):
    kind = fields.Str()
    kind_label = fields.Str()
    object_id = fields.Int()
    id = fields.Int(metadata={"description": "Mã của văn bản (bằng object_id)"})
    url = fields.Str(metadata={"description": "Trang của văn bản"})
    tier = fields.Int(metadata={"description": "2 khớp số/ký hiệu hoặc trích yếu, 1 trường khác, 0 chỉ nội dung PDF"})
    snippet = fields.Str(allow_none=True, metadata={"description": "Đoạn nội dung PDF chứa từ khóa"})
    values = fields.Dict(metadata={"description": "Giá trị các cột đã chọn, như hiển thị"})
    symbol = fields.Str()
    subject = fields.Str()
    party = fields.Str()
    type_name = fields.Str()
    signer = fields.Str()
    urgency = fields.Str()
    status = fields.Str()
    number = fields.Int(allow_none=True)
    year = fields.Int(allow_none=True)
    issued_date = fields.Date(allow_none=True)
    arrival_date = fields.Date(allow_none=True)


class ResultsSchema(Schema):
    total = fields.Int()
    page = fields.Int()
    per_page = fields.Int()
    pages = fields.Int()
    terms = fields.List(fields.Str())
    columns = fields.List(fields.Str())
    items = fields.List(fields.Nested(HitSchema))


class ColumnsSchema(Schema):
    columns = fields.List(Str(), required=True, metadata={"description": COLUMN_HELP})
    available = fields.Dict(dump_only=True)


class SavedSearchArgs(Schema):
    name = Str(required=True, validate=validate.Length(1, 100))
    query = fields.Nested(QueryFields, required=True, metadata={"description": "Các trường tìm kiếm"})
    columns = fields.List(Str(), load_default=None, metadata={"description": "Cột riêng của yêu cầu này (tùy chọn)"})


class SavedSearchSchema(Schema):
    id = fields.Int()
    name = fields.Str()
    params = fields.Dict(metadata={"description": "Các trường tìm kiếm đã lưu"})
    columns = fields.List(fields.Str(), allow_none=True)
    created_at = fields.DateTime()
