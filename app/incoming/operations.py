"""processes/incoming.bpmn's service tasks, validators and data sources: thin adapters over app.incoming.steps.

They read the form's fields (Vietnamese keys: han_xu_ly, y_kien_chi_dao…) and call the actor-first use cases; each
runs inside the engine's unit of work: the document, its number, its status message for the sender, the audit
event and the workflow state commit together or not at all.
"""

from datetime import date

from app.core.db import db
from app.core.errors import Conflict
from app.incoming import steps
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


def _direction(data: dict) -> steps.Direction:
    """The direction form's fields (processes/incoming.bpmn, forms/incoming/direct_handling.json)."""
    due = data.get("han_xu_ly")
    return steps.Direction(
        lead_unit_id=_int(data.get("lead_unit_id")),
        lead_user_id=_int(data.get("lead_user_id")),
        coordinate_unit_ids=_ints(data.get("coordinate_unit_ids")),
        inform_user_ids=_ints(data.get("inform_user_ids")),
        due=date.fromisoformat(str(due)[:10]) if due else None,
        text=data.get("y_kien_chi_dao"),
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
    direction = _direction(data)
    made = steps.direct_incoming(_actor(run), _document(run), direction)
    return {
        "needs_assignment": direction.lead_user_id is None,
        "lead_unit_id": direction.lead_unit_id,
        "coordinate_unit_ids": [a.unit_id for a in made if a.kind == AssignmentKind.COORDINATE and a.unit_id],
        "inform_user_ids": [a.user_id for a in made if a.kind == AssignmentKind.INFORM and a.user_id],
    }


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
    if "due" in problems:
        problems["han_xu_ly"] = problems.pop("due")
    return problems
