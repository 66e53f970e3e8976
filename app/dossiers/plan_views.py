"""Pages of the file plan (Danh mục hồ sơ): one page per year that everyone of the agency reads, with the office's
edit controls while it is a draft, the head's approval form, copy from last year, import, and the printed files.

Every change is a POST answered by a redirect to the page; a refusal answers with the page itself, its message on
top and, on the forms that type things in (FIELD_FORMS), what was typed kept and each field at fault marked. Each
change runs in a savepoint of the request's unit of work, so a refused change leaves nothing behind.
"""

import io
from datetime import date

from flask import Blueprint, flash, redirect, render_template, request, send_file, url_for
from flask_login import current_user, login_required

from app.core import clock, inputs
from app.core.errors import DomainError, NotFound, PermissionDenied
from app.core.transaction import unit_of_work
from app.dossiers import permissions, plan_import, plan_items
from app.dossiers import plan as plans
from app.dossiers.codes import MAINTENANCE
from app.dossiers.states import PlanStatus
from app.org import queries as org_queries

bp = Blueprint("file_plan", __name__, template_folder="templates")

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
# The forms whose refusal keeps what was typed and names each field at fault beside it (page.html).
FIELD_FORMS = frozenset({"file_plan.add_heading", "file_plan.add_entry", "file_plan.approve"})


def _year() -> int:
    return request.values.get("year", type=inputs.year) or clock.local_today().year


def _int(name: str) -> int | None:
    return request.form.get(name, type=inputs.bounded_int)


def _date(name: str) -> date | None:
    try:
        return date.fromisoformat(request.form.get(name, ""))
    except ValueError:
        return None


def _text(name: str) -> str:
    return request.form.get(name, "")


def _render(year: int, status: int = 200, refused: dict | None = None, **extra):
    agency_id = current_user.agency_id
    plan = plans.plan_of_year(agency_id, year)
    editor = permissions.can_edit_plan(current_user, agency_id)
    return render_template(
        "dossiers/plan/page.html",
        year=year,
        plan=plan,
        rows=plans.outline(plan) if plan else [],
        counts=plans.counts(plan) if plan else None,
        years=[p.year for p in plans.plans_of(current_user)],
        previous=plans.plan_of_year(agency_id, year - 1),
        can_edit=editor and plan is not None and plan.status == PlanStatus.DRAFT,
        can_edit_issued=editor and plan is not None and plan.status == PlanStatus.APPROVED,
        can_create=editor,
        plan_makers=permissions.plan_makers(agency_id) if plan is None and not editor else [],
        can_approve=plan is not None
        and plan.status == PlanStatus.DRAFT
        and permissions.can_approve_plan(current_user, agency_id),
        can_append=plan is not None and permissions.can_append_entry(current_user, plan),
        may_delete_entry=plan_items.may_delete_entry,
        editor=editor,
        numberings=plans.NUMBERINGS,
        maintenance=MAINTENANCE,
        people=org_queries.list_users({agency_id}, active=True) if editor else [],
        units=org_queries.list_units(agency_id, active_only=True) if editor else [],
        plans=plans,
        today=clock.local_today(),
        refused=refused or {"endpoint": None, "values": {}, "errors": {}},
        **extra,
    ), status


@bp.get("/dossiers/plan")
@login_required
def plan():
    asked = (request.args.get("year") or "").strip()
    year = _year()
    if asked and str(year) != asked:  # ?year=abc, 99999: said, not silently replaced
        flash(f"Năm “{asked[:20]}” không hợp lệ: đang xem Danh mục hồ sơ năm {year}.", "warning")
    return _render(year)


def _back(year: int):
    return redirect(url_for("file_plan.plan", year=year), code=303)


