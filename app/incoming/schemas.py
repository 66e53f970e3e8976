"""marshmallow shapes of incoming documents for the REST API."""

from marshmallow import Schema, fields, validate

from app.api.schemas import Int, PageArgs, Str, Year, page_of


class IncomingFileSchema(Schema):
    id = Int()
    filename = Str()
    content_type = Str()
    size = Int()
    sha256 = Str()
    is_main = fields.Bool()
    signature_valid = fields.Bool(allow_none=True)
    findings = fields.List(fields.Str(), allow_none=True, metadata={"description": "Nội dung chủ động đã phát hiện"})
    disarmed = fields.Bool(metadata={"description": "Tệp lưu là bản đã gỡ nội dung chủ động"})
    has_original = fields.Bool(
        dump_only=True, metadata={"description": "Bản gốc như khi nhận được lưu kèm (tải bằng ?original=true)"}
    )
    signature_report = fields.Dict(allow_none=True)


class FileArgs(Schema):
    original = fields.Bool(load_default=False, metadata={"description": "Tải bản gốc như khi nhận"})


class IncomingAssignmentSchema(Schema):
    id = Int()
    kind = Str()
    unit_id = Int(allow_none=True)
    user_id = Int(allow_none=True)
    due_date = fields.Date(allow_none=True)
    done_at = fields.DateTime(allow_none=True)


class StatusMessageSchema(Schema):
    id = Int()  # GET /incoming/<id>/statuses/<status id>/edxml: the signed message, to send by hand
    code = Str()
    description = Str()
    created_at = fields.DateTime()
    delivered_at = fields.DateTime(allow_none=True)


class IncomingSchema(Schema):
    id = Int()
    status = Str()
    channel = Str()
    arrival_number = Int(allow_none=True, metadata={"description": "Số đến"})
    arrival_year = Int(allow_none=True)
    arrived_at = fields.DateTime()
    sender_code = Str(allow_none=True)
    sender_name = Str()
    code_number = Str(allow_none=True)
    code_notation = Str(allow_none=True)
    issued_date = fields.Date(allow_none=True)
    type_name = Str()
    subject = Str()
    urgency = Str()
    due_date = fields.Date(allow_none=True)
    handling_due = fields.Date(allow_none=True)
    lead_unit_id = Int(allow_none=True)
    lead_user_id = Int(allow_none=True)
    document_key = Str(allow_none=True)


IncomingPageSchema = page_of(IncomingSchema, "IncomingPage")


class RelatedIncomingSchema(Schema):
    id = Int(allow_none=True, metadata={"description": "Khi người dùng được xem văn bản"})
    relation = Str(metadata={"description": "update | replace | correct"})
    symbol = Str(allow_none=True)
    issued_date = fields.Date(allow_none=True)
    subject = Str(allow_none=True)


class RecallFileSchema(Schema):
    sha256 = Str(metadata={"description": "SHA-256 của tệp đã hủy"})
    size = Int(allow_none=True)
    is_main = fields.Bool()
    origin = Str(metadata={"description": "document: tệp của văn bản; case: tệp đính kèm trong quy trình xử lý"})
    fate = Str(
        metadata={"description": "pending: đang xóa; destroyed: đã xóa; shared: nội dung trùng tài liệu khác, để lại"}
    )
    done_at = fields.DateTime(allow_none=True)


