"""Pages of the Lưu trữ cơ quan: receiving nộp lưu, the archive list, expired records, holds, destruction lists,
the agency's settings; and the creator's "Nộp lưu" form. Thin: every rule is in transfer/retention/destruction and
permissions."""

import dataclasses
from datetime import date

import sqlalchemy as sa
from flask import Blueprint, Response, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from app.core import clock, inputs
from app.core.db import db
from app.core.errors import DomainError, PermissionDenied
from app.core.inputs import bounded_int
from app.core.transaction import unit_of_work
from app.dossiers import codes, destruction, filing, jobs, permissions, retention, settings, transfer
from app.dossiers.models import Dossier
from app.dossiers.states import (
    DESTRUCTION_STATUS_LABELS,
    DOSSIER_STATUS_LABELS,
    TRANSFER_STATUS_LABELS,
    DestructionStatus,
    DossierStatus,
    TransferStatus,
)
from app.org.models import User

bp = Blueprint("dossiers_archive", __name__, template_folder="templates", url_prefix="/archive")


@bp.app_context_processor
def archive_helpers():
    return {
        "dossier_archive_info": archive_info,
        "retention_label": codes.retention_label,
        "DOSSIER_STATUS_LABELS": DOSSIER_STATUS_LABELS,
        "TRANSFER_STATUS_LABELS": TRANSFER_STATUS_LABELS,
        "DESTRUCTION_STATUS_LABELS": DESTRUCTION_STATUS_LABELS,
        "DECISION_LABELS": transfer.DECISION_LABELS,
        "FATE_LABELS": destruction.FATE_LABELS,
        "ITEM_KIND_LABELS": filing.KINDS,
    }


def archive_info(dossier: Dossier, user) -> dict:
    """What the dossier page's archive panel shows (dossiers/_actions_archive.html)."""
    return {
        "can_submit": permissions.can_edit(user, dossier)
        and dossier.status in (DossierStatus.CLOSED, DossierStatus.RETURNED),
        "holds": retention.active_holds_of(dossier) if permissions.can_manage_holds(user, dossier.agency_id) else [],
        "can_hold": permissions.can_manage_holds(user, dossier.agency_id) and dossier.status != DossierStatus.DESTROYED,
        "open_holds": retention.holds(user, active_only=True)
        if permissions.can_manage_holds(user, dossier.agency_id)
        else [],
        "retention": codes.retention_label(dossier.maintenance, dossier.retention_years),
    }


def user_names(ids) -> dict[int, str]:
    """Full names of the people a page names by id (submitter, decider, executor)."""
    wanted = {i for i in ids if i}
    if not wanted:
        return {}
    return dict(db.session.execute(sa.select(User.id, User.full_name).where(User.id.in_(wanted))).all())


def _require_reader() -> None:
    if not permissions.can_read_archive(current_user, current_user.agency_id):
        raise PermissionDenied("Trang này dành cho Lưu trữ cơ quan và lãnh đạo cơ quan.")


def _act(action, success: str, back: str, done: str | None = None, refused=None):
    """Run one user action as its own savepoint: a refusal is shown on `back` (or answered by `refused(exc)`, a form
    shown again with what was typed) and leaves nothing changed; success goes to `done` (default `back`)."""
    try:
        with unit_of_work():
            action()
    except DomainError as exc:
        if exc.status == 404:
            raise
        flash(exc.message, "danger")
        return refused(exc) if refused is not None else redirect(back)
    flash(success, "success")
    return redirect(done or back)


def _next(default: str) -> str:
    """The form's `next` when it is a path of this site (never another host), else `default`."""
    target = request.form.get("next") or ""
    return target if target.startswith("/") and not target.startswith(("//", "/\\")) else default


def _pdf(data: bytes, name: str) -> Response:
    return Response(data, mimetype="application/pdf", headers={"Content-Disposition": f'inline; filename="{name}"'})


# ---- transfers -------------------------------------------------------------------------------------------------


@bp.get("/")
@login_required
def queue():
    _require_reader()
    waiting = transfer.transfers(current_user, status=TransferStatus.SUBMITTED)
    return render_template(
        "dossiers/archive/queue.html",
        waiting=waiting,
        done=transfer.transfers(current_user, status=TransferStatus.DONE, limit=20),
        overdue=jobs.overdue(current_user.agency_id),
        names=user_names(t.submitted_by_id for t in waiting),
        can_settle=permissions.can_manage_settings(current_user, current_user.agency_id),
    )


