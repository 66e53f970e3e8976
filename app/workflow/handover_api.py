"""REST: a person's open work (what their deactivation takes away) and the deactivation handing it to a colleague."""

from app.api import api_blueprint
from app.api.auth import api_user
from app.api.schemas import ErrorSchema
from app.org.permissions import managed_user
from app.workflow.handover import deactivate_handing_over, only_taker_of
from app.workflow.handover_schemas import HandoverDeactivateArgs, HandoverResultSchema, HeldWorkSchema
from app.workflow.queries import held_open_tasks

blp = api_blueprint(
    "workflow_handover_api",
    __name__,
    tag="Việc đang giữ của tài khoản",
    description="Việc đang mở một tài khoản giữ; vô hiệu hóa tài khoản kèm chuyển việc cho đồng nghiệp",
)


def _managed_user(user_id: int):
    return managed_user(api_user(), user_id)


@blp.route("/users/<int:user_id>/open-tasks")
@blp.response(200, HeldWorkSchema)
@blp.alt_response(404, schema=ErrorSchema)
def open_tasks(user_id):
    """Việc đang mở mà tài khoản giữ (quản trị cơ quan): số lượng `open_tasks` và danh sách, hạn sớm trước;
    `only_theirs`: việc trong hộp việc chung mà chỉ tài khoản này nhận được (vô hiệu hóa thì không còn ai nhận)."""
    user = _managed_user(user_id)
    tasks = held_open_tasks(user.id)
    return {"user_id": user.id, "open_tasks": len(tasks), "tasks": tasks, "only_theirs": only_taker_of(user)}


@blp.route("/users/<int:user_id>/deactivate-handing-over", methods=["POST"])
@blp.arguments(HandoverDeactivateArgs)
@blp.response(200, HandoverResultSchema)
@blp.alt_response(404, schema=ErrorSchema)
def deactivate(args, user_id):
    """Vô hiệu hóa tài khoản; việc đang giữ chuyển cho `to_user_id` (ghi nhật ký chuyển việc) hoặc trở về hộp
    việc chung. Một giao dịch."""
    user, tasks = deactivate_handing_over(api_user(), _managed_user(user_id).id, args["to_user_id"])
    handed = len(tasks) if args["to_user_id"] else 0
    return {
        "user_id": user.id,
        "is_active": user.is_active,
        "handed_to_id": args["to_user_id"],
        "handed_over": handed,
        "released": len(tasks) - handed,
    }