class RecallRecordSchema(Schema):
    """Dữ liệu đặc tả của việc thu hồi (NĐ 30 Phụ lục VI III.8.c): ai yêu cầu, ai đồng ý, khi nào, văn bản nào."""

    id = Int()
    incoming_document_id = Int()
    document_key = Str(allow_none=True, metadata={"description": "Mã định danh văn bản"})
    sender_code = Str(allow_none=True)
    sender_name = Str()
    code_number = Str(allow_none=True)
    code_notation = Str(allow_none=True)
    symbol = Str(metadata={"description": "Số, ký hiệu"})
    issued_date = fields.Date(allow_none=True)
    arrival_year = Int(allow_none=True)
    arrival_number = Int(allow_none=True, metadata={"description": "Số đến"})
    arrived_at = fields.DateTime()
    message_id = Str(allow_none=True)
    requested_at = fields.DateTime(metadata={"description": "Nhận yêu cầu thu hồi (13)"})
    request_note = Str(allow_none=True)
    requested_by_id = Int(allow_none=True, metadata={"description": "Văn thư ghi nhận; null: nhận qua liên thông"})
    decided_at = fields.DateTime(metadata={"description": "Đồng ý thu hồi (15)"})
    decided_by_id = Int()
    decided_by_name = Str()
    files_destroyed = fields.Bool()
    files = fields.List(fields.Nested(RecallFileSchema))


RecallRecordPageSchema = page_of(RecallRecordSchema, "RecallRecordPage")


class DuplicateSchema(Schema):
    """A document already received that may be the same one (Phụ lục VI III.1.h)."""

    id = Int()
    label = Str(metadata={"description": "Số/ký hiệu, nơi gửi, ngày văn bản"})
    symbol = Str()
    sender_name = Str()
    issued_date = fields.Date(allow_none=True)
    arrival_number = Int(allow_none=True)
    arrival_year = Int(allow_none=True)
    status = Str()
    reasons = fields.List(
        Str(), metadata={"description": "document_key: trùng mã định danh; symbol: trùng số, ký hiệu, nơi gửi"}
    )


class IncomingDetailSchema(IncomingSchema):
    language = Str()
    page_count = Int(allow_none=True)
    description = Str(allow_none=True)
    signer_position = Str(allow_none=True)
    signer_name = Str(allow_none=True)
    recipients = Str(allow_none=True)
    paper_follows = fields.Bool()
    direction = Str(allow_none=True)
    result = Str(allow_none=True)
    returned_reason = Str(allow_none=True)
    recall_requested_at = fields.DateTime(allow_none=True, metadata={"description": "Nơi gửi yêu cầu thu hồi (13)"})
    file_code = Str(allow_none=True, metadata={"description": "Mã hồ sơ (FileCode), khi đã đưa vào hồ sơ"})
    doc_ordinal = Int(allow_none=True, metadata={"description": "Số thứ tự văn bản trong hồ sơ (DocOrdinal)"})
    recall_note = Str(allow_none=True)
    recall_pending = fields.Bool()
    recalled_at = fields.DateTime(allow_none=True, metadata={"description": "Đã đồng ý thu hồi (15)"})
    content_destroyed_at = fields.DateTime(
        allow_none=True,
        metadata={"description": "Nội dung (tệp, quá trình xử lý) đã hủy cùng hồ sơ theo danh mục hủy; tệp trả 410"},
    )
    content_destruction_id = Int(allow_none=True, metadata={"description": "Danh mục hủy (dossier-destructions)"})
    relation = Str(
        allow_none=True,
        metadata={"description": "Văn bản này cập nhật (update), thay thế (replace), đính chính (correct) văn bản"},
    )
    related_key = Str(allow_none=True, metadata={"description": "Mã định danh của văn bản trước (nơi gửi ghi)"})
    related_id = Int(allow_none=True, metadata={"description": "Bản văn bản đến trước của cơ quan (khi được xem)"})
    replaced = fields.Bool(metadata={"description": "Đã có văn bản đến sau thay thế văn bản này"})
    related_by = fields.List(
        fields.Nested(RelatedIncomingSchema),
        metadata={"description": "Các văn bản đến sau cập nhật, thay thế, đính chính văn bản này"},
    )
    recall_record = fields.Nested(
        RecallRecordSchema,
        allow_none=True,
        metadata={"description": "Văn bản đã thu hồi và hủy: chỉ còn dữ liệu đặc tả của việc thu hồi"},
    )
    possible_duplicates = fields.List(
        fields.Nested(DuplicateSchema), metadata={"description": "Văn bản đã nhận có thể trùng (Phụ lục VI III.1.h)"}
    )
    files = fields.List(fields.Nested(IncomingFileSchema))
    assignments = fields.List(fields.Nested(IncomingAssignmentSchema))
    statuses = fields.List(fields.Nested(StatusMessageSchema))
    tasks = fields.List(fields.Dict())


