"""marshmallow shapes of outgoing documents (văn bản đi) for the REST API.

The metadata keys are the same everywhere (pages, API, BPMN forms): see app.outgoing.services.create_draft.
Input schemas only shape and type the data; the rules (known type, signer of the agency, recipients by mã định
danh, no secret documents …) are the service's, which answers with field-level details.
"""

from marshmallow import EXCLUDE, Schema, fields, validate

from app.api.schemas import Int, PageArgs, Str, Year, page_of


class ExternalRecipientSchema(Schema):
    code = Str(load_default="", metadata={"description": "Mã định danh của cơ quan ngoài hệ thống"})
    name = Str(required=True, metadata={"description": "Tên cơ quan nhận"})


class OutgoingMetadataArgs(Schema):
    """Thông tin văn bản đi (NĐ 30/2020 Phụ lục VI Phần II.I); every field optional on update."""

    class Meta:
        unknown = EXCLUDE

    type_code = Str(metadata={"description": "Mã loại văn bản (DocumentType.code), ví dụ CV, QD, TB"})
    # Lengths of NĐ 30/2020 Phụ lục VI Phần II.I (Subject 500, CodeNotation 30, Position 100, Description 500).
    subject = Str(validate=validate.Length(max=500), metadata={"description": "Trích yếu nội dung (tối đa 500)"})
    urgency = Str(metadata={"description": "thuong | khan | thuong_khan | hoa_toc"})
    secrecy = Str(metadata={"description": "Chỉ nhận `none`: hệ thống không xử lý văn bản mật"})
    place = Str(
        allow_none=True,
        validate=validate.Length(max=100),
        metadata={
            "description": "Địa danh của dòng “Địa danh, ngày … tháng … năm …”: để trống thì lấy theo văn bản trước "
            "của cơ quan; bắt buộc khi trình"
        },
    )
    notation = Str(
        allow_none=True,
        validate=validate.Length(max=30),
        metadata={"description": "Ký hiệu đề xuất theo dạng của loại văn bản: QĐ-UBND; công văn UBND-VP"},
    )
    drafting_unit_id = Int(allow_none=True, metadata={"description": "Đơn vị soạn thảo"})
    signer_id = Int(allow_none=True, metadata={"description": "Người ký (lãnh đạo cơ quan)"})
    signer_authority = Str(allow_none=True, metadata={"description": "Thẩm quyền ký: '', KT., TM., TL., TUQ., Q."})
    signer_title = Str(
        allow_none=True, validate=validate.Length(max=100), metadata={"description": "Chức vụ người ký (tối đa 100)"}
    )
    reply_to_id = Int(allow_none=True, metadata={"description": "Văn bản đến được trả lời"})
    reply_requested = fields.Bool(metadata={"description": "Yêu cầu nơi nhận trả lời"})
    reply_due = fields.Date(allow_none=True, metadata={"description": "Hạn trả lời"})
    consult_unit_ids = fields.List(Int(), metadata={"description": "Đơn vị được lấy ý kiến"})
    consult_due = fields.Date(allow_none=True, metadata={"description": "Hạn góp ý"})
    copies = Int(allow_none=True, metadata={"description": "Số lượng bản"})
    page_count = Int(
        allow_none=True,
        validate=validate.Range(1, 999),
        metadata={"description": "Số trang (hệ thống đọc lại từ tệp PDF khi phát hành)"},
    )
    description = Str(allow_none=True, validate=validate.Length(max=500), metadata={"description": "Ghi chú"})
    recipient_agency_codes = fields.List(
        Str(), metadata={"description": "Nơi nhận trong hệ thống: mã định danh các cơ quan"}
    )
    recipient_unit_ids = fields.List(Int(), metadata={"description": "Nơi nhận nội bộ: các đơn vị"})
    recipients_external = fields.List(
        fields.Nested(ExternalRecipientSchema), metadata={"description": "Nơi nhận ngoài hệ thống"}
    )


