"""The home page's panels as JSON (GET /api/v1/home): the same figures and items the page shows."""

from marshmallow import Schema, fields


class FigureSchema(Schema):
    key = fields.Str(required=True, metadata={"example": "overdue"})
    label = fields.Str(required=True, metadata={"example": "Quá hạn"})
    count = fields.Int(required=True, metadata={"description": 'Đếm tối đa tới `cap` (hiển thị "1000+")'})
    cap = fields.Int(required=True)
    url = fields.Str(allow_none=True, metadata={"description": "Trang danh sách đúng những gì được đếm"})


class ItemSchema(Schema):
    title = fields.Str(required=True)
    url = fields.Str(allow_none=True)
    detail = fields.Str(allow_none=True)
    due_at = fields.DateTime(allow_none=True)
    is_overdue = fields.Bool()
    is_urgent = fields.Bool()


class PanelSchema(Schema):
    id = fields.Str(required=True, metadata={"example": "my_work"})
    title = fields.Str(required=True, metadata={"example": "Việc của tôi"})
    figures = fields.List(fields.Nested(FigureSchema))
    items = fields.List(fields.Nested(ItemSchema))
    more_url = fields.Str(allow_none=True)


class HomeSchema(Schema):
    panels = fields.List(fields.Nested(PanelSchema))
