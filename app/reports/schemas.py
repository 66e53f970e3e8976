"""marshmallow shapes of the reports' JSON: the dashboard, the handling reports, the exchange statistics."""

from marshmallow import Schema, fields, validate

from app.api.schemas import Int, Str

PERIOD_HELP = "YYYY-MM-DD (ngày Việt Nam, tính cả ngày này)"


class PeriodArgs(Schema):
    """A period: `start` and `end`, or a standard one (`kind`, `year`, `number`). Checked by app.reports.periods,
    which answers `period_missing`, `period_invalid`, `period_reversed` or `period_too_long`."""

    start = Str(load_default=None, metadata={"description": PERIOD_HELP, "example": "2026-11-01"})
    end = Str(load_default=None, metadata={"description": PERIOD_HELP, "example": "2026-11-30"})


class DashboardArgs(PeriodArgs):
    unit_id = Int(load_default=None, metadata={"description": "một đơn vị (lãnh đạo đơn vị: chỉ đơn vị mình)"})
    process_id = Str(load_default=None, metadata={"description": "mã quy trình: incoming, outgoing…"})
    type_name = Str(load_default=None, metadata={"description": "tên loại văn bản: Công văn, Quyết định…"})
    urgency = Str(load_default=None, validate=validate.OneOf(["urgent", "normal"]))


class HandlingArgs(PeriodArgs):
    unit_id = Int(load_default=None)


class ExchangeArgs(PeriodArgs):
    kind = Str(load_default=None, validate=validate.OneOf(["month", "quarter", "half", "year"]))
    year = Int(load_default=None)
    number = Int(load_default=None, metadata={"description": "tháng 1–12, quý 1–4, 6 tháng 1–2"})
    agency_id = Int(load_default=None, metadata={"description": "bỏ trống: mọi cơ quan người gọi được xem"})


class PeriodSchema(Schema):
    start = fields.Date()
    end = fields.Date()


class SummarySchema(Schema):
    open = Int()
    due_today = Int()
    overdue = Int()
    completed = Int()
    completed_on_time = Int()
    completed_late = Int()
    on_time_rate = fields.Float(allow_none=True, metadata={"description": "phần trăm"})
    avg_minutes = fields.Float(allow_none=True, metadata={"description": "phút làm việc"})
    p90_minutes = fields.Float(allow_none=True, metadata={"description": "phân vị 90, phút làm việc"})


class GroupSchema(Schema):
    name = Str()
    open = Int()
    overdue = Int()
    completed_on_time = Int()
    completed_late = Int()
    avg_minutes = fields.Float(allow_none=True)


class UnitGroupSchema(GroupSchema):
    unit_id = Int(allow_none=True, metadata={"description": "null: việc của văn thư, lãnh đạo cơ quan"})


class PersonGroupSchema(GroupSchema):
    user_id = Int(allow_none=True, metadata={"description": "null: việc chưa có người nhận"})


class WeekSchema(Schema):
    week = fields.Date(metadata={"description": "thứ Hai đầu tuần"})
    received = Int()
    on_time = Int()
    late = Int()


class OverdueSchema(Schema):
    task_id = Int()
    title = Str()
    object_type = Str()
    object_id = Str()
    object_title = Str()
    process_id = Str()
    urgency = Str()
    due_at = fields.DateTime()
    late_minutes = Int(metadata={"description": "số phút làm việc đã trễ"})
    assignee = Str(allow_none=True)
    unit = Str(allow_none=True)
    role = Str(allow_none=True)
    direction = Str(allow_none=True)


class DashboardSchema(Schema):
    agency_id = Int(attribute="scope.agency_id")
    unit_id = Int(attribute="scope.unit_id", allow_none=True)
    period = fields.Nested(PeriodSchema)
    summary = fields.Nested(SummarySchema)
    by_unit = fields.List(fields.Nested(UnitGroupSchema))
    by_person = fields.List(fields.Nested(PersonGroupSchema))
    trend = fields.List(fields.Nested(WeekSchema))
    overdue = fields.List(fields.Nested(OverdueSchema))


class HandlingTotalSchema(Schema):
    received = Int()
    completed_on_time = Int()
    completed_late = Int()
    in_progress = Int(metadata={"description": "in progress, deadline not passed"})
    no_deadline = Int(metadata={"description": "in progress without a deadline (not directed yet; no reply asked)"})
    overdue = Int()


class HandlingRowSchema(HandlingTotalSchema):
    unit_id = Int(allow_none=True)
    name = Str()


class HandlingSchema(Schema):
    kind = Str()
    title = Str()
    agency_id = Int(attribute="scope.agency_id")
    unit_id = Int(attribute="scope.unit_id", allow_none=True)
    period = fields.Nested(PeriodSchema)
    rows = fields.List(fields.Nested(HandlingRowSchema))
    total = fields.Nested(HandlingTotalSchema)
    note = Str(metadata={"description": "how the columns count (deadlines, documents without one)"})


class ReasonSchema(Schema):
    direction = Str(
        metadata={"description": "refused: nơi nhận từ chối văn bản của cơ quan; returned: cơ quan trả lại"}
    )
    reason = Str()
    count = Int()


class ExchangeFiguresSchema(Schema):
    sent_documents = Int()
    sent_deliveries = Int()
    sent_signed = Int()
    received = Int()
    received_signed = Int()
    refused_by_recipients = Int()
    returned_to_senders = Int()
    acknowledged = Int()
    unacknowledged = Int()
    avg_ack_minutes = fields.Float(allow_none=True)


class ExchangeRowSchema(ExchangeFiguresSchema):
    agency_id = Int()
    name = Str()
    reasons = fields.List(fields.Nested(ReasonSchema))


class SilentSchema(Schema):
    agency_id = Int()
    document_id = Int()
    symbol = Str(allow_none=True)
    subject = Str()
    recipient = Str()
    recipient_code = Str(allow_none=True)
    dispatched_at = fields.DateTime()


class ExchangeSchema(Schema):
    period = fields.Nested(PeriodSchema)
    rows = fields.List(fields.Nested(ExchangeRowSchema))
    total = fields.Nested(ExchangeFiguresSchema)
    unacknowledged = fields.List(fields.Nested(SilentSchema))
