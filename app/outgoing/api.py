"""REST endpoints of văn bản đi: drafts (JSON or multipart), versions, attachments, submit, detail, tracking, recall.

Every refusal is `{code, message, details}` with a stable `code` taken from the domain errors; each endpoint lists
the codes it may answer in the OpenAPI document (`ERROR_CODES` below).
"""

import io
import json
from collections import defaultdict

from flask import request, send_file
from marshmallow import ValidationError as SchemaError

from app.api import api_blueprint
from app.api.auth import api_user
from app.api.schemas import ErrorSchema, id_cursor, keyset_page
from app.core.errors import ValidationError
from app.documents.uploads import Upload
from app.outgoing import permissions, printing, queries, replies_due, services, tracking
from app.outgoing.recall import recall_outgoing
from app.outgoing.schemas import (
    AttachmentSchema,
    CommentArgs,
    OutgoingDetailSchema,
    OutgoingListArgs,
    OutgoingMetadataArgs,
    OutgoingPageSchema,
    ReasonArgs,
    RecipientStatusSchema,
    RegisterPrintArgs,
    RelatedArgs,
    RepliesDueArgs,
    RepliesDueSchema,
    ReviewSchema,
    VersionSchema,
)
from app.workflow import queries as wf_queries

blp = api_blueprint(
    "outgoing_api",
    __name__,
    tag="Văn bản đi",
    description=(
        "Văn bản đi (NĐ 30/2020 Điều 10–19): soạn dự thảo, các phiên bản và tệp kèm theo, trình, góp ý, "
        "trạng thái của nơi nhận, thu hồi, in sổ đăng ký văn bản đi"
    ),
)
OBJECT_TYPE = "outgoing"

# code → (HTTP status, what it means): the refusals of the outgoing services and what they call.
ERROR_CODES = {
    "validation_error": (422, "dữ liệu không hợp lệ; `details` nêu lỗi từng trường"),
    "secret_document_refused": (422, "văn bản mật: hệ thống không xử lý"),
    "invalid_secrecy": (422, "độ mật không hợp lệ"),
    "outgoing_incomplete": (422, "dự thảo chưa đủ thông tin để trình (tệp, người ký …)"),
    "draft_layout": (422, "dự thảo thiếu dòng “Số:”, dòng ngày tháng hoặc khối chữ ký của người ký đề xuất"),
    "comment_required": (422, "thiếu nội dung góp ý (hoặc nội dung đã chỉnh sửa của người duyệt)"),
    "invalid_relation": (422, "quan hệ không hợp lệ (update, replace, correct)"),
    "related_form_mismatch": (422, "văn bản đính chính phải là Công văn; văn bản sửa đổi, thay thế cùng hình thức"),
    "reason_required": (422, "thiếu lý do"),
    "pdf_required": (422, "cần tệp PDF (máy chủ không chuyển được DOCX)"),
    "conversion_failed": (422, "không chuyển được DOCX sang PDF"),
    "invalid_draft_file": (422, "tệp dự thảo không phải PDF hoặc DOCX"),
    "invalid_files": (422, "tệp kèm theo không thuộc định dạng được chấp nhận"),
    "empty_file": (422, "tệp rỗng"),
    "file_too_large": (422, "tệp vượt quá dung lượng cho phép"),
    "not_a_pdf": (422, "tệp không phải PDF đọc được"),
    "unsafe_pdf": (422, "PDF chứa JavaScript, lệnh khởi chạy hoặc tệp thực thi nhúng"),
    "permission_denied": (403, "không có quyền thực hiện thao tác"),
    "not_drafter": (403, "chỉ người soạn thảo được sửa, trình dự thảo"),
    "cannot_recall": (403, "chỉ văn thư, lãnh đạo cơ quan được thu hồi văn bản"),
    "outgoing_not_found": (404, "không tìm thấy văn bản đi (hoặc văn bản thuộc cơ quan khác)"),
    "version_not_found": (404, "không tìm thấy phiên bản"),
    "register_not_found": (404, "không tìm thấy sổ đăng ký văn bản đi"),
    "outgoing_not_editable": (409, "chỉ sửa được dự thảo chưa trình hoặc bị trả lại"),
    "outgoing_recalled": (409, "văn bản đã thu hồi: văn bản và dữ liệu đặc tả bị đóng băng (NĐ 30 Phụ lục VI III.8.a)"),
    "outgoing_already_submitted": (409, "văn bản đã được trình"),
    "outgoing_not_issued": (409, "văn bản chưa phát hành hoặc đã thu hồi"),
    "outgoing_already_recalled": (409, "văn bản đã được thu hồi"),
    "outgoing_cancelled": (409, "văn bản đã hủy"),
    "outgoing_busy": (409, "văn bản đang được người khác xử lý, thử lại"),
    "outgoing_not_at_your_step": (409, "dự thảo không ở bước duyệt nội dung / kiểm tra thể thức của người dùng"),
    "authentication_required": (401, "thiếu mã truy cập (`missing_token`), sai (`invalid_token`) hoặc hết hạn"),
}


