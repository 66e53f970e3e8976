"""marshmallow shapes of incoming documents for the REST API."""

from marshmallow import Schema, fields


class IncomingFileSchema(Schema):
    id = fields.Int()
    filename = fields.Str()
    content_type = fields.Str()
    size = fields.Int()
    sha256 = fields.Str()
    is_main = fields.Bool()
    signature_valid = fields.Bool(allow_none=True)
    signature_report = fields.Dict(allow_none=True)


class IncomingAssignmentSchema(Schema):
    kind = fields.Str()
    unit_id = fields.Int(allow_none=True)
    user_id = fields.Int(allow_none=True)
    due_date = fields.Date(allow_none=True)
    done_at = fields.DateTime(allow_none=True)


class StatusMessageSchema(Schema):
    code = fields.Str()
    description = fields.Str()
    created_at = fields.DateTime()
    delivered_at = fields.DateTime(allow_none=True)


class IncomingSchema(Schema):
    id = fields.Int()
    status = fields.Str()
    channel = fields.Str()
    arrival_number = fields.Int(allow_none=True, metadata={"description": "Số đến"})
    arrival_year = fields.Int(allow_none=True)
    arrived_at = fields.DateTime()
    sender_code = fields.Str(allow_none=True)
    sender_name = fields.Str()
    code_number = fields.Str(allow_none=True)
    code_notation = fields.Str(allow_none=True)
    issued_date = fields.Date(allow_none=True)
    type_name = fields.Str()
    subject = fields.Str()
    urgency = fields.Str()
    due_date = fields.Date(allow_none=True)
    handling_due = fields.Date(allow_none=True)
    lead_unit_id = fields.Int(allow_none=True)
    lead_user_id = fields.Int(allow_none=True)
    document_key = fields.Str(allow_none=True)


class IncomingDetailSchema(IncomingSchema):
    language = fields.Str()
    page_count = fields.Int(allow_none=True)
    description = fields.Str(allow_none=True)
    signer_position = fields.Str(allow_none=True)
    signer_name = fields.Str(allow_none=True)
    recipients = fields.Str(allow_none=True)
    paper_follows = fields.Bool()
    direction = fields.Str(allow_none=True)
    result = fields.Str(allow_none=True)
    returned_reason = fields.Str(allow_none=True)
    recall_requested_at = fields.DateTime(allow_none=True, metadata={"description": "Nơi gửi yêu cầu thu hồi (13)"})
    recall_note = fields.Str(allow_none=True)
    recall_pending = fields.Bool()
    recalled_at = fields.DateTime(allow_none=True, metadata={"description": "Đã đồng ý thu hồi (15)"})
    files = fields.List(fields.Nested(IncomingFileSchema))
    assignments = fields.List(fields.Nested(IncomingAssignmentSchema))
    statuses = fields.List(fields.Nested(StatusMessageSchema))
    tasks = fields.List(fields.Dict())


class RecallRequestArgs(Schema):
    note = fields.Str(load_default="", metadata={"description": "Nội dung thông báo thu hồi của nơi gửi"})


class RecallRefuseArgs(Schema):
    reason = fields.Str(load_default="", metadata={"description": "Lý do từ chối thu hồi (bắt buộc)"})


class IncomingListArgs(Schema):
    q = fields.Str(load_default=None)
    number = fields.Int(load_default=None)
    symbol = fields.Str(load_default=None)
    sender = fields.Str(load_default=None)
    date_from = fields.Date(load_default=None)
    date_to = fields.Date(load_default=None)
    status = fields.Str(load_default=None)
    urgency = fields.Str(load_default=None)
    lead_unit_id = fields.Int(load_default=None)
    overdue = fields.Bool(load_default=False)
    year = fields.Int(load_default=None)
    before = fields.Int(load_default=None)


class BookPrintArgs(Schema):
    """Which part of a book of văn bản đến to print (sổ đăng ký, sổ theo dõi giải quyết)."""

    year = fields.Int(load_default=None, metadata={"description": "Năm của sổ (mặc định: năm nay)"})
    date_from = fields.Date(load_default=None, metadata={"description": "Ngày đến từ"})
    date_to = fields.Date(load_default=None, metadata={"description": "Ngày đến đến hết"})
    register_id = fields.Int(load_default=None, metadata={"description": "Sổ đăng ký (mặc định: sổ văn bản đến)"})
