"""Pages: the incoming list and search, paper/electronic intake by the clerk, the document page, files."""

import functools
import io
from datetime import date

from flask import Blueprint, flash, redirect, render_template, request, send_file, url_for
from flask_login import current_user, login_required

from app.core import clock, inputs
from app.core.db import db
from app.core.errors import DomainError, ValidationError
from app.core.inputs import bounded_int
from app.core.periods import range_problem
from app.core.transaction import unit_of_work
from app.documents.models import URGENCY_LABELS
from app.documents.replies import replies_to
from app.documents.uploads import Upload
from app.exchange import files
from app.exchange.directory import peer_route
from app.exchange.models import STATUS_LABELS as EXCHANGE_LABELS
from app.exchange.services import statuses_for
from app.incoming import handling, permissions, printing, queries, recall, relations, services
from app.incoming.models import STATUS_BADGES, STATUS_LABELS, Channel, IncomingDocument, IncomingStatus
from app.incoming.steps import reply_date_note
from app.org.models import Role
from app.org.queries import list_units
from app.web.helpers import role_required
from app.workflow import queries as wf_queries
from app.workflow.models import TASK_STATE_LABELS, HumanTask

bp = Blueprint("incoming", __name__, url_prefix="/incoming", template_folder="templates")


def _date(name: str) -> date | None:
    try:
        return date.fromisoformat(request.args.get(name, ""))
    except ValueError:
        return None


def filter_from_args() -> queries.IncomingFilter:
    args = request.args
    return queries.IncomingFilter(
        q=args.get("q") or None,
        number=args.get("number", type=bounded_int),
        symbol=args.get("symbol") or None,
        sender=args.get("sender") or None,
        date_from=_date("date_from"),
        date_to=_date("date_to"),
        status=args.get("status") or None,
        urgency=args.get("urgency") or None,
        lead_unit_id=args.get("lead_unit_id", type=bounded_int),
        overdue=args.get("overdue") == "1",
        year=args.get("year", type=inputs.year),
        channel=args.get("channel") if args.get("channel") in set(Channel) else None,
    )


@bp.get("")
@login_required
def documents():
    found = filter_from_args()
    rows = queries.search(current_user, found, before_id=request.args.get("before", type=bounded_int))
    older = None
    if len(rows) == queries.PAGE:
        older = url_for("incoming.documents", **{**request.args.to_dict(), "before": rows[-1].id})
    return render_template(
        "incoming/list.html",
        documents=rows,
        status_labels=STATUS_LABELS,
        status_badges=STATUS_BADGES,
        urgency_labels=URGENCY_LABELS,
        units=list_units(current_user.agency_id),
        older=older,
        to_decide=handling.extensions_to_decide(current_user),
        date_problem=range_problem(found.date_from, found.date_to),
        is_overdue=functools.partial(queries.is_overdue, today=clock.to_local(clock.now()).date()),
    )