def errors(*codes: str):
    """Document the refusals an endpoint may answer, grouped by HTTP status, in its OpenAPI responses."""
    by_status = defaultdict(list)
    for code in (*codes, "authentication_required"):
        status, meaning = ERROR_CODES[code]
        by_status[status].append(f"`{code}`: {meaning}")

    def decorator(func):
        for status, lines in sorted(by_status.items()):
            func = blp.alt_response(status, schema=ErrorSchema, description="Mã lỗi — " + "; ".join(lines))(func)
        return func

    return decorator


FILE_CODES = ("pdf_required", "conversion_failed", "invalid_draft_file", "empty_file", "file_too_large")
PDF_CODES = ("not_a_pdf", "unsafe_pdf")
DRAFT_CODES = ("validation_error", "secret_document_refused", "invalid_secrecy", "permission_denied")
EDIT_CODES = ("not_drafter", "outgoing_not_found", "outgoing_not_editable", "outgoing_recalled", "outgoing_busy")


def _metadata(raw) -> dict:
    """Type-check the metadata (unknown keys dropped); the service checks the rules and the references."""
    if not isinstance(raw, dict):
        raise ValidationError("metadata phải là một đối tượng JSON.", details={"metadata": "Sai kiểu."})
    try:
        return OutgoingMetadataArgs().load(raw)
    except SchemaError as exc:
        raise ValidationError("Thông tin văn bản đi chưa hợp lệ.", details=exc.messages) from exc


def _json_form_field(name: str):
    try:
        return json.loads(request.form.get(name) or "{}")
    except json.JSONDecodeError as exc:
        raise ValidationError(f"{name} phải là JSON.", details={name: str(exc)}) from exc


def _uploads(name: str) -> list[Upload]:
    return [Upload(f.filename, f.read()) for f in request.files.getlist(name) if f and f.filename]


MULTIPART_DRAFT = {
    "schema": {
        "type": "object",
        "properties": {
            "metadata": {"type": "string", "description": "Thông tin văn bản (JSON, như application/json)"},
            "file": {"type": "string", "format": "binary", "description": "Tệp dự thảo PDF hoặc DOCX"},
            "attachments": {"type": "array", "items": {"type": "string", "format": "binary"}},
        },
    }
}
MULTIPART_FILE = {
    "schema": {
        "type": "object",
        "required": ["file"],
        "properties": {
            "file": {"type": "string", "format": "binary"},
            "note": {"type": "string", "description": "Ghi chú phiên bản"},
        },
    }
}


@blp.route("/outgoing", methods=["GET"])
@blp.arguments(OutgoingListArgs, location="query")
@blp.response(200, OutgoingPageSchema)
@errors()
def search(args):
    """Tìm văn bản đi mà người dùng được xem (trích yếu không phân biệt dấu), mới nhất trước.

    `limit` văn bản mỗi trang (mặc định 50); `next_cursor` của trang → `after` để xem trang sau.
    """
    before, limit = id_cursor(args.pop("after")), args.pop("limit")
    rows = queries.search(api_user(), queries.OutgoingFilter(**args), before_id=before, limit=limit + 1)
    return keyset_page(rows, limit)


@blp.route("/outgoing/replies-due", methods=["GET"])
@blp.arguments(RepliesDueArgs, location="query")
@blp.response(200, RepliesDueSchema)
@errors()
def list_replies_due(args):
    """Theo dõi văn bản trả lời (QĐ 278 Điều 7.2–4): nơi nhận của văn bản đi có yêu cầu trả lời, hạn gần trước.

    Mỗi dòng là một nơi nhận: `state` due (chờ trả lời), overdue (quá hạn), answered (đã có văn bản trả lời
    đã phát hành); lọc bằng `state`. Tối đa 200 dòng.
    """
    return {"items": replies_due.replies_due(api_user(), args["state"])}


