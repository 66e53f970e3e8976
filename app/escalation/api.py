"""REST endpoints: an agency's escalation policy (administrators) and the leaders' overdue list."""

from flask import url_for
from flask.views import MethodView

from app.api import api_blueprint
from app.api.auth import api_user
from app.core import clock
from app.core.errors import NotFound, PermissionDenied
from app.escalation import permissions, policy, queries
from app.escalation.schemas import OverdueArgs, OverduePageSchema, PolicyArgs, PolicySchema, PolicyUpdateArgs
from app.escalation.views import document_url

blp = api_blueprint(
    "escalation_api", __name__, tag="Nhắc việc, quá hạn", description="Chính sách nhắc việc và danh sách việc quá hạn"
)


def _agency_id(agency_id: int | None, *, manage: bool) -> int:
    """The caller's agency by default; another one only for its administrators (others: not found)."""
    user = api_user()
    agency_id = agency_id or user.agency_id
    if agency_id != user.agency_id and not permissions.can_manage_policy(user, agency_id):
        raise NotFound("Không tìm thấy cơ quan.", code="agency_not_found")
    if manage and not permissions.can_manage_policy(user, agency_id):
        raise PermissionDenied("Chỉ quản trị hệ thống của cơ quan được sửa chính sách nhắc việc.")
    return agency_id


@blp.route("/escalation-policy")
class Policy(MethodView):
    @blp.arguments(PolicyArgs, location="query")
    @blp.response(200, PolicySchema)
    def get(self, args):
        """Chính sách nhắc việc và báo cáo quá hạn của cơ quan (mặc định: cơ quan của người gọi)."""
        return policy.effective(_agency_id(args["agency_id"], manage=False))

    @blp.arguments(PolicyUpdateArgs)
    @blp.response(200, PolicySchema)
    def put(self, args):
        """Sửa chính sách. Chỉ quản trị của cơ quan.

        Trường không gửi giữ nguyên; lỗi trả về mã `invalid_escalation_policy` với `details` theo từng trường
        (`reminder_percent`, `grace`, `escalate_to`).
        """
        agency_id = _agency_id(args.pop("agency_id"), manage=True)
        return policy.update_policy(api_user(), agency_id, args)

    @blp.arguments(PolicyArgs, location="query")
    @blp.response(200, PolicySchema)
    def delete(self, args):
        """Bỏ chính sách riêng, dùng lại mặc định. Chỉ quản trị của cơ quan."""
        agency_id = _agency_id(args["agency_id"], manage=True)
        return policy.reset_policy(api_user(), agency_id)


@blp.route("/escalations")
@blp.arguments(OverdueArgs, location="query")
@blp.response(200, OverduePageSchema)
def overdue(args):
    """Việc quá hạn đã báo cáo lên người gọi (lãnh đạo cơ quan: toàn cơ quan; lãnh đạo đơn vị: đơn vị mình).

    Mỗi mục: văn bản, bước xử lý, người xử lý, hạn, thời điểm báo cáo và số phút làm việc đã trễ.
    """
    user = api_user()
    if not permissions.sees_overdue_list(user):
        raise PermissionDenied("Danh sách việc quá hạn dành cho lãnh đạo cơ quan và lãnh đạo đơn vị.")
    items, total = queries.overdue_items(user, clock.now(), limit=args["limit"], offset=args["offset"])
    return {"items": [_item(item) for item in items], "total": total}


def _item(item: queries.OverdueItem) -> dict:
    task = item.task
    return {
        "task_id": task.id,
        "task_title": task.title,
        "object_type": task.object_type,
        "object_id": task.object_id,
        "object_title": task.object_title,
        "document_url": document_url(task),
        "task_url": url_for("workflow.task_page", task_id=task.id),
        "assignee": task.assignee.full_name if task.assignee else None,
        "role": task.role,
        "unit": task.unit.name if task.unit else None,
        "urgency": task.urgency,
        "due_at": task.due_at,
        "escalated_at": item.escalation.fired_at,
        "escalate_to": item.escalation.escalate_to,
        "late_working_minutes": item.late_minutes,
        "late": item.late_label,
    }