@bp.route("/new", methods=["GET", "POST"])
@role_required(Role.CLERK)
def receive():
    values, errors = {}, {}
    if request.method == "POST":
        values = request.form.to_dict()
        uploads = [
            Upload(f.filename, f.read(), is_main=(i == 0))
            for i, f in enumerate(request.files.getlist("files"))
            if f and f.filename
        ]
        package = request.files.get("package")
        try:
            with unit_of_work():
                if values.get("channel") == "edxml" or (package and package.filename):
                    # An imported edXML file: a document, a revocation or a status (app.exchange.files).
                    data = package.read() if package else b""
                    imported = files.import_file(data, actor=current_user._get_current_object())
                    document = imported.document
                else:
                    imported = None
                    document = services.receive_incoming(
                        current_user._get_current_object(),
                        channel=values.get("channel") or "paper",
                        metadata=values,
                        uploads=uploads,
                    )
        except DomainError as exc:
            if exc.status not in (403, 404, 422):
                raise
            errors = exc.details if isinstance(exc.details, dict) else {}
            flash(exc.message, "danger")
        else:
            if document is None:  # a revocation or a status message: recorded on the document it names
                flash(imported.message, "success")
                return redirect(url_for("incoming.documents"))
            if imported is not None and imported.duplicate:
                # The same sender DocumentId was taken in before: the existing document is shown, not a new one.
                flash(
                    f"Văn bản này đã được tiếp nhận trước đó (số đến {document.arrival_label or 'chưa vào sổ'}); "
                    "gói tin không được nhập lại.",
                    "info",
                )
                return redirect(url_for("incoming.document", document_id=document.id))
            flash("Đã tiếp nhận văn bản đến; văn bản đang chờ kiểm tra và vào sổ.", "success")
            if imported is not None and not imported.signed:
                flash("Gói tin không có chữ ký số của hệ thống gửi: hãy kiểm tra nguồn trước khi xử lý.", "warning")
            typed = (values.get("page_count") or "").strip()
            if typed.isdigit() and document.page_count and int(typed) != document.page_count:
                # Phụ lục VI II.II field 10 is the main file's own count: say so when the clerk counted otherwise.
                flash(
                    f"Số trang lấy theo tệp văn bản: {document.page_count} (đã nhập {typed}). "
                    "Kiểm tra bản quét đã đủ trang chưa.",
                    "warning",
                )
            if note := reply_date_note(document):
                flash(note, "warning")
            if duplicates := queries.find_duplicates(document, current_user):
                # NĐ 30 Phụ lục VI III.1.h: tell the clerk at once, before the document is registered.
                flash("Có thể trùng với văn bản đã nhận: " + "; ".join(d.label for d in duplicates), "warning")
            if document.channel == "electronic" and not all(f.signature_valid for f in document.files if f.is_main):
                # NĐ 30/2020 Điều 21.2.b: the clerk checks the signature and returns an invalid document.
                flash(
                    "Lưu ý: văn bản chính không có chữ ký số hợp lệ. Kiểm tra kết quả xác thực bên dưới; "
                    "văn bản không hợp lệ cần được trả lại nơi gửi.",
                    "warning",
                )
            return redirect(url_for("incoming.document", document_id=document.id))
    from app.documents.queries import list_document_types

    return render_template(
        "incoming/receive.html",
        values=values,
        errors=errors,
        urgency_labels=URGENCY_LABELS,
        types=list_document_types(current_user.agency_id),
    ), 422 if errors else 200


@bp.get("/register.pdf")
@role_required(Role.CLERK, Role.AGENCY_LEADER, Role.ADMIN)
def print_register():
    """Sổ đăng ký văn bản đến for a year (and an optional date range), ready to print and bind."""
    return _pdf(printing.print_register(current_user, **_book_args()))


@bp.get("/follow-up.pdf")
@role_required(Role.CLERK, Role.AGENCY_LEADER, Role.ADMIN)
def print_follow_up():
    """Sổ theo dõi giải quyết văn bản đến (NĐ 30/2020 Phụ lục IV mục VIII) of the same year and dates."""
    return _pdf(printing.print_follow_up(current_user, **_book_args()))


@bp.get("/<int:document_id>/phieu.pdf")
@login_required
def print_slip(document_id: int):
    """Phiếu giải quyết văn bản đến (Phụ lục IV mục VII), filled from the document's procedure."""
    return _pdf(printing.print_handling_slip(current_user, document_id))


def _book_args() -> dict:
    date_from, date_to = _date("date_from"), _date("date_to")
    if problem := range_problem(date_from, date_to):  # a book of no days would print empty under its wrong heading
        raise ValidationError(problem, code="date_range_reversed", details={"date_to": problem})
    return {
        "year": request.args.get("year", type=inputs.year),
        "date_from": date_from,
        "date_to": date_to,
        "register_id": request.args.get("register_id", type=bounded_int),
    }


def _pdf(printed: printing.Printed):
    return send_file(io.BytesIO(printed.data), mimetype="application/pdf", download_name=printed.filename)


@bp.get("/<int:document_id>")
@login_required
def document(document_id: int):
    return _document_page(document_id)


def _document_page(document_id: int, *, kept: dict | None = None, status: int = 200):
    """The document's page; `kept`: {form endpoint: posted values} of a refused handling action, shown again in its
    form (nothing typed is lost), with the refusal above."""
    doc = services.view_document(current_user, document_id)
    if doc.status == IncomingStatus.RECALLED:
        # NĐ 30 Phụ lục VI III.8.b–c: the document is destroyed; its page is the record of the recall.
        return render_template(
            "incoming/recalled.html",
            doc=doc,
            record=recall.record_of(doc),
            statuses=statuses_for(services.OBJECT_TYPE, doc.id),
        ), status
    instance = wf_queries.instance_for(services.OBJECT_TYPE, doc.id)
    tasks = wf_queries.object_tasks(services.OBJECT_TYPE, doc.id)
    return render_template(
        "incoming/document.html",
        doc=doc,
        instance=instance,
        tasks=tasks,
        statuses=statuses_for(services.OBJECT_TYPE, doc.id),
        may_send_status=permissions.can_send_status_by_hand(current_user, doc),
        sender_reached=peer_route(doc.sender_code) is not None,
        status_labels=STATUS_LABELS,
        status_badges=STATUS_BADGES,
        exchange_labels=EXCHANGE_LABELS,
        task_labels=TASK_STATE_LABELS,
        urgency_labels=URGENCY_LABELS,
        duplicates=queries.find_duplicates(doc, current_user),
        replies=_replies(doc),
        related=relations.related_of(current_user, doc),
        relation_labels=relations.RELATION_LABELS,
        successor_labels=relations.SUCCESSOR_LABELS,
        kept=kept or {},
        **_handling_context(doc),
    ), status


