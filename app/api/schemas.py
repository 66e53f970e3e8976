"""Shapes shared by every API module."""

from marshmallow import Schema, fields
from marshmallow import validate as validate_

from app.core import inputs


class ErrorSchema(Schema):
    """Every API error: a stable machine code, a Vietnamese message, and details (field → message)."""

    code = fields.Str(required=True, metadata={"example": "validation_error"})
    message = fields.Str(required=True, metadata={"example": "Dữ liệu không hợp lệ."})
    details = fields.Dict(metadata={"example": {"code": "Mã định danh không hợp lệ."}})


# --- input every schema shares ------------------------------------------------------------------------------

MAX_INT = inputs.MAX_INT


class Int(fields.Integer):
    """An integer as the database stores it (32 bits): a larger one is a 422 with a message, never a 500."""

    def __init__(self, *, validate=None, **kwargs):
        validators = [validate] if callable(validate) else list(validate or [])
        bound = validate_.Range(-MAX_INT, MAX_INT, error="Số quá lớn (tối đa {max}).")
        super().__init__(validate=[bound, *validators], **kwargs)


class Year(Int):
    """A calendar year (`inputs.YEAR_MIN`…`inputs.YEAR_MAX`)."""

    def __init__(self, *, validate=None, **kwargs):
        validators = [validate] if callable(validate) else list(validate or [])
        bound = validate_.Range(inputs.YEAR_MIN, inputs.YEAR_MAX, error="Năm không hợp lệ (từ {min} đến {max}).")
        super().__init__(validate=[bound, *validators], **kwargs)


class Str(fields.String):
    """Text without NUL characters (PostgreSQL refuses them; no person types one)."""

    def _deserialize(self, value, attr, data, **kwargs):
        text = super()._deserialize(value, attr, data, **kwargs)
        if "\x00" in text:
            raise self.make_error("nul")
        return text

    default_error_messages = {"nul": "Không được chứa ký tự NUL."}


# Vietnamese for the people who read API errors; codes stay stable (the `code` of the error, the field names).
VIETNAMESE_MESSAGES = {
    fields.Field: {
        "required": "Trường này là bắt buộc.",
        "null": "Trường này không được để trống.",
        "validator_failed": "Giá trị không hợp lệ.",
    },
    fields.Integer: {"invalid": "Phải là một số nguyên."},
    fields.Number: {"invalid": "Phải là một số.", "too_large": "Số quá lớn."},
    fields.Float: {"special": "Không chấp nhận giá trị NaN hoặc vô cực."},
    fields.String: {"invalid": "Phải là một chuỗi ký tự.", "invalid_utf8": "Chuỗi không đúng mã UTF-8."},
    fields.Boolean: {"invalid": "Phải là true hoặc false."},
    fields.DateTime: {
        "invalid": "Thời điểm không hợp lệ (ISO 8601, ví dụ 2026-11-23T09:00:00+07:00).",
        "invalid_awareness": "Thời điểm phải có múi giờ (ví dụ +07:00).",
        "format": "Không định dạng được thời điểm “{input}”.",
    },
    fields.Date: {"invalid": "Ngày không hợp lệ (YYYY-MM-DD).", "format": "Không định dạng được ngày “{input}”."},
    fields.List: {"invalid": "Phải là một danh sách."},
    fields.Mapping: {"invalid": "Phải là một đối tượng JSON."},
    fields.Dict: {"invalid": "Phải là một đối tượng JSON."},
    fields.Nested: {"type": "Kiểu dữ liệu không hợp lệ."},
    fields.Email: {"invalid": "Địa chỉ thư điện tử không hợp lệ."},
    fields.Url: {"invalid": "Địa chỉ URL không hợp lệ."},
}
SCHEMA_MESSAGES = {
    "type": "Kiểu dữ liệu không hợp lệ (cần một đối tượng JSON).",
    "unknown": "Trường không được hỗ trợ.",
}
WEBARGS_MESSAGES = {"Invalid JSON body.": "Nội dung JSON không hợp lệ."}


def use_vietnamese_messages() -> None:
    """Marshmallow's documented override point: each field class's `default_error_messages`."""
    for field_class, messages in VIETNAMESE_MESSAGES.items():
        field_class.default_error_messages = {**field_class.default_error_messages, **messages}
    Schema._default_error_messages = {**Schema._default_error_messages, **SCHEMA_MESSAGES}


def flatten_messages(details) -> dict[str, str]:
    """A `field → message(s)` map, possibly nested or with lists, as one flat `field → message` map."""
    return field_messages({"json": details if isinstance(details, dict) else {"_body": details}})


def field_messages(messages) -> dict[str, str]:
    """webargs/marshmallow errors ({location: {field: [msg…]}}, lists, nesting) → one `field → message` map.

    A whole-body error (malformed JSON, a list where an object belongs) is reported under `_body`; nested fields
    as `parent.child` (`recipients.0.code`).
    """
    flat: dict[str, str] = {}

    def text(value) -> str:
        items = value if isinstance(value, list | tuple) else [value]
        return " ".join(WEBARGS_MESSAGES.get(str(item), str(item)) for item in items)

    def walk(prefix: str, value) -> None:
        if isinstance(value, dict):
            for key, inner in value.items():
                name = "_body" if key == "_schema" and not prefix else f"{prefix}.{key}" if prefix else str(key)
                walk(name, inner)
        elif isinstance(value, list | tuple) and value and all(isinstance(v, dict) for v in value):
            for inner in value:
                walk(prefix, inner)
        else:
            flat[prefix or "_body"] = text(value)

    if isinstance(messages, dict):
        for location, value in messages.items():
            if location in {"json", "query", "form", "files", "headers", "path", "view_args", "cookies", "querystring"}:
                walk("", value if isinstance(value, dict) else {"_body": value})
            else:
                walk("", {location: value})
    elif messages:
        walk("", {"_body": messages})
    return flat


# At import, before any schema module (they all import Int/Str from here) creates its fields: a field copies its
# messages when it is created.
use_vietnamese_messages()


# --- one paging shape for every list -----------------------------------------------------------------------------


def page_of(item_schema: type[Schema], name: str) -> type[Schema]:
    """`{items: [...], next_cursor}`: pass `next_cursor` back as `after` for the next page; null on the last one."""
    return type(
        name,
        (Schema,),
        {
            "items": fields.List(fields.Nested(item_schema)),
            "next_cursor": fields.Str(allow_none=True, metadata={"description": "`after` của trang sau; null: hết"}),
            "Meta": type("Meta", (), {"ordered": True}),
        },
    )


class PageArgs(Schema):
    """`after` (the `next_cursor` of the page before) and `limit`, shared by the lists."""

    after = Str(load_default=None, metadata={"description": "next_cursor của trang trước"})
    limit = Int(load_default=50, validate=validate_.Range(1, 200))


def keyset_page(rows: list, limit: int, cursor=lambda row: str(row.id)) -> dict:
    """The page shape of `rows` fetched with `limit + 1`: the extra row only says that there is a next page."""
    more = len(rows) > limit
    items = rows[:limit]
    return {"items": items, "next_cursor": cursor(items[-1]) if more and items else None}


def id_cursor(text: str | None) -> int | None:
    """A cursor that is an id (newest-first lists page on to smaller ids); a malformed one is a field error."""
    if text in (None, ""):
        return None
    try:
        return inputs.bounded_int(text)
    except ValueError:
        from app.core.errors import ValidationError

        details = {"after": "Dùng next_cursor của trang trước."}
        raise ValidationError("Con trỏ trang không hợp lệ.", details=details) from None
