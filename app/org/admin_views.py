"""Administration pages: agencies, units, accounts, the audit log."""

from flask import Blueprint, Response, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user

from app.audit import filters as audit_filters
from app.audit import queries as audit_queries
from app.audit import services as audit_services
from app.audit.actions import ACTION_LABELS, object_type_label
from app.audit.services import verify_chain
from app.core import clock
from app.core.errors import DomainError, NotFound
from app.core.inputs import bounded_int
from app.core.transaction import unit_of_work
from app.org import access_warnings, admin_hub, auth, queries, services
from app.org.forms import AgencyForm, ResetPasswordForm, UnitForm, UserForm, choices
from app.org.models import ROLE_LABELS
from app.org.permissions import audit_agency_ids, can_deactivate, managed_agency_ids, managed_user
from app.web.helpers import admin_required, show_errors

bp = Blueprint("admin", __name__, url_prefix="/admin", template_folder="templates")


def _managed_agency(agency_id: int):
    # Another agency's objects answer 404, not 403: their existence is not the admin's business.
    if agency_id not in managed_agency_ids(current_user):
        raise NotFound("Không tìm thấy cơ quan.", code="agency_not_found")
    return queries.get_agency(agency_id)


def _managed_user(user_id: int):
    return managed_user(current_user, user_id)


# --- Agencies and units -------------------------------------------------------------------------------


@bp.get("/agencies")
@admin_required
def agencies():
    return render_template("org/agencies.html", agencies=queries.list_agencies(managed_agency_ids(current_user)))


@bp.route("/agencies/new", methods=["GET", "POST"])
@bp.route("/agencies/<int:agency_id>/edit", methods=["GET", "POST"])
@admin_required
def agency_form(agency_id: int | None = None):
    agency = _managed_agency(agency_id) if agency_id else None
    form = AgencyForm(obj=agency)
    parents = [a for a in queries.list_agencies(managed_agency_ids(current_user)) if a is not agency]
    form.parent_id.choices = choices(
        [(None, "— Không có (cơ quan cấp cao nhất) —")] + [(a.id, a.name) for a in parents]
    )
    if form.validate_on_submit():
        fields = {name: getattr(form, name).data for name in services.AGENCY_FIELDS}
        try:
            with unit_of_work():
                if agency is None:
                    agency = services.create_agency(current_user, **fields)
                else:
                    services.update_agency(current_user, agency.id, **fields)
        except DomainError as exc:
            show_errors(form, exc)
        else:
            flash(f"Đã lưu cơ quan {agency.name}.", "success")
            return redirect(url_for("admin.agency_detail", agency_id=agency.id))
    return render_template("org/agency_form.html", form=form, agency=agency)


@bp.get("/agencies/<int:agency_id>")
@admin_required
def agency_detail(agency_id: int):
    agency = _managed_agency(agency_id)
    form = UnitForm()
    form.parent_id.choices = _unit_parent_choices(agency.id)
    return render_template(
        "org/agency_detail.html",
        agency=agency,
        form=form,
        units=queries.list_units(agency.id),
        users=queries.list_users({agency.id}, limit=1000),
        seal_url=_seal_url(agency.id),
    )


@bp.post("/agencies/<int:agency_id>/units")
@admin_required
def create_unit(agency_id: int):
    agency = _managed_agency(agency_id)
    form = UnitForm()
    form.parent_id.choices = _unit_parent_choices(agency.id)
    if form.validate_on_submit():
        try:
            with unit_of_work():
                unit = services.create_unit(
                    current_user,
                    agency_id=agency.id,
                    name=form.name.data,
                    abbreviation=form.abbreviation.data,
                    parent_id=form.parent_id.data,
                )
        except DomainError as exc:
            show_errors(form, exc)
        else:
            flash(f"Đã thêm đơn vị {unit.name}.", "success")
            return redirect(url_for("admin.agency_detail", agency_id=agency.id))
    return render_template(
        "org/agency_detail.html",
        agency=agency,
        form=form,
        units=queries.list_units(agency.id),
        users=queries.list_users({agency.id}, limit=1000),
        seal_url=_seal_url(agency.id),
    ), 422


