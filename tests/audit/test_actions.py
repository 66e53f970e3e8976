"""Every action the application records has a Vietnamese label, and the log page shows it."""

import ast
import importlib
from pathlib import Path

import app as app_package
from app.audit import services as audit
from app.audit.actions import ACTION_LABELS, OBJECT_TYPE_LABELS, action_label
from app.core.db import db
from app.core.transaction import unit_of_work
from tests.conftest import login

RECORDERS = {"record", "record_view"}


def recorded_actions() -> dict[str, str]:
    """The action codes passed literally to audit.record / record_view anywhere in `app`, with where."""
    found = {}
    root = Path(app_package.__file__).parent
    for path in root.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(node, ast.Call) or len(node.args) < 2:
                continue
            name = getattr(node.func, "attr", None) or getattr(node.func, "id", None)
            action = node.args[1]
            if name in RECORDERS and isinstance(action, ast.Constant) and isinstance(action.value, str):
                found.setdefault(action.value, f"{path.relative_to(root.parent)}:{node.lineno}")
    return found


def test_every_recorded_action_has_a_vietnamese_label():
    actions = recorded_actions()
    assert len(actions) > 50  # the scan sees the application's calls
    missing = {code: where for code, where in actions.items() if code not in ACTION_LABELS}
    assert missing == {}
    assert action_label("incoming.register") == "Đăng ký văn bản đến"
    assert action_label("legacy.unknown") == "legacy.unknown"


def test_audit_log_page_shows_labels_and_keeps_the_code_as_secondary(client, admin):
    with unit_of_work():  # the fixtures' events take their places in the chain
        pass
    login(client, "admin1")
    page = client.get("/admin/audit").get_data(as_text=True)
    assert "Tạo tài khoản" in page
    assert '<code class="small text-muted audit-action">user.create</code>' in page


OBJECT_RECORDERS = RECORDERS | {"remember_refusal", "remember"}  # app.audit.refusals, imported as `remember` too


def recorded_object_types() -> dict[str, str]:
    """The object types the application can record: every model's table (record(actor, action, obj) takes
    obj.__tablename__) and the object_type= given to a recorder, a literal or a module's constant, with where."""
    found = {mapper.class_.__tablename__: "a model" for mapper in db.Model.registry.mappers}
    found["system"] = "record()'s default"
    root = Path(app_package.__file__).parent
    for path in root.rglob("*.py"):
        module = None
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(node, ast.Call):
                continue
            if (getattr(node.func, "attr", None) or getattr(node.func, "id", None)) not in OBJECT_RECORDERS:
                continue
            for keyword in node.keywords:
                if keyword.arg != "object_type" or isinstance(keyword.value, ast.Subscript | ast.Call):
                    continue
                if isinstance(keyword.value, ast.IfExp):  # `None if document is not None else "exchange_file"`
                    branches = (keyword.value.body, keyword.value.orelse)
                    value = next((b.value for b in branches if isinstance(b, ast.Constant) and b.value), None)
                elif isinstance(keyword.value, ast.Constant):
                    value = keyword.value.value
                else:  # OBJECT_TYPE, services.OBJECT_TYPE: the module's constant; an object's attribute is skipped
                    module = module or importlib.import_module(
                        ".".join(path.relative_to(root.parent).with_suffix("").parts)
                    )
                    try:
                        value = eval(ast.unparse(keyword.value), vars(module))  # the app's own constants
                    except (NameError, AttributeError):
                        continue
                if isinstance(value, str):
                    found.setdefault(value, f"{path.relative_to(root.parent)}:{node.lineno}")
    return found


def test_every_object_type_has_a_vietnamese_label(app):
    types = recorded_object_types()
    assert {"backup", "exchange_directory", "dossier_destruction", "exchange_file", "system"} <= set(types)
    assert {code: where for code, where in types.items() if code not in OBJECT_TYPE_LABELS} == {}


def test_object_type_filter_offers_vietnamese_names(client, admin):
    with unit_of_work():
        audit.record(admin, "backup.create", object_type="backup", summary="Sao lưu")
    login(client, "admin1")
    page = client.get("/admin/audit").get_data(as_text=True)
    assert '<option value="backup">Bản sao lưu</option>' in page
