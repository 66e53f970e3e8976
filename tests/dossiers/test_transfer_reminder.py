"""The nộp lưu reminder (Phụ lục VI III.5.b): 30 days before the deadline, once; the archivist's overdue list."""

from datetime import UTC, date, datetime

import pytest

from app.core import clock
from app.core.db import db
from app.dossiers import jobs, transfer
from app.dossiers.states import DossierStatus
from app.notifications.models import Notification
from tests.dossiers.helpers_archive import closed_dossier

DUE = date(2027, 6, 30)


def at(day: date):
    """09:00 in Việt Nam on `day`: the scheduler's run of that morning."""
    return clock.frozen(datetime(day.year, day.month, day.day, 2, 0, tzinfo=UTC))


def notices(user):
    return db.session.query(Notification).filter_by(user_id=user.id, kind="dossier_transfer_due").all()


@pytest.fixture
def due_dossier(archive_office):
    dossier = closed_dossier(archive_office.spec_a1)
    dossier.transfer_due_on = DUE
    db.session.flush()
    return dossier


def test_reminded_once_thirty_days_before(archive_office, due_dossier):
    creator = archive_office.spec_a1
    with at(date(2027, 5, 30)):  # 31 days before
        assert jobs.remind_transfers() == 0
    assert notices(creator) == []
    with at(date(2027, 5, 31)):  # 30 days before
        result = jobs.remind()
    assert [d.id for d in result.reminded] == [due_dossier.id]
    [notice] = notices(creator)
    assert due_dossier.file_code in notice.title and "30/06/2027" in notice.body
    assert due_dossier.transfer_reminded_at is not None
    with at(date(2027, 5, 31)):
        assert jobs.remind_transfers() == 0  # the same run again
    with at(date(2027, 6, 1)):
        assert jobs.remind().reminded == []
    assert len(notices(creator)) == 1


def test_the_agency_setting_moves_the_horizon_and_submitted_ones_are_skipped(archive_office, due_dossier):
    transfer.update_settings(archive_office.leader, archive_office.agency.id, {"reminder_days": 10})
    assert jobs.remind(date(2027, 5, 31)).reminded == []
    other = closed_dossier(archive_office.spec_a1, notation="02.TH")
    other.transfer_due_on = DUE
    transfer.submit(archive_office.spec_a1, [other.id], name="Khối")
    assert [d.id for d in jobs.remind(date(2027, 6, 20)).reminded] == [due_dossier.id]


def test_overdue_ones_are_listed_for_the_archivist(archive_office, due_dossier):
    assert jobs.overdue(archive_office.agency.id, date(2027, 6, 30)) == []
    assert jobs.overdue(archive_office.agency.id, date(2027, 7, 1)) == [due_dossier]
    due_dossier.status = DossierStatus.OPEN
    assert jobs.overdue(archive_office.agency.id, date(2027, 7, 1)) == []


def test_the_cli_reminds_on_the_day_given(app, archive_office, due_dossier):
    runner = app.test_cli_runner()
    early = runner.invoke(args=["dossiers", "remind", "--today", "2027-05-30"])
    assert early.exit_code == 0 and "Đã nhắc 0 hồ sơ" in early.output
    result = runner.invoke(args=["dossiers", "remind", "--today", "2027-05-31"])
    assert result.exit_code == 0, result.output
    assert "Đã nhắc 1 hồ sơ" in result.output and due_dossier.file_code in result.output
    bad = runner.invoke(args=["dossiers", "remind", "--today", "31/05/2027"])
    assert bad.exit_code == 2


def test_the_job_is_declared(app):
    assert {job.id for job in jobs.JOBS} == {"dossiers.remind_transfers", "dossiers.destroy_pending_files"}