@bp.route("/transfers/new", methods=["GET", "POST"])
@login_required
def new_transfer():
    if request.method == "GET":  # ?dossier=… from a dossier's page: that dossier ticked
        return _transfer_form({int(i) for i in request.args.getlist("dossier") if i.isdigit()})
    form = request.form
    ids = [int(i) for i in form.getlist("dossier_ids") if i.isdigit()]
    sent = {}

    def submit():
        sent["t"] = transfer.submit(
            current_user, ids, name=form.get("name", ""), condition_note=form.get("condition_note")
        )

    def again(exc: DomainError):  # what was typed and ticked kept, each fault under its field
        faults = exc.details if isinstance(exc.details, dict) else {}
        return _transfer_form(set(ids), form.to_dict(), faults, exc.status)

    response = _act(submit, f"Đã nộp lưu {len(set(ids))} hồ sơ.", url_for(".new_transfer"), refused=again)
    return redirect(url_for(".transfer_page", transfer_id=sent["t"].id)) if sent else response


def _transfer_form(chosen: set[int], values: dict | None = None, errors: dict | None = None, status: int = 200):
    """The "Nộp lưu" form: the creator's submittable dossiers, `chosen` ticked; a refused one with its values."""
    page_html = render_template(
        "dossiers/archive/new_transfer.html",
        dossiers=transfer.submittable(current_user),
        chosen=chosen,
        values=values or {},
        errors=errors or {},
        today=clock.local_today(),
    )
    return page_html, status


@bp.get("/transfers/<int:transfer_id>")
@login_required
def transfer_page(transfer_id: int):
    sent = transfer.get_transfer(current_user, transfer_id)
    return render_template(
        "dossiers/archive/transfer.html",
        transfer=sent,
        can_decide=permissions.can_decide_transfer(current_user, sent.agency_id),
        files=sum(len(v) for e in sent.entries for v in (e.manifest or {}).values()),
        names=user_names((sent.submitted_by_id, sent.received_by_id)),
    )


@bp.post("/transfers/<int:transfer_id>/entries/<int:entry_id>/<string:action>")
@login_required
def decide(transfer_id: int, entry_id: int, action: str):
    back = url_for(".transfer_page", transfer_id=transfer_id) + f"#entry-{entry_id}"
    if action == "check":
        return _act(lambda: transfer.check(current_user, transfer_id, entry_id), "Đã kiểm tra hồ sơ.", back)
    if action == "accept":
        return _act(lambda: transfer.accept(current_user, transfer_id, entry_id), "Đã tiếp nhận hồ sơ.", back)
    if action == "return":
        reason = request.form.get("reason", "")
        return _act(
            lambda: transfer.return_entry(current_user, transfer_id, entry_id, reason=reason), "Đã trả lại hồ sơ.", back
        )
    abort(404)


@bp.get("/transfers/<int:transfer_id>/muc-luc.pdf")
@login_required
def muc_luc(transfer_id: int):
    from app.dossiers import archive_printing  # reportlab: imported on first use (test_lazy_imports)

    sent = transfer.get_transfer(current_user, transfer_id)
    return _pdf(archive_printing.muc_luc_pdf(sent), f"muc-luc-nop-luu-{sent.id}.pdf")


@bp.get("/transfers/<int:transfer_id>/bien-ban.pdf")
@login_required
def bien_ban(transfer_id: int):
    from app.dossiers import archive_printing

    sent = transfer.get_transfer(current_user, transfer_id)
    return _pdf(archive_printing.bien_ban_giao_nhan_pdf(sent), f"bien-ban-giao-nhan-{sent.id}.pdf")


# ---- the archive and retention ---------------------------------------------------------------------------------


@bp.get("/records")
@login_required
def records():
    page = max(1, request.args.get("page", type=bounded_int) or 1)
    year = (request.args.get("year") or "").strip()  # free text: refused with a message, never dropped silently
    year_problem = inputs.year_problem(year) if year else None
    maintenance = request.args.get("maintenance") or None
    q = request.args.get("q", "")
    rows, total = [], 0
    if not year_problem:  # a list of every year under a year that was not one would look like the answer
        rows, total = retention.archive_list(
            current_user,
            q=q,
            year=int(year) if year else None,
            maintenance=maintenance if maintenance in codes.MAINTENANCE else None,
            limit=retention.PAGE_SIZE,
            offset=(page - 1) * retention.PAGE_SIZE,
        )
    return render_template(
        "dossiers/archive/records.html",
        rows=rows,
        total=total,
        page=page,
        has_next=page * retention.PAGE_SIZE < total,
        q=q,
        year=year,
        year_problem=year_problem,
        maintenance=maintenance,
        maintenance_codes=codes.MAINTENANCE,
        today=clock.local_today(),
        archive_reader=permissions.can_read_archive(current_user, current_user.agency_id),
    ), (422 if year_problem else 200)


