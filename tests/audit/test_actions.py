"""Every action the application records has a Vietnamese label, and the log page shows it."""

import ast
from pathlib import Path

import app as app_package
from app.audit.actions import ACTION_LABELS, action_label
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
