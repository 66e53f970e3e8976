"""processes/incoming.bpmn's service tasks, validators and data sources: thin adapters over app.incoming.steps.

They read the form's fields (Vietnamese keys: han_xu_ly, y_kien_chi_dao…) and call the actor-first use cases; each
runs inside the engine's unit of work: the document, its number, its status message for the sender, the audit
event and the workflow state commit together or not at all.
"""

import dataclasses
from datetime import date

from app.core.db import db
from app.core.errors import Conflict
from app.incoming import handling, steps
from app.incoming.intake import clean_metadata
from app.incoming.models import AssignmentKind, IncomingDocument
from app.org.models import User
from app.workflow.registry import EngineExtension, RunContext

engine = EngineExtension()  # declared in app.incoming.MODULE
engine.bind_process("incoming", "incoming")  # started by receive_incoming with its document (services.OBJECT_TYPE)


def _document(run: RunContext) -> IncomingDocument:
    document = db.session.get(IncomingDocument, int(run.object_id))
    if document is None or document.agency_id != run.agency_id:
        raise Conflict("Không tìm thấy văn bản đến của hồ sơ.", code="incoming_not_found")
    return document


def _actor(run: RunContext) -> User | None:
    return db.session.get(User, run.actor_id) if run.actor_id else None


def _int(value) -> int | None:
    return int(value) if value not in (None, "") and str(value).isdigit() else None


def _ints(values) -> tuple[int, ...]:
    return tuple(number for number in (_int(v) for v in values or []) if number is not None)


# The direction form's per-assignee deadline fields (id → date) and the Direction's names for them.
DUE_FIELDS = {
    "han_don_vi_phoi_hop": "coordinate_unit_dues",
    "han_nguoi_phoi_hop": "coordinate_user_dues",
    "han_de_biet": "inform_dues",
}


def _date(value) -> date | None:
    return date.fromisoformat(str(value)[:10]) if value else None


def _dues(values, chosen: tuple[int, ...]) -> dict[int, date]:
    """{id: date} of the chosen assignees from a form's {"<id>": "YYYY-MM-DD"} (blanks: the lead's deadline)."""
    values = values if isinstance(values, dict) else {}
    return {key: day for key in chosen if (day := _date(values.get(str(key)) or values.get(key))) is not None}


def _direction(data: dict) -> steps.Direction:
    """The direction form's fields (processes/incoming.bpmn, forms/incoming/direct_handling.json)."""
    units, users = _ints(data.get("coordinate_unit_ids")), _ints(data.get("coordinate_user_ids"))
    informed = _ints(data.get("inform_user_ids"))
    return steps.Direction(
        lead_unit_id=_int(data.get("lead_unit_id")),
        lead_user_id=_int(data.get("lead_user_id")),
        coordinate_unit_ids=units,
        coordinate_user_ids=users,
        inform_user_ids=informed,
        due=_date(data.get("han_xu_ly")),
        text=data.get("y_kien_chi_dao"),
        coordinate_unit_dues=_dues(data.get("han_don_vi_phoi_hop"), units),
        coordinate_user_dues=_dues(data.get("han_nguoi_phoi_hop"), users),
        inform_dues=_dues(data.get("han_de_biet"), informed),
    )


@engine.operation("return_incoming", "Trả lại văn bản đến cho nơi gửi (trạng thái 02)")
def return_incoming(run: RunContext, data: dict) -> dict:
    steps.return_to_sender(_actor(run), _document(run), data.get("ly_do_tra_lai") or data.get("comment"))
    return {"returned": True}


@engine.operation("register_incoming", "Vào sổ và cấp số đến (trạng thái 03)")
def register_incoming(run: RunContext, data: dict) -> dict:
    metadata = {**data, "paper_follows": data.get("paper_follows")}
    done = steps.register_incoming(_actor(run), _document(run), metadata)
    return {"arrival_number": done.number, "arrival_year": done.year, "register_id": done.register_id}


