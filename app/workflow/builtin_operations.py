"""Operations and form data sources every deployment has, usable from any process."""

from typing import Any

from app.audit import services as audit
from app.core.db import db
from app.org.models import User
from app.workflow.registry import EngineExtension, RunContext

engine = EngineExtension()  # declared in app.workflow.MODULE


@engine.operation("record_note", "Ghi một dòng vào nhật ký hệ thống của hồ sơ")
def record_note(run: RunContext, data: dict, text: str = "") -> dict:
    """Write an audit event for the case (a designer's checkpoint: "đã gửi thông báo", "đã chuyển lưu trữ"…)."""
    actor = db.session.get(User, run.actor_id) if run.actor_id else None
    audit.record(
        actor,
        "workflow.note",
        object_type=run.object_type,
        object_id=run.object_id,
        agency_id=run.agency_id,
        summary=str(text)[:500] or "Ghi chú quy trình",
    )
    return {"recorded": True}


@engine.data_source("units")
def units(agency_id: int, options: dict) -> list[tuple[Any, str]]:
    from app.org.queries import list_units

    return [(u.id, u.name) for u in list_units(agency_id, active_only=True)]


@engine.data_source("users")
def users(agency_id: int, options: dict) -> list[tuple[Any, str]]:
    from app.org.queries import list_users

    role = options.get("role")  # one role, or a list of roles (who holds any of them)
    people = list_users({agency_id}, role=role if isinstance(role, str) else None, active=True)
    if isinstance(role, list):
        people = [u for u in people if {r.value for r in u.roles} & set(role)]
    if options.get("unit") == "task":  # only the people of the task's unit (a unit leader assigns his own staff)
        people = [u for u in people if options.get("task_unit_id") is None or u.unit_id == options["task_unit_id"]]
    if options.get("not_me"):  # not the person choosing (a leader does not inform or coordinate with himself)
        people = [u for u in people if u.id != options.get("actor_id")]
    return [(u.id, _person_label(u, with_unit=bool(options.get("with_unit")))) for u in people]


def _person_label(user, *, with_unit: bool) -> str:
    """ "Name — Position" (", Unit" with `with_unit`: where people of several units are offered together)."""
    what = ", ".join(part for part in (user.position, user.unit.name if with_unit and user.unit else None) if part)
    return f"{user.full_name} — {what}" if what else user.full_name


@engine.form_validator("work_assignment_unit")
def work_assignment_unit(data: dict, outcome: str | None, agency_id: int) -> dict[str, str]:
    """Giao việc: the lead unit's leader distributes the work, so a unit without an active one would leave the step
    in nobody's inbox — refused when the case is started (as a direction of văn bản đến is)."""
    from app.org import queries as org_queries
    from app.org.models import Role, Unit

    unit_id = data.get("don_vi_chu_tri")
    unit = db.session.get(Unit, unit_id) if isinstance(unit_id, int) else None
    if unit is None or unit.agency_id != agency_id:
        return {}  # the choice itself is checked against its source
    if not org_queries.active_members(unit.id, Role.UNIT_LEADER.value):
        return {
            "don_vi_chu_tri": f"{unit.name} chưa có lãnh đạo đơn vị đang hoạt động để phân công: chọn đơn vị khác, "
            "hoặc đề nghị quản trị bổ sung lãnh đạo cho đơn vị."
        }
    return {}
