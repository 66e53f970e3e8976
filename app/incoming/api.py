"""REST endpoints of văn bản đến: electronic intake (multipart), search, detail, files, recall."""

import io
import json

from flask import jsonify, request, send_file
from marshmallow import ValidationError as SchemaError

from app.api import api_blueprint
from app.api.auth import api_user
from app.api.schemas import ErrorSchema, PageArgs, id_cursor, keyset_page
from app.core.errors import NotFound, ValidationError
from app.documents.uploads import Upload
from app.exchange import files
from app.exchange.services import statuses_for
from app.incoming import handling, printing, queries, recall, relations, services
from app.incoming.schemas import (
    EDXML_BODY,
    RECEIVE_BODY,
    BookPrintArgs,
    FileArgs,
    ImportedIncomingSchema,
    IncomingDetailSchema,
    IncomingExtensionArgs,
    IncomingExtensionDecisionArgs,
    IncomingExtensionSchema,
    IncomingHandlingSchema,
    IncomingListArgs,
    IncomingMetadataArgs,
    IncomingNoteSchema,
    IncomingPageSchema,
    IncomingProgressArgs,
    IncomingReturnArgs,
    ReassignedIncomingSchema,
    ReassignReturnedArgs,
    RecallRecordPageSchema,
    RecallRecordSchema,
    RecallRefuseArgs,
    RecallRequestArgs,
)
from app.workflow import queries as wf_queries

blp = api_blueprint(
    "incoming_api",
    __name__,
    tag="Văn bản đến",
    description=(
        "Văn bản đến (NĐ 30/2020 Điều 20–24): tiếp nhận (tệp PDF hoặc gói edXML), tra cứu, xem và tải tệp, "
        "thu hồi theo yêu cầu nơi gửi, gia hạn, trả lại, cập nhật tiến độ, in sổ đăng ký, sổ theo dõi và phiếu "
        "giải quyết"
    ),
)


@blp.route("/incoming", methods=["POST"])
@blp.doc(requestBody=RECEIVE_BODY)
@blp.response(201, IncomingDetailSchema)
@blp.alt_response(403, schema=ErrorSchema, description="Chỉ văn thư của cơ quan được tiếp nhận")
@blp.alt_response(422, schema=ErrorSchema, description="Thông tin hoặc tệp không hợp lệ; văn bản mật")
def receive():
    """Tiếp nhận văn bản đến điện tử: multipart với `files` (tệp đầu là văn bản chính) và `metadata` (JSON).

    `metadata` có các trường của Phụ lục VI Phần II.II (sender_name, sender_code, code_number, code_notation,
    issued_date, type_name, subject, urgency…) và tùy chọn `message_id` (gửi lại cùng mã không tạo bản trùng).

    Văn bản giấy (`channel: paper`, NĐ 30/2020 Điều 22.3.b → Phụ lục I): ảnh quét JPG, PNG, TIFF (nhiều tệp, TIFF
    nhiều trang) được ghép thành một tệp PDF ≥ 1.4 là văn bản chính; ảnh dưới 200 dpi hoặc đen trắng bị từ chối
    (`scan_resolution_too_low`, `scan_not_colour`, thông báo nêu độ phân giải đo được). Kết quả có
    `possible_duplicates`: văn bản đã nhận có thể trùng (Phụ lục VI III.1.h).
    """
    try:
        metadata = json.loads(request.form.get("metadata") or "{}")
    except json.JSONDecodeError as exc:
        raise ValidationError("metadata phải là JSON.", details={"metadata": str(exc)}) from exc
    if not isinstance(metadata, dict):
        raise ValidationError("metadata phải là một đối tượng JSON.", details={"metadata": "Sai kiểu."})
    try:
        metadata = IncomingMetadataArgs().load(metadata)
    except SchemaError as exc:
        raise ValidationError("Thông tin văn bản đến chưa hợp lệ.", details=exc.messages) from exc
    for name in ("issued_date", "due_date"):
        if metadata.get(name) is not None:
            metadata[name] = metadata[name].isoformat()
    uploads = [
        Upload(f.filename, f.read(), is_main=(i == 0))
        for i, f in enumerate(request.files.getlist("files"))
        if f and f.filename
    ]
    document = services.receive_incoming(
        api_user(),
        channel=metadata.pop("channel", "electronic"),
        metadata=metadata,
        uploads=uploads,
        message_id=metadata.pop("message_id", None),
    )
    return _detail(document)


