"""Pages: the agency directory of the exchange (danh bạ liên thông) — list, add, edit, merge, close, import."""

import functools

from flask import Blueprint, abort, flash, jsonify, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import BooleanField, SelectField, StringField
from wtforms.validators import Length, Optional

from app.core.errors import DomainError
from app.core.transaction import unit_of_work
from app.exchange import directory, directory_import, peers
from app.exchange.permissions import require_manage_exchange, require_read_directory
from app.org.forms import REQUIRED, choices
from app.web.helpers import show_errors

bp = Blueprint("directory", __name__)
ADMIN = "/admin/exchange/directory"

# WTForms' own messages are English: every length check of the exchange pages says it in Vietnamese.
TOO_LONG = "Tối đa %(max)d ký tự."

STATE_LABELS = {"active": "Đang dùng", "merged": "Đã sáp nhập", "inactive": "Ngừng dùng"}


def exchange_admin_required(view):
    """Pages for the administrators of the whole deployment (app.exchange.permissions)."""

    @functools.wraps(view)
    @login_required
    def wrapper(*args, **kwargs):
        require_manage_exchange(current_user)
        return view(*args, **kwargs)

    return wrapper


class EntryForm(FlaskForm):
    code = StringField("Mã định danh", validators=[Length(max=35, message=TOO_LONG)])
    name = StringField("Tên cơ quan", validators=[Length(max=255, message=TOO_LONG)])
    peer_id = SelectField("Hệ thống liên thông", coerce=str)
    note = StringField("Ghi chú", validators=[Optional(), Length(max=500, message=TOO_LONG)])


class MergeForm(FlaskForm):
    into_code = StringField("Sáp nhập vào mã định danh", validators=[Length(max=35, message=TOO_LONG)])


class ImportForm(FlaskForm):
    file = FileField("Tệp danh bạ (.csv hoặc .xml)", validators=[FileRequired(REQUIRED)])
    dry_run = BooleanField("Chỉ kiểm tra, chưa ghi")


def _peer_choices() -> list[tuple[str, str]]:
    return [("", "— Không (gửi bằng tệp gói tin) —")] + [
        (str(p.id), f"{p.name} ({p.key_id})") for p in peers.list_peers()
    ]


@bp.get(ADMIN)
@exchange_admin_required
def index():
    state = request.args.get("state") or None
    peer = request.args.get("peer") or None
    q = request.args.get("q") or ""
    # `peer`: "yes"/"no" (reached by some peer or not), or a peer's id (its own agencies, the peers list links it)
    peer_id = int(peer) if peer and peer.isdigit() else None
    entries = directory.list_entries(
        q=q,
        state=state if state in directory.ENTRY_STATES else None,
        peer_id=peer_id,
        with_peer={"yes": True, "no": False}.get(peer),
    )
    return render_template(
        "exchange/directory.html",
        entries=entries,
        q=q,
        state=state,
        peer=peer,
        peer_list=peers.list_peers(),
        state_of=directory.state_of,
        state_labels=STATE_LABELS,
        merge_form=MergeForm(),
    )


@bp.route(ADMIN + "/new", methods=["GET", "POST"])
@exchange_admin_required
def new():
    form = EntryForm()
    form.peer_id.choices = choices(_peer_choices())
    status = 200
    if form.validate_on_submit():
        try:
            with unit_of_work():
                entry = directory.add_entry(
                    current_user,
                    code=form.code.data,
                    name=form.name.data,
                    peer_id=int(form.peer_id.data) if form.peer_id.data else None,
                    note=form.note.data,
                )
        except DomainError as exc:
            show_errors(form, exc)
            status = 422
        else:
            flash(f"Đã thêm {entry.code} {entry.name} vào danh bạ liên thông.", "success")
            return redirect(url_for("exchange.directory.index"))
    elif request.method == "POST":
        status = 422
    return render_template("exchange/directory_form.html", form=form, entry=None), status


@bp.route(ADMIN + "/<int:entry_id>/edit", methods=["GET", "POST"])
@exchange_admin_required
def edit(entry_id: int):
    entry = directory.get_entry(entry_id)
    form = EntryForm(obj=entry if request.method == "GET" else None)
    form.peer_id.choices = choices(_peer_choices())
    if request.method == "GET":
        form.peer_id.data = str(entry.peer_id or "")
    status = 200
    if form.validate_on_submit():
        try:
            with unit_of_work():
                directory.update_entry(
                    current_user,
                    entry.id,
                    name=form.name.data,
                    peer_id=int(form.peer_id.data) if form.peer_id.data else None,
                    note=form.note.data,
                )
        except DomainError as exc:
            show_errors(form, exc)
            status = 422
        else:
            flash(f"Đã lưu {entry.code} {entry.name}.", "success")
            return redirect(url_for("exchange.directory.index"))
    elif request.method == "POST":
        status = 422
    return render_template(
        "exchange/directory_form.html",
        form=form,
        entry=entry,
        merge_form=MergeForm(),
        route=directory.resolve(entry.code),
    ), status


@bp.post(ADMIN + "/<int:entry_id>/merge")
@exchange_admin_required
def merge(entry_id: int):
    form = MergeForm()
    if not form.validate_on_submit():
        abort(400)
    try:
        with unit_of_work():
            entry = directory.merge_entry(current_user, entry_id, form.into_code.data or "")
    except DomainError as exc:
        flash(exc.message, "danger")  # the details repeat the message field by field: said once
        return redirect(url_for("exchange.directory.edit", entry_id=entry_id))
    flash(f"Đã ghi nhận {entry.code} sáp nhập vào {entry.merged_into} (QĐ 09/2025).", "success")
    return redirect(url_for("exchange.directory.index"))


@bp.post(ADMIN + "/<int:entry_id>/<any(deactivate, reactivate):change>")
@exchange_admin_required
def set_active(entry_id: int, change: str):
    entry = directory.set_entry_active(current_user, entry_id, change == "reactivate")
    flash(("Đã dùng lại " if entry.is_active else "Đã ngừng dùng ") + f"{entry.code} {entry.name}.", "success")
    return redirect(url_for("exchange.directory.index"))


@bp.route(ADMIN + "/import", methods=["GET", "POST"])
@exchange_admin_required
def import_file():
    form = ImportForm()
    report, errors, status = None, [], 200
    if form.validate_on_submit():
        upload = form.file.data
        try:
            with unit_of_work():
                report = directory_import.import_directory(
                    current_user, upload.read(), upload.filename, dry_run=bool(form.dry_run.data)
                )
        except DomainError as exc:
            errors = [str(v) for k, v in (exc.details or {}).items() if k.startswith("line_")]
            flash(exc.message, "danger")  # the per-line errors are listed below it, nothing else repeats it
            status = 422
        else:
            if report.applied:
                flash(
                    f"Đã nhập danh bạ: thêm {report.added}, cập nhật {report.updated}, không đổi {report.unchanged}.",
                    "success",
                )
    elif request.method == "POST":
        status = 422
    return render_template("exchange/directory_import.html", form=form, report=report, errors=errors), status


@bp.get("/exchange/directory/suggest")
@login_required
def suggest():
    """The recipient picker of the drafting form: directory entries matching a code or a name (accents ignored).
    Anyone who drafts may look: the directory lists public agencies and their public codes."""
    require_read_directory(current_user)
    return jsonify(directory.suggestions(request.args.get("q"), limit=20))
