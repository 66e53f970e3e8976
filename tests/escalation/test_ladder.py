"""The ladder on a real incoming document (processes/incoming.bpmn, check_document: `sla: intake` = 2 working
hours, `escalate_to: lanh_dao`): reminder at 75 %, overdue at the deadline, the leader after the grace — once each,
across the New Year holiday and a weekend."""

import sqlalchemy as sa

from app.core import clock
from app.core.db import db
from app.escalation import policy, queries
from app.escalation.models import Escalation, EscalationWatch
from app.workflow.models import HumanTask
from tests.escalation.conftest import fired, local, notices, scan
from tests.incoming.conftest import instance_of, receive
from tests.workflow.conftest import open_tasks

# Thursday 31/12/2026 16:00: one working hour left that day; Friday 1/1 is Tết Dương lịch, then a weekend.
ARRIVAL = local(2026, 12, 31, 16, 0)
REMINDER = local(2027, 1, 4, 8, 0)  # 75 % of 2 working hours: 1 h on Thursday, 30 min from Monday 07:30
DEADLINE = local(2027, 1, 4, 8, 30)
ESCALATION = local(2027, 1, 5, 17, 0)  # the grace `next-working-day`: closing time of the next working day


def arrive(office, pdf, at=ARRIVAL, **metadata):
    with clock.frozen(at):
        document = receive(office, pdf, **metadata)
    [task] = open_tasks(instance_of(document))
    return document, task


def test_each_level_fires_once_at_its_working_time(incoming_office, signed_pdf):
    office = incoming_office
    _document, task = arrive(office, signed_pdf)
    assert (task.task_name, task.due_at) == ("check_document", DEADLINE)

    for instant in (ARRIVAL, local(2027, 1, 1, 10, 0), local(2027, 1, 3, 16, 0), local(2027, 1, 4, 7, 59)):
        scan(instant)
    assert fired() == []  # the holiday and the weekend do not count

    assert [f.level for f in scan(REMINDER).fired] == ["reminder"]
    assert notices() == [("vanthu", "task_reminder")]  # the clerk may take the step
    assert scan(REMINDER).fired == [] and scan(local(2027, 1, 4, 8, 29)).fired == []

    assert [f.level for f in scan(DEADLINE).fired] == ["overdue"]
    assert notices("task_overdue") == [("vanthu", "task_overdue")]  # the clerk has no unit, so no unit leader

    assert scan(local(2027, 1, 5, 16, 59)).fired == []
    result = scan(ESCALATION)
    assert [(f.level, f.recipients) for f in result.fired] == [("escalated", ("Trần Văn Minh",))]
    assert notices("task_escalated") == [("lanhdao", "task_escalated")]

    for instant in (ESCALATION, local(2027, 1, 8, 10, 0)):  # re-runs, later scans
        assert scan(instant).fired == []
    assert fired(task.id) == [(task.id, "reminder"), (task.id, "overdue"), (task.id, "escalated")]
    assert len(notices()) == 3
    assert db.session.get(EscalationWatch, task.id) is None  # nothing left to look at

    [item], total = queries.overdue_items(office.leader, ESCALATION)
    assert total == 1 and item.task.id == task.id
    assert item.late_minutes == 6 * 60 + 30 + 7 * 60 + 30  # Monday 08:30→17:00, Tuesday 07:30→17:00, working


def test_a_finished_step_stops_its_ladder(incoming_office, signed_pdf):
    from app.workflow import services as wf

    office = incoming_office
    document, task = arrive(office, signed_pdf)
    scan(REMINDER)
    with clock.frozen(local(2027, 1, 4, 8, 10)):
        wf.complete_task(office.clerk, task.id, {}, outcome="tiep_nhan")
    assert db.session.get(EscalationWatch, task.id) is None
    scan(ESCALATION)
    assert [level for task_id, level in fired() if task_id == task.id] == ["reminder"]
    [register] = open_tasks(instance_of(document))  # the next step has a ladder of its own (`register`:
    assert register.due_at == ESCALATION  # next-working-day from Monday 08:10)
    assert [level for task_id, level in fired() if task_id == register.id] == ["reminder", "overdue"]
    assert db.session.get(EscalationWatch, register.id).next_at == local(2027, 1, 6, 17, 0)  # then the leader


