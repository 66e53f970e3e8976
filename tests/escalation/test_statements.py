"""A look runs a bounded number of SQL statements: the scheduler looks at every due task each minute, and at a
province's scale a round trip per row read lazily (the holder, their roles, one savepoint per notice) is what made a
look slow. Savepoints are left out (the suite turns a commit into one)."""

from app.sla import calendar
from tests.escalation.conftest import scan
from tests.escalation.test_ladder import ARRIVAL, DEADLINE, REMINDER, arrive
from tests.escalation.test_once import DEADLINE as DEADLINE_OF_CASES
from tests.escalation.test_once import start_cases
from tests.workflow.test_request_statements import counted

# The batch (its reads are shared by all its looks, up to 500): the due tasks with their agencies, their agencies'
# policies and the holders of the ladder's roles (their calendars are cached). The look: the schedule row locked with
# the task, its holder and unit and the levels fired; the notices of the active recipients (who may take the step:
# holders of a role the batch read) in one insert; the level fired; the schedule moved.
REMINDER_SCAN = 7  # 3 + 4; 9 before, all in the look (its policy, levels fired and recipients read by each look), 13
# before that (the task, roles read with each person, the already-told check)


def test_a_look_that_tells_people_runs_a_bounded_number_of_statements(incoming_office, signed_pdf):
    arrive(incoming_office, signed_pdf)
    assert scan(ARRIVAL).fired == []  # nothing due yet; its commit seals the arrival's audit events
    with counted() as statements:
        assert [f.level for f in scan(REMINDER).fired] == ["reminder"]
    assert len(statements) <= REMINDER_SCAN, "\n---\n".join(s[:150] for s in statements)
    with counted() as statements:
        assert [f.level for f in scan(DEADLINE).fired] == ["overdue"]
    assert len(statements) <= REMINDER_SCAN, "\n---\n".join(s[:150] for s in statements)


def test_the_looks_of_one_batch_read_their_policies_and_calendars_once(deploy_process, office):
    deploy_process("doc_review")
    start_cases(office.clerk, 4)
    calendar.invalidate(everything=True)
    with counted() as statements:
        assert len(scan(DEADLINE_OF_CASES).fired) == 8  # each task's reminder (superseded) and overdue
    policy_reads = [s for s in statements if "FROM escalation_policy" in s]
    calendar_reads = [s for s in statements if "FROM working_calendar" in s]
    assert len(policy_reads) == 1 and len(calendar_reads) == 1, "\n---\n".join(s[:150] for s in statements)
    looks = [s for s in statements if "FOR UPDATE" in s or "escalation_watch.next_at <=" in s]
    assert len(looks) == 5  # the batch's due tasks, then each task's claim (the levels fired read with it)