class OutgoingListArgs(PageArgs):
    q = Str(load_default=None, metadata={"description": "Trích yếu, gõ có dấu hoặc không dấu"})
    status = Str(load_default=None, metadata={"description": "draft, reviewing, signing, issued …"})
    year = Year(load_default=None)
    symbol = Str(load_default=None, metadata={"description": "Số/ký hiệu hoặc một phần"})
    mine = fields.Bool(load_default=False, metadata={"description": "Chỉ văn bản của tôi"})
    to_sign = fields.Bool(load_default=False, metadata={"description": "Chỉ văn bản tôi là người ký"})


class CommentArgs(Schema):
    comment = Str(required=True, metadata={"description": "Nội dung góp ý"})


class ReasonArgs(Schema):
    reason = Str(load_default="", metadata={"description": "Lý do (bắt buộc)"})


class RelatedArgs(Schema):
    relation = Str(
        required=True,
        metadata={"description": "update (sửa đổi, cập nhật) | replace (thay thế) | correct (đính chính, Công văn)"},
    )


class RelatedOutgoingSchema(Schema):
    """An earlier or later document of a relation (NĐ 30/2020 Điều 18.3)."""

    id = Int()
    relation = Str(allow_none=True, metadata={"description": "Quan hệ của văn bản sau: update | replace | correct"})
    symbol = Str(allow_none=True, metadata={"description": "Số/ký hiệu"})
    type_name = Str()
    subject = Str()
    issued_date = fields.Date(allow_none=True)
    status = Str()


class RegisterPrintArgs(Schema):
    register_id = Int(load_default=None, metadata={"description": "Sổ đăng ký (mặc định: sổ văn bản đi)"})
    year = Year(load_default=None, metadata={"description": "Năm của sổ (mặc định: năm nay)"})
    date_from = fields.Date(load_default=None, metadata={"description": "Ngày văn bản từ"})
    date_to = fields.Date(load_default=None, metadata={"description": "Ngày văn bản đến hết"})


class VersionSchema(Schema):
    id = Int()
    number = Int(metadata={"description": "Lần 1, 2, 3 …"})
    stage = Str(metadata={"description": "draft | prepared | signed | issued"})
    filename = Str()
    size = Int()
    sha256 = Str()
    source_filename = Str(allow_none=True, metadata={"description": "Tệp DOCX gốc khi đã chuyển sang PDF"})
    note = Str(allow_none=True, metadata={"description": "Ghi chú; với bản của người duyệt: nội dung đã chỉnh sửa"})
    created_by_id = Int(allow_none=True, metadata={"description": "Người tải lên"})
    created_by_name = fields.Function(lambda v: v.created_by.full_name if v.created_by else None)
    created_at = fields.DateTime()


class AttachmentSchema(Schema):
    id = Int()
    filename = Str()
    content_type = Str()
    size = Int()
    sha256 = Str()
    signed = fields.Function(lambda a: bool(a.signed_sha256), metadata={"description": "Đã ký số của cơ quan"})
    created_at = fields.DateTime()


class ReviewSchema(Schema):
    id = Int()
    kind = Str(metadata={"description": "opinion | content | format | sign | comment"})
    decision = Str(allow_none=True, metadata={"description": "approve | return | revise (người duyệt chỉnh sửa)"})
    comment = Str(allow_none=True)
    version_number = Int(allow_none=True)
    user_id = Int()
    user_name = fields.Function(lambda r: r.user.full_name if r.user else None)
    unit_id = Int(allow_none=True)
    created_at = fields.DateTime()


class RecipientSchema(Schema):
    id = Int()
    kind = Str(metadata={"description": "agency | external | unit"})
    code = Str(allow_none=True, metadata={"description": "Mã định danh cơ quan nhận"})
    name = Str()
    unit_id = Int(allow_none=True)
    delivery = Str(allow_none=True, metadata={"description": "pending | delivered | exported"})
    dispatched_at = fields.DateTime(allow_none=True)
    status_code = Str(allow_none=True, metadata={"description": "01 đã đến … 06 hoàn thành; 13, 15, 16"})
    status_note = Str(allow_none=True, metadata={"description": "Lý do từ chối (02) …"})
    status_at = fields.DateTime(allow_none=True)