def test_an_agency_policy_moves_the_thresholds(incoming_office, signed_pdf):
    office = incoming_office
    policy.update_policy(None, office.agency.id, {"reminder_percent": 50, "grace": "PT4H"})
    _document, _task = arrive(office, signed_pdf, at=local(2026, 11, 23, 9, 0))
    assert [f.level for f in scan(local(2026, 11, 23, 9, 59)).fired] == []
    assert [f.level for f in scan(local(2026, 11, 23, 10, 0)).fired] == ["reminder"]  # 50 % of 2 h
    assert [f.level for f in scan(local(2026, 11, 23, 11, 0)).fired] == ["overdue"]
    # 4 working hours after 11:00: 30 min to the lunch break, 3 h 30 in the afternoon → 17:00.
    assert scan(local(2026, 11, 23, 16, 59)).fired == []
    assert [f.level for f in scan(local(2026, 11, 23, 17, 0)).fired] == ["escalated"]
    assert db.session.scalar(sa.select(Escalation.escalate_to).where(Escalation.level == "escalated")) == "lanh_dao"


def test_a_late_first_look_fires_the_deadline_not_a_stale_reminder(incoming_office, signed_pdf):
    office = incoming_office
    _document, _task = arrive(office, signed_pdf)
    result = scan(local(2027, 1, 4, 9, 0))  # the scheduler was down through the reminder and the deadline
    assert [(f.level, bool(f.recipients)) for f in result.fired] == [("reminder", False), ("overdue", True)]
    assert notices() == [("vanthu", "task_overdue")]


def test_a_later_deadline_moves_the_look(incoming_office, signed_pdf):
    """An approved extension (app/incoming/handling.py sets due_at) puts the task back on the schedule now."""
    from app.core.transaction import unit_of_work

    office = incoming_office
    _document, task = arrive(office, signed_pdf)
    later = local(2027, 1, 6, 17, 0)
    with clock.frozen(local(2027, 1, 4, 7, 45)), unit_of_work():
        row = db.session.get(HumanTask, task.id)
        row.due_at = row.due_sort = later
    assert db.session.get(EscalationWatch, task.id).next_at == local(2027, 1, 4, 7, 45)
    scan(local(2027, 1, 4, 7, 46))
    # 75 % of 23 h 30 of working time (Thursday 1 h, then 7 h 30 a day): Wednesday 09:07.
    assert scan(DEADLINE).fired == [] and scan(ESCALATION).fired == [] and scan(local(2027, 1, 6, 9, 6)).fired == []
    assert [f.level for f in scan(local(2027, 1, 6, 9, 7)).fired] == ["reminder"]


def test_a_leader_holding_the_step_is_told_once_even_when_a_late_scan_finds_every_level_due(
    incoming_office, signed_pdf
):
    from app.core.transaction import unit_of_work
    from app.workflow import services as wf

    office = incoming_office
    _document, task = arrive(office, signed_pdf)
    with clock.frozen(ARRIVAL), unit_of_work():
        wf.reassign_task(office.leader, task.id, office.leader.id)  # the leader keeps the step to check it himself

    result = scan(ESCALATION)  # the first scan since the arrival: reminder, overdue and escalation all due
    assert [f.level for f in result.fired] == ["reminder", "overdue", "escalated"]
    # The reminder is superseded by the deadline; the escalation goes to the holders of `lanh_dao` above the
    # step's holder — there is no other here, so only the overdue notice is sent.
    assert notices() == [("lanhdao", "task_overdue")]
    assert [f.recipients for f in result.fired] == [(), ("Trần Văn Minh",), ()]
