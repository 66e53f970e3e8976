"""The reports' entry points, actor first: the permission check, then the figures (pages, API, exports, CLI).

Reading a report changes nothing, except `backfill_working_minutes`, which stores the handling time of tasks that
completed before migration 0022 (one unit of work per batch, safe to run again).
"""

from dataclasses import dataclass

import sqlalchemy as sa

from app.core.db import db
from app.core.transaction import unit_of_work
from app.org.models import Agency, Unit, User
from app.reports import exchange, exports, handling, queries
from app.reports.periods import Period
from app.reports.permissions import Scope, exchange_scope, handling_scope
from app.workflow.models import HumanTask, TaskState
from app.workflow.services import handling_minutes


@dataclass(frozen=True)
class Export:
    filename: str
    mimetype: str
    data: bytes


MIMETYPES = {
    "pdf": "application/pdf",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


def dashboard(actor: User, period: Period, *, unit_id=None, process_id=None, type_name=None, urgency=None) -> dict:
    """The leader dashboard of the actor's agency (or of one unit), for the period, now."""
    scope = handling_scope(actor, unit_id)
    filters = queries.Filters(scope, period, process_id or None, type_name or None, urgency or None)
    return {"scope": scope, "period": period, **queries.dashboard(filters)}


def handling_report(actor: User, kind: str, period: Period, *, unit_id=None) -> dict:
    """Báo cáo tình hình giải quyết văn bản đến (`incoming`) or đi (`outgoing`) of the actor's agency or unit."""
    scope = handling_scope(actor, unit_id)
    report = handling.handling_report(handling.KINDS[kind], scope, period)
    return {"scope": scope, "period": period, **report}


def exchange_report(actor: User, period: Period, *, agency_id: int | None = None) -> dict:
    """Exchange statistics of one agency, or (None) of every agency the actor may read: the province view."""
    agency_ids = exchange_scope(actor, agency_id)
    return {"agency_id": agency_id, "period": period, **exchange.exchange_report(agency_ids, period)}


def scope_label(scope: Scope) -> str:
    agency = db.session.get(Agency, scope.agency_id)
    unit = db.session.get(Unit, scope.unit_id) if scope.unit_id else None
    return f"{agency.name} — {unit.name}" if unit else agency.name


def export_handling(actor: User, kind: str, period: Period, fmt: str, *, unit_id=None) -> Export:
    report = handling_report(actor, kind, period, unit_id=unit_id)
    sheet = exports.handling_sheet(report, scope_label(report["scope"]), period)
    return _export(sheet, f"bao-cao-giai-quyet-van-ban-{'den' if kind == 'incoming' else 'di'}", fmt, actor)


def export_exchange(actor: User, period: Period, fmt: str, *, agency_id: int | None = None) -> Export:
    report = exchange_report(actor, period, agency_id=agency_id)
    if agency_id is not None:
        title = db.session.get(Agency, agency_id).name
    else:
        title = "Các cơ quan, đơn vị" if len(report["rows"]) != 1 else report["rows"][0]["name"]
    sheet = exports.exchange_sheet(report, title, period)
    return _export(sheet, "thong-ke-van-ban-dien-tu", fmt, actor)


def _export(sheet: exports.Sheet, stem: str, fmt: str, actor: User) -> Export:
    name = f"{stem}-{sheet.period.start:%Y%m%d}-{sheet.period.end:%Y%m%d}.{fmt}"
    data = exports.to_pdf(sheet, actor.full_name) if fmt == "pdf" else exports.to_xlsx(sheet)
    return Export(name, MIMETYPES[fmt], data)


def backfill_working_minutes(batch: int = 1000) -> int:
    """Store the working minutes of completed tasks that have none; returns how many were filled."""
    filled = 0
    while True:
        with unit_of_work():
            tasks = db.session.scalars(
                sa.select(HumanTask)
                .where(
                    HumanTask.state == TaskState.COMPLETED,
                    HumanTask.completed_at.is_not(None),
                    HumanTask.working_minutes.is_(None),
                )
                .order_by(HumanTask.id)
                .limit(batch)
            ).all()
            for task in tasks:
                task.working_minutes = handling_minutes(task.created_at, task.completed_at, task.agency_id)
        filled += len(tasks)
        if len(tasks) < batch:
            return filled
