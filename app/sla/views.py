"""The working-calendar page for administrators: office hours, a year's days off, overrides, a deadline tester."""

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import current_user

from app.core import clock, inputs
from app.core.errors import DomainError, NotFound, PermissionDenied, ValidationError
from app.core.transaction import unit_of_work
from app.org import queries as org_queries
from app.org.permissions import chosen_agency_id, managed_agency_ids
from app.sla import calendar, queries, rules, services, settings
from app.sla.forms import (
    DueTestForm,
    HoursForm,
    OverrideForm,
    SlaSettingsForm,
    parse_seasons_text,
    parse_sessions_text,
    seasons_text,
    settings_field_name,
)
from app.sla.hours import WEEKDAY_LABELS, format_month_day, format_sessions
from app.web.helpers import admin_required, show_errors

bp = Blueprint("sla", __name__, url_prefix="/admin/calendars", template_folder="templates")

DEFAULT_SCOPE = "default"


def _agency_id_of_scope(raw: str | None) -> int | None:
    """`scope` is "default" or the id of an agency the administrator manages (others answer 404)."""
    if not raw:
        # Who can edit the default starts there; everyone else starts on their own agency.
        return None if services.can_edit_default(current_user) else current_user.agency_id
    if raw == DEFAULT_SCOPE:
        return None
    agency_id = int(raw) if raw.isdigit() else 0
    if agency_id not in managed_agency_ids(current_user):
        raise NotFound("Không tìm thấy cơ quan.", code="agency_not_found")
    return agency_id


def _scope(agency_id: int | None) -> str:
    return DEFAULT_SCOPE if agency_id is None else str(agency_id)


def _can_edit(agency_id: int | None) -> bool:
    return services.can_edit_default(current_user) if agency_id is None else True


def _year() -> int:
    year = request.args.get("year", type=inputs.year)
    return year if year and 1995 <= year <= 2100 else clock.to_local(clock.now()).year


@bp.get("", endpoint="calendar")
@admin_required
def calendar_view(override_form: OverrideForm | None = None, status: int = 200):
    agency_id = _agency_id_of_scope(request.args.get("scope"))
    year = _year()
    tester, result, problem = DueTestForm(request.args), None, None
    if request.args.get("spec") and request.args.get("start"):
        try:
            spec = settings.resolve_rule(tester.spec.data, agency_id)
            result = calendar.due(calendar.parse_instant(tester.start.data), spec, agency_id)
        except DomainError as exc:
            problem = exc.message
    scopes = [(DEFAULT_SCOPE, "Lịch mặc định (mọi cơ quan)")] + [
        (str(a.id), a.name) for a in org_queries.list_agencies(managed_agency_ids(current_user))
    ]
    return render_template(
        "sla/calendar.html",
        agency=org_queries.get_agency(agency_id) if agency_id else None,
        scope=_scope(agency_id),
        scopes=scopes,
        can_edit=_can_edit(agency_id),
        hours=queries.effective_hours(agency_id),
        year=year,
        special_days=calendar.special_days(year, agency_id),
        overrides=queries.list_overrides(agency_id, year),
        override_form=override_form or OverrideForm(),
        tester=tester,
        result=result,
        problem=problem,
        weekday_labels=WEEKDAY_LABELS,
        format_sessions=format_sessions,
        format_month_day=format_month_day,
    ), status


# Hours typed while "use the default calendar's hours" stays ticked would be dropped without a word: refused instead.
USE_DEFAULT_WITH_EDITS = (
    "Đang chọn “Dùng giờ làm việc của lịch mặc định”: giờ vừa sửa sẽ không được lưu. "
    "Bỏ chọn ô này để lưu giờ làm việc riêng, hoặc giữ nguyên các ô giờ."
)


def _shown(current: dict) -> tuple[str, list[int], str]:
    """The hours as the form shows them: sessions, weekdays, seasons."""
    return format_sessions(current["sessions"]).replace("–", "-"), current["weekdays"], seasons_text(current["seasons"])


def _typed(sessions: str | None, weekdays: list[int] | None, seasons: str | None) -> tuple:
    """The hours as typed, without the spaces and blank lines that change nothing."""
    lines = [" ".join(line.split()) for line in (seasons or "").splitlines() if line.strip()]
    return " ".join((sessions or "").split()), sorted(weekdays or []), lines