@blp.route("/outgoing", methods=["POST"])
@blp.doc(
    requestBody={
        "content": {
            "application/json": {"schema": OutgoingMetadataArgs},
            "multipart/form-data": MULTIPART_DRAFT,
        }
    }
)
@blp.response(201, OutgoingDetailSchema)
@errors(*DRAFT_CODES, *FILE_CODES, *PDF_CODES, "invalid_files")
def create():
    """Tạo dự thảo văn bản đi: JSON (chỉ thông tin) hoặc multipart với `metadata` (JSON), `file`, `attachments`."""
    if request.mimetype == "multipart/form-data":
        metadata = _metadata(_json_form_field("metadata"))
        main = _uploads("file")
        document = services.create_draft(
            api_user(), metadata=metadata, upload=main[0] if main else None, attachments=_uploads("attachments")
        )
    else:
        document = services.create_draft(api_user(), metadata=_metadata(request.get_json(silent=True)))
    return _detail(document)


@blp.route("/outgoing/<int:document_id>", methods=["GET"])
@blp.response(200, OutgoingDetailSchema)
@errors("outgoing_not_found")
def detail(document_id):
    """Văn bản đi với các phiên bản, tệp kèm theo, ý kiến/duyệt/ký, nơi nhận và trạng thái, các bước quy trình."""
    return _detail(services.view_document(api_user(), document_id))


@blp.route("/outgoing/<int:document_id>", methods=["PATCH"])
@blp.arguments(OutgoingMetadataArgs)
@blp.response(200, OutgoingDetailSchema)
@errors(*DRAFT_CODES, *EDIT_CODES)
def update(args, document_id):
    """Sửa thông tin dự thảo (chỉ các trường gửi lên); chỉ khi văn bản còn là dự thảo hoặc bị trả lại."""
    return _detail(services.update_draft(api_user(), document_id, metadata=args))


@blp.route("/outgoing/<int:document_id>/versions", methods=["POST"])
@blp.doc(requestBody={"content": {"multipart/form-data": MULTIPART_FILE}})
@blp.response(201, VersionSchema)
@errors(
    "validation_error",
    *EDIT_CODES,
    *FILE_CODES,
    *PDF_CODES,
    "comment_required",
    "draft_layout",
    "outgoing_not_at_your_step",
)
def upload_version(document_id):
    """Tải lên phiên bản mới của dự thảo (multipart `file`, PDF hoặc DOCX): lần 1, 2, 3 …

    Người soạn thảo tải lên khi dự thảo chưa trình hoặc bị trả lại (`note` tùy chọn). Lãnh đạo đơn vị ở bước duyệt
    nội dung và văn thư ở bước kiểm tra thể thức tải lên bản chỉnh sửa của mình (NĐ 30 Phụ lục VI III.1.n), với
    `note` bắt buộc nêu nội dung đã chỉnh sửa; sau đó hoàn thành bước duyệt như thường lệ.
    """
    files = _uploads("file")
    if not files:
        raise ValidationError("Thiếu tệp dự thảo.", details={"file": "Chọn tệp PDF hoặc DOCX."})
    return services.upload_version(api_user(), document_id, files[0], note=request.form.get("note") or None)


@blp.route("/outgoing/<int:document_id>/attachments", methods=["POST"])
@blp.doc(requestBody={"content": {"multipart/form-data": MULTIPART_FILE}})
@blp.response(201, AttachmentSchema)
@errors("validation_error", *EDIT_CODES, "invalid_files", "empty_file", "file_too_large", *PDF_CODES)
def add_attachment(document_id):
    """Thêm một văn bản kèm theo (multipart `file`); tệp PDF được ký số của cơ quan khi phát hành."""
    files = _uploads("file")
    if not files:
        raise ValidationError("Thiếu tệp kèm theo.", details={"file": "Chọn tệp."})
    return services.add_attachment(api_user(), document_id, files[0])


@blp.route("/outgoing/<int:document_id>/submit", methods=["POST"])
@blp.response(200, OutgoingDetailSchema)
@errors(
    "outgoing_incomplete",
    "draft_layout",
    "validation_error",
    "not_drafter",
    "outgoing_not_found",
    "outgoing_already_submitted",
    "outgoing_recalled",
)
def submit(document_id):
    """Trình dự thảo: bắt đầu quy trình văn bản đi.

    Lấy ý kiến (nếu có), duyệt nội dung, kiểm tra thể thức, ký duyệt, cấp số và phát hành.
    """
    return _detail(services.submit(api_user(), document_id))


@blp.route("/outgoing/<int:document_id>/comments", methods=["POST"])
@blp.arguments(CommentArgs)
@blp.response(201, ReviewSchema)
@errors("comment_required", "outgoing_not_found", "outgoing_cancelled", "outgoing_recalled")
def comment(args, document_id):
    """Góp ý vào dự thảo."""
    return services.add_comment(api_user(), document_id, args["comment"])


