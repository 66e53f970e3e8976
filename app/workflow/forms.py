"""Task forms: `forms/<process_id>/<task_id>.json` = JSON Schema + Vietnamese UI hints.

A form file looks like:
    {"title": "Cho ý kiến chỉ đạo",
     "schema": {"type": "object", "required": ["y_kien"], "properties": {"y_kien": {"type": "string"}}},
     "ui": {"y_kien": {"label": "Ý kiến chỉ đạo", "widget": "textarea"},
            "don_vi_chu_tri": {"label": "Đơn vị chủ trì", "widget": "select", "source": "units"}},
     "outcomes": [{"value": "dong_y", "label": "Đồng ý"}, {"value": "tra_lai", "label": "Trả lại"}]}
Widgets: text, textarea, date, datetime, number, select (enum or data source), radio, checkbox, checkboxes,
file, dates (one date per choice ticked in another field: an object {"<value>": "YYYY-MM-DD"}, hints
{"widget": "dates", "for": "<checkboxes field>"}, the checkboxes field naming it back with {"dates": "<field>"}
so each choice shows its date beside it — a deadline per assignee). A field's `"default_from": "<case field>"`
starts it from another value the case holds (the sender's requested reply date as the handling deadline).
A date field with `"deadline": true` is a deadline a person sets: not in the past, and a working day of the agency's
calendar (`deadline_problems`).
Data sources: units, users (optionally {"role": …}; app.workflow.builtin_operations), and what modules
declare on their EngineExtension (app.workflow.registry).
The same schema validates browser and API submissions (jsonschema); domain rules follow in services.
"""

import json
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

from jsonschema import Draft202012Validator, FormatChecker
from jsonschema.exceptions import SchemaError

from app.config import PROJECT_ROOT
from app.workflow.registry import INSTALLED

FORMS_DIR = PROJECT_ROOT / "forms"
WIDGETS = {
    "text",
    "textarea",
    "date",
    "datetime",
    "number",
    "select",
    "radio",
    "checkbox",
    "checkboxes",
    "file",
    "password",
    "dates",
}


def attached_files(data: dict) -> dict[str, str]:
    """sha256 → name of the files a form's "file" widgets put into `data` ({sha256, name, size, type} values)."""
    return {
        value["sha256"]: str(value.get("name") or value["sha256"])[:255]
        for value in data.values()
        if isinstance(value, dict) and isinstance(value.get("sha256"), str)
    }


def secret_fields(form: dict) -> set[str]:
    """Fields marked `"writeOnly": true` (JSON Schema): used by form actions, never stored in the case."""
    return {name for name, prop in form["schema"].get("properties", {}).items() if prop.get("writeOnly")}


def run_validators(form: dict, data: dict, outcome: str | None, agency_id: int) -> dict[str, str]:
    problems: dict[str, str] = {}
    for name in form.get("validators", []):
        for field, message in INSTALLED.form_validators[name](data, outcome, agency_id).items():
            problems.setdefault(field, message)
    return problems


def prefill(form: dict, case_data: dict, agency_id: int | None = None) -> dict:
    """A form's initial values: what the case already knows under the same field names.

    Never a person's own words: a field marked `"prefill": false` in its `ui` hints (an opinion, a comment)
    opens empty, or the previous reviewer's "ý kiến" would be saved again under the next one's name. The shipped
    forms mark theirs; `qlvb processes validate` does not require it, the designers' guide asks for it.
    """
    fields = form["schema"].get("properties", {})
    hints = form.get("ui") or {}
    values = {
        name: value
        for name, value in case_data.items()
        if name in fields and value is not None and hints.get(name, {}).get("prefill", True)
    }
    for name, hint in hints.items():
        source = hint.get("default_from")
        if name in fields and name not in values and source and case_data.get(source) not in (None, ""):
            values[name] = case_data[source]
            if hint.get("deadline"):
                _as_deadline(values, name, agency_id)
    return values


def _as_deadline(values: dict, name: str, agency_id: int | None) -> None:
    """A deadline offered from another date (the sender's reply date as the leader's "Hạn giải quyết"): the day the
    form would accept — the next working day when it falls on a day off (BLDS 2015 Điều 148.5), nothing when it has
    passed — so a person is never refused a date they did not type."""
    from datetime import date

    from app.core import clock
    from app.sla.calendar import next_working_day

    try:
        day = date.fromisoformat(str(values[name])[:10])
    except ValueError:
        return
    if day < clock.to_local(clock.now()).date():
        del values[name]
    else:
        values[name] = next_working_day(day, agency_id).isoformat()


def form_key_for(process_id: str, form: str) -> str:
    """A task's `form` property: `task_id` within the process's folder, or `other_process/task_id`."""
    return form if "/" in form else f"{process_id}/{form}"


def load_form_file(key: str, root: Path = FORMS_DIR) -> dict | None:
    path = root / f"{key}.json"
    if not path.is_file():
        return None
    return json.loads(path.read_text(encoding="utf-8"))


