"""Nhắc việc và báo cáo quá hạn (escalation ladder): reminders, overdue notices, leaders' overdue list.

Glossary: escalation = báo cáo lên cấp trên; reminder = nhắc việc; overdue = quá hạn; grace = thời gian gia hạn
trước khi báo cáo lãnh đạo; overdue list = danh sách việc quá hạn; policy = chính sách nhắc việc của cơ quan.

NĐ 30/2020 Phụ lục VI III.1.l–m (follow-up and reminders of processing), seed 003 Điều 13.2 and seed 000 Điều 18
(leaders follow progress and act on late items). Per open task (app.workflow HumanTask), once each:

1. reminder to the holder (assignee, or candidates) at `reminder_percent` (75 %) of the working-time SLA;
2. at the deadline: the holder and their unit leader; the task is marked overdue (an `overdue` row);
3. after the policy's grace (`next-working-day`): the `escalate_to` role (the BPMN task's, else the policy's,
   default lanh_dao), and the item appears on that leader's overdue list;
4. an urgent document's step (Hỏa tốc, Thượng khẩn, Khẩn) not opened within its urgent SLA: clerks and leaders;
5. a task nobody can act on (assignee deactivated, role empty, unit without a leader): clerks and administrators.

**How the scan stays fast.** The scan never reads the open tasks: it reads `escalation_watch`, one row per open
task with `next_at`, the instant its next level is due, indexed. A new task gets its row in the engine's own
transaction (an ORM flush listener, `watch.py`) with `next_at` = now; its first look computes the thresholds
on the agency's calendar, fires what is due and sets `next_at` to the next one. A change of the task's deadline
(an approved extension), assignee, unit or state moves `next_at` to now; a closed task leaves the table. So a scan
is one range of the `next_at` index (`next_at <= now`) plus one look per due task: the cost follows how many are
due, not how many are open. What the looks of a batch share — their agencies' policies, calendars, SLA settings and
the holders of the roles the ladder tells — is read once for the batch (`shared.py`), so a look that fires a level
typically runs four statements: its claim, the notices, the level's row, the schedule moved.

**Once each.** A fired level is an `escalation` row, unique per (task, level), inserted before its notices in the
same transaction; the look first claims the task's watch row `FOR UPDATE SKIP LOCKED` (PostgreSQL; SQLite runs one
writer at a time), so a second scheduler skips it and a crash rolls back the look whole.
"""

from app.core.modules import Module, NavItem

MODULE = Module(
    "escalation",
    models=("app.escalation.models",),
    setup=("app.escalation.watch:install",),
    receivers=("app.escalation.handlers:RECEIVERS",),
    blueprints=("app.escalation.views:bp",),
    api=("app.escalation.api:blp",),
    cli=("app.escalation.cli:escalate_command",),
    jobs="app.escalation.jobs",
    navigation=(NavItem("Việc quá hạn", "escalation.overdue", frozenset({"lanh_dao", "lanh_dao_don_vi"}), order=25),),
    nav_badges={"escalation.overdue": "app.escalation.queries:overdue_badge"},
)