@blp.route("/outgoing/<int:document_id>/recipients", methods=["GET"])
@blp.response(200, RecipientStatusSchema(many=True))
@errors("outgoing_not_found")
def recipients(document_id):
    """Trạng thái từng nơi nhận: 01 đã đến, 02 từ chối (lý do), 03 đã tiếp nhận, 04 phân công, 05 đang xử lý,
    06 hoàn thành, 13/15/16 thu hồi — với thời điểm và lịch sử."""
    return tracking.recipient_statuses(api_user(), document_id)


@blp.route("/outgoing/<int:document_id>/recall", methods=["POST"])
@blp.arguments(ReasonArgs)
@blp.response(200, OutgoingDetailSchema)
@errors(
    "reason_required",
    "cannot_recall",
    "outgoing_not_found",
    "outgoing_not_issued",
    "outgoing_already_recalled",
    "outgoing_busy",
)
def recall(args, document_id):
    """Thu hồi văn bản đã phát hành (NĐ 30/2020 Điều 18.4): nơi nhận được đề nghị hủy và trả lời 15 hoặc 16."""
    return _detail(recall_outgoing(api_user(), document_id, args["reason"]))


@blp.route("/outgoing/<int:document_id>/related", methods=["POST"])
@blp.arguments(RelatedArgs)
@blp.response(201, OutgoingDetailSchema)
@errors("invalid_relation", "permission_denied", "outgoing_not_found", "outgoing_not_issued")
def start_related(args, document_id):
    """Soạn văn bản sửa đổi, thay thế hoặc đính chính văn bản đã phát hành (NĐ 30/2020 Điều 18.3).

    Tạo dự thảo mới liên kết với văn bản `document_id` (đã phát hành, chưa thu hồi, của cơ quan): sửa đổi, thay thế
    giữ hình thức của văn bản trước; đính chính là Công văn. Dự thảo cần tệp riêng (`POST …/versions`) rồi trình
    như mọi dự thảo; khi phát hành, nơi nhận trong hệ thống nhận văn bản đến liên kết với bản đã nhận trước
    (gói tin edXML: BussinessDocType 2 cập nhật, 3 thay thế, với mã định danh của văn bản trước).
    """
    return _detail(tracking.start_related(api_user(), document_id, args["relation"]))


@blp.route("/outgoing/<int:document_id>/versions/<int:version_id>", methods=["GET"])
@blp.doc(responses={"200": {"description": "Tệp PDF", "content": {"application/pdf": {}}}})
@errors("outgoing_not_found", "version_not_found")
def version_file(document_id, version_id):
    """Tải một phiên bản (PDF) của văn bản; việc xem được ghi nhật ký."""
    version, data = services.version_file(api_user(), document_id, version_id)
    return send_file(
        io.BytesIO(data), mimetype="application/pdf", as_attachment=True, download_name=version.download_name
    )


@blp.route("/outgoing/register.pdf", methods=["GET"])
@blp.arguments(RegisterPrintArgs, location="query")
@blp.doc(responses={"200": {"description": "Tệp PDF", "content": {"application/pdf": {}}}})
@errors("permission_denied", "register_not_found")
def register_pdf(args):
    """In sổ đăng ký văn bản đi (NĐ 30/2020 Phụ lục IV mục I) của một sổ, theo năm và khoảng ngày văn bản."""
    printed = printing.print_register(api_user(), **args)
    return send_file(io.BytesIO(printed.data), mimetype="application/pdf", download_name=printed.filename)


def _detail(document):
    tasks = wf_queries.object_tasks(OBJECT_TYPE, document.id)
    rows = [
        {
            "id": t.id,
            "task_name": t.task_name,
            "title": t.title,
            "state": t.state,
            "due_at": t.due_at.isoformat() if t.due_at else None,
            "assignee_id": t.assignee_id,
            "completed_by_id": t.completed_by_id,
            "outcome": t.outcome,
        }
        for t in tasks
    ]
    detail = _Detail(document, rows, services.draft_layout(document))
    related = tracking.related_documents(api_user(), document.id)  # NĐ 30/2020 Điều 18.3
    detail.related_document = related["original"]
    detail.related_by = related["successors"]
    return detail


class _Detail:
    """The document with the procedure's steps, the draft's layout and the relations OutgoingDetailSchema adds."""

    def __init__(self, document, tasks, layout) -> None:
        self._document, self.tasks, self.layout = document, tasks, layout
        self.is_frozen = permissions.is_frozen(document)  # NĐ 30 Phụ lục VI III.8.a

    def __getattr__(self, name):
        return getattr(self._document, name)
