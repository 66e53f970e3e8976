"""Scheduled work of the archive: the nộp lưu reminder and the retry of destroyed files' removal.

Phụ lục VI III.5.b: "Hệ thống … cảnh báo hồ sơ đến hạn nộp lưu … trước 30 ngày" — reminder_days of the agency's
settings (DossierSettings, default 30). A closed (or returned) dossier not submitted, whose transfer_due_on minus
reminder_days has come, gets one notice to its creator: `transfer_reminded_at` is set in the same transaction and
the notice carries a dedupe key, so a rerun (or a second scheduler) tells nobody twice. Overdue dossiers (past
transfer_due_on) are listed for the archivist on the transfers page (`overdue`).
"""

import logging
from dataclasses import dataclass, field
from datetime import date, timedelta

import sqlalchemy as sa

from app.core import clock
from app.core.db import db
from app.core.jobs import Job
from app.core.transaction import unit_of_work
from app.dossiers import settings
from app.dossiers.models import Dossier
from app.dossiers.states import DossierStatus

log = logging.getLogger(__name__)

WAITING = (DossierStatus.CLOSED, DossierStatus.RETURNED)


@dataclass
class ReminderResult:
    reminded: list[Dossier] = field(default_factory=list)
    failed: list[int] = field(default_factory=list)


def due_for_reminder(today: date) -> list[int]:
    """Ids of the dossiers to remind now: per agency, its own reminder horizon (ix_dossier_transfer_due)."""
    agencies = db.session.scalars(
        sa.select(Dossier.agency_id)
        .where(
            Dossier.status.in_(WAITING), Dossier.transfer_due_on.is_not(None), Dossier.transfer_reminded_at.is_(None)
        )
        .distinct()
    )
    ids: list[int] = []
    for agency_id in list(agencies):
        horizon = today + timedelta(days=settings.settings_for(agency_id).reminder_days)
        ids += db.session.scalars(
            sa.select(Dossier.id)
            .where(
                Dossier.agency_id == agency_id,
                Dossier.status.in_(WAITING),
                Dossier.transfer_due_on <= horizon,
                Dossier.transfer_reminded_at.is_(None),
            )
            .order_by(Dossier.transfer_due_on, Dossier.id)
        )
    return ids


def remind(today: date | None = None) -> ReminderResult:
    """Tell each creator once that their dossier is due for nộp lưu; each dossier its own unit of work."""
    from app.notifications.services import notify

    today = today or clock.local_today()
    result = ReminderResult()
    with unit_of_work():
        ids = due_for_reminder(today)
    for dossier_id in ids:
        try:
            with unit_of_work():
                dossier = db.session.get(Dossier, dossier_id)
                if dossier is None or dossier.status not in WAITING or dossier.transfer_reminded_at is not None:
                    continue
                dossier.transfer_reminded_at = clock.now()
                late = dossier.transfer_due_on < today
                notify(
                    [dossier.creator_id],
                    kind="dossier_transfer_due",
                    title=("Quá hạn nộp lưu hồ sơ " if late else "Sắp đến hạn nộp lưu hồ sơ ") + dossier.file_code,
                    body=f"{dossier.title}. Hạn nộp lưu: {dossier.transfer_due_on:%d/%m/%Y} (NĐ 30/2020 Điều 30).",
                    url="/archive/transfers/new",
                    dedupe_key=f"dossier-transfer-due:{dossier.id}",
                    object_type="dossier",
                    object_id=dossier.id,
                )
                result.reminded.append(dossier)
        except Exception:
            log.exception("dossier %s: transfer reminder failed", dossier_id)
            result.failed.append(dossier_id)
    return result


def overdue(agency_id: int, today: date | None = None) -> list[Dossier]:
    """Dossiers past their nộp lưu deadline and not submitted: the archivist follows them up."""
    today = today or clock.local_today()
    return list(
        db.session.scalars(
            sa.select(Dossier)
            .where(Dossier.agency_id == agency_id, Dossier.status.in_(WAITING), Dossier.transfer_due_on < today)
            .order_by(Dossier.transfer_due_on, Dossier.id)
        )
    )


def remind_transfers() -> int:
    result = remind()
    if result.reminded:
        log.info("dossiers: %d nộp lưu reminder(s) sent", len(result.reminded))
    return len(result.reminded)


def destroy_pending_files() -> int:
    from app.dossiers.destruction import destroy_files

    return destroy_files()


JOBS = [
    Job(
        id="dossiers.remind_transfers",
        func=remind_transfers,
        seconds=6 * 3600,  # daily is enough; a few runs a day catch a missed one (the reminder is once anyway)
        description="Nhắc người lập hồ sơ đến hạn nộp lưu (Phụ lục VI III.5.b)",
    ),
    Job(
        id="dossiers.destroy_pending_files",
        func=destroy_pending_files,
        seconds=3600,
        description="Xóa tệp của hồ sơ đã hủy còn chờ xóa",
    ),
]