@bp.get("/<int:document_id>/statuses/<int:status_id>.edxml")
@login_required
def status_file(document_id: int, status_id: int):
    """A status owed to a sender outside the connector's reach, to send by hand (the page offers it per row)."""
    with unit_of_work():
        filename, data = services.status_file(current_user, document_id, status_id)
    return send_file(io.BytesIO(data), mimetype="application/xml", as_attachment=True, download_name=filename)


def _handling_context(doc: IncomingDocument) -> dict:
    """The handling panel: the history of extensions, returns and progress, and what the viewer may do on it."""
    user = current_user._get_current_object()
    returned = permissions.returned_task(user, doc)
    return {
        "extensions": handling.extensions_of(doc),
        "handling_notes": handling.notes_of(doc),
        "my_handling_task": permissions.handling_task(user, doc) if doc.status in handling.OPEN else None,
        "returned_task": returned,
        "reassign_choices": handling.reassign_choices(user, doc) if returned else [],
        "can_decide_extension": lambda ext: permissions.can_decide_extension(user, doc, ext.assignment),
        "today": clock.to_local(clock.now()).date(),
    }


def _replies(doc: IncomingDocument) -> list:
    # Asked through a signal: outgoing documents build on incoming ones, not the other way round.
    return replies_to([doc.id], current_user).get(doc.id, [])


@bp.get("/<int:document_id>/files/<int:file_id>")
@login_required
def file(document_id: int, file_id: int):
    doc = services.view_document(current_user, document_id)
    if request.args.get("original") == "1":
        # The file as received, active content and all (kept for the record): only ever downloaded, never opened here.
        item, data = services.file_content(doc, file_id, original=True)
        return send_file(
            io.BytesIO(data),
            mimetype="application/octet-stream",
            as_attachment=True,
            download_name=f"ban-goc-{item.filename}",
        )
    item, data = services.file_content(doc, file_id)  # a recalled document's files: 404
    # PDFs open in the browser's viewer; everything else downloads.
    inline = item.content_type == "application/pdf" and request.args.get("download") != "1"
    return send_file(
        io.BytesIO(data), mimetype=item.content_type, as_attachment=not inline, download_name=item.filename
    )


@bp.context_processor
def _recall_context():
    return {
        "can_decide_recall": recall.can_decide,
        "may_refuse_recall": recall.may_refuse,
        "is_answerable": permissions.is_answerable,
    }


@bp.get("/recalls")
@role_required(*recall.DECIDERS)
def recall_records():
    """Sổ thu hồi: what stays of each recalled document (NĐ 30 Phụ lục VI III.8.c)."""
    rows = recall.list_records(current_user, before_id=request.args.get("before", type=bounded_int))
    older = url_for("incoming.recall_records", before=rows[-1].id) if len(rows) == 50 else None
    return render_template("incoming/recalls.html", records=rows, older=older)


@bp.post("/<int:document_id>/recall/accept")
@login_required
def accept_recall(document_id: int):
    """Đồng ý thu hồi (NĐ 30/2020 Điều 18.4.b): the document is destroyed, status 15 goes to the sender."""
    return _decide_recall(
        document_id, lambda user: recall.accept_recall(user, document_id), "Đã đồng ý thu hồi văn bản."
    )


@bp.post("/<int:document_id>/recall/refuse")
@login_required
def refuse_recall(document_id: int):
    """Từ chối thu hồi with a reason: status 16 goes to the sender, the procedure goes on."""
    reason = request.form.get("reason", "")
    return _decide_recall(
        document_id, lambda user: recall.refuse_recall(user, document_id, reason), "Đã từ chối thu hồi văn bản."
    )


def _decide_recall(document_id: int, decide, done: str):
    try:
        with unit_of_work():
            decide(current_user._get_current_object())
    except DomainError as exc:
        if exc.status not in (409, 422):
            raise  # 403 and 404 are pages of their own
        flash(exc.message, "danger")
        return _page_again(document_id, exc)
    flash(done, "success")
    return redirect(url_for("incoming.document", document_id=document_id))