def form_problems(form: dict) -> list[str]:
    """What is wrong with a form definition (checked at deploy time)."""
    problems = []
    schema = form.get("schema")
    if not isinstance(schema, dict) or schema.get("type") != "object":
        return ["“schema” phải là một JSON Schema kiểu object"]
    try:
        Draft202012Validator.check_schema(schema)
    except SchemaError as exc:
        problems.append(f"JSON Schema không hợp lệ: {exc.message}")
    for name in form.get("validators", []):
        if name not in INSTALLED.form_validators:
            problems.append(f"quy tắc kiểm tra “{name}” không tồn tại")
    for name in form.get("actions", []):
        if name not in INSTALLED.form_actions:
            problems.append(f"thao tác của biểu mẫu “{name}” không tồn tại")
    for name, hints in (form.get("ui") or {}).items():
        widget = hints.get("widget", "text")
        if widget not in WIDGETS:
            problems.append(f"trường “{name}”: kiểu nhập “{widget}” không được hỗ trợ")
        if hints.get("deadline") and widget != "date":
            problems.append(f"trường “{name}”: “deadline” chỉ dùng cho trường kiểu ngày (date)")
        if widget == "dates" and hints.get("for") not in form["schema"].get("properties", {}):
            problems.append(f"trường “{name}”: “for” phải là một trường của biểu mẫu")
        source = hints.get("source")
        if source and source not in INSTALLED.data_sources:
            problems.append(f"trường “{name}”: nguồn dữ liệu “{source}” không tồn tại")
    return problems


def field_order(form: dict) -> list[str]:
    props = list(form["schema"].get("properties", {}))
    order = [name for name in form.get("order", []) if name in props]
    return order + [name for name in props if name not in order]


MESSAGES = {
    "required": "Trường này là bắt buộc.",
    "type": "Giá trị không đúng kiểu dữ liệu.",
    "minLength": "Nội dung quá ngắn (ít nhất {0} ký tự).",
    "maxLength": "Nội dung quá dài (tối đa {0} ký tự).",
    "enum": "Giá trị không nằm trong danh sách cho phép.",
    "format": "Giá trị không đúng định dạng.",
    "minimum": "Giá trị phải từ {0} trở lên.",
    "maximum": "Giá trị phải không quá {0}.",
    "minItems": "Chọn ít nhất {0} mục.",
    "pattern": "Giá trị không đúng mẫu quy định.",
}


def validate_data(form: dict, data: dict) -> dict[str, str]:
    """Field name → Vietnamese message for each schema violation (empty when valid)."""
    validator = Draft202012Validator(form["schema"], format_checker=FormatChecker())
    errors: dict[str, str] = {}
    for error in validator.iter_errors(data):
        if error.validator == "required":
            field = error.message.split("'")[1]
            errors.setdefault(field, MESSAGES["required"])
            continue
        field = str(error.path[0]) if error.path else "_form"
        template = MESSAGES.get(str(error.validator), "Giá trị không hợp lệ.")
        errors.setdefault(field, template.format(error.validator_value))
    return errors


def options_for(
    form: dict, name: str, agency_id: int, unit_id: int | None = None, actor_id: int | None = None
) -> list[tuple[Any, str]]:
    """The choices of a select/radio field: a data source, or the schema's enum with optional labels.

    `unit_id` is the task's unit, for sources asked to keep to it (`"source_options": {"unit": "task"}`);
    `actor_id` the person choosing, for sources of one's own things ("my open dossiers"; None: nobody's).
    """
    hints = (form.get("ui") or {}).get(name, {})
    if source := hints.get("source"):
        return INSTALLED.data_sources[source](
            agency_id, {**(hints.get("source_options") or {}), "task_unit_id": unit_id, "actor_id": actor_id}
        )
    prop = form["schema"]["properties"].get(name, {})
    items = prop.get("items", {}) if prop.get("type") == "array" else prop
    labels = hints.get("labels", {})
    return [(value, labels.get(str(value), str(value))) for value in items.get("enum", [])]


def coerce_submission(
    form: dict, raw: Callable[[str], Any], getlist: Callable[[str], list], names: Iterable[str] = ()
) -> dict:
    """Turn HTML form fields (strings) into the JSON types the schema expects; blanks are left out. `names`: the
    submitted field names, so that a date typed beside a choice left unticked is kept, and refused by
    source_problems rather than dropped without a word."""
    data: dict[str, Any] = {}
    for name, prop in form["schema"].get("properties", {}).items():
        kind = prop.get("type")
        if kind == "array":
            values = [v for v in getlist(name) if v != ""]
            item_type = prop.get("items", {}).get("type")
            data[name] = [_coerce(v, item_type) for v in values]
            continue
        if kind == "boolean":
            data[name] = raw(name) in ("on", "true", "1", "y")
            continue
        hints = (form.get("ui") or {}).get(name, {})
        if kind == "object" and hints.get("widget") == "dates":
            # "<name>.<value>" beside each choice of the field it serves; blanks are left out.
            chosen = [v for v in getlist(hints.get("for", "")) if v != ""]
            typed = [key.partition(".")[2] for key in names if key.startswith(f"{name}.")]
            dates = {str(v): str(raw(f"{name}.{v}") or "").strip() for v in dict.fromkeys([*chosen, *typed])}
            data[name] = {key: day for key, day in dates.items() if day}
            continue
        value = raw(name)
        if value is None or str(value).strip() == "":
            continue
        data[name] = _coerce(value.strip() if isinstance(value, str) else value, kind)
    return data


