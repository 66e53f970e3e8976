"""A step on a document's page reads "who · when · deadline" with nothing dangling when a part is missing."""

from datetime import UTC, datetime
from types import SimpleNamespace

from flask import render_template

LABELS = {"ready": "Chờ xử lý", "completed": "Đã xong"}


def render(app, **fields) -> str:
    task = {"id": 1, "title": "Vào sổ", "comment": None, "completed_by": None, "assignee": None, "due_at": None}
    task |= {"state": "ready", "is_open": True, "completed_at": None} | fields
    with app.test_request_context("/"):
        return render_template("workflow/_task_item.html", t=SimpleNamespace(**task), task_labels=LABELS)


def test_an_open_step_nobody_took_shows_its_deadline_without_a_stray_separator(app):
    assert "text-muted" not in render(app)  # no person, no deadline: no line at all
    page = render(app, due_at=datetime(2026, 12, 8, 2, 0, tzinfo=UTC))
    assert "hạn 08/12/2026 09:00" in page and "·" not in page


def test_a_done_step_names_who_and_when(app):
    who = SimpleNamespace(full_name="Nguyễn Văn An")
    page = render(
        app, state="completed", is_open=False, completed_by=who, completed_at=datetime(2026, 12, 7, 3, 0, tzinfo=UTC)
    )
    assert "Nguyễn Văn An · 07/12/2026 10:00" in page and "Đã xong" in page
