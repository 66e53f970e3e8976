"""Pages of văn bản đi: the list, drafting, the document page and its actions, the printed register.

Thin views: parse the form, call one service inside one unit of work, flash the outcome. A refusal of the
service (403/409/422) comes back to the page with the typed values and the field messages; 404 is a page of its
own (tenancy: another agency's document does not exist for this user).
"""

import io
from datetime import date

from flask import Blueprint, current_app, flash, redirect, render_template, request, send_file, url_for
from flask_login import current_user, login_required

from app.core import inputs
from app.core.db import db
from app.core.errors import DomainError
from app.core.inputs import bounded_int
from app.core.transaction import unit_of_work
from app.documents.models import URGENCY_LABELS, Register, RegisterKind
from app.documents.queries import list_document_types, list_registers
from app.documents.uploads import Upload
from app.org.queries import list_units
from app.outgoing import permissions, printing, queries, replies_due, services, tracking
from app.outgoing.forms import MULTI_FIELDS, metadata_from_form, values_from_document
from app.outgoing.metadata import external_warnings
from app.outgoing.models import (
    AUTHORITY_LABELS,
    RELATION_LABELS,
    REVIEW_LABELS,
    STAGE_LABELS,
    STATUS_BADGES,
    STATUS_LABELS,
    OutgoingDocument,
    OutgoingStatus,
    VersionStage,
)
from app.outgoing.recall import recall_outgoing
from app.signing.errors import NotAPdf
from app.web.helpers import role_required
from app.workflow import queries as wf_queries
from app.workflow.assignment import acting_for
from app.workflow.models import TASK_STATE_LABELS, HumanTask

bp = Blueprint("outgoing", __name__, url_prefix="/outgoing", template_folder="templates")
OBJECT_TYPE = services.OBJECT_TYPE  # the workflow instances' object_type (processes/outgoing.bpmn)


def _me():
    return current_user._get_current_object()


def _date(name: str) -> date | None:
    try:
        return date.fromisoformat(request.args.get(name, ""))
    except ValueError:
        return None


# --- presentation helpers ------------------------------------------------------------------------------

# What a recipient sent back (edXML status codes, legal.md §4.5), as the sender reads it.
RECIPIENT_STATUS_LABELS = {
    "01": "Đã đến",
    "02": "Từ chối tiếp nhận",
    "03": "Đã tiếp nhận",
    "04": "Đã phân công",
    "05": "Đang xử lý",
    "06": "Hoàn thành",
    "13": "Đã yêu cầu thu hồi",
    "15": "Đồng ý thu hồi",
    "16": "Từ chối thu hồi",
}


def signature_report(data: bytes, agency_id: int | None = None) -> dict | None:
    """verify_pdf of a version, as the template shows it: each signature, valid/trusted, what followed it."""
    from app.signing.verify import verify_pdf, verify_pdf_report_dict  # pyHanko: imported on first use, not at start

    try:
        return verify_pdf_report_dict(verify_pdf(data, agency_id=agency_id))
    except NotAPdf:
        return None


def actions_for(user, doc: OutgoingDocument, tasks: list[HumanTask]) -> dict:
    """Which buttons the page offers: the predicates the services ask too (app.outgoing.permissions)."""
    editable = permissions.can_edit(user, doc)
    return {
        "edit": editable,
        "upload_version": permissions.can_upload_version(user, doc),
        "revise": not editable and permissions.reviewer_step(user, doc) is not None,  # Phụ lục VI III.1.n
        "attachments": editable,
        "submit": editable,
        "comment": permissions.can_comment(doc),
        "cancel": permissions.can_cancel(user, doc),
        "recall": permissions.can_recall(user, doc),
        "resend": doc.status == OutgoingStatus.ISSUED and permissions.may_resend(user),
        "package": doc.status == OutgoingStatus.ISSUED,
        "related": permissions.can_start_related(user, doc),
        "open_tasks": [t for t in tasks if t.is_open and acting_for(user, t) is not None],
    }


# --- list ----------------------------------------------------------------------------------------------


@bp.get("")
@login_required
def documents():
    wide = queries.sees_whole_agency(current_user)
    tab = request.args.get("tab") or ("all" if wide else "mine")
    flt = queries.OutgoingFilter(
        q=request.args.get("q") or None,
        status=request.args.get("status") or None,
        year=request.args.get("year", type=inputs.year),
        symbol=request.args.get("symbol") or None,
        mine=tab == "mine",
        for_my_unit=tab == "for_unit",
        to_sign=request.args.get("to_sign") == "1",
        unacknowledged=request.args.get("unacknowledged") == "1",
    )
    rows = queries.search(current_user, flt, before_id=request.args.get("before", type=bounded_int))
    older = None
    if len(rows) == queries.PAGE:
        older = url_for("outgoing.documents", **{**request.args.to_dict(), "before": rows[-1].id})
    return render_template(
        "outgoing/list.html",
        documents=rows,
        tab=tab,
        wide=wide,
        for_unit_count=queries.count_sent_to_unit(current_user) if current_user.unit_id else 0,
        older=older,
        status_labels=STATUS_LABELS,
        status_badges=STATUS_BADGES,
        urgency_labels=URGENCY_LABELS,
        years=queries.years(current_user.agency_id),
    )