class OutgoingSchema(Schema):
    id = Int()
    status = Str()
    type_code = Str()
    type_name = Str()
    subject = Str()
    urgency = Str()
    symbol = Str(allow_none=True, metadata={"description": "Số/ký hiệu sau khi cấp số, ví dụ 05/QĐ-UBND"})
    number = Int(allow_none=True)
    number_year = Int(allow_none=True)
    register_id = Int(allow_none=True)
    issued_date = fields.Date(allow_none=True)
    drafter_id = Int()
    drafting_unit_id = Int(allow_none=True)
    signer_id = Int(allow_none=True)
    # NĐ 30 Phụ lục VI III.1.g: filled by the System at issue; the names are the copies kept then.
    document_key = Str(allow_none=True, metadata={"description": "Mã định danh văn bản: OrganId,yyyy/MM/dd,Số/Ký hiệu"})
    organ_name = Str(allow_none=True, metadata={"description": "Tên cơ quan ban hành, lưu khi phát hành"})
    signer_name = Str(allow_none=True, metadata={"description": "Họ tên người ký (lưu khi phát hành)"})
    page_count = Int(allow_none=True, metadata={"description": "Số trang (đọc từ tệp PDF khi phát hành)"})
    created_at = fields.DateTime()
    updated_at = fields.DateTime()


OutgoingPageSchema = page_of(OutgoingSchema, "OutgoingPage")


class LayoutSchema(Schema):
    problems = fields.Dict(
        keys=Str(),
        values=Str(),
        metadata={"description": "Điều còn thiếu trên dự thảo: number_line, date_line, signer_block → lời nhắn"},
    )
    printed_notation = Str(allow_none=True, metadata={"description": "Ký hiệu in sau “Số:” trên dự thảo"})
    notation_differs = fields.Bool(metadata={"description": "Ký hiệu in trên dự thảo khác ký hiệu của văn bản"})


class OutgoingDetailSchema(OutgoingSchema):
    language = Str()
    place = Str(allow_none=True)
    notation = Str(allow_none=True)
    copies = Int(allow_none=True)
    description = Str(allow_none=True, metadata={"description": "Ghi chú (Description)"})
    file_code = Str(allow_none=True, metadata={"description": "Mã hồ sơ (FileCode), khi đã đưa vào hồ sơ"})
    doc_ordinal = Int(allow_none=True, metadata={"description": "Số thứ tự văn bản trong hồ sơ (DocOrdinal)"})
    signer_authority = Str()
    signer_title = Str(allow_none=True)
    reply_to_id = Int(allow_none=True)
    reply_requested = fields.Bool()
    reply_due = fields.Date(allow_none=True)
    relation = Str(allow_none=True, metadata={"description": "update | replace | correct"})
    related_id = Int(allow_none=True, metadata={"description": "Văn bản đi trước được sửa đổi, thay thế, đính chính"})
    related_document = fields.Nested(
        RelatedOutgoingSchema, allow_none=True, metadata={"description": "Văn bản trước (số/ký hiệu, trích yếu)"}
    )
    related_by = fields.List(
        fields.Nested(RelatedOutgoingSchema),
        metadata={"description": "Các văn bản đã phát hành sửa đổi, thay thế, đính chính văn bản này"},
    )
    consult_unit_ids = fields.List(Int(), allow_none=True)
    consult_due = fields.Date(allow_none=True)
    signed_at = fields.DateTime(allow_none=True)
    issued_at = fields.DateTime(allow_none=True)
    recalled_at = fields.DateTime(allow_none=True)
    content_destroyed_at = fields.DateTime(
        allow_none=True,
        metadata={"description": "Nội dung (tệp, quá trình xử lý) đã hủy cùng hồ sơ theo danh mục hủy; tệp trả 410"},
    )
    content_destruction_id = Int(allow_none=True, metadata={"description": "Danh mục hủy (dossier-destructions)"})
    recall_reason = Str(allow_none=True)
    is_frozen = fields.Bool(
        metadata={"description": "Đã thu hồi: văn bản và dữ liệu đặc tả bị đóng băng (NĐ 30 Phụ lục VI III.8.a)"}
    )
    versions = fields.List(fields.Nested(VersionSchema))
    attachments = fields.List(fields.Nested(AttachmentSchema))
    reviews = fields.List(fields.Nested(ReviewSchema))
    recipients = fields.List(fields.Nested(RecipientSchema))
    tasks = fields.List(fields.Dict(), metadata={"description": "Các bước của quy trình văn bản đi"})
    layout = fields.Nested(
        LayoutSchema,
        allow_none=True,
        metadata={
            "description": "Bố cục dự thảo mới nhất (khi còn là dự thảo hoặc bị trả lại); trình bị từ chối "
            "khi còn thiếu"
        },
    )