@blp.route("/incoming", methods=["GET"])
@blp.arguments(IncomingListArgs, location="query")
@blp.response(200, IncomingPageSchema)
@blp.alt_response(422, schema=ErrorSchema)
def search(args):
    """Tìm văn bản đến mà người dùng được xem, mới đến trước; `next_cursor` → `after` để xem trang sau."""
    before, limit = id_cursor(args.pop("after")), args.pop("limit")
    rows = queries.search(api_user(), queries.IncomingFilter(**args), before_id=before, limit=limit + 1)
    return keyset_page(rows, limit)


@blp.route("/incoming/<int:document_id>")
@blp.response(200, IncomingDetailSchema)
def detail(document_id):
    return _detail(services.view_document(api_user(), document_id))


def _detail(document):
    tasks = wf_queries.object_tasks(services.OBJECT_TYPE, document.id)
    task_rows = [
        {
            "id": t.id,
            "task_name": t.task_name,
            "title": t.title,
            "state": t.state,
            "due_at": t.due_at.isoformat() if t.due_at else None,
            "completed_by_id": t.completed_by_id,
            "outcome": t.outcome,
        }
        for t in tasks
    ]
    detail = _Detail(document, statuses_for(services.OBJECT_TYPE, document.id), task_rows)
    related = relations.related_of(api_user(), document)  # NĐ 30/2020 Điều 18.3
    detail.related_id = related.original.id if related.original is not None else None
    detail.replaced = related.replaced
    detail.related_by = [
        {
            "id": s.document.id if s.visible else None,
            "relation": s.document.relation,
            "symbol": s.document.symbol or None,
            "issued_date": s.document.issued_date,
            "subject": s.document.subject if s.visible else None,
        }
        for s in related.successors
    ]
    # NĐ 30 Phụ lục VI III.8.c: a recalled document is only the record of its recall; III.1.h: possible duplicates.
    detail.recall_record = recall.record_of(document)
    detail.possible_duplicates = [d.as_dict() for d in queries.find_duplicates(document, api_user())]
    return detail


class _Detail:
    """The document with what IncomingDetailSchema adds (statuses, tasks, relations, recall record, duplicates)."""

    def __init__(self, document, statuses, tasks) -> None:
        self._document, self.statuses, self.tasks = document, statuses, tasks
        self.recall_record, self.possible_duplicates = None, []

    def __getattr__(self, name):
        return getattr(self._document, name)


@blp.route("/incoming/<int:document_id>/files/<int:file_id>")
@blp.doc(
    responses={"200": {"description": "Nội dung tệp (PDF, ảnh quét…)", "content": {"application/octet-stream": {}}}}
)
@blp.arguments(FileArgs, location="query")
def file(args, document_id, file_id):
    """Tải tệp của văn bản đến (việc xem được ghi nhật ký).

    `original=true`: bản gốc như khi nhận, trước khi gỡ nội dung chủ động, chỉ có khi tệp có `has_original`;
    không có thì trả 404 mã `no_original`."""
    document = services.view_document(api_user(), document_id)
    item, data = services.file_content(document, file_id, original=args["original"])  # recalled: 404
    if args["original"]:
        return send_file(
            io.BytesIO(data),
            mimetype="application/octet-stream",
            as_attachment=True,
            download_name=f"ban-goc-{item.filename}",
        )
    return send_file(io.BytesIO(data), mimetype=item.content_type, as_attachment=True, download_name=item.filename)


@blp.route("/incoming/<int:document_id>/statuses/<int:status_id>/edxml")
@blp.doc(responses={"200": {"description": "Thông điệp trạng thái edXML đã ký", "content": {"application/xml": {}}}})
def status_file(document_id, status_id):
    """Tải thông điệp trạng thái gửi nơi ban hành (khi không có kết nối liên thông) để văn thư gửi thủ công."""
    filename, data = services.status_file(api_user(), document_id, status_id)
    return send_file(io.BytesIO(data), mimetype="application/xml", as_attachment=True, download_name=filename)


@blp.route("/incoming/<int:document_id>/recall-request", methods=["POST"])
@blp.arguments(RecallRequestArgs)
@blp.response(200, IncomingDetailSchema)
def recall_request(args, document_id):
    """Ghi nhận yêu cầu thu hồi của nơi gửi (trạng thái 13, NĐ 30/2020 Điều 18.4.b); cơ quan sẽ quyết định."""
    return _detail(recall.request_recall(api_user(), document_id, note=args["note"]))


@blp.route("/incoming/<int:document_id>/recall/accept", methods=["POST"])
@blp.response(200, IncomingDetailSchema)
def recall_accept(document_id):
    """Đồng ý thu hồi (NĐ 30/2020 Điều 18.4.b): hủy văn bản, tệp, quy trình và dữ liệu đặc tả; báo trạng thái 15.

    Chỉ còn dữ liệu đặc tả của việc thu hồi (`recall_record`, Phụ lục VI III.8.c).
    """
    return _detail(recall.accept_recall(api_user(), document_id))


