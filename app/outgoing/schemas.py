"""marshmallow shapes of outgoing documents (văn bản đi) for the REST API.

The metadata keys are the same everywhere (pages, API, BPMN forms): see app.outgoing.services.create_draft.
Input schemas only shape and type the data; the rules (known type, signer of the agency, recipients by mã định
danh, no secret documents …) are the service's, which answers with field-level details.
"""

from marshmallow import EXCLUDE, Schema, fields


class ExternalRecipientSchema(Schema):
    code = fields.Str(load_default="", metadata={"description": "Mã định danh của cơ quan ngoài hệ thống"})
    name = fields.Str(required=True, metadata={"description": "Tên cơ quan nhận"})


class OutgoingMetadataArgs(Schema):
    """Thông tin văn bản đi (NĐ 30/2020 Phụ lục VI Phần II.I); every field optional on update."""

    class Meta:
        unknown = EXCLUDE

    type_code = fields.Str(metadata={"description": "Mã loại văn bản (DocumentType.code), ví dụ CV, QD, TB"})
    subject = fields.Str(metadata={"description": "Trích yếu nội dung"})
    urgency = fields.Str(metadata={"description": "thuong | khan | thuong_khan | hoa_toc"})
    secrecy = fields.Str(metadata={"description": "Chỉ nhận `none`: hệ thống không xử lý văn bản mật"})
    place = fields.Str(allow_none=True, metadata={"description": "Địa danh"})
    notation = fields.Str(allow_none=True, metadata={"description": "Ký hiệu đề xuất, ví dụ UBND-VP"})
    drafting_unit_id = fields.Int(allow_none=True, metadata={"description": "Đơn vị soạn thảo"})
    signer_id = fields.Int(allow_none=True, metadata={"description": "Người ký (lãnh đạo cơ quan)"})
    signer_authority = fields.Str(
        allow_none=True, metadata={"description": "Thẩm quyền ký: '', KT., TM., TL., TUQ., Q."}
    )
    signer_title = fields.Str(allow_none=True, metadata={"description": "Chức vụ người ký, ví dụ PHÓ CHỦ TỊCH"})
    reply_to_id = fields.Int(allow_none=True, metadata={"description": "Văn bản đến được trả lời"})
    reply_requested = fields.Bool(metadata={"description": "Yêu cầu nơi nhận trả lời"})
    reply_due = fields.Date(allow_none=True, metadata={"description": "Hạn trả lời"})
    consult_unit_ids = fields.List(fields.Int(), metadata={"description": "Đơn vị được lấy ý kiến"})
    consult_due = fields.Date(allow_none=True, metadata={"description": "Hạn góp ý"})
    copies = fields.Int(allow_none=True, metadata={"description": "Số lượng bản"})
    page_count = fields.Int(allow_none=True, metadata={"description": "Số trang"})
    recipient_agency_codes = fields.List(
        fields.Str(), metadata={"description": "Nơi nhận trong hệ thống: mã định danh các cơ quan"}
    )
    recipient_unit_ids = fields.List(fields.Int(), metadata={"description": "Nơi nhận nội bộ: các đơn vị"})
    recipients_external = fields.List(
        fields.Nested(ExternalRecipientSchema), metadata={"description": "Nơi nhận ngoài hệ thống"}
    )


class OutgoingListArgs(Schema):
    q = fields.Str(load_default=None, metadata={"description": "Trích yếu, gõ có dấu hoặc không dấu"})
    status = fields.Str(load_default=None, metadata={"description": "draft, reviewing, signing, issued …"})
    year = fields.Int(load_default=None)
    symbol = fields.Str(load_default=None, metadata={"description": "Số/ký hiệu hoặc một phần"})
    mine = fields.Bool(load_default=False, metadata={"description": "Chỉ văn bản của tôi"})
    before = fields.Int(load_default=None, metadata={"description": "Trang tiếp: id nhỏ nhất của trang trước"})


class CommentArgs(Schema):
    comment = fields.Str(required=True, metadata={"description": "Nội dung góp ý"})


class ReasonArgs(Schema):
    reason = fields.Str(load_default="", metadata={"description": "Lý do (bắt buộc)"})


class RegisterPrintArgs(Schema):
    register_id = fields.Int(load_default=None, metadata={"description": "Sổ đăng ký (mặc định: sổ văn bản đi)"})
    year = fields.Int(load_default=None, metadata={"description": "Năm của sổ (mặc định: năm nay)"})
    date_from = fields.Date(load_default=None, metadata={"description": "Ngày văn bản từ"})
    date_to = fields.Date(load_default=None, metadata={"description": "Ngày văn bản đến hết"})


class VersionSchema(Schema):
    id = fields.Int()
    number = fields.Int(metadata={"description": "Lần 1, 2, 3 …"})
    stage = fields.Str(metadata={"description": "draft | prepared | signed | issued"})
    filename = fields.Str()
    size = fields.Int()
    sha256 = fields.Str()
    source_filename = fields.Str(allow_none=True, metadata={"description": "Tệp DOCX gốc khi đã chuyển sang PDF"})
    note = fields.Str(allow_none=True)
    created_by_id = fields.Int(allow_none=True)
    created_at = fields.DateTime()