def _act(year: int, done: str, call):
    """Run one change in a savepoint; a refusal (other than a permission) becomes a message on the page."""
    try:
        with unit_of_work():
            call()
    except PermissionDenied:
        raise
    except DomainError as exc:
        details = exc.details if isinstance(exc.details, dict) else {}
        if request.endpoint in FIELD_FORMS and details:
            flash(exc.message, "danger")  # each field's own words beside it
            refused = {"endpoint": request.endpoint, "values": request.form.to_dict(), "errors": details}
            return _render(year, exc.status, refused=refused)
        flash(" ".join([exc.message, *(str(v) for v in details.values())]), "danger")
        return _back(year)
    flash(done, "success")
    return _back(year)


@bp.post("/dossiers/plan")
@login_required
def create():
    year = _year()
    numbering = _text("numbering") or "plan"
    return _act(
        year, f"Đã lập dự thảo Danh mục hồ sơ năm {year}.", lambda: plans.create_plan(current_user, year, numbering)
    )


@bp.post("/dossiers/plan/copy")
@login_required
def copy():
    year = _year()
    return _act(
        year,
        f"Đã sao chép Danh mục hồ sơ năm {year - 1} sang năm {year}.",
        lambda: plans.copy_previous(current_user, year),
    )


@bp.post("/dossiers/plan/import")
@login_required
def import_file():
    year = _year()
    upload = request.files.get("file")
    data = upload.read() if upload else b""
    try:
        with unit_of_work():
            plan_import.import_plan(current_user, year, data, replace=bool(request.form.get("replace")))
    except PermissionDenied:
        raise
    except DomainError as exc:
        rows = exc.details if isinstance(exc.details, dict) else {}
        errors = [(int(k.removeprefix("row_")), v) for k, v in rows.items() if k.startswith("row_")]
        return _render(year, 422, import_problem=exc.message, import_errors=errors)
    flash(f"Đã nhập Danh mục hồ sơ năm {year} từ tệp Excel.", "success")
    return _back(year)


@bp.get("/dossiers/plan/template.xlsx")
@login_required
def template():
    return send_file(
        io.BytesIO(plan_import.template()), mimetype=XLSX, download_name="mau-danh-muc-ho-so.xlsx", as_attachment=True
    )


@bp.get("/dossiers/plan/<int:plan_id>.<fmt>")
@login_required
def export(plan_id: int, fmt: str):
    from app.dossiers import plan_print  # reportlab: imported on first use (test_lazy_imports)

    plan = plans.get_plan(current_user, plan_id)
    name = f"danh-muc-ho-so-{plan.year}.{fmt}"
    if fmt == "pdf":
        data, mimetype = plan_print.to_pdf(plan, current_user.full_name), "application/pdf"
    elif fmt == "xlsx":
        data, mimetype = plan_print.to_xlsx(plan), XLSX
    else:
        raise NotFound("Không tìm thấy tệp.", code="format_not_found")
    return send_file(io.BytesIO(data), mimetype=mimetype, download_name=name, as_attachment=fmt == "xlsx")


@bp.post("/dossiers/plan/<int:plan_id>/numbering")
@login_required
def numbering(plan_id: int):
    plan = plans.get_plan(current_user, plan_id)
    call = lambda: plans.set_numbering(current_user, plan, _text("numbering"), version=_int("version"))  # noqa: E731
    return _act(plan.year, "Đã đổi cách đánh số hồ sơ.", call)


@bp.post("/dossiers/plan/<int:plan_id>/approve")
@login_required
def approve(plan_id: int):
    plan = plans.get_plan(current_user, plan_id)

    def call():
        plans.approve_plan(
            current_user,
            plan,
            decision_number=_text("decision_number"),
            decision_date=_date("decision_date"),
            version=_int("version"),
        )

    return _act(plan.year, f"Đã ban hành Danh mục hồ sơ năm {plan.year}.", call)


@bp.post("/dossiers/plan/<int:plan_id>/headings")
@login_required
def add_heading(plan_id: int):
    plan = plans.get_plan(current_user, plan_id)

    def call():
        plan_items.add_heading(
            current_user,
            plan,
            title=_text("title"),
            abbreviation=_text("abbreviation"),
            parent_id=_int("parent_id"),
            version=_int("version"),
        )

    return _act(plan.year, "Đã thêm đề mục.", call)


