"""Pages: the leader dashboard, the handling reports (văn bản đến / đi) and the exchange statistics, with their PDF
and XLSX files. A bad period shows its message on the page (422) instead of figures."""

import io

from flask import Blueprint, redirect, render_template, request, send_file, url_for
from flask_login import current_user, login_required

from app.core import inputs
from app.core.errors import NotFound, PermissionDenied, ValidationError
from app.documents.queries import list_document_types
from app.org import queries as org_queries
from app.org.models import Role
from app.reports import periods, services
from app.reports.handling import COLUMNS
from app.reports.permissions import (
    can_view_dashboard,
    can_view_exchange,
    exchange_agency_ids,
    exchange_scope,
    handling_scope,
)
from app.sla.hours import late_label
from app.workflow.definitions import available_processes
from app.workflow.models import Urgency

bp = Blueprint(
    "reports",
    __name__,
    url_prefix="/reports",
    template_folder="templates",
    static_folder="static",
    static_url_path="/static",
)

FORMATS = ("pdf", "xlsx")
KIND_TITLES = {"incoming": "Tình hình giải quyết văn bản đến", "outgoing": "Tình hình giải quyết văn bản đi"}
URGENCY_CHOICES = [
    ("", "Mọi mức độ"),
    (Urgency.URGENT, "Khẩn (khẩn, thượng khẩn, hỏa tốc)"),
    (Urgency.NORMAL, "Thường"),
]


@bp.context_processor
def _helpers():
    return {
        "can_view_dashboard": can_view_dashboard,
        "can_view_exchange": can_view_exchange,
        "document_url": document_url,
        "columns": COLUMNS,
        "late_label": late_label,
    }


def document_url(item: dict) -> str:
    """Drill-down from an overdue task to its document (văn bản đến / đi), else to the task itself."""
    if item["object_type"] in ("incoming", "outgoing") and str(item["object_id"]).isdigit():
        return url_for(f"{item['object_type']}.document", document_id=int(item["object_id"]))
    return url_for("workflow.task_page", task_id=item["task_id"])


def _int_arg(name: str) -> int | None:
    raw = (request.args.get(name) or "").strip()
    if not raw:
        return None
    if not raw.isdigit() or int(raw) > inputs.MAX_INT:
        raise NotFound("Không tìm thấy đối tượng yêu cầu.", code=f"{name.removesuffix('_id')}_not_found")
    return int(raw)


def _period_or_problem() -> tuple[periods.Period | None, str | None]:
    try:
        return periods.from_args(request.args), None
    except ValidationError as exc:
        return None, exc.message


def _units():
    """The units an agency leader may choose between; a unit leader sees only their own."""
    if not current_user.has_role(Role.AGENCY_LEADER):
        return []
    return org_queries.list_units(current_user.agency_id, active_only=True)


@bp.get("")
@login_required
def index():
    if can_view_dashboard(current_user):
        return redirect(url_for("reports.dashboard"))
    if can_view_exchange(current_user):
        return redirect(url_for("reports.exchange"))
    raise PermissionDenied("Trang này dành cho lãnh đạo và quản trị hệ thống.")


@bp.get("/dashboard")
@login_required
def dashboard():
    unit_id = _int_arg("unit_id")
    handling_scope(current_user, unit_id)  # refused before anything, a bad period included
    period, problem = _period_or_problem()
    filters = {k: request.args.get(k) or None for k in ("process_id", "type_name", "urgency")}
    data = services.dashboard(current_user, period, unit_id=unit_id, **filters) if period else None
    return render_template(
        "reports/dashboard.html",
        data=data,
        period=period,
        problem=problem,
        args=request.args,
        units=_units(),
        processes=available_processes(current_user.agency_id),
        types=[t.name for t in list_document_types(current_user.agency_id)],
        urgencies=URGENCY_CHOICES,
        trend=[{**w, "week": w["week"].strftime("%d/%m")} for w in data["trend"]] if data else [],
    ), (422 if problem else 200)


@bp.get("/handling/<kind>")
@login_required
def handling(kind: str):
    if kind not in KIND_TITLES:
        raise NotFound("Không tìm thấy báo cáo.", code="report_not_found")
    unit_id = _int_arg("unit_id")
    handling_scope(current_user, unit_id)
    period, problem = _period_or_problem()
    report = services.handling_report(current_user, kind, period, unit_id=unit_id) if period else None
    return render_template(
        "reports/handling.html",
        kind=kind,
        heading=KIND_TITLES[kind],
        report=report,
        period=period,
        problem=problem,
        args=request.args,
        units=_units(),
    ), (422 if problem else 200)


@bp.get("/handling/<kind>.<fmt>")
@login_required
def handling_file(kind: str, fmt: str):
    if kind not in KIND_TITLES or fmt not in FORMATS:
        raise NotFound("Không tìm thấy báo cáo.", code="report_not_found")
    period = periods.from_args(request.args)
    return _send(services.export_handling(current_user, kind, period, fmt, unit_id=_int_arg("unit_id")))


@bp.get("/exchange")
@login_required
def exchange():
    agency_id = _int_arg("agency_id")
    exchange_scope(current_user, agency_id)
    period, problem = _period_or_problem()
    report = services.exchange_report(current_user, period, agency_id=agency_id) if period else None
    agencies = org_queries.list_agencies(exchange_agency_ids(current_user))
    return render_template(
        "reports/exchange.html",
        report=report,
        period=period,
        problem=problem,
        args=request.args,
        agencies=agencies,
        kinds=periods.KIND_LABELS,
    ), (422 if problem else 200)


@bp.get("/exchange.<fmt>")
@login_required
def exchange_file(fmt: str):
    if fmt not in FORMATS:
        raise NotFound("Không tìm thấy báo cáo.", code="report_not_found")
    period = periods.from_args(request.args)
    return _send(services.export_exchange(current_user, period, fmt, agency_id=_int_arg("agency_id")))


def _send(export: services.Export):
    return send_file(
        io.BytesIO(export.data), mimetype=export.mimetype, download_name=export.filename, as_attachment=True
    )
