"""What the reports read is written by the real procedures: a task's working minutes when it completes, a
recipient's first acknowledgement when its system answers; older rows are filled by the backfill."""

from datetime import timedelta

import sqlalchemy as sa

from app.core.db import db
from app.reports import services
from app.reports.periods import make_period
from app.workflow import services as wf
from app.workflow.models import HumanTask, TaskState
from tests.outgoing.conftest import SNV, issued_document
from tests.outgoing.test_dispatch import incoming_task, received_by, recipient

NOVEMBER = make_period("2026-11-01", "2026-11-30")


def test_a_procedure_run_feeds_the_dashboard_and_the_exchange_statistics(outgoing_office, draft_bytes, frozen_clock):
    office = outgoing_office
    document = issued_document(office, draft_bytes)  # Monday 23/11 09:00, every step at once
    snv = office.snv
    [at_snv] = received_by(snv)
    dispatched = frozen_clock.instant
    assert recipient(document, SNV[0]).status_code == "01"  # Đã đến, sent on arrival (NĐ 30/2020 Điều 21.2.c)
    assert recipient(document, SNV[0]).acknowledged_at is None  # …by the software: nobody has accepted it yet

    # SNV's clerk checks it on Wednesday at 10:00; Tuesday 24/11 is a public holiday (Ngày Văn hóa Việt Nam).
    check = incoming_task(at_snv)
    frozen_clock.advance(days=2, hours=1)
    wf.complete_task(snv.clerk, check.id, {}, outcome="tiep_nhan")
    db.session.refresh(check)
    assert check.state == TaskState.COMPLETED
    assert check.working_minutes == 360 + 150  # Monday 09:00–11:30, 13:30–17:00 + Wednesday 07:30–10:00
    wf.complete_task(
        snv.clerk,
        incoming_task(at_snv).id,
        {"sender_name": at_snv.sender_name, "type_name": "Công văn", "subject": at_snv.subject},
    )
    assert recipient(document, SNV[0]).status_code == "03"
    accepted = recipient(document, SNV[0]).acknowledged_at
    assert accepted == dispatched + timedelta(days=2, hours=1)  # 03 Đã tiếp nhận: the clerk's answer

    report = services.exchange_report(office.leader, NOVEMBER)
    [row] = report["rows"]
    # One of the two recipients accepted it, 2 days and 1 hour (clock time) after the dispatch; the other is silent
    # for 1 working day only (Tuesday is a holiday): not yet listed.
    assert (row["sent_documents"], row["sent_signed"], row["acknowledged"], row["avg_ack_minutes"]) == (1, 1, 1, 2940)
    assert report["unacknowledged"] == []
    frozen_clock.advance(days=5)  # Monday 30/11 10:00: Wednesday, Thursday, Friday have passed
    [silent] = services.exchange_report(office.leader, NOVEMBER)["unacknowledged"]
    assert (silent["recipient"], silent["symbol"]) == ("Sở Tài chính tỉnh Kiên Giang", document.symbol)
    snv_dashboard = services.dashboard(snv.leader, NOVEMBER)["summary"]
    assert snv_dashboard["completed"] == 2 and snv_dashboard["p90_minutes"] == 510.0  # registering took no time


def test_backfill_fills_the_working_minutes_of_older_completed_tasks(month):
    tasks = [month.tasks.t1, month.tasks.t2, month.tasks.t7]
    for task in tasks:
        task.working_minutes = None
    db.session.flush()
    assert services.backfill_working_minutes(batch=2) == 3
    stored = db.session.execute(
        sa.select(HumanTask.id, HumanTask.working_minutes).where(HumanTask.id.in_([t.id for t in tasks]))
    )
    # t7: Thursday 1/10 08:00 → Monday 5/10 08:00 = 420 + 450 + 30.
    assert dict(stored.all()) == {month.tasks.t1.id: 90, month.tasks.t2.id: 510, month.tasks.t7.id: 900}
    assert services.backfill_working_minutes() == 0  # nothing left: running it again changes nothing


def test_backfill_command(app, month):
    month.tasks.t3.working_minutes = None
    db.session.flush()
    result = app.test_cli_runner().invoke(args=["reports", "backfill"])
    assert result.exit_code == 0, result.output
    assert "Đã tính thời gian xử lý cho 1 công việc." in result.output
    db.session.expire_all()
    assert month.tasks.t3.working_minutes == 120
