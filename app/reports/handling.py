"""Báo cáo tình hình giải quyết văn bản đến / văn bản đi (NĐ 30/2020 Phụ lục VI V.2, III.6.a).

Per unit, for the documents of a period: how many came in, how many were completed on time and late, how many are
still in progress within their deadline and how many are overdue, as at the moment the report is made.

- Văn bản đến: those that arrived in the period (not returned to the sender, not recalled), per lead unit (đơn vị
  chủ trì); the deadline is the leader's `handling_due`, else the sender's `due_date` (field 18 DueDate); completed
  means status 06. A document without a deadline is never late: completed, it counts as on time; in progress,
  it is counted apart ("chưa có hạn": not directed yet, and the sender asked for no reply date), so a document
  waiting for its direction is not reported as "trong hạn".
- Văn bản đi: the drafts begun in the period (not abandoned), per drafting unit; completed means issued; the
  deadline is the reply's `reply_due` when it answers an incoming document that asked for one (the rest, "không
  có hạn", are counted apart while in progress).

Deadlines are dates: a document completed on its deadline's day is on time (dates compared in Việt Nam time).
"""

from dataclasses import dataclass
from datetime import date

import sqlalchemy as sa

from app.core import clock
from app.core.db import db, without_jit
from app.incoming.models import IncomingDocument, IncomingStatus
from app.org.models import Unit
from app.outgoing.models import OutgoingDocument, OutgoingStatus
from app.reports.periods import Period
from app.reports.permissions import Scope
from app.reports.sql import local_date

COLUMNS = ("received", "completed_on_time", "completed_late", "in_progress", "no_deadline", "overdue")
NO_UNIT = "Chưa giao đơn vị"


@dataclass(frozen=True)
class Kind:
    """What differs between the two reports: the model, its columns, and the words of its headings."""

    key: str
    title: str
    model: type
    unit: object
    begun: object
    done: object
    deadline: object
    excluded: tuple
    headings: tuple[str, ...]
    note: str  # under the table, on the page and in the exports


INCOMING = Kind(
    key="incoming",
    title="BÁO CÁO TÌNH HÌNH GIẢI QUYẾT VĂN BẢN ĐẾN",
    model=IncomingDocument,
    unit=IncomingDocument.lead_unit_id,
    begun=IncomingDocument.arrived_at,
    done=sa.case((IncomingDocument.status == IncomingStatus.COMPLETED, IncomingDocument.completed_at)),
    deadline=sa.func.coalesce(IncomingDocument.handling_due, IncomingDocument.due_date),
    excluded=(IncomingStatus.RETURNED, IncomingStatus.RECALLED),
    headings=(
        "Văn bản đến",
        "Hoàn thành đúng hạn",
        "Hoàn thành quá hạn",
        "Đang giải quyết trong hạn",
        "Đang giải quyết, chưa có hạn",
        "Quá hạn",
    ),
    note="Số liệu tính đến thời điểm lập báo cáo. Văn bản đã hoàn thành mà không có hạn giải quyết được tính là đúng "
    "hạn; văn bản đang giải quyết chưa có hạn (chưa được chỉ đạo, nơi gửi không yêu cầu hạn) được đếm riêng.",
)
OUTGOING = Kind(
    key="outgoing",
    title="BÁO CÁO TÌNH HÌNH GIẢI QUYẾT VĂN BẢN ĐI",
    model=OutgoingDocument,
    unit=OutgoingDocument.drafting_unit_id,
    begun=OutgoingDocument.created_at,
    done=OutgoingDocument.issued_at,
    deadline=OutgoingDocument.reply_due,
    excluded=(OutgoingStatus.CANCELLED,),
    headings=(
        "Văn bản dự thảo",
        "Ban hành đúng hạn",
        "Ban hành quá hạn",
        "Đang giải quyết trong hạn",
        "Đang giải quyết, không có hạn",
        "Quá hạn",
    ),
    note="Số liệu tính đến thời điểm lập báo cáo. Hạn là hạn trả lời của văn bản đến mà văn bản đi phúc đáp; văn "
    "bản ban hành không có hạn được tính là đúng hạn, văn bản đang giải quyết không có hạn được đếm riêng.",
)
KINDS = {kind.key: kind for kind in (INCOMING, OUTGOING)}


def _sum(condition):
    return sa.func.coalesce(sa.func.sum(sa.case((condition, 1), else_=0)), 0)


def handling_report(kind: Kind, scope: Scope, period: Period, today: date | None = None) -> dict:
    """The report's rows (one per unit, sorted by name, documents without a unit last) and their total."""
    today = today or clock.to_local(clock.now()).date()
    without_jit()
    model, done, deadline = kind.model, kind.done, kind.deadline
    late = sa.and_(deadline.is_not(None), local_date(done) > deadline)
    query = (
        sa.select(
            kind.unit,
            sa.func.count(),
            _sum(sa.and_(done.is_not(None), sa.not_(late))),
            _sum(sa.and_(done.is_not(None), late)),
            _sum(sa.and_(done.is_(None), deadline >= today)),
            _sum(sa.and_(done.is_(None), deadline.is_(None))),
            _sum(sa.and_(done.is_(None), deadline < today)),
        )
        .where(
            model.agency_id == scope.agency_id,
            kind.begun >= period.starts_at,
            kind.begun < period.ends_at,
            model.status.not_in(kind.excluded),
            *([kind.unit == scope.unit_id] if scope.unit_id is not None else []),
        )
        .group_by(kind.unit)
    )
    counted = {
        unit_id: dict(zip(COLUMNS, map(int, values), strict=True)) for unit_id, *values in db.session.execute(query)
    }
    names = dict(db.session.execute(sa.select(Unit.id, Unit.name).where(Unit.id.in_([k for k in counted if k]))).all())
    rows = [{"unit_id": key, "name": names.get(key, NO_UNIT), **values} for key, values in counted.items()]
    rows.sort(key=lambda r: (r["unit_id"] is None, r["name"]))
    total = {name: sum(r[name] for r in rows) for name in COLUMNS}
    return {
        "kind": kind.key,
        "title": kind.title,
        "headings": kind.headings,
        "note": kind.note,
        "rows": rows,
        "total": total,
    }
