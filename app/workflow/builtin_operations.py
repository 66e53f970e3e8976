"""Operations every deployment has, usable from any process."""

from app.audit import services as audit
from app.core.db import db
from app.org.models import User
from app.workflow.registry import operation
from app.workflow.scripting import RunContext


@operation("record_note", "Ghi một dòng vào nhật ký hệ thống của hồ sơ")
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
