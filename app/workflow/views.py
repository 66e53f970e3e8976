"""Pages: the inbox "Việc cần làm", the task page with its form, starting a case, the case page."""

import io

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, send_file, url_for
from flask_login import current_user, login_required

from app.core.errors import DomainError, NotFound, ValidationError
from app.core.inputs import bounded_int
from app.core.transaction import unit_of_work
from app.documents.uploads import Upload, upload_problem
from app.workflow import permissions, queries, services
from app.workflow.assignment import candidates
from app.workflow.definitions import available_processes
from app.workflow.forms import coerce_submission, field_order, options_for
from app.workflow.models import STATUS_LABELS, TASK_STATE_LABELS, WorkflowInstance
from app.workflow.registry import INSTALLED

bp = Blueprint("workflow", __name__, template_folder="templates")


@bp.app_template_global()
def can_open_task(task) -> bool:
    """Whether the signed-in user may open the task's page: other pages link a step only then (the same rule as
    the task page itself, permissions.can_view_task)."""
    return current_user.is_authenticated and permissions.can_view_task(current_user, task)


def _filter_from_args() -> queries.InboxFilter:
    try:
        after = queries.decode_cursor(request.args.get("after"))
    except ValueError:
        after = None
    return queries.InboxFilter(
        process_id=request.args.get("process") or None,
        overdue=request.args.get("overdue") == "1",
        urgent=request.args.get("urgent") == "1",
        after=after,
        due_today=request.args.get("due") == "today",
        new=request.args.get("new") == "1",
    )


@bp.get("/tasks")
@login_required
def inbox():
    page_size = 50
    flt = _filter_from_args()
    tasks, total = queries.inbox_page_and_count(current_user, flt, limit=page_size)
    processes = {v.process_id: v.name for v in available_processes(current_user.agency_id)}
    next_cursor = queries.encode_cursor(tasks[-1]) if len(tasks) == page_size else None
    return render_template(
        "workflow/inbox.html",
        tasks=tasks,
        total=total,
        cap=queries.COUNT_CAP,
        processes=processes,
        next_cursor=next_cursor,
        state_labels=TASK_STATE_LABELS,
    )


def _form_context(task):
    form = task.instance.process_version.forms.get(task.form_key) if task.form_key else None
    return form, (field_order(form) if form else [])


@bp.get("/tasks/<int:task_id>")
@login_required
def task_page(task_id: int, values=None, errors=None, status: int = 200):
    task = services.get_task(current_user, task_id)
    services.mark_opened(current_user, task)
    form, order = _form_context(task)
    can_act = permissions.can_act_on(current_user, task)
    start_form = task.instance.process_version.forms.get(f"{task.process_id}/start")
    case_values = services.case_data(task) if (start_form or (form and can_act)) else {}
    if values is None:
        values = services.form_values(current_user, task, known=case_values if case_values else None)
    summary = INSTALLED.object_summaries.get(task.object_type)
    return render_template(
        "workflow/task.html",
        task=task,
        instance=task.instance,
        start_form=start_form,
        start_order=field_order(start_form) if start_form else [],
        case_values=case_values,
        summary=summary(task) if summary else None,
        start_options=lambda name: options_for(start_form, name, task.agency_id),
        form=form,
        order=order,
        can_act=can_act,
        values=values,
        errors=errors or {},
        options=lambda name: options_for(form, name, task.agency_id, task.unit_id, current_user.id),
        history=queries.task_history(task.instance_id),
        handovers=queries.handovers(task.instance_id),
        candidates=services.task_candidates(current_user, task.id),
        qualified_ids={u.id for u in candidates(task)},
        state_labels=TASK_STATE_LABELS,
        status_labels=STATUS_LABELS,
    ), status


@bp.post("/tasks/<int:task_id>/complete")
@login_required
def complete(task_id: int):
    task = services.get_task(current_user, task_id)
    form, _order = _form_context(task)
    data = coerce_submission(form, request.form.get, request.form.getlist, request.form.keys()) if form else {}
    try:
        data.update(_uploads(form))
        with unit_of_work():
            services.complete_task(
                current_user._get_current_object(),
                task.id,
                data,
                outcome=request.form.get("outcome") or None,
                comment=(request.form.get("comment") or "").strip() or None,
            )
    except DomainError as exc:
        if exc.status != 422:
            raise
        flash(exc.message, "danger")
        return task_page(task_id, values=data, errors=exc.details, status=422)
    flash(f"Đã hoàn thành “{task.title}”.", "success")
    return redirect(url_for("workflow.inbox"))