@bp.post("/dossiers/plan/<int:plan_id>/headings/<int:heading_id>")
@login_required
def edit_heading(plan_id: int, heading_id: int):
    plan = plans.get_plan(current_user, plan_id)

    def call():
        abbreviation = request.form.get("abbreviation")
        plan_items.update_heading(
            current_user, plan, heading_id, title=_text("title"), abbreviation=abbreviation, version=_int("version")
        )

    return _act(plan.year, "Đã sửa đề mục.", call)


@bp.post("/dossiers/plan/<int:plan_id>/headings/<int:heading_id>/<action>")
@login_required
def heading_action(plan_id: int, heading_id: int, action: str):
    plan = plans.get_plan(current_user, plan_id)
    version = _int("version")
    if action == "move":
        direction = _text("direction")
        return _act(
            plan.year,
            "Đã chuyển vị trí đề mục.",
            lambda: plan_items.move_heading(current_user, plan, heading_id, direction, version=version),
        )
    if action == "delete":
        return _act(
            plan.year,
            "Đã xóa đề mục.",
            lambda: plan_items.delete_heading(current_user, plan, heading_id, version=version),
        )
    raise NotFound()


def _entry_values() -> dict:
    return {
        "title": _text("title"),
        "maintenance": _text("maintenance"),
        "retention_years": _int("retention_years"),
        "responsible_id": _int("responsible_id"),
        "responsible_unit_id": _int("responsible_unit_id"),
        "note": _text("note"),
    }


@bp.post("/dossiers/plan/<int:plan_id>/entries")
@login_required
def add_entry(plan_id: int):
    plan = plans.get_plan(current_user, plan_id)
    values = {**_entry_values(), "heading_id": _int("heading_id"), "version": _int("version")}
    return _act(plan.year, "Đã thêm hồ sơ vào Danh mục.", lambda: plan_items.add_entry(current_user, plan, **values))


@bp.route("/dossiers/plan/<int:plan_id>/entries/<int:entry_id>", methods=["GET", "POST"])
@login_required
def edit_entry(plan_id: int, entry_id: int):
    """A page of its own: each row of a long plan carrying the agency's people in a select would weigh megabytes."""
    plan = plans.get_plan(current_user, plan_id)
    entry = plans.entry_of(plan, entry_id)
    if not permissions.can_edit_plan(current_user, plan.agency_id):
        raise PermissionDenied("Chỉ văn phòng (văn thư) và lãnh đạo cơ quan được sửa Danh mục hồ sơ.")
    if request.method == "GET":
        return render_template(
            "dossiers/plan/entry.html",
            plan=plan,
            entry=entry,
            rows=plans.outline(plan),
            editor=True,
            maintenance=MAINTENANCE,
            people=org_queries.list_users({plan.agency_id}, active=True),
            units=org_queries.list_units(plan.agency_id, active_only=True),
        )
    values = {**_entry_values(), "heading_id": _int("heading_id"), "version": _int("version")}
    return _act(plan.year, "Đã sửa hồ sơ.", lambda: plan_items.update_entry(current_user, plan, entry_id, **values))


@bp.post("/dossiers/plan/<int:plan_id>/entries/<int:entry_id>/<action>")
@login_required
def entry_action(plan_id: int, entry_id: int, action: str):
    plan = plans.get_plan(current_user, plan_id)
    version = _int("version")
    if action == "move":
        direction = _text("direction")
        return _act(
            plan.year,
            "Đã chuyển vị trí hồ sơ.",
            lambda: plan_items.move_entry(current_user, plan, entry_id, direction, version=version),
        )
    if action == "delete":
        return _act(
            plan.year,
            "Đã xóa hồ sơ khỏi Danh mục.",
            lambda: plan_items.delete_entry(current_user, plan, entry_id, version=version),
        )
    raise NotFound()