@blp.route("/incoming/recall-records")
@blp.arguments(PageArgs, location="query")
@blp.response(200, RecallRecordPageSchema)
@blp.alt_response(403, schema=ErrorSchema, description="Chỉ văn thư, lãnh đạo cơ quan")
def recall_records(args):
    """Sổ thu hồi: dữ liệu đặc tả của các lần thu hồi văn bản đến đã đồng ý (NĐ 30 Phụ lục VI III.8.c), mới trước."""
    before, limit = id_cursor(args.pop("after")), args.pop("limit")
    return keyset_page(recall.list_records(api_user(), before_id=before, limit=limit + 1), limit)


@blp.route("/incoming/<int:document_id>/recall-record")
@blp.response(200, RecallRecordSchema)
@blp.alt_response(404, schema=ErrorSchema, description="Văn bản chưa bị thu hồi, hoặc không xem được")
def recall_record(document_id):
    """Dữ liệu đặc tả của việc thu hồi một văn bản đến (ai yêu cầu, ai đồng ý, khi nào, mã định danh, SHA-256)."""
    record = recall.record_of(services.view_document(api_user(), document_id))
    if record is None:
        raise NotFound("Văn bản chưa bị thu hồi.", code="recall_record_not_found")
    return record


@blp.route("/incoming/<int:document_id>/recall/refuse", methods=["POST"])
@blp.arguments(RecallRefuseArgs)
@blp.response(200, IncomingDetailSchema)
def recall_refuse(args, document_id):
    """Từ chối thu hồi kèm lý do (trạng thái 16); văn bản tiếp tục được xử lý."""
    return _detail(recall.refuse_recall(api_user(), document_id, args["reason"]))


@blp.route("/incoming/<int:document_id>/handling")
@blp.response(200, IncomingHandlingSchema)
def handling_history(document_id):
    """Lịch sử gia hạn, trả lại và cập nhật tiến độ của văn bản (seed 000 Điều 18: theo dõi, đôn đốc)."""
    document = services.get_document(api_user(), document_id)
    return {"extensions": handling.extensions_of(document), "notes": handling.notes_of(document)}


@blp.route("/incoming/extensions/pending")
@blp.response(200, IncomingExtensionSchema(many=True))
def pending_extensions():
    """Các đề nghị gia hạn đang chờ người dùng cho ý kiến (lãnh đạo đã giao việc, lãnh đạo đơn vị), cũ trước."""
    return handling.extensions_to_decide(api_user())


@blp.route("/incoming/<int:document_id>/extensions", methods=["POST"])
@blp.arguments(IncomingExtensionArgs)
@blp.response(201, IncomingExtensionSchema)
def request_extension(args, document_id):
    """Xin gia hạn (người chủ trì hoặc phối hợp đang giải quyết): lý do và ngày đề nghị; lãnh đạo sẽ cho ý kiến."""
    return handling.request_extension(api_user(), document_id, **args)


@blp.route("/incoming/<int:document_id>/extensions/<int:extension_id>/approve", methods=["POST"])
@blp.arguments(IncomingExtensionDecisionArgs)
@blp.response(200, IncomingExtensionSchema)
def approve_extension(args, document_id, extension_id):
    """Đồng ý gia hạn: hạn mới ghi vào phân công và hạn của bước đang mở (lãnh đạo giao việc, lãnh đạo đơn vị)."""
    return handling.decide_extension(api_user(), document_id, extension_id, approve=True, note=args["note"])


@blp.route("/incoming/<int:document_id>/extensions/<int:extension_id>/refuse", methods=["POST"])
@blp.arguments(IncomingExtensionDecisionArgs)
@blp.response(200, IncomingExtensionSchema)
def refuse_extension(args, document_id, extension_id):
    """Không đồng ý gia hạn, kèm lý do (`note` bắt buộc); hạn giữ nguyên."""
    return handling.decide_extension(api_user(), document_id, extension_id, approve=False, note=args["note"])


@blp.route("/incoming/<int:document_id>/return-to-unit", methods=["POST"])
@blp.arguments(IncomingReturnArgs)
@blp.response(200, IncomingNoteSchema)
def return_to_unit(args, document_id):
    """Trả lại lãnh đạo đơn vị kèm lý do: bước giải quyết về hộp việc của lãnh đạo đơn vị để phân công lại."""
    return handling.return_to_unit_leader(api_user(), document_id, args["reason"])