def _uploads(form) -> dict:
    """File widgets: each upload checked like every other (app.documents.uploads), then stored in the blob store;
    the task data keeps {sha256, name, size, type}, the type told by the bytes, never the browser's Content-Type.
    Raises ValidationError naming the field of a refused file."""
    if not form:
        return {}
    store = current_app.extensions["qlvb.blobs"]
    stored = {}
    for name, hints in (form.get("ui") or {}).items():
        sent = request.files.get(name)
        if hints.get("widget") == "file" and sent and sent.filename:
            upload = Upload(sent.filename, sent.read())
            # Any format a case may need (notes, spreadsheets…), but never an executable, a file whose bytes
            # belie its name, a PDF past the bounds or with active content, or malware.
            if problem := upload_problem(upload, check_format=False, refuse_active=True):
                raise ValidationError(problem[1], code=problem[0], details={name: problem[1]})
            digest = store.put(upload.data)
            stored[name] = {
                "sha256": digest,
                "name": upload.filename,
                "size": len(upload.data),
                "type": upload.content_type,
            }
    return stored


@bp.get("/tasks/<int:task_id>/files/<digest>")
@login_required
def task_file(task_id: int, digest: str):
    """A file attached to the case (a form's file field), for those who may see the task."""
    task = services.get_task(current_user, task_id)
    attached = {v["sha256"]: v for v in services.case_data(task).values() if isinstance(v, dict) and "sha256" in v}
    if task.submitted:
        attached |= {v["sha256"]: v for v in task.submitted.values() if isinstance(v, dict) and "sha256" in v}
    if digest not in attached:
        raise NotFound("Không tìm thấy tệp.", code="file_not_found")
    data = current_app.extensions["qlvb.blobs"].read(digest)
    meta = attached[digest]
    return send_file(
        io.BytesIO(data),
        mimetype=meta.get("type") or "application/octet-stream",
        as_attachment=True,
        download_name=meta.get("name") or digest,
    )


@bp.post("/tasks/<int:task_id>/claim")
@login_required
def claim(task_id: int):
    services.claim_task(current_user._get_current_object(), task_id)
    flash("Bạn đã nhận công việc.", "success")
    return redirect(url_for("workflow.task_page", task_id=task_id))


@bp.post("/tasks/<int:task_id>/unclaim")
@login_required
def unclaim(task_id: int):
    services.unclaim_task(current_user._get_current_object(), task_id)
    flash("Đã trả công việc về hộp việc chung.", "info")
    return redirect(url_for("workflow.inbox"))


@bp.post("/tasks/<int:task_id>/reassign")
@login_required
def reassign(task_id: int):
    user_id = request.form.get("user_id", type=bounded_int)
    task = services.reassign_task(current_user._get_current_object(), task_id, user_id or 0)
    flash(f"Đã chuyển công việc cho {task.assignee.full_name}.", "success")
    return redirect(url_for("workflow.task_page", task_id=task_id))


@bp.get("/cases/new")
@login_required
def new_case():
    startable = [
        version
        for version in available_processes(current_user.agency_id)
        if f"{version.process_id}/start" in version.forms and permissions.can_start(current_user, version)
    ]
    return render_template("workflow/new_case.html", versions=startable)


@bp.route("/cases/new/<process_id>", methods=["GET", "POST"])
@login_required
def start_case(process_id: str):
    version = next((v for v in available_processes(current_user.agency_id) if v.process_id == process_id), None)
    form = version.forms.get(f"{process_id}/start") if version else None
    if form is None:
        abort(404)
    values, errors = {}, {}
    if request.method == "POST":
        values = coerce_submission(form, request.form.get, request.form.getlist, request.form.keys())
        try:
            values |= _uploads(form)
            with unit_of_work():
                instance = services.start_process(
                    current_user._get_current_object(),
                    process_id,
                    data=values,
                    title=values.get("tieu_de") or values.get("title"),
                    urgent=bool(values.get("khan")),
                )
        except ValidationError as exc:  # the start form's checks (services.check_start_form)
            errors = exc.details if isinstance(exc.details, dict) else {"_form": exc.message}
            flash(exc.message, "danger")
        else:
            flash(f"Đã khởi tạo “{instance.title}”.", "success")
            return redirect(url_for("workflow.case_page", instance_id=instance.id))
    return render_template(
        "workflow/start.html",
        version=version,
        form=form,
        order=field_order(form),
        values=values,
        errors=errors,
        options=lambda name: options_for(form, name, current_user.agency_id, actor_id=current_user.id),
    ), 422 if errors else 200


@bp.get("/cases/<int:instance_id>")
@login_required
def case_page(instance_id: int):
    from app.core.db import db

    instance = db.session.get(WorkflowInstance, instance_id)
    if instance is None or not permissions.can_view_case(current_user, instance):
        raise NotFound("Không tìm thấy hồ sơ.", code="instance_not_found")
    return render_template(
        "workflow/case.html",
        instance=instance,
        history=queries.task_history(instance_id),
        handovers=queries.handovers(instance.id),
        state_labels=TASK_STATE_LABELS,
        status_labels=STATUS_LABELS,
    )