# --- drafting ------------------------------------------------------------------------------------------


def _form_context(values: dict, errors: dict, doc: OutgoingDocument | None = None) -> dict:
    agency_id = current_user.agency_id
    reply_to_id = values.get("reply_to_id")
    return {
        "values": values,
        "errors": errors,
        "doc": doc,
        "types": list_document_types(agency_id),
        "units": list_units(agency_id, active_only=True),
        "signers": queries.signers(agency_id),
        "agencies": queries.deployment_agencies(exclude_id=agency_id),
        "incoming": queries.recent_incoming(
            current_user,
            include_id=int(reply_to_id) if str(reply_to_id or "").isdigit() else None,
            kept_id=doc.reply_to_id if doc is not None else None,
        ),
        "urgency_labels": URGENCY_LABELS,
        "authority_labels": AUTHORITY_LABELS,
        # The agency directory's picker (app.exchange); named by endpoint, absent when the module is left out.
        "directory_suggest_url": url_for("exchange.directory.suggest")
        if "exchange.directory.suggest" in current_app.view_functions
        else None,
    }


def _uploads(name: str) -> list[Upload]:
    return [Upload(f.filename, f.read()) for f in request.files.getlist(name) if f and f.filename]


def _refusal(exc: DomainError) -> dict:
    """Field messages of a refusal the form can show; anything else (404, 500 …) is re-raised by the caller."""
    flash(exc.message, "danger")
    return exc.details if isinstance(exc.details, dict) else {}


@bp.route("/new", methods=["GET", "POST"])
@login_required
def new():
    """Soạn văn bản đi: metadata, the draft file (PDF or DOCX) and attachments; one transaction."""
    errors: dict = {}
    if request.method == "POST":
        values = {k: (request.form.getlist(k) if k in MULTI_FIELDS else v) for k, v in request.form.items()}
        for key in MULTI_FIELDS:
            values.setdefault(key, [])
        main = _uploads("file")
        try:
            with unit_of_work():
                document = services.create_draft(
                    _me(),
                    metadata=metadata_from_form(request.form),
                    upload=main[0] if main else None,
                    attachments=_uploads("attachments"),
                )
        except DomainError as exc:
            if exc.status not in (403, 409, 422):
                raise
            errors = _refusal(exc) or {"_": exc.message}
        else:
            flash("Đã lưu dự thảo văn bản đi.", "success")
            _warn_unreachable(document)
            return redirect(url_for("outgoing.document", document_id=document.id))
    else:
        values = {
            "urgency": "thuong",
            "drafting_unit_id": str(current_user.unit_id or ""),
            "reply_to_id": request.args.get("reply_to", ""),
            "place": queries.default_place(current_user.agency_id) or "",
        }
        for key in MULTI_FIELDS:
            values.setdefault(key, [])
    return render_template("outgoing/form.html", **_form_context(values, errors)), 422 if errors else 200


@bp.route("/<int:document_id>/edit", methods=["GET", "POST"])
@login_required
def edit(document_id: int):
    """Sửa dự thảo: the metadata only; files are new versions and attachments (their own forms)."""
    doc = services.get_document(current_user, document_id)
    errors: dict = {}
    if request.method == "POST":
        values = {k: (request.form.getlist(k) if k in MULTI_FIELDS else v) for k, v in request.form.items()}
        for key in MULTI_FIELDS:
            values.setdefault(key, [])
        try:
            with unit_of_work():
                updated = services.update_draft(_me(), document_id, metadata=metadata_from_form(request.form))
        except DomainError as exc:
            if exc.status not in (403, 409, 422):
                raise
            errors = _refusal(exc) or {"_": exc.message}
        else:
            flash("Đã cập nhật dự thảo.", "success")
            _warn_unreachable(updated)
            return redirect(url_for("outgoing.document", document_id=document_id))
    else:
        values = values_from_document(doc)
    context = _form_context(values, errors, doc)
    return render_template("outgoing/form.html", **context), 422 if errors else 200


def _warn_unreachable(document) -> None:
    for warning in external_warnings(document):
        flash(warning, "warning")


# --- the document page ---------------------------------------------------------------------------------