class ImportedIncomingSchema(IncomingDetailSchema):
    """The document an imported .edxml file registered (or had registered before), with what the file was."""

    package_signed = fields.Bool(metadata={"description": "Gói tin có chữ ký số XML-DSig hợp lệ của hệ thống gửi"})
    package_signer = Str(allow_none=True, metadata={"description": "Tên chứng thư số đã ký gói tin"})
    duplicate = fields.Bool(metadata={"description": "Văn bản đã được tiếp nhận trước đó; gói tin không được nhập lại"})


class RecallRequestArgs(Schema):
    note = Str(load_default="", metadata={"description": "Nội dung thông báo thu hồi của nơi gửi"})


class RecallRefuseArgs(Schema):
    reason = Str(load_default="", metadata={"description": "Lý do từ chối thu hồi (bắt buộc)"})


class IncomingListArgs(PageArgs):
    q = Str(
        load_default=None, metadata={"description": "Trích yếu, nơi gửi hoặc một phần số/ký hiệu; có dấu hay không"}
    )
    number = Int(load_default=None)
    symbol = Str(load_default=None)
    sender = Str(load_default=None)
    date_from = fields.Date(load_default=None)
    date_to = fields.Date(load_default=None)
    status = Str(load_default=None)
    urgency = Str(load_default=None)
    lead_unit_id = Int(load_default=None)
    overdue = fields.Bool(load_default=False)
    year = Year(load_default=None)
    channel = Str(
        load_default=None,
        validate=validate.OneOf(["electronic", "paper"]),
        metadata={"description": "electronic (điện tử) hoặc paper (bản giấy)"},
    )


class BookPrintArgs(Schema):
    """Which part of a book of văn bản đến to print (sổ đăng ký, sổ theo dõi giải quyết)."""

    year = Year(load_default=None, metadata={"description": "Năm của sổ (mặc định: năm nay)"})
    date_from = fields.Date(load_default=None, metadata={"description": "Ngày đến từ"})
    date_to = fields.Date(load_default=None, metadata={"description": "Ngày đến đến hết"})
    register_id = Int(load_default=None, metadata={"description": "Sổ đăng ký (mặc định: sổ văn bản đến)"})


class IncomingMetadataArgs(Schema):
    """`metadata` of POST /incoming (JSON in a multipart field): the fields of NĐ 30/2020 Phụ lục VI Phần II.II.

    Types and lengths here; the rules (required fields, dates, secrecy) in app.incoming.intake.clean_metadata,
    which the page and the exchange share.
    """

    channel = Str(load_default="electronic", validate=validate.OneOf(["electronic", "paper"]))
    message_id = Str(allow_none=True, validate=validate.Length(max=100), metadata={"description": "Mã thông điệp"})
    sender_code = Str(allow_none=True, validate=validate.Length(max=35), metadata={"description": "Mã định danh"})
    sender_name = Str(allow_none=True, validate=validate.Length(max=200))
    code_number = Str(allow_none=True, validate=validate.Length(max=11))
    code_notation = Str(allow_none=True, validate=validate.Length(max=30))
    issued_date = fields.Date(allow_none=True)
    type_name = Str(allow_none=True, validate=validate.Length(max=100))
    subject = Str(allow_none=True, validate=validate.Length(max=500))
    language = Str(allow_none=True, validate=validate.Length(max=30))
    description = Str(allow_none=True, validate=validate.Length(max=500))
    signer_position = Str(allow_none=True, validate=validate.Length(max=100))
    signer_name = Str(allow_none=True, validate=validate.Length(max=50))
    recipients = Str(allow_none=True, validate=validate.Length(max=1000))
    urgency = Str(allow_none=True, validate=validate.Length(max=20))
    secrecy = Str(allow_none=True, validate=validate.Length(max=20))
    due_date = fields.Date(allow_none=True)
    page_count = Int(allow_none=True, validate=validate.Range(1, 999))
    paper_follows = fields.Boolean(load_default=False)
    document_id = Str(
        allow_none=True,
        validate=validate.Length(max=100),
        metadata={"description": "Mã định danh văn bản của nơi gửi (OrganId,yyyy/MM/dd,Số/Ký hiệu)"},
    )