@bp.route("/units/<int:unit_id>/edit", methods=["GET", "POST"])
@admin_required
def unit_form(unit_id: int):
    unit = queries.get_unit(unit_id)
    _managed_agency(unit.agency_id)
    form = UnitForm(obj=unit)
    form.parent_id.choices = [c for c in _unit_parent_choices(unit.agency_id) if c.value != unit.id]
    if form.validate_on_submit():
        try:
            with unit_of_work():
                services.update_unit(
                    current_user,
                    unit.id,
                    name=form.name.data,
                    abbreviation=form.abbreviation.data,
                    parent_id=form.parent_id.data,
                    is_active=form.is_active.data,
                )
        except DomainError as exc:
            show_errors(form, exc)
        else:
            flash(f"Đã lưu đơn vị {unit.name}.", "success")
            return redirect(url_for("admin.agency_detail", agency_id=unit.agency_id))
    return render_template("org/unit_form.html", form=form, unit=unit)


@bp.get("/unit-options")
@admin_required
def unit_options():
    """The <option>s of an agency's units, fetched by htmx when the agency select of the user form changes."""
    agency = _managed_agency(request.args.get("agency_id", type=bounded_int) or 0)
    return render_template("org/_unit_options.html", units=queries.list_units(agency.id, active_only=True))


def _seal_url(agency_id: int) -> str | None:
    # The agency's seal is its organization signing credential (app.signing, above org: linked by endpoint name).
    if "signing.add_organization" not in current_app.view_functions:
        return None
    return url_for("signing.add_organization", agency_id=agency_id)


def _unit_parent_choices(agency_id: int):
    return choices([(None, "— Không có —")] + [(u.id, u.name) for u in queries.list_units(agency_id, active_only=True)])


# --- Accounts -----------------------------------------------------------------------------------------


@bp.get("/users")
@admin_required
def users():
    agency_ids = managed_agency_ids(current_user)
    status = request.args.get("status", "")
    active = {"active": True, "inactive": False}.get(status)
    agency_filter = request.args.get("agency_id", type=bounded_int)
    if agency_filter in agency_ids:
        agency_ids = {agency_filter}
    rows = queries.list_users(
        agency_ids, search=request.args.get("q", ""), role=request.args.get("role") or None, active=active
    )
    return render_template(
        "org/users.html",
        users=rows,
        role_labels=ROLE_LABELS,
        agencies=queries.list_agencies(managed_agency_ids(current_user)),
    )


@bp.route("/users/new", methods=["GET", "POST"])
@bp.route("/users/<int:user_id>/edit", methods=["GET", "POST"])
@admin_required
def user_form(user_id: int | None = None):
    user = _managed_user(user_id) if user_id else None
    form = UserForm(obj=user)
    agencies = queries.list_agencies(managed_agency_ids(current_user))
    form.agency_id.choices = choices([(a.id, a.name) for a in agencies])
    if request.method == "GET":
        form.roles.data = sorted(r.value for r in user.roles) if user else []
        form.agency_id.data = user.agency_id if user else request.args.get("agency_id", current_user.agency_id, int)
    agency_id = user.agency_id if user else (form.agency_id.data or current_user.agency_id)
    form.unit_id.choices = choices(
        [(None, "— Không thuộc phòng nào —")]
        + [(u.id, u.name) for u in queries.list_units(agency_id, active_only=True)]
    )
    if form.validate_on_submit():
        profile = {
            "full_name": form.full_name.data,
            "roles": form.roles.data,
            "unit_id": form.unit_id.data,
            "position": form.position.data,
            "email": form.email.data,
            "phone": form.phone.data,
        }
        try:
            with unit_of_work():
                if user is None:
                    user = services.create_user(
                        current_user,
                        username=form.username.data,
                        password=form.password.data or "",
                        agency_id=agency_id,
                        **profile,
                    )
                else:
                    services.update_user(current_user, user.id, **profile)
        except DomainError as exc:
            show_errors(form, exc)
        else:
            flash(f"Đã lưu tài khoản {user.username}.", "success")
            if access_warnings.open_about_account(user.id):  # Phụ lục VI III.3.c: said where the change is made
                flash(
                    "Thay đổi quyền truy cập của tài khoản này được cảnh báo cho đến khi lãnh đạo cơ quan hoặc một "
                    "quản trị khác xác nhận.",
                    "warning",
                )
            return redirect(url_for("admin.user_detail", user_id=user.id))
    return render_template("org/user_form.html", form=form, user=user)