PAGE_SIZE = 100


@bp.get("/expired")
@login_required
def expired():
    return _expired_page()


def _expired_page(typed_title: str = "", chosen: frozenset[int] = frozenset(), status: int = 200):
    """The eligible dossiers page by page (PAGE_SIZE): years of an archive make long lists. A refused "Lập danh
    mục hủy" comes back here with its title and the dossiers ticked as they were."""
    _require_reader()
    today, agency_id = clock.local_today(), current_user.agency_id
    page = max(request.args.get("page", 1, type=int) or 1, 1)
    total = retention.count_eligible(agency_id, today)
    page_html = render_template(
        "dossiers/archive/expired.html",
        rows=retention.eligible_for_destruction(agency_id, today, limit=PAGE_SIZE, offset=(page - 1) * PAGE_SIZE),
        total=total,
        page=page,
        pages=max((total + PAGE_SIZE - 1) // PAGE_SIZE, 1),
        can_propose=permissions.can_propose_destruction(current_user, agency_id),
        typed_title=typed_title,
        chosen=chosen,
    )
    return page_html, status


# ---- holds -----------------------------------------------------------------------------------------------------


@bp.route("/holds", methods=["GET", "POST"])
@login_required
def holds():
    if request.method == "POST":
        ids = [int(i) for i in request.form.getlist("dossier_ids") if i.isdigit()]
        form = request.form
        return _act(
            lambda: retention.create_hold(
                current_user, name=form.get("name", ""), reason=form.get("reason", ""), dossier_ids=ids
            ),
            "Đã phong tỏa hồ sơ.",
            _next(url_for(".holds")),
        )
    return render_template("dossiers/archive/holds.html", holds=retention.holds(current_user))


@bp.get("/holds/<int:hold_id>")
@login_required
def hold_page(hold_id: int):
    return render_template("dossiers/archive/hold.html", hold=retention.get_hold(current_user, hold_id))


@bp.post("/holds/<int:hold_id>/<string:action>")
@login_required
def hold_action(hold_id: int, action: str):
    form = request.form
    hold_id = hold_id or form.get("hold", type=int) or 0  # 0: the dossier page's form names the hold in "hold"
    back = _next(url_for(".hold_page", hold_id=hold_id))
    dossier_id = form.get("dossier_id", type=int) or 0
    if action == "add":
        return _act(lambda: retention.add_to_hold(current_user, hold_id, dossier_id), "Đã phong tỏa thêm hồ sơ.", back)
    if action == "remove":
        return _act(
            lambda: retention.remove_from_hold(current_user, hold_id, dossier_id), "Đã gỡ hồ sơ khỏi lệnh.", back
        )
    if action == "release":
        note = form.get("note", "")
        return _act(lambda: retention.release_hold(current_user, hold_id, note=note), "Đã gỡ phong tỏa.", back)
    abort(404)


# ---- destruction -----------------------------------------------------------------------------------------------


@bp.route("/destructions", methods=["GET", "POST"])
@login_required
def destructions():
    if request.method == "POST":
        ids = [int(i) for i in request.form.getlist("dossier_ids") if i.isdigit()]
        title = request.form.get("title", "")

        def again(_exc=None):
            return _expired_page(title, frozenset(ids), 422)

        if not ids:  # the page lists the dossiers to choose; an empty list would only be dropped again
            flash("Chọn ít nhất một hồ sơ hết thời hạn bảo quản để lập danh mục hủy.", "danger")
            return again()
        created = {}

        def make():
            created["d"] = destruction.create(current_user, title=title, dossier_ids=ids)

        response = _act(make, "Đã lập danh mục tài liệu hết giá trị.", url_for(".expired"), refused=again)
        return redirect(url_for(".destruction_page", destruction_id=created["d"].id)) if created else response
    return render_template("dossiers/archive/destructions.html", rows=destruction.destructions(current_user))


@bp.get("/destructions/<int:destruction_id>")
@login_required
def destruction_page(destruction_id: int, refused: dict | None = None):
    """The list, its record and the forms of its next step; `refused`: the form sent and its faults, shown again."""
    record = destruction.get(current_user, destruction_id)
    agency_id = record.agency_id
    return render_template(
        "dossiers/archive/destruction.html",
        refused=refused or {"action": None, "values": {}, "errors": {}},
        today=clock.local_today(),
        record=record,
        contents=destruction.contents(record),
        can_propose=permissions.can_propose_destruction(current_user, agency_id),
        can_approve=permissions.can_approve_destruction(current_user, agency_id),
        eligible=retention.eligible_for_destruction(agency_id) if record.status == DestructionStatus.DRAFT else [],
        names=user_names((record.proposed_by_id, record.decided_by_id, record.executed_by_id)),
        S=DestructionStatus,
    )


@bp.post("/destructions/<int:destruction_id>/<string:action>")
@login_required
def destruction_action(destruction_id: int, action: str):
    form, user = request.form, current_user
    back = url_for(".destruction_page", destruction_id=destruction_id)
    dossier_id = form.get("dossier_id", type=int) or 0
    actions = {
        "add": (lambda: destruction.add_dossier(user, destruction_id, dossier_id), "Đã thêm hồ sơ vào danh mục."),
        "remove": (lambda: destruction.remove_dossier(user, destruction_id, dossier_id), "Đã rút hồ sơ."),
        "propose": (
            lambda: destruction.propose(user, destruction_id, council_opinion=form.get("council_opinion")),
            "Đã trình người đứng đầu cơ quan phê duyệt.",
        ),
        "approve": (
            lambda: destruction.approve(
                user,
                destruction_id,
                decision_number=form.get("decision_number", ""),
                decision_date=_date(form.get("decision_date")),
                note=form.get("note"),
            ),
            "Đã phê duyệt hủy tài liệu.",
        ),
        "reject": (
            lambda: destruction.reject(user, destruction_id, reason=form.get("reason", "")),
            "Đã không phê duyệt.",
        ),
        "execute": (lambda: destruction.execute(user, destruction_id), "Đã hủy tài liệu; biên bản hủy được lưu."),
        "discard": (lambda: destruction.discard(user, destruction_id), "Đã bỏ danh mục đang lập."),
    }
    if action not in actions:
        abort(404)
    run, success = actions[action]

    def typed_again(exc: DomainError):  # the head's decision typed: kept, each fault beside its field
        refused = {"action": action, "values": form.to_dict(), "errors": dict(exc.details or {})}
        return destruction_page(destruction_id, refused=refused), exc.status

    gone = url_for(".destructions") if action == "discard" else None  # a dropped list has no page to go back to
    return _act(run, success, back, done=gone, refused=typed_again if action == "approve" else None)


def _date(text: str | None) -> date | None:
    try:
        return date.fromisoformat(text) if text else None
    except ValueError:
        return None


@bp.get("/destructions/<int:destruction_id>/bien-ban.pdf")
@login_required
def destruction_pdf(destruction_id: int):
    from app.dossiers import archive_printing

    record = destruction.get(current_user, destruction_id)
    return _pdf(archive_printing.bien_ban_huy_pdf(record), f"bien-ban-huy-{record.id}.pdf")


# ---- settings --------------------------------------------------------------------------------------------------


@bp.route("/settings", methods=["GET", "POST"])
@login_required
def settings_page():
    agency_id = current_user.agency_id
    if not permissions.can_manage_settings(current_user, agency_id):
        raise PermissionDenied("Chỉ quản trị hoặc lãnh đạo cơ quan được sửa thiết lập lưu trữ.")
    values, errors = {}, {}
    if request.method == "POST":
        values = {k: request.form.get(k) for k in ("transfer_after", "construction_transfer_after", "reminder_days")}
        try:
            with unit_of_work():
                transfer.update_settings(current_user, agency_id, values)
        except DomainError as exc:
            flash(exc.message, "danger")  # each field's reason beside it, what was typed kept
            errors = exc.details if isinstance(exc.details, dict) else {}
        else:
            flash("Đã lưu thiết lập nộp lưu.", "success")
            return redirect(url_for(".settings_page"))
    current = settings.settings_for(agency_id)
    shown = {**dataclasses.asdict(current), **{k: v for k, v in values.items() if v is not None}}
    return render_template("dossiers/archive/settings.html", current=shown, errors=errors), 422 if errors else 200