@engine.operation("record_direction", "Ghi ý kiến chỉ đạo và phân công (trạng thái 04)")
def record_direction(run: RunContext, data: dict) -> dict:
    direction, document = _direction(data), _document(run)
    if direction.lead_due(document) is None and document.urgency in (None, "thuong"):
        # No date from the leader nor the sender: the handling step's own period, counted from the direction, so a
        # unit leader who passes the document on late does not push its deadline back. A văn bản khẩn keeps its
        # steps' urgent deadlines, counted in hours from each step (processes/incoming.bpmn urgent_sla).
        direction = dataclasses.replace(direction, due=_planned_lead_due(run))
    made = steps.direct_incoming(_actor(run), document, direction)
    coordinators = [a for a in made if a.kind == AssignmentKind.COORDINATE]
    informed = [a for a in made if a.kind == AssignmentKind.INFORM and a.user_id]
    return {
        "needs_assignment": direction.lead_user_id is None,
        "lead_unit_id": made[0].unit_id,  # the named person's unit when the leader named only a person
        "lead_due": _iso(made[0].due_date),
        "coordinate_unit_ids": [a.unit_id for a in coordinators if a.unit_id],
        "inform_user_ids": [a.user_id for a in informed],
        # Seed 000 Điều 17.2: one task per coordinating unit or person and per person informed, each with its own
        # deadline (processes/incoming.bpmn reads these in give_opinion and confirm_read).
        "coordinators": [{"unit_id": a.unit_id, "user_id": a.user_id, "due": _iso(a.due_date)} for a in coordinators],
        "informed": [{"user_id": a.user_id, "due": _iso(a.due_date)} for a in informed],
    }


def _planned_lead_due(run: RunContext) -> date | None:
    from app.core import clock
    from app.incoming.permissions import LEAD_TASKS
    from app.workflow.models import WorkflowInstance
    from app.workflow.runtime import planned_due

    instance = db.session.get(WorkflowInstance, run.instance_id) if run.instance_id else None
    for name in sorted(LEAD_TASKS) if instance is not None else ():
        if (due := planned_due(instance, name)) is not None:
            return clock.to_local(due).date()
    return None


def _iso(day: date | None) -> str | None:
    return day.isoformat() if day else None


@engine.form_action("incoming_record_opinion")
def record_opinion(actor: User, task, data: dict, outcome: str | None) -> dict:
    """Góp ý phối hợp: the opinion goes on the document's page and the coordinator's assignment is done."""
    handling.record_opinion(actor, task, data.get("y_kien_phoi_hop") or "")
    return {}


@engine.form_action("incoming_record_assignment_note")
def record_assignment_note(actor: User, task, data: dict, outcome: str | None) -> dict:
    """Phân công chuyên viên: the unit leader's ý kiến goes on the document's page and the specialist's task."""
    handling.record_assignment_note(actor, task, data.get("y_kien_phan_cong") or "")
    return {}


@engine.operation("start_incoming_handling", "Bắt đầu giải quyết (trạng thái 05)")
def start_incoming_handling(run: RunContext, data: dict) -> dict:
    steps.start_handling(_actor(run), _document(run), _int(data.get("lead_user_id")))
    return {"handling": True}


@engine.operation("complete_incoming", "Hoàn thành giải quyết văn bản đến (trạng thái 06)")
def complete_incoming(run: RunContext, data: dict) -> dict:
    no_action = data.get("outcome") == "khong_can_xu_ly"
    steps.complete_incoming(_actor(run), _document(run), data.get("ket_qua") or "", no_action=no_action)
    return {"completed": True}


@engine.operation("record_read_confirmations", "Ghi nhận người nhận để biết đã đọc")
def record_read_confirmations(run: RunContext, data: dict) -> dict:
    steps.confirm_read(_document(run))
    return {"read": True}


@engine.data_source("document_types")
def _document_types(agency_id: int, options: dict) -> list[tuple[str, str]]:
    """Tên loại văn bản (NĐ 30/2020 Phụ lục III and the agency's own), by name: Phụ lục VI stores the name."""
    from app.documents.queries import list_document_types

    return [(t.name, t.name) for t in list_document_types(agency_id)]


@engine.form_validator("incoming_return_reason")
def _return_reason(data: dict, outcome: str | None, agency_id: int) -> dict[str, str]:
    if outcome == "tra_lai" and not (data.get("ly_do_tra_lai") or "").strip():
        return {"ly_do_tra_lai": "Nhập lý do trả lại để báo cho nơi gửi."}
    return {}


@engine.form_validator("incoming_metadata")
def _metadata(data: dict, outcome: str | None, agency_id: int) -> dict[str, str]:
    from app.core.errors import ValidationError

    try:
        clean_metadata(data)
    except ValidationError as exc:
        return dict(exc.details)
    return {}


@engine.form_validator("incoming_direction")
def _direction_form(data: dict, outcome: str | None, agency_id: int) -> dict[str, str]:
    """The rules of steps.direction_problems, with the form's field names."""
    try:
        direction = _direction(data)
    except ValueError:
        return {"han_xu_ly": "Ngày không hợp lệ (định dạng YYYY-MM-DD)."}
    problems = steps.direction_problems(agency_id, direction)
    renames = {"due": "han_xu_ly", **{name: form_name for form_name, name in DUE_FIELDS.items()}}
    renamed = {}
    for key, message in problems.items():
        field, dot, option = key.partition(".")  # "coordinate_unit_dues.7": the date of unit 7
        renamed[renames.get(field, field) + dot + option] = message
    return renamed