@bp.get("/users/<int:user_id>")
@admin_required
def user_detail(user_id: int):
    user = _managed_user(user_id)
    return render_template(
        "org/user_detail.html",
        user=user,
        reset_form=ResetPasswordForm(),
        events=audit_queries.events_for("user_account", user.id),
        pending_access=access_warnings.open_about_account(user.id),
        can_deactivate=can_deactivate(current_user, user),
        what_changed=access_warnings.what_changed,
        # signing sits above org: linked by endpoint name, when the application has it
        signing_url=url_for("signing.add_personal", user_id=user.id)
        if "signing.add_personal" in current_app.view_functions and user.is_active
        else None,
        # the engine sits above org too: the person's open work and the deactivation handing it over (htmx)
        open_work_url=url_for("workflow_handover.open_work", user_id=user.id)
        if "workflow_handover.open_work" in current_app.view_functions
        else None,
    )


@bp.post("/users/<int:user_id>/deactivate")
@admin_required
def deactivate_user(user_id: int):
    user = services.deactivate_user(current_user, _managed_user(user_id).id)
    flash(f"Đã vô hiệu hóa tài khoản {user.username}.", "success")
    return redirect(url_for("admin.user_detail", user_id=user.id))


@bp.post("/users/<int:user_id>/reactivate")
@admin_required
def reactivate_user(user_id: int):
    user = services.reactivate_user(current_user, _managed_user(user_id).id)
    flash(f"Đã kích hoạt lại tài khoản {user.username}.", "success")
    return redirect(url_for("admin.user_detail", user_id=user.id))


@bp.post("/users/<int:user_id>/password")
@admin_required
def reset_password(user_id: int):
    user = _managed_user(user_id)
    form = ResetPasswordForm()
    if form.validate_on_submit():
        try:
            with unit_of_work():
                auth.reset_password(current_user, user.id, form.new_password.data)
        except DomainError as exc:
            flash(" ".join([exc.message, *exc.details.values()]), "danger")
        else:
            flash(f"Đã đặt lại mật khẩu cho {user.username}.", "success")
    return redirect(url_for("admin.user_detail", user_id=user.id))


# --- Audit log ----------------------------------------------------------------------------------------


@bp.get("/audit")
@admin_required
def audit_log():
    return _audit_page(result=None)


@bp.post("/audit/verify")
@admin_required
def audit_verify():
    return _audit_page(result=verify_chain())


def _audit_page(result):
    agency_ids = audit_agency_ids(current_user)
    found, problems = audit_filters.parse_filters(request.args)
    for message in problems.values():
        flash(message, "danger")
    events = []
    if not problems:  # as the reports do: no rows for a question that was not asked right
        events = audit_filters.search(agency_ids, found, before_seq=request.args.get("before", type=bounded_int))
    return render_template(
        "org/audit.html",
        events=events,
        result=result,
        filters=found,
        problems=problems,
        page_size=audit_filters.PAGE_SIZE,
        agencies=queries.list_agencies(managed_agency_ids(current_user)),
        object_types=sorted(audit_filters.object_types(agency_ids), key=object_type_label),
        people=queries.list_users(managed_agency_ids(current_user), limit=1000),
        action_labels=ACTION_LABELS,
        object_label=object_type_label,
    ), (422 if problems else 200)


@bp.get("/audit.csv")
@admin_required
def audit_csv():
    """The filtered log as CSV (at most CSV_LIMIT rows, newest first); the export itself is audited."""
    found = audit_filters.require_filters(request.args)
    events = audit_filters.search(audit_agency_ids(current_user), found, limit=audit_filters.CSV_LIMIT)
    audit_services.record(
        current_user,
        "audit.export",
        object_type="audit_event",
        summary=f"Xuất {len(events)} sự kiện nhật ký hệ thống ra tệp CSV",
        changes={"filters": found.as_args(), "rows": len(events)},
    )
    stamp = clock.to_local(clock.now()).strftime("%Y%m%d-%H%M")
    return Response(
        audit_filters.to_csv(events),
        mimetype="text/csv",
        headers={"Content-Disposition": f'attachment; filename="nhat-ky-{stamp}.csv"'},
    )


# --- The administration hub ------------------------------------------------------------------------------


@bp.get("")
@admin_required
def hub():
    return render_template(
        "org/admin_hub.html",
        sections=admin_hub.sections(set(current_app.view_functions), current_user),
        open_access_warnings=access_warnings.count_open(current_user),
    )
