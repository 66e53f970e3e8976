"""The leaders' dashboard runs a bounded number of SQL statements, however many overdue items it lists: each figure
is one grouped statement, the page of overdue items one statement with its holders' and units' names (no objects,
no lazy loads) and one for the leaders' directions."""

from app.core.db import db
from app.reports import services
from app.sla import calendar
from tests.reports.conftest import Builder, at
from tests.reports.test_figures import NOVEMBER
from tests.workflow.test_request_statements import counted

# The work open and done (two grouped statements), the p90 (PostgreSQL: one; SQLite: a count, then the value), the
# units' and people's names, the units of people given work by name, the weekly trend (two), the overdue page, its
# directions; PostgreSQL turns JIT off.
DASHBOARD = 11  # 14 before: the overdue tasks' ids, then the tasks as objects, their holders, the roles, the units


def test_the_dashboard_runs_a_bounded_number_of_statements(month):
    office = month.office
    db.session.info.pop(calendar.DIRTY)  # as after the commit of the fixture's day off: the calendar may be cached
    services.dashboard(office.leader, NOVEMBER)  # the calendar is read once per process, not per page
    with counted() as few:
        assert len(services.dashboard(office.leader, NOVEMBER)["overdue"]) == 1
    builder = Builder(office.agency.id)
    for unit, holder in ((office.unit_a, office.spec_a1), (office.unit_b, office.spec_b), (office.unit_b, None)):
        document = builder.incoming(lead_unit_id=unit.id, arrived_at=at(17, 10), direction="Khẩn trương xử lý.")
        builder.task(document, created=at(19, 8), due=at(20, 17), unit_id=unit.id, assignee_id=holder and holder.id)
    db.session.flush()
    with counted() as many:
        assert len(services.dashboard(office.leader, NOVEMBER)["overdue"]) == 4
    assert len(many) == len(few) <= DASHBOARD, "\n---\n".join(s[:150] for s in many)