@bp.route("/hours", methods=["GET", "POST"])
@admin_required
def edit_hours():
    agency_id = _agency_id_of_scope(request.args.get("scope"))
    if not _can_edit(agency_id):
        raise PermissionDenied("Chỉ quản trị hệ thống của cơ quan cấp cao nhất được sửa lịch làm việc mặc định.")
    current = queries.effective_hours(agency_id)
    form = HoursForm()
    if request.method == "GET":
        form.use_default.data = agency_id is not None and not current["has_own_hours"]
        form.sessions.data, form.weekdays.data, form.seasons.data = _shown(current)
    if form.validate_on_submit():
        try:
            with unit_of_work():
                if agency_id is not None and form.use_default.data:
                    if _typed(form.sessions.data, form.weekdays.data, form.seasons.data) != _typed(*_shown(current)):
                        raise ValidationError(
                            "Dữ liệu nhập chưa hợp lệ, vui lòng kiểm tra lại.",
                            details={"use_default": USE_DEFAULT_WITH_EDITS},
                        )
                    services.use_default_hours(current_user, agency_id)
                else:
                    sessions, weekdays = parse_sessions_text(form.sessions.data), form.weekdays.data
                    seasons, unreadable = parse_seasons_text(form.seasons.data)
                    if unreadable:
                        services.refuse_hours(unreadable, sessions=sessions, weekdays=weekdays, seasons=seasons)
                    services.update_hours(
                        current_user, agency_id, sessions=sessions, weekdays=weekdays, seasons=seasons
                    )
        except DomainError as exc:
            show_errors(form, exc)
        else:
            flash("Đã lưu giờ làm việc.", "success")
            return redirect(url_for("sla.calendar", scope=_scope(agency_id)))
    agency = org_queries.get_agency(agency_id) if agency_id else None
    status = 422 if request.method == "POST" else 200
    return render_template("sla/hours_form.html", form=form, agency=agency, scope=_scope(agency_id)), status


@bp.post("/overrides")
@admin_required
def add_override():
    agency_id = _agency_id_of_scope(request.args.get("scope"))
    form = OverrideForm()
    if form.validate_on_submit():
        try:
            with unit_of_work():
                override = services.add_override(
                    current_user, agency_id, day=form.day.data, kind=form.kind.data, note=form.note.data
                )
        except DomainError as exc:
            show_errors(form, exc)
        else:
            flash(f"Đã thêm {override.kind_label.lower()} {override.day:%d/%m/%Y}.", "success")
            return redirect(url_for("sla.calendar", scope=_scope(agency_id), year=override.day.year))
    return calendar_view(override_form=form, status=422)


@bp.post("/overrides/<int:override_id>/delete")
@admin_required
def remove_override(override_id: int):
    override = queries.get_override(override_id)
    agency_id, day = override.calendar.agency_id, override.day
    # The service decides who may (another agency's override is not found, design.md §8), as for the API.
    services.remove_override(current_user, override.id)
    flash(f"Đã bỏ điều chỉnh ngày {day:%d/%m/%Y}.", "success")
    return redirect(url_for("sla.calendar", scope=_scope(agency_id), year=day.year))


# --- deadline settings ------------------------------------------------------------------------------------


def _settings_agency_id() -> int:
    """Settings belong to an agency (no deployment-wide row): the one asked for, if managed, else one's own."""
    raw = request.args.get("scope") or ""
    return chosen_agency_id(current_user, "" if raw == DEFAULT_SCOPE else raw)


@bp.route("/deadlines", methods=["GET", "POST"], endpoint="settings")
@admin_required
def settings_view():
    """Per urgency level clock or working time and duration; the values of the named rules; a preview."""
    agency_id = _settings_agency_id()
    current = settings.effective_settings(agency_id)
    form = SlaSettingsForm()
    if request.method == "GET":
        form.fill(current)
    elif form.validate_on_submit():
        urgency, values = form.values()
        try:
            with unit_of_work():
                settings.update_settings(current_user, agency_id, urgency=urgency, rules_values=values)
        except DomainError as exc:
            exc.details = {settings_field_name(k): v for k, v in (exc.details or {}).items()}
            show_errors(form, exc)
        else:
            flash("Đã lưu thiết lập thời hạn xử lý.", "success")
            return redirect(url_for("sla.settings", scope=agency_id))
    return render_template(
        "sla/settings.html",
        form=form,
        agency=org_queries.get_agency(agency_id),
        scope=str(agency_id),
        scopes=[(str(a.id), a.name) for a in org_queries.list_agencies(managed_agency_ids(current_user))],
        current=current,
        now=clock.now(),
        preview=settings.preview(agency_id),
        levels=rules.LEVEL_LABELS,
        rules=rules.RULES,
    ), (422 if request.method == "POST" else 200)


@bp.post("/deadlines/reset")
@admin_required
def reset_settings():
    agency_id = _settings_agency_id()
    settings.reset_settings(current_user, agency_id)
    flash("Đã đưa thiết lập thời hạn xử lý về mặc định.", "success")
    return redirect(url_for("sla.settings", scope=agency_id))