# OpenAPI of the multipart bodies (flask-smorest documents JSON bodies itself).
RECEIVE_BODY = {
    "required": True,
    "content": {
        "multipart/form-data": {
            "schema": {
                "type": "object",
                "required": ["files", "metadata"],
                "properties": {
                    "files": {
                        "type": "array",
                        "items": {"type": "string", "format": "binary"},
                        "description": "Tệp đầu tiên là văn bản chính (PDF đã ký số khi điện tử), sau đó phụ lục",
                    },
                    "metadata": {
                        "type": "string",
                        "description": "JSON theo IncomingMetadataArgs",
                        "example": '{"sender_name": "Sở Tài chính", "type_name": "Công văn", "subject": "…"}',
                    },
                },
            },
            "encoding": {"metadata": {"contentType": "application/json"}},
        }
    },
}
EDXML_BODY = {
    "required": True,
    "content": {
        "multipart/form-data": {
            "schema": {
                "type": "object",
                "required": ["package"],
                "properties": {"package": {"type": "string", "format": "binary", "description": "Gói tin .edxml"}},
            }
        }
    },
}


class IncomingExtensionSchema(Schema):
    """Một đề nghị gia hạn và ý kiến của lãnh đạo."""

    id = Int()
    document_id = Int()
    assignment_id = Int()
    status = Str(metadata={"description": "pending, approved, refused"})
    reason = Str()
    proposed_date = fields.Date()
    previous_date = fields.Date(allow_none=True, metadata={"description": "Hạn khi đề nghị"})
    requested_by_id = Int()
    requested_at = fields.DateTime()
    decided_by_id = Int(allow_none=True)
    decided_at = fields.DateTime(allow_none=True)
    decision_note = Str(allow_none=True)


class IncomingNoteSchema(Schema):
    """Một lần cập nhật tiến độ (progress) hoặc trả lại lãnh đạo đơn vị (returned)."""

    id = Int()
    assignment_id = Int(allow_none=True)
    kind = Str()
    text = Str()
    percent = Int(allow_none=True)
    author_id = Int()
    created_at = fields.DateTime()


class IncomingHandlingSchema(Schema):
    extensions = fields.List(fields.Nested(IncomingExtensionSchema))
    notes = fields.List(fields.Nested(IncomingNoteSchema))


class IncomingExtensionArgs(Schema):
    reason = Str(required=True, validate=validate.Length(max=1000), metadata={"description": "Lý do xin gia hạn"})
    proposed_date = fields.Date(required=True, metadata={"description": "Ngày đề nghị gia hạn đến"})


class IncomingExtensionDecisionArgs(Schema):
    note = Str(load_default=None, metadata={"description": "Ý kiến (bắt buộc khi không đồng ý)"})


class IncomingReturnArgs(Schema):
    reason = Str(required=True, validate=validate.Length(max=2000), metadata={"description": "Lý do trả lại"})


class ReassignReturnedArgs(Schema):
    user_id = Int(required=True, metadata={"description": "Chuyên viên của đơn vị nhận việc"})
    note = Str(load_default=None)


class IncomingProgressArgs(Schema):
    text = Str(required=True, validate=validate.Length(max=2000), metadata={"description": "Nội dung tiến độ"})
    percent = Int(load_default=None, allow_none=True, metadata={"description": "Tỷ lệ hoàn thành (0–100)"})


class ReassignedIncomingSchema(Schema):
    task_id = Int()
    assignee_id = Int()
