"""Working calendars and deadline computation (lịch làm việc, tính hạn xử lý).

Glossary: working calendar = lịch làm việc; office hours = giờ làm việc (giờ hành chính); session = buổi
làm việc (sáng, chiều); seasonal timetable = giờ làm việc theo mùa (mùa hè, mùa đông); public holiday =
ngày nghỉ lễ, Tết; override = điều chỉnh trong năm (ngày nghỉ thêm / hoán đổi, ngày làm việc bù);
deadline = hạn xử lý; SLA = thời hạn của một bước xử lý.

The engine and every other module compute deadlines through `app.sla.calendar` only:
`due(start, spec, agency_id)`, `parse_spec(spec)`, `spec_problem(spec)`, `is_working_time(...)`,
`working_minutes_between(...)`. `app.sla.engine.WorkingCalendar` is the pure, DB-free core behind them.
An agency's deadline settings (thiết lập thời hạn xử lý: clock or working time per urgency level, the values of
the rules a BPMN task names, `sla: intake`) are in `app.sla.rules` (pure) and `app.sla.settings` (use cases and
`step_due`, which the engine calls for every new task).
"""

from app.core.modules import Module

MODULE = Module(
    "sla",
    models=("app.sla.models",),
    blueprints=("app.sla.views:bp",),
    api=("app.sla.api:blp",),
    cli=("app.sla.cli:sla_group",),
    # No menu item: administrators reach the calendar and the deadline settings from the hub (app.org.admin_hub).
)
