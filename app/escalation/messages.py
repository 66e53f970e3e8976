"""What each level of the ladder tells people, in Vietnamese (notices and their e-mails)."""

from dataclasses import dataclass

from app.core import clock
from app.escalation.ladder import urgency_level
from app.escalation.models import Level
from app.org.models import ROLE_LABELS, Role
from app.sla.rules import LEVEL_LABELS as URGENCY_LABELS
from app.workflow.models import HumanTask

KINDS = {
    Level.REMINDER: "task_reminder",
    Level.OVERDUE: "task_overdue",
    Level.ESCALATED: "task_escalated",
    Level.URGENT_UNOPENED: "urgent_unopened",
    Level.UNACTIONABLE: "task_unactionable",
}


@dataclass(frozen=True)
class Message:
    kind: str
    title: str
    body: str


def _when(value) -> str:
    return clock.to_local(value).strftime("%H:%M %d/%m/%Y") if value else "không có hạn"


def _holder(task: HumanTask) -> str:
    if task.assignee is not None:
        return task.assignee.full_name
    role = ROLE_LABELS[Role(task.role)].lower() if task.role in set(Role) else "người có vai trò của bước"
    return f"chờ {role} nhận" + (f" ({task.unit.name})" if task.unit else "")


def compose(task: HumanTask, level: Level, role: str | None = None, urgency: str | None = None) -> Message:
    """The notice of `level` for `task`; `urgency` is its document's urgency level when the caller has read it."""
    due = _when(task.due_at)
    about = f"“{task.title}” — {task.object_title}"
    if level is Level.REMINDER:
        title = f"Sắp đến hạn: {task.title}"
        body = f"Việc {about} sắp đến hạn xử lý ({due}). Người xử lý: {_holder(task)}."
    elif level is Level.OVERDUE:
        title = f"Quá hạn: {task.title}"
        body = f"Việc {about} đã quá hạn xử lý ({due}). Người xử lý: {_holder(task)}."
    elif level is Level.ESCALATED:
        told = ROLE_LABELS[Role(role)] if role in set(Role) else "lãnh đạo"
        title = f"Việc quá hạn cần chỉ đạo: {task.title}"
        body = (
            f"Việc {about} quá hạn từ {due} mà chưa được giải quyết; người xử lý: {_holder(task)}. "
            f"Báo cáo {told.lower()} để chỉ đạo (danh sách Việc quá hạn)."
        )
    elif level is Level.URGENT_UNOPENED:
        label = URGENCY_LABELS.get(urgency or urgency_level(task) or "", "khẩn")
        title = f"Văn bản {label} chưa được mở: {task.object_title}"
        body = (
            f"Bước “{task.title}” của văn bản {label} “{task.object_title}” chưa được người xử lý mở trong thời hạn "
            f"dành cho văn bản khẩn (hạn {due}). Người xử lý: {_holder(task)}."
        )
    else:
        title = f"Không có người xử lý: {task.title}"
        body = (
            f"Việc {about} không có ai xử lý được (tài khoản bị vô hiệu hóa, đơn vị không có lãnh đạo hoặc "
            f"không ai giữ vai trò của bước). Đề nghị giao việc cho người phù hợp. Hạn xử lý: {due}."
        )
    return Message(KINDS[level], title[:300], body)
