"""Input shapes of the dossier API (opening, describing, filing, grants) and the shapes of lists and grants; the
dossier itself always comes back as `schemas.DossierSchema` / `DossierDetailSchema`."""

from marshmallow import Schema, fields, validate

from app.api.schemas import Int, PageArgs, Str, Year
from app.dossiers import codes
from app.dossiers.schemas import DossierSchema
from app.dossiers.services import KINDS
from app.dossiers.states import DOSSIER_STATUS_LABELS


class DossierListArgs(PageArgs):
    year = Year(load_default=None)
    status = Str(load_default=None, validate=validate.OneOf(list(DOSSIER_STATUS_LABELS)))
    q = Str(load_default=None, validate=validate.Length(max=200), metadata={"description": "tiêu đề hoặc mã hồ sơ"})
    mine = fields.Bool(load_default=False, metadata={"description": "chỉ hồ sơ người gọi lập"})


class DossierPageSchema(Schema):
    items = fields.List(fields.Nested(DossierSchema))
    next_cursor = Str(allow_none=True)


class DossierOpenArgs(Schema):
    """`entry_id`: open the dossier of a file-plan entry; without it an ad hoc one (Điều 29.2.c) with `title`,
    `notation`, `maintenance` (`retention_years` for "07" Khác) and `start_date`."""

    entry_id = Int(load_default=None)
    title = Str(load_default="", validate=validate.Length(max=500))
    notation = Str(load_default="", validate=validate.Length(max=20))
    maintenance = Str(load_default="", validate=validate.OneOf([*codes.MAINTENANCE, ""]))
    retention_years = Int(load_default=None, allow_none=True)
    start_date = fields.Date(load_default=None, allow_none=True)
    rights = Str(load_default="01", validate=validate.OneOf(list(codes.RIGHTS)))
    language = Str(load_default="01", metadata={"description": "mã ngôn ngữ, nhiều mã cách nhau dấu phẩy"})
    kind = Str(load_default="general", validate=validate.OneOf(list(KINDS)))
    description = Str(load_default=None, allow_none=True, validate=validate.Length(max=500))
    keywords = Str(load_default=None, allow_none=True, validate=validate.Length(max=500))


class DossierUpdateArgs(Schema):
    """What the creator describes while the dossier is open; fields not sent stay as they are."""

    description = Str(allow_none=True, validate=validate.Length(max=500))
    keywords = Str(allow_none=True, validate=validate.Length(max=500))
    rights = Str(validate=validate.OneOf(list(codes.RIGHTS)))
    language = Str()
    kind = Str(validate=validate.OneOf(list(KINDS)))
    settled_on = fields.Date(allow_none=True)
    version = Int(load_default=None, metadata={"description": "phiên bản đã đọc: khác thì bị từ chối (stale_version)"})


class ItemDocumentArgs(Schema):
    kind = Str(required=True, validate=validate.OneOf(["incoming", "outgoing", "draft"]))
    object_id = Int(
        required=True, metadata={"description": "mã văn bản đến / văn bản đi; với draft: mã phiên bản dự thảo"}
    )
    note = Str(load_default=None, allow_none=True, validate=validate.Length(max=500))


ITEM_BODY = {
    "required": True,
    "content": {
        "application/json": {"schema": ItemDocumentArgs},
        "multipart/form-data": {
            "schema": {
                "type": "object",
                "required": ["file"],
                "properties": {
                    "file": {"type": "string", "format": "binary", "description": "ảnh, ghi âm, video, PDF, DOCX …"},
                    "subject": {"type": "string", "description": "tên loại và trích yếu (mặc định: tên tệp)"},
                    "dated_on": {"type": "string", "format": "date"},
                    "author": {"type": "string"},
                    "pages": {"type": "integer"},
                    "note": {"type": "string"},
                },
            }
        },
    },
}


class UploadArgs(Schema):
    subject = Str(load_default=None, validate=validate.Length(max=1000))
    dated_on = fields.Date(load_default=None)
    author = Str(load_default=None, validate=validate.Length(max=255))
    pages = Int(load_default=0, validate=validate.Range(0, 100_000))
    note = Str(load_default=None, validate=validate.Length(max=500))


class GrantArgs(Schema):
    user_id = Int(required=True)
    until = fields.Date(
        load_default=None, allow_none=True, metadata={"description": "đến hết ngày; null: đến khi thu hồi"}
    )
    note = Str(load_default=None, allow_none=True, validate=validate.Length(max=500))


class GrantSchema(Schema):
    id = Int()
    dossier_id = Int()
    user_id = Int()
    granted_by_id = Int()
    granted_at = fields.AwareDateTime()
    until = fields.Date(allow_none=True)
    note = Str(allow_none=True)
    revoked_at = fields.AwareDateTime(allow_none=True)
