"""REST endpoints: the task inbox, task actions, starting cases, process versions (deploy, validate)."""

from flask.views import MethodView

from app.api import api_blueprint
from app.api.auth import api_user
from app.api.schemas import ErrorSchema
from app.core.db import db
from app.core.errors import NotFound, ValidationError
from app.workflow import permissions, queries, services
from app.workflow.definitions import available_processes, deploy
from app.workflow.forms import load_form_file
from app.workflow.models import WorkflowInstance
from app.workflow.schemas import (
    ChoiceSchema,
    CompleteArgs,
    DeployArgs,
    InstanceSchema,
    ProcessVersionSchema,
    ReassignArgs,
    StartArgs,
    TaskDetailSchema,
    TaskListArgs,
    TaskPageSchema,
    TaskSchema,
    ValidateResultSchema,
)
from app.workflow.validation import validate_bpmn

blp = api_blueprint(
    "workflow_api", __name__, tag="Việc và quy trình", description="Việc cần làm, quy trình và phiên quy trình"
)


def _cursor(text: str | None):
    try:
        return queries.decode_cursor(text)
    except ValueError as exc:
        raise ValidationError(
            "Con trỏ trang không hợp lệ.", details={"after": "Dùng next_cursor của trang trước."}
        ) from exc


@blp.route("/tasks")
@blp.arguments(TaskListArgs, location="query")
@blp.response(200, TaskPageSchema)
def list_tasks(args):
    """Việc của tôi và việc chờ nhận theo vai trò, hạn sớm nhất trước (phân trang bằng con trỏ)."""
    user = api_user()
    flt = queries.InboxFilter(
        process_id=args["process_id"],
        overdue=args["overdue"],
        urgent=args["urgent"],
        after=_cursor(args["after"]),
        due_today=args["due_today"],
        new=args["new"],
    )
    items, total = queries.inbox_page_and_count(user, flt, limit=args["limit"])
    last = items[-1] if len(items) == args["limit"] else None
    return {
        "items": items,
        "total": total,
        "total_cap": queries.COUNT_CAP,
        "next_cursor": queries.encode_cursor(last) if last else None,
    }


@blp.route("/tasks/<int:task_id>")
@blp.response(200, TaskDetailSchema)
@blp.alt_response(404, schema=ErrorSchema)
def get_task(task_id):
    """Một công việc: biểu mẫu (JSON Schema), giá trị ban đầu như trang điền sẵn, lịch sử hồ sơ."""
    user = api_user()
    task = services.get_task(user, task_id)
    services.mark_opened(user, task)
    return _TaskDetail(
        task,
        services.task_form(task),
        queries.task_history(task.instance_id),
        values=services.form_values(user, task),
        can_act=permissions.can_act_on(user, task),
    )


@blp.route("/tasks/<int:task_id>/choices/<field>")
@blp.response(200, ChoiceSchema(many=True))
@blp.alt_response(404, schema=ErrorSchema)
def field_choices(task_id, field):
    """Các lựa chọn của một trường chọn trong biểu mẫu (người dùng, đơn vị, sổ…) — như danh sách trên trang."""
    choices = services.field_choices(api_user(), task_id, field)
    return [{"value": value, "label": label} for value, label in choices]


class _TaskDetail:
    """A task with its form definition, initial values and its case's history, for TaskDetailSchema."""

    def __init__(self, task, form, history, *, values, can_act) -> None:
        self._task, self.form, self.history = task, form, history
        self.values, self.can_act = values, can_act

    def __getattr__(self, name):
        return getattr(self._task, name)


@blp.route("/tasks/<int:task_id>/claim", methods=["POST"])
@blp.response(200, TaskSchema)
def claim(task_id):
    return services.claim_task(api_user(), task_id)


@blp.route("/tasks/<int:task_id>/unclaim", methods=["POST"])
@blp.response(200, TaskSchema)
def unclaim(task_id):
    return services.unclaim_task(api_user(), task_id)


@blp.route("/tasks/<int:task_id>/reassign", methods=["POST"])
@blp.arguments(ReassignArgs)
@blp.response(200, TaskSchema)
def reassign(args, task_id):
    return services.reassign_task(api_user(), task_id, args["user_id"])


@blp.route("/tasks/<int:task_id>/complete", methods=["POST"])
@blp.arguments(CompleteArgs)
@blp.response(200, TaskSchema)
def complete(args, task_id):
    """Nộp biểu mẫu của công việc; dữ liệu được kiểm tra theo JSON Schema của biểu mẫu."""
    return services.complete_task(api_user(), task_id, args["data"], outcome=args["outcome"], comment=args["comment"])


@blp.route("/processes")
class Processes(MethodView):
    @blp.response(200, ProcessVersionSchema(many=True))
    def get(self):
        """Các quy trình áp dụng cho cơ quan (phiên bản mới nhất)."""
        return available_processes(api_user().agency_id)


@blp.route("/processes/<process_id>/start", methods=["POST"])
@blp.arguments(StartArgs)
@blp.response(201, InstanceSchema)
def start(args, process_id):
    return services.start_process(api_user(), process_id, data=args["data"], title=args["title"], urgent=args["urgent"])


@blp.route("/processes/deploy", methods=["POST"])
@blp.arguments(DeployArgs)
@blp.response(201, ProcessVersionSchema(many=True))
def deploy_process(args):
    """Triển khai phiên bản quy trình riêng của cơ quan (người thiết kế quy trình)."""
    user = api_user()
    forms = {
        key if "/" in key else f"{_process_ids(args['bpmn'])}/{key}": value for key, value in args["forms"].items()
    }
    return deploy(
        user, args["bpmn"], args["filename"], agency_id=user.agency_id, forms=forms, source=f"api:{args['filename']}"
    )


def _process_ids(xml: str) -> str:
    import re

    match = re.search(r"<(?:\w+:)?process[^>]*\sid=\"([^\"]+)\"", xml)
    return match.group(1) if match else ""


@blp.route("/processes/validate", methods=["POST"])
@blp.arguments(DeployArgs)
@blp.response(200, ValidateResultSchema)
def validate(args):
    """Kiểm tra một tệp BPMN mà không triển khai."""
    given = args["forms"]
    pid = _process_ids(args["bpmn"])
    problems = validate_bpmn(
        args["bpmn"],
        args["filename"],
        lambda key: given.get(key) or given.get(key.removeprefix(f"{pid}/")) or load_form_file(key),
    )
    return {"valid": not problems, "problems": [str(p) for p in problems]}


@blp.route("/instances/<int:instance_id>")
@blp.response(200, InstanceSchema)
def get_instance(instance_id):
    user = api_user()
    instance = db.session.get(WorkflowInstance, instance_id)
    if instance is None or not permissions.can_view_case(user, instance):
        raise NotFound("Không tìm thấy phiên quy trình.", code="instance_not_found")
    return instance


@blp.route("/instances/<int:instance_id>/retry", methods=["POST"])
@blp.response(200, InstanceSchema)
def retry(instance_id):
    return services.retry_instance(api_user(), instance_id)
