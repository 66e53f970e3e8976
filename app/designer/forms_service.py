"""The designer's task forms: list what an agency may attach, check an edited form, save or drop its override.

An agency's form (AgencyForm) replaces forms/<key>.json of the same key when that agency deploys next
(app.workflow.form_catalog); a deployed version keeps its own copy, so nothing here changes a running version.
"""

import json
import re
from dataclasses import dataclass, field

from lxml import etree

from app.audit import services as audit
from app.core import clock
from app.core.db import db
from app.core.errors import NotFound, PermissionDenied, ValidationError
from app.designer.permissions import can_design
from app.org.models import User
from app.workflow.definitions import available_processes
from app.workflow.form_catalog import agency_form, available_forms
from app.workflow.forms import WIDGETS, form_key_for, form_problems, load_form_file
from app.workflow.models import AgencyForm
from app.workflow.validation import NS

# process_id/task_id, the ids BPMN elements carry (forms/<process>/<task>.json on disk)
KEY_PATTERN = re.compile(r"^[A-Za-z_][A-Za-z0-9_]{0,99}/[A-Za-z_][A-Za-z0-9_]{0,98}$")
SCOPE_LABELS = {"agency": "Của cơ quan", "global": "Mặc định"}
STARTER = {
    "title": "Biểu mẫu mới",
    "schema": {
        "type": "object",
        "required": ["y_kien"],
        "properties": {"y_kien": {"type": "string", "maxLength": 4000}},
    },
    "ui": {"y_kien": {"label": "Ý kiến", "widget": "textarea", "prefill": False}},
    "outcomes": [{"value": "dong_y", "label": "Đồng ý"}],
}
# json's messages are English; the designer reads Vietnamese
JSON_MESSAGES = {
    "Expecting ',' delimiter": "thiếu dấu phẩy",
    "Expecting ':' delimiter": "thiếu dấu hai chấm",
    "Expecting value": "thiếu giá trị",
    "Expecting property name enclosed in double quotes": "tên thuộc tính phải đặt trong dấu nháy kép",
    "Extra data": "có nội dung thừa sau biểu mẫu",
    "Unterminated string starting at": "chuỗi chưa đóng nháy",
    "Invalid control character at": "ký tự điều khiển không hợp lệ",
}


@dataclass(frozen=True)
class TaskUse:
    process_id: str
    process_name: str
    version: int
    task_id: str
    task_name: str


@dataclass
class FormRow:
    key: str
    title: str
    scope: str  # "agency" | "global"
    has_global: bool
    used_by: list[TaskUse] = field(default_factory=list)

    @property
    def scope_label(self) -> str:
        return SCOPE_LABELS[self.scope]


@dataclass(frozen=True)
class EditedForm:
    key: str
    definition: dict
    scope: str | None  # None: a new key, neither the agency nor forms/ has it yet
    has_global: bool
    own: AgencyForm | None


def require_designer(actor: User) -> None:
    if not can_design(actor):
        raise PermissionDenied("Chỉ người thiết kế quy trình được sửa biểu mẫu.")


def check_key(key: str) -> str:
    key = (key or "").strip()
    if not KEY_PATTERN.match(key):
        raise ValidationError(
            "Mã biểu mẫu phải có dạng mã_quy_trình/mã_bước (chữ không dấu, số, gạch dưới), "
            "ví dụ incoming/direct_handling.",
            code="invalid_form_key",
            details={"key": "Mã biểu mẫu không hợp lệ."},
        )
    return key


def form_usage(agency_id: int) -> dict[str, list[TaskUse]]:
    """key → the tasks of the agency's current versions whose `form` property names it (start forms included)."""
    usage: dict[str, list[TaskUse]] = {}
    for version in available_processes(agency_id):
        try:
            root = etree.fromstring(version.bpmn_xml.encode())
        except etree.XMLSyntaxError:  # a stored version was parsed at deploy; never expected
            continue
        for process in root.xpath("//bpmn:process[@isExecutable='true']", namespaces=NS):
            pid = process.get("id")
            for prop in process.xpath(".//spiffworkflow:property[@name='form']", namespaces=NS):
                element = next((a for a in prop.iterancestors() if a.get("id")), None)
                if element is None:
                    continue
                use = TaskUse(pid, version.name, version.version, element.get("id"), element.get("name") or "")
                usage.setdefault(form_key_for(pid, prop.get("value")), []).append(use)
            if version.forms.get(f"{pid}/start"):
                usage.setdefault(f"{pid}/start", []).append(
                    TaskUse(pid, version.name, version.version, "start", "Khởi tạo")
                )
    return usage


def form_list(actor: User) -> list[FormRow]:
    require_designer(actor)
    usage = form_usage(actor.agency_id)
    return [
        FormRow(e.key, e.title, e.scope, load_form_file(e.key) is not None, usage.get(e.key, []))
        for e in available_forms(actor.agency_id)
    ]


