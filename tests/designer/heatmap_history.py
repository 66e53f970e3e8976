"""A hand-built history of the incoming process for the heatmap and what-if tests (frozen now: Mon 23/11/2026 09:00).

The agency takes Friday 20/11/2026 off (an override), so durations and deadlines cross a weekend and a day off.
Working hours: 07:30–11:30 and 13:30–17:00, Monday to Friday. Every figure the tests expect is worked out next to
the row that makes it. The default period (the last 90 days) is 26/08/2026–23/11/2026.
"""

from datetime import date, datetime
from types import SimpleNamespace

import pytest

from app.core.clock import LOCAL_TZ
from app.core.db import db
from app.sla import services as sla
from app.sla.calendar import due
from app.workflow.models import NO_DEADLINE, HumanTask, WorkflowInstance
from app.workflow.services import handling_minutes


def at(day: int, hour: int, minute: int = 0, month: int = 11) -> datetime:
    return datetime(2026, month, day, hour, minute, tzinfo=LOCAL_TZ)


class History:
    def __init__(self, version, agency_id: int) -> None:
        self.version, self.agency_id, self.count = version, agency_id, 0

    def task(self, name, *, created, completed=None, due_at=None, agency_id=None, title=None, **values) -> HumanTask:
        """One case per task (its own document title), so the slowest list names each."""
        self.count += 1
        agency_id = agency_id or self.agency_id
        subject = title or f"Văn bản số {self.count}"
        instance = WorkflowInstance(
            process_version_id=self.version.id,
            process_id="incoming",
            agency_id=agency_id,
            object_type="incoming",
            object_id=str(self.count),
            title=subject,
            status="running",
            state=b"",
            started_at=created,
        )
        db.session.add(instance)
        db.session.flush()
        task = HumanTask(
            instance_id=instance.id,
            spiff_task_id=f"t{self.count}",
            task_name=name,
            title=values.pop("step_title", name),
            process_id="incoming",
            object_type="incoming",
            object_id=str(self.count),
            object_title=subject,
            agency_id=agency_id,
            due_at=due_at,
            due_sort=due_at or NO_DEADLINE,
            state=values.pop("state", "completed" if completed else "claimed"),
            created_at=created,
            completed_at=completed,
            **values,
        )
        if completed and task.state == "completed":
            task.working_minutes = handling_minutes(created, completed, agency_id)
        db.session.add(task)
        db.session.flush()
        return task


@pytest.fixture(name="history")
def history_fixture(design_office, create_agency, create_user):
    office = design_office
    agency_id = office.agency.id
    sla.add_override(None, agency_id, day=date(2026, 11, 20), kind="off", note="Nghỉ bù")
    h = History(office.processes["incoming"], agency_id)
    by = office.clerk.id

    def pt2h(created):  # the stored deadline of check_document (sla intake = PT2H)
        return due(created, "PT2H", agency_id)

    check = "check_document"
    t = SimpleNamespace(office=office)
    # check_document, ordinary, completed in the period: working minutes and the stored deadline (PT2H).
    t.c1 = h.task(check, created=at(16, 8), completed=at(16, 8, 30), due_at=pt2h(at(16, 8)), completed_by_id=by)  # 30
    t.c2 = h.task(check, created=at(16, 8), completed=at(16, 9), due_at=pt2h(at(16, 8)), completed_by_id=by)  # 60
    t.c3 = h.task(check, created=at(17, 14), completed=at(17, 15, 30), due_at=pt2h(at(17, 14)))  # 90
    # 10:00–11:30 + 13:30–15:00 = 180; due 14:00: late now.
    t.c4 = h.task(check, created=at(18, 10), completed=at(18, 15), due_at=pt2h(at(18, 10)), completed_by_id=by)
    # Thu 16:00–17:00, Friday off, weekend, Mon 07:30–08:30 = 120; due Mon 08:30 (Fri 08:30 without the day off): on
    # time, completed exactly at its deadline.
    t.c5 = h.task(check, created=at(19, 16), completed=at(23, 8, 30), due_at=pt2h(at(19, 16)), title="Công văn cầu")
    # 15:00–17:00 = 120, but completed at 18:00, after its 17:00 deadline: late now.
    t.c8 = h.task(check, created=at(17, 15), completed=at(17, 18), due_at=pt2h(at(17, 15)))
    # Thu 09:00–17:00 (150 + 210) + Mon 07:30–08:00 = 390; due Thu 11:00: late now, by 30 + 210 + 30 = 270 minutes.
    t.c9 = h.task(
        check,
        created=at(19, 9),
        completed=at(23, 8),
        due_at=pt2h(at(19, 9)),
        title="Tờ trình chậm nhất",
        completed_by_id=by,
    )
    # Urgent (Khẩn: PT4H of working time): 08:00–11:30 = 210, completed 12:00; due Mon 14:00: in time now.
    t.c10 = h.task(check, created=at(16, 8), completed=at(16, 12), due_at=at(16, 14), urgency="urgent", priority=0)
    # Open: one past due now (Thu 10:00), one not yet (09:30 today).
    h.task(check, created=at(19, 8), due_at=pt2h(at(19, 8)))
    h.task(check, created=at(23, 7, 30), due_at=pt2h(at(23, 7, 30)))
    # Not counted: completed before the period, cancelled, another agency's.
    h.task(check, created=at(20, 8, month=8), completed=at(20, 16, month=8), due_at=pt2h(at(20, 8, month=8)))
    h.task(check, created=at(16, 8), completed=at(16, 9), state="cancelled")
    t.other = create_agency(name="Sở Tài chính thử", abbreviation="STCT")
    for day in (16, 17):
        h.task(check, created=at(day, 8), completed=at(day + 2, 16), due_at=at(day, 10), agency_id=t.other.id)
    # register_document (next-working-day): 60, and Tue 08:00–17:00 (420) + Wed 07:30–16:00 (390) = 810; in time.
    h.task("register_document", created=at(16, 9), completed=at(16, 10), due_at=at(17, 17))
    h.task("register_document", created=at(17, 8), completed=at(18, 16), due_at=at(18, 17))
    # A step of an older version, no longer in the diagram.
    h.task("old_step", created=at(16, 8), completed=at(16, 9), step_title="Bước cũ")
    return t