class AttachmentSchema(Schema):
    id = fields.Int()
    filename = fields.Str()
    content_type = fields.Str()
    size = fields.Int()
    sha256 = fields.Str()
    signed = fields.Function(lambda a: bool(a.signed_sha256), metadata={"description": "Đã ký số của cơ quan"})
    created_at = fields.DateTime()


class ReviewSchema(Schema):
    id = fields.Int()
    kind = fields.Str(metadata={"description": "opinion | content | format | sign | comment"})
    decision = fields.Str(allow_none=True, metadata={"description": "approve | return"})
    comment = fields.Str(allow_none=True)
    version_number = fields.Int(allow_none=True)
    user_id = fields.Int()
    user_name = fields.Function(lambda r: r.user.full_name if r.user else None)
    unit_id = fields.Int(allow_none=True)
    created_at = fields.DateTime()


class RecipientSchema(Schema):
    id = fields.Int()
    kind = fields.Str(metadata={"description": "agency | external | unit"})
    code = fields.Str(allow_none=True, metadata={"description": "Mã định danh cơ quan nhận"})
    name = fields.Str()
    unit_id = fields.Int(allow_none=True)
    delivery = fields.Str(allow_none=True, metadata={"description": "pending | delivered | exported"})
    dispatched_at = fields.DateTime(allow_none=True)
    status_code = fields.Str(allow_none=True, metadata={"description": "01 đã đến … 06 hoàn thành; 13, 15, 16"})
    status_note = fields.Str(allow_none=True, metadata={"description": "Lý do từ chối (02) …"})
    status_at = fields.DateTime(allow_none=True)


class OutgoingSchema(Schema):
    id = fields.Int()
    status = fields.Str()
    type_code = fields.Str()
    type_name = fields.Str()
    subject = fields.Str()
    urgency = fields.Str()
    symbol = fields.Str(allow_none=True, metadata={"description": "Số/ký hiệu sau khi cấp số, ví dụ 05/QĐ-UBND"})
    number = fields.Int(allow_none=True)
    number_year = fields.Int(allow_none=True)
    register_id = fields.Int(allow_none=True)
    issued_date = fields.Date(allow_none=True)
    drafter_id = fields.Int()
    drafting_unit_id = fields.Int(allow_none=True)
    signer_id = fields.Int(allow_none=True)
    created_at = fields.DateTime()
    updated_at = fields.DateTime()


class OutgoingDetailSchema(OutgoingSchema):
    language = fields.Str()
    place = fields.Str(allow_none=True)
    notation = fields.Str(allow_none=True)
    page_count = fields.Int(allow_none=True)
    copies = fields.Int(allow_none=True)
    signer_authority = fields.Str()
    signer_title = fields.Str(allow_none=True)
    reply_to_id = fields.Int(allow_none=True)
    reply_requested = fields.Bool()
    reply_due = fields.Date(allow_none=True)
    relation = fields.Str(allow_none=True, metadata={"description": "update | replace | correct"})
    related_id = fields.Int(allow_none=True)
    consult_unit_ids = fields.List(fields.Int(), allow_none=True)
    consult_due = fields.Date(allow_none=True)
    signed_at = fields.DateTime(allow_none=True)
    issued_at = fields.DateTime(allow_none=True)
    recalled_at = fields.DateTime(allow_none=True)
    recall_reason = fields.Str(allow_none=True)
    versions = fields.List(fields.Nested(VersionSchema))
    attachments = fields.List(fields.Nested(AttachmentSchema))
    reviews = fields.List(fields.Nested(ReviewSchema))
    recipients = fields.List(fields.Nested(RecipientSchema))
    tasks = fields.List(fields.Dict(), metadata={"description": "Các bước của quy trình văn bản đi"})


class StatusHistorySchema(Schema):
    code = fields.Str(metadata={"description": "Mã trạng thái edXML: 01 … 06, 13, 15, 16"})
    label = fields.Str()
    description = fields.Str(allow_none=True)
    at = fields.DateTime()
    staff_name = fields.Str(allow_none=True, metadata={"description": "Người xử lý bên nhận"})


class RecipientStatusSchema(Schema):
    """One recipient's delivery and the statuses it sent back, oldest first (services.recipient_statuses)."""

    id = fields.Int()
    name = fields.Str()
    kind = fields.Str(metadata={"description": "agency | external | unit"})
    kind_label = fields.Str()
    code = fields.Str(allow_none=True, metadata={"description": "Mã định danh cơ quan nhận"})
    delivery = fields.Str(allow_none=True, metadata={"description": "pending | delivered | exported"})
    delivery_label = fields.Str()
    delivery_error = fields.Str(allow_none=True)
    attempts = fields.Int()
    dispatched_at = fields.DateTime(allow_none=True)
    status_code = fields.Str(allow_none=True, metadata={"description": "Trạng thái mới nhất (01 … 16)"})
    status_label = fields.Str(allow_none=True)
    status_note = fields.Str(allow_none=True, metadata={"description": "Lý do từ chối (02) …"})
    status_at = fields.DateTime(allow_none=True)
    can_resend = fields.Bool(metadata={"description": "Có thể gửi lại (sau khi bị từ chối hoặc gửi chưa được)"})
    history = fields.List(fields.Nested(StatusHistorySchema))