class StatusHistorySchema(Schema):
    code = Str(metadata={"description": "Mã trạng thái edXML: 01 … 06, 13, 15, 16"})
    label = Str()
    description = Str(allow_none=True)
    at = fields.DateTime()
    staff_name = Str(allow_none=True, metadata={"description": "Người xử lý bên nhận"})


class RecipientStatusSchema(Schema):
    """One recipient's delivery and the statuses it sent back, oldest first (tracking.recipient_statuses)."""

    id = Int()
    name = Str()
    kind = Str(metadata={"description": "agency | external | unit"})
    kind_label = Str()
    code = Str(allow_none=True, metadata={"description": "Mã định danh cơ quan nhận"})
    delivery = Str(allow_none=True, metadata={"description": "pending | delivered | exported"})
    delivery_label = Str()
    delivery_error = Str(allow_none=True)
    attempts = Int()
    dispatched_at = fields.DateTime(allow_none=True)
    status_code = Str(allow_none=True, metadata={"description": "Trạng thái mới nhất (01 … 16)"})
    status_label = Str(allow_none=True)
    status_note = Str(allow_none=True, metadata={"description": "Lý do từ chối (02) …"})
    status_at = fields.DateTime(allow_none=True)
    can_resend = fields.Bool(metadata={"description": "Có thể gửi lại (sau khi bị từ chối hoặc gửi chưa được)"})
    history = fields.List(fields.Nested(StatusHistorySchema))


class RepliesDueArgs(Schema):
    state = Str(
        load_default=None,
        validate=validate.OneOf(["due", "overdue", "answered"]),
        metadata={"description": "due: chờ trả lời; overdue: quá hạn trả lời; answered: đã trả lời; bỏ trống: tất cả"},
    )


class ReplyFoundSchema(Schema):
    document_id = Int(metadata={"description": "Văn bản trả lời (của cơ quan nhận)"})
    symbol = Str(allow_none=True)
    subject = Str()
    issued_date = fields.Date(allow_none=True)
    incoming_id = Int(
        allow_none=True, metadata={"description": "Bản văn bản đến của cơ quan mình, nếu nhận qua hệ thống"}
    )


class ReplyDueSchema(Schema):
    """Một nơi nhận của văn bản đi có yêu cầu trả lời (seed 001 QĐ 278 Điều 7.2)."""

    document_id = Int(attribute="document.id")
    symbol = Str(attribute="document.symbol", allow_none=True)
    subject = Str(attribute="document.subject")
    reply_due = fields.Date(attribute="due", allow_none=True)
    recipient_id = Int(attribute="recipient.id")
    recipient_name = Str(attribute="recipient.name")
    recipient_code = Str(attribute="recipient.code", allow_none=True)
    recipient_kind = Str(attribute="recipient.kind")
    state = Str(metadata={"description": "due, overdue, answered"})
    replies = fields.List(fields.Nested(ReplyFoundSchema))


class RepliesDueSchema(Schema):
    items = fields.List(fields.Nested(ReplyDueSchema))