def edited_form(actor: User, key: str, *, new: bool = False) -> EditedForm:
    """What the editor opens: the agency's form, else the global one, else (a new key) a starter form."""
    require_designer(actor)
    key = check_key(key)
    own = agency_form(actor.agency_id, key)
    shipped = load_form_file(key)
    if own is not None:
        return EditedForm(key, own.definition, "agency", shipped is not None, own)
    if shipped is not None:
        return EditedForm(key, shipped, "global", True, None)
    if not new:
        raise NotFound(f"Không có biểu mẫu “{key}”.", code="form_not_found")
    return EditedForm(key, STARTER, None, False, None)


def parse_definition(text: str) -> tuple[dict | None, list[str]]:
    """The editor's text → (form, problems); a syntax error names its line and column."""
    try:
        form = json.loads(text or "")
    except json.JSONDecodeError as exc:
        message = JSON_MESSAGES.get(exc.msg, exc.msg)
        return None, [f"Lỗi cú pháp JSON ở dòng {exc.lineno}, cột {exc.colno}: {message}."]
    return form, definition_problems(form)


def definition_problems(form) -> list[str]:
    """Shape checks first (the renderer and form_problems expect them), then the deploy-time checks."""
    if not isinstance(form, dict):
        return ["Biểu mẫu phải là một đối tượng JSON ({…})."]
    problems = _shape_problems(form) or form_problems(form)
    if problems:
        return problems
    props = form["schema"].get("properties", {})
    problems += [
        f"trường “{n}” có gợi ý hiển thị nhưng không có trong schema" for n in form.get("ui", {}) if n not in props
    ]
    problems += [
        f"trường bắt buộc “{n}” không có trong schema" for n in form["schema"].get("required", []) if n not in props
    ]
    return problems


def _shape_problems(form: dict) -> list[str]:
    problems = []
    if not isinstance(form.get("title", ""), str):
        problems.append("“title” phải là một chuỗi.")
    schema = form.get("schema")
    if isinstance(schema, dict) and not isinstance(schema.get("properties", {}), dict):
        problems.append("“schema.properties” phải là một đối tượng.")
    elif isinstance(schema, dict):
        problems += [
            f"trường “{name}”: định nghĩa trong schema phải là một đối tượng"
            for name, prop in schema.get("properties", {}).items()
            if not isinstance(prop, dict)
        ]
    ui = form.get("ui", {})
    if not isinstance(ui, dict) or not all(isinstance(h, dict) for h in ui.values()):
        problems.append("“ui” phải là một đối tượng: mỗi trường một đối tượng gợi ý hiển thị.")
    for name in ("validators", "actions", "order"):
        if not isinstance(form.get(name, []), list) or not all(isinstance(v, str) for v in form.get(name, [])):
            problems.append(f"“{name}” phải là một danh sách chuỗi.")
    outcomes = form.get("outcomes", [])
    if not isinstance(outcomes, list) or not all(
        isinstance(o, dict) and isinstance(o.get("value"), str) and isinstance(o.get("label"), str) for o in outcomes
    ):
        problems.append('“outcomes” phải là danh sách các lựa chọn {"value": …, "label": …}.')
    return problems


def check_definition(form) -> dict:
    problems = definition_problems(form)
    if problems:
        refusal = ValidationError(
            "Biểu mẫu không hợp lệ, chưa được lưu.",
            code="invalid_form",
            details={"definition": "\n".join(problems)},  # the API's flat field → message map, one problem a line
        )
        refusal.problems = problems
        raise refusal
    return form


def save_form(actor: User, key: str, definition) -> AgencyForm:
    """Create or replace the agency's form for `key` (valid forms only); the next deploy takes it."""
    require_designer(actor)
    key = check_key(key)
    definition = check_definition(definition)
    row = agency_form(actor.agency_id, key)
    created = row is None
    if created:
        row = AgencyForm(agency_id=actor.agency_id, key=key)
        db.session.add(row)
    row.definition = definition
    row.updated_by_id = actor.id
    row.updated_at = clock.now()
    db.session.flush()
    audit.record(
        actor,
        "designer.form_save",
        row,
        agency_id=actor.agency_id,
        summary=f"{'Tạo' if created else 'Sửa'} biểu mẫu {key} của cơ quan",
        changes={"key": key, "title": definition.get("title"), "created": created},
    )
    return row


def reset_form(actor: User, key: str) -> None:
    """Drop the agency's own form: the global forms/<key>.json applies again from the next deploy."""
    require_designer(actor)
    key = check_key(key)
    row = agency_form(actor.agency_id, key)
    if row is None:
        raise NotFound("Cơ quan chưa có biểu mẫu riêng cho bước này.", code="form_not_found")
    if load_form_file(key) is None:
        raise ValidationError(
            "Không có biểu mẫu mặc định để khôi phục: biểu mẫu này chỉ có ở cơ quan.", code="no_global_form"
        )
    audit.record(
        actor,
        "designer.form_reset",
        row,
        agency_id=actor.agency_id,
        summary=f"Khôi phục biểu mẫu mặc định {key}",
        changes={"key": key},
    )
    db.session.delete(row)
    db.session.flush()


def widget_names() -> list[str]:
    return sorted(WIDGETS)