def _coerce(value: str, kind: str | None):
    try:
        if kind == "integer":
            return int(value)
        if kind == "number":
            return float(value)
    except ValueError:
        return value  # the schema reports the wrong type
    return value


def deadline_problems(form: dict, data: dict, agency_id: int) -> dict[str, str]:
    """Date fields marked `"deadline": true`: app.sla.calendar.deadline_problem (not in the past, a working day of
    the agency, naming the nearest one), so the day a page shows is the day the task is due."""
    from datetime import date

    from app.sla.calendar import deadline_problem

    problems = {}
    for name, hints in (form.get("ui") or {}).items():
        if not hints.get("deadline") or not isinstance(data.get(name), str):
            continue
        try:
            day = date.fromisoformat(data[name])
        except ValueError:
            continue  # the schema's "format": "date" names it
        if problem := deadline_problem(day, agency_id, what=hints.get("label") or name):
            problems[name] = problem
    return problems


def source_problems(
    form: dict, data: dict, agency_id: int, unit_id: int | None = None, actor_id: int | None = None
) -> dict[str, str]:
    """Values of data-source fields must be among the options offered in this agency (not any id)."""
    problems = {}
    for name, hints in (form.get("ui") or {}).items():
        if hints.get("widget") == "dates" and isinstance(data.get(name), dict):
            problems |= _stray_dates(form, data, name, agency_id, unit_id, actor_id)
        if not hints.get("source") or name not in data:
            continue
        allowed = {value for value, _label in options_for(form, name, agency_id, unit_id, actor_id)}
        values = data[name] if isinstance(data[name], list) else [data[name]]
        if any(v not in allowed for v in values):
            problems[name] = "Lựa chọn không hợp lệ."
    return problems


def _stray_dates(form: dict, data: dict, name: str, agency_id: int, unit_id, actor_id) -> dict[str, str]:
    """A date given for a choice that is not ticked (a "dates" field's key outside its "for" field's values): said
    beside that choice and under the field, not dropped (the person meant that choice to have that date)."""
    of = form["ui"][name].get("for", "")
    chosen = {str(v) for v in data.get(of) or []}
    stray = [key for key, day in data[name].items() if str(key) not in chosen and day]
    if not stray:
        return {}
    labels = {str(value): label for value, label in options_for(form, of, agency_id, unit_id, actor_id)}
    problems = {}
    for key in stray:
        who = labels.get(str(key), str(key))
        problems[f"{name}.{key}"] = f"Có hạn cho {who} nhưng chưa chọn {who}: đánh dấu chọn, hoặc xóa ngày."
    problems[name] = " ".join(problems.values())
    return problems


def submission_problems(
    form: dict, data: dict, outcome: str | None, agency_id: int, unit_id: int | None = None, actor_id=None
) -> dict[str, str]:
    """Every fault of a submitted form at once: the form's validators (a module's words for its fields), its
    deadlines, its schema, its choices. A field a validator faults keeps the validator's message only: its
    schema's generic "Trường này là bắt buộc." beside "Nhập ký hiệu văn bản…" says the same twice."""
    own = run_validators(form, data, outcome, agency_id)
    schema = {key: message for key, message in validate_data(form, data).items() if key not in own}
    return join_problems(
        own,
        deadline_problems(form, data, agency_id) | schema,
        source_problems(form, data, agency_id, unit_id, actor_id),
    )


def join_problems(*parts: dict[str, str]) -> dict[str, str]:
    """The problems of several checks in one: a field two checks fault keeps both messages (a group message of
    per-option ones, "name" beside "name.<value>", stays their join, which the form lists one a line)."""
    joined: dict[str, str] = {}
    for part in parts:
        for key, message in part.items():
            earlier = joined.get(key)
            if earlier is None or _says(message, earlier):
                joined[key] = message if earlier is None else earlier
            elif _says(earlier, message):  # "Trường này là bắt buộc." then "Cơ quan ban hành: trường này là bắt buộc."
                joined[key] = message
            else:
                joined[key] = f"{earlier} {message}"
    return joined


def _says(message: str, other: str) -> bool:
    """`other` already says `message` ("Tối đa 500 ký tự." in "Nội dung quá dài (tối đa 500 ký tự)."): a field
    faulted by the form's own schema and by a module's check for the same reason shows the reason once."""

    def plain(text: str) -> str:
        return " ".join("".join(c if c.isalnum() else " " for c in text.lower()).split())

    return plain(message) in plain(other)