def _form_date(name: str) -> date | None:
    try:
        return date.fromisoformat(request.form.get(name, ""))
    except ValueError:
        return None


def _form_int(name: str) -> int | None:
    return request.form.get(name, type=bounded_int)


@bp.post("/<int:document_id>/extensions")
@login_required
def request_extension(document_id: int):
    """Xin gia hạn (seed 000 Điều 18): the lead or a coordinator proposes a date with a reason."""
    reason, proposed = request.form.get("reason", ""), _form_date("proposed_date")
    return _handle(
        document_id,
        lambda user: handling.request_extension(user, document_id, reason=reason, proposed_date=proposed),
        "Đã gửi đề nghị gia hạn, chờ lãnh đạo cho ý kiến.",
    )


@bp.post("/<int:document_id>/extensions/<int:extension_id>/<any(approve, refuse):decision>")
@login_required
def decide_extension(document_id: int, extension_id: int, decision: str):
    approve, note = decision == "approve", request.form.get("note")
    return _handle(
        document_id,
        lambda user: handling.decide_extension(user, document_id, extension_id, approve=approve, note=note),
        "Đã đồng ý gia hạn." if approve else "Đã không đồng ý gia hạn.",
    )


@bp.post("/<int:document_id>/return-to-unit")
@login_required
def return_to_unit(document_id: int):
    """Trả lại lãnh đạo đơn vị with a reason: the unit leader gives the work to someone else."""
    reason = request.form.get("reason", "")
    return _handle(
        document_id,
        lambda user: handling.return_to_unit_leader(user, document_id, reason),
        "Đã trả lại lãnh đạo đơn vị để phân công lại.",
    )


@bp.post("/<int:document_id>/reassign")
@login_required
def reassign(document_id: int):
    user_id, note = _form_int("user_id"), request.form.get("note")
    return _handle(
        document_id,
        lambda user: handling.reassign_returned(user, document_id, user_id, note),
        "Đã giao lại cho chuyên viên.",
    )


@bp.post("/<int:document_id>/progress")
@login_required
def record_progress(document_id: int):
    text, percent = request.form.get("text", ""), _form_int("percent")
    return _handle(
        document_id,
        lambda user: handling.record_progress(user, document_id, text, percent),
        "Đã cập nhật tiến độ.",
    )


def _handle(document_id: int, act, done: str):
    """One handling action from the document page: done and back to the page, or the reason it was refused."""
    try:
        with unit_of_work():
            act(current_user._get_current_object())
    except DomainError as exc:
        if exc.status not in (403, 409, 422):
            raise  # 404 is a page of its own
        details = exc.details if isinstance(exc.details, dict) else {}
        # Each sentence once: a field message often repeats the refusal's own message.
        flash(" ".join(dict.fromkeys([exc.message, *map(str, details.values())])), "danger")
        return _page_again(document_id, exc)
    flash(done, "success")
    return redirect(url_for("incoming.document", document_id=document_id) + "#xu-ly")


def _page_again(document_id: int, exc: DomainError):
    """A refused action's answer: the page again, its form holding what was typed (a redirect would lose it), the
    fields at fault marked (`_errors`)."""
    details = exc.details if isinstance(exc.details, dict) else {}
    kept = {request.endpoint: {**request.view_args, **request.form.to_dict(), "_errors": details}}
    return _document_page(document_id, kept=kept, status=exc.status)


def task_summary(task: HumanTask):
    """The incoming document's card on a task page of processes/incoming.bpmn."""
    doc = db.session.get(IncomingDocument, int(task.object_id))
    if doc is None:
        return None
    return "incoming/_summary.html", {
        "doc": doc,
        "duplicates": queries.find_duplicates(doc, current_user),
        "urgency_labels": URGENCY_LABELS,
        # NĐ 30/2020 Điều 18.3: the clerk sees what a new arrival replaces, the handler that his document was replaced.
        "related": relations.related_of(current_user, doc),
        "relation_labels": relations.RELATION_LABELS,
        "successor_labels": relations.SUCCESSOR_LABELS,
        "handling_step": task.is_open and task.task_name in permissions.HANDLING_TASKS,
        # The lead handler's work often ends in a reply: drafted from the task, linked to this document.
        "lead_step": task.is_open and task.task_name in permissions.LEAD_TASKS,
        # What was said on the way (the unit leader's assignment, coordinators' opinions, progress): on the task too
        "notes": handling.notes_of(doc),
    }