@bp.get("/<int:document_id>")
@login_required
def document(document_id: int):
    doc = services.view_document(current_user, document_id)
    main = doc.main_version
    blobs = current_app.extensions["qlvb.blobs"]
    report = (
        signature_report(blobs.read(main.sha256), doc.agency_id) if main and main.stage != VersionStage.DRAFT else None
    )
    tasks = wf_queries.object_tasks(OBJECT_TYPE, doc.id)
    statuses = tracking.recipient_statuses(current_user, doc.id)
    related = tracking.related_documents(current_user, doc.id)
    consult_ids = set(doc.consult_unit_ids or [])
    return render_template(
        "outgoing/document.html",
        doc=doc,
        main=main,
        report=report,
        tasks=tasks,
        actions=actions_for(current_user, doc, tasks),
        layout=services.draft_layout(doc),
        recipients=statuses,
        register=db.session.get(Register, doc.register_id) if doc.register_id else None,
        consult_units=[u for u in list_units(doc.agency_id) if u.id in consult_ids],
        original=related["original"],
        successors=related["successors"],
        ending=queries.ending_of(doc),
        status_labels=STATUS_LABELS,
        status_badges=STATUS_BADGES,
        status_label=lambda code, fallback="": RECIPIENT_STATUS_LABELS.get(code, fallback or code or ""),
        urgency_labels=URGENCY_LABELS,
        relation_labels=RELATION_LABELS,
        stage_labels=STAGE_LABELS,
        review_labels=REVIEW_LABELS,
        task_labels=TASK_STATE_LABELS,
    )


@bp.get("/<int:document_id>/versions/<int:version_id>")
@login_required
def version_file(document_id: int, version_id: int):
    version, data = services.version_file(current_user, document_id, version_id)
    inline = request.args.get("download") != "1"  # a PDF opens in the browser; "Tải về" downloads
    return send_file(
        io.BytesIO(data), mimetype="application/pdf", as_attachment=not inline, download_name=version.download_name
    )


@bp.get("/<int:document_id>/attachments/<int:attachment_id>")
@login_required
def attachment_file(document_id: int, attachment_id: int):
    signed = request.args.get("signed", "1") != "0"
    attachment, data = services.attachment_file(current_user, document_id, attachment_id, signed=signed)
    return send_file(
        io.BytesIO(data), mimetype=attachment.content_type, as_attachment=True, download_name=attachment.filename
    )


def _act(document_id: int, action, done, *, anchor: str = "", refused_anchor: str | None = None):
    """Run one action of the document page as one unit of work; refusals come back as a message on the page (at
    `refused_anchor` when the action's form sits in a folded panel, which the page then opens). `done` is the
    message on success, or a function of the action's result that words it."""
    try:
        with unit_of_work():
            result = action(_me())
    except DomainError as exc:
        if exc.status not in (403, 409, 422):
            raise  # 404 is a page of its own
        message = exc.message
        details = exc.details if isinstance(exc.details, dict) else {}
        extra = [str(v) for v in details.values() if isinstance(v, str) and v not in message]  # never said twice
        flash(" ".join([message, *extra]), "danger")
        return redirect(url_for("outgoing.document", document_id=document_id) + (refused_anchor or anchor))
    flash(done(result) if callable(done) else done, "success")
    if isinstance(result, OutgoingDocument) and result.id != document_id:
        return redirect(url_for("outgoing.edit", document_id=result.id))
    return redirect(url_for("outgoing.document", document_id=document_id) + anchor)


@bp.post("/<int:document_id>/versions")
@login_required
def upload_version(document_id: int):
    """Tải lên phiên bản mới: every upload is a new numbered version (lần 1, 2, 3 …)."""
    files = _uploads("file")
    note = (request.form.get("note") or "").strip() or None
    if not files:
        flash("Chọn tệp dự thảo (PDF hoặc DOCX) để tải lên.", "danger")
        return redirect(url_for("outgoing.document", document_id=document_id) + "#versions")
    return _act(
        document_id,
        lambda me: services.upload_version(me, document_id, files[0], note=note),
        "Đã tải lên phiên bản mới của dự thảo.",
        anchor="#versions",
    )


@bp.post("/<int:document_id>/attachments")
@login_required
def add_attachment(document_id: int):
    files = _uploads("file")
    if not files:
        flash("Chọn tệp kèm theo để tải lên.", "danger")
        return redirect(url_for("outgoing.document", document_id=document_id) + "#attachments")

    def add_all(me):
        for upload in files:
            services.add_attachment(me, document_id, upload)

    return _act(document_id, add_all, "Đã thêm tệp kèm theo.", anchor="#attachments")