@blp.route("/incoming/<int:document_id>/reassign", methods=["POST"])
@blp.arguments(ReassignReturnedArgs)
@blp.response(200, ReassignedIncomingSchema)
def reassign(args, document_id):
    """Lãnh đạo đơn vị giao lại bước đã bị trả lại cho một chuyên viên của đơn vị."""
    task = handling.reassign_returned(api_user(), document_id, args["user_id"], args["note"])
    return {"task_id": task.id, "assignee_id": task.assignee_id}


@blp.route("/incoming/<int:document_id>/progress", methods=["POST"])
@blp.arguments(IncomingProgressArgs)
@blp.response(201, IncomingNoteSchema)
def record_progress(args, document_id):
    """Cập nhật tiến độ giải quyết: nội dung và tỷ lệ hoàn thành (không bắt buộc)."""
    return handling.record_progress(api_user(), document_id, args["text"], args["percent"])


PDF_RESPONSE = {
    "responses": {
        "200": {
            "description": "Tệp PDF",
            "content": {"application/pdf": {"schema": {"type": "string", "format": "binary"}}},
        }
    }
}


@blp.route("/incoming/register.pdf")
@blp.arguments(BookPrintArgs, location="query")
@blp.doc(**PDF_RESPONSE)
def register_pdf(args):
    """In sổ đăng ký văn bản đến (NĐ 30/2020 Phụ lục IV mục VI) theo năm và khoảng ngày đến."""
    return _pdf(printing.print_register(api_user(), **args))


@blp.route("/incoming/follow-up.pdf")
@blp.arguments(BookPrintArgs, location="query")
@blp.doc(**PDF_RESPONSE)
def follow_up_pdf(args):
    """In sổ theo dõi giải quyết văn bản đến (Phụ lục IV mục VIII); dành cho văn thư, lãnh đạo, quản trị."""
    return _pdf(printing.print_follow_up(api_user(), **args))


@blp.route("/incoming/<int:document_id>/phieu.pdf")
@blp.doc(**PDF_RESPONSE)
def slip_pdf(document_id):
    """In phiếu giải quyết văn bản đến (Phụ lục IV mục VII) của một văn bản (việc xem được ghi nhật ký)."""
    return _pdf(printing.print_handling_slip(api_user(), document_id))


def _pdf(printed):
    return send_file(io.BytesIO(printed.data), mimetype="application/pdf", download_name=printed.filename)


@blp.route("/incoming/edxml", methods=["POST"])
@blp.doc(requestBody=EDXML_BODY)
@blp.response(201, ImportedIncomingSchema)
@blp.alt_response(200, schema=ImportedIncomingSchema, description="Văn bản đã được tiếp nhận trước đó (duplicate)")
@blp.alt_response(202, description="Gói tin thu hồi hoặc thông điệp trạng thái: đã ghi nhận vào văn bản nó nói tới")
@blp.alt_response(403, schema=ErrorSchema, description="Chỉ văn thư của cơ quan được tiếp nhận")
@blp.alt_response(404, schema=ErrorSchema, description="Không có văn bản mà gói tin thu hồi/trạng thái nói tới")
@blp.alt_response(422, schema=ErrorSchema, description="Gói tin không đọc được, không hợp lệ hoặc sai chữ ký số")
def receive_edxml():
    """Nhập tệp edXML (QCVN 102:2016): multipart với `package` (tệp .edxml).

    Gói tin văn bản (BussinessDocType 0, 2, 3) thành văn bản đến điện tử (201); DocumentId là mã thông điệp, nhập lại
    không tạo bản trùng. Gói tin thu hồi (BussinessDocType 1) và thông điệp trạng thái (01–06, 13, 15, 16) được ghi
    vào văn bản chúng nói tới (202 `{result, reference, status, message}`). Gói tin có DocumentId đã tiếp nhận: 200
    với `duplicate: true`, không nhập lại. `package_signed`/`package_signer`: gói tin có chữ ký số của hệ thống gửi
    hay không (gói tin không ký cần được kiểm tra nguồn).
    """
    package = request.files.get("package")
    imported = files.import_file(package.read() if package else b"", actor=api_user())
    if imported.document is None:
        response = jsonify(
            result=imported.kind,
            reference=imported.key,
            status=imported.code,
            message=imported.message,
            package_signed=imported.signed,
            package_signer=imported.signer,
        )
        response.status_code = 202
        return response
    detail = _detail(imported.document)
    detail.package_signed, detail.package_signer = imported.signed, imported.signer
    detail.duplicate = imported.duplicate
    return detail, 200 if imported.duplicate else 201