@bp.post("/<int:document_id>/attachments/<int:attachment_id>/remove")
@login_required
def remove_attachment(document_id: int, attachment_id: int):
    return _act(
        document_id,
        lambda me: services.remove_attachment(me, document_id, attachment_id),
        "Đã xóa tệp kèm theo.",
        anchor="#attachments",
    )


@bp.post("/<int:document_id>/submit")
@login_required
def submit(document_id: int):
    """Trình: starts processes/outgoing.bpmn (lấy ý kiến, duyệt nội dung, kiểm tra thể thức, ký duyệt …)."""
    return _act(document_id, lambda me: services.submit(me, document_id), "Đã trình dự thảo.")


@bp.post("/<int:document_id>/comment")
@login_required
def comment(document_id: int):
    text = request.form.get("comment", "")
    return _act(document_id, lambda me: services.add_comment(me, document_id, text), "Đã ghi góp ý.", anchor="#reviews")


@bp.post("/<int:document_id>/cancel")
@login_required
def cancel(document_id: int):
    reason = request.form.get("reason", "")

    def done(document: OutgoingDocument) -> str:
        return f"Đã {document.cancel_label.lower()}."  # as the button said it: a signed one is no draft

    return _act(document_id, lambda me: services.cancel(me, document_id, reason), done, refused_anchor="#cancel")


@bp.post("/<int:document_id>/recall")
@login_required
def recall(document_id: int):
    """Thu hồi (NĐ 30/2020 Điều 18.4): each recipient is asked to cancel its copy and answers 15 or 16."""
    reason = request.form.get("reason", "")
    return _act(
        document_id,
        lambda me: recall_outgoing(me, document_id, reason),
        "Đã thu hồi văn bản; nơi nhận đã được thông báo.",
        anchor="#recipients",
        refused_anchor="#recall",
    )


@bp.post("/<int:document_id>/recipients/<int:recipient_id>/resend")
@login_required
def resend(document_id: int, recipient_id: int):
    """Gửi lại a document a recipient refused (02) once it is corrected."""
    return _act(
        document_id,
        lambda me: tracking.resend(me, document_id, recipient_id),
        "Đã gửi lại văn bản.",
        anchor="#recipients",
    )


@bp.get("/<int:document_id>/recipients/<int:recipient_id>/package")
@login_required
def external_package(document_id: int, recipient_id: int):
    """Gói tin edXML for a recipient outside the deployment, to send by another channel."""
    filename, data = tracking.external_package(current_user, document_id, recipient_id)
    return send_file(io.BytesIO(data), mimetype="application/xml", as_attachment=True, download_name=filename)


@bp.post("/<int:document_id>/related")
@login_required
def start_related(document_id: int):
    """Tạo văn bản cập nhật / thay thế / đính chính: a new draft linked to this document (NĐ 30/2020 Điều 18.3)."""
    relation = request.form.get("relation", "")
    label = RELATION_LABELS.get(relation, "liên quan").lower()
    return _act(
        document_id,
        lambda me: tracking.start_related(me, document_id, relation),
        f"Đã tạo dự thảo văn bản {label}; hoàn thiện thông tin và tải lên tệp dự thảo.",
    )


# --- the printed register ------------------------------------------------------------------------------


def _register_args() -> dict:
    return {
        "register_id": request.args.get("register_id", type=bounded_int),
        "year": request.args.get("year", type=inputs.year),
        "date_from": _date("date_from"),
        "date_to": _date("date_to"),
    }


@bp.get("/register")
@role_required(*printing.BOOK_ROLES)
def register():
    """Sổ đăng ký văn bản đi: choose the register and the dates, preview the rows, print the PDF."""
    register, meta, entries = printing.register_book(current_user, **_register_args())
    return render_template(
        "outgoing/register.html",
        register=register,
        meta=meta,
        rows=[(doc, printing.register_row(doc)) for doc in entries],
        headings=printing.HEADINGS,
        registers=list_registers(current_user.agency_id, kind=RegisterKind.OUTGOING),
        years=sorted({meta.year, *queries.years(current_user.agency_id)}, reverse=True),
    )


@bp.get("/register.pdf")
@role_required(*printing.BOOK_ROLES)
def register_pdf():
    printed = printing.print_register(current_user, **_register_args())
    return send_file(io.BytesIO(printed.data), mimetype="application/pdf", download_name=printed.filename)


@bp.get("/replies-due")
@login_required
def replies_due_page():
    """Theo dõi văn bản trả lời (seed 001 QĐ 278 Điều 7.2–4): which recipients owe a reply, and who is late."""
    state = request.args.get("state") if request.args.get("state") in set(replies_due.ReplyState) else None
    rows = replies_due.replies_due(current_user, state)
    return render_template("outgoing/replies_due.html", rows=rows, state=state, labels=replies_due.STATE_LABELS)
