"""The domain effects of processes/incoming.bpmn's service tasks (registered in the workflow operation registry).

Each runs inside the engine's unit of work: the document, its number, its status message for the sender, the
audit event and the workflow state commit together or not at all.
"""

from datetime import date

from app.audit import services as audit
from app.core import clock
from app.core.db import db
from app.core.errors import Conflict
from app.documents.models import RegisterKind
from app.exchange.models import StatusCode
from app.incoming.intake import clean_metadata
from app.incoming.models import AssignmentKind, IncomingAssignment, IncomingDocument, IncomingStatus
from app.org import queries as org_queries
from app.org.models import Role, Unit, User
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


def _status(document, code: StatusCode, actor, description=None):
    from app.incoming.services import status_for_sender

    status_for_sender(document, code, staff=actor, description=description)


@engine.operation("return_incoming", "Trả lại văn bản đến cho nơi gửi (trạng thái 02)")
def return_incoming(run: RunContext, data: dict) -> dict:
    """NĐ 30/2020 Điều 21.2.b: a document that fails the check goes back to its sender with the reason."""
    document, actor = _document(run), _actor(run)
    reason = (data.get("ly_do_tra_lai") or data.get("comment") or "").strip() or "Không đáp ứng yêu cầu tiếp nhận"
    document.status, document.returned_reason, document.returned_at = IncomingStatus.RETURNED, reason, clock.now()
    _status(document, StatusCode.REFUSED, actor, f"Từ chối tiếp nhận: {reason}")
    audit.record(actor, "incoming.return", document, summary=f"Trả lại văn bản đến: {reason[:300]}")
    return {"returned": True}


@engine.operation("register_incoming", "Vào sổ và cấp số đến (trạng thái 03)")
def register_incoming(run: RunContext, data: dict) -> dict:
    """Record the clerk's corrected metadata and take the next số đến of the agency's incoming register.

    NĐ 30/2020 Điều 22.2: consecutive numbers in order of arrival within the year, restarting on 1 January.
    """
    from app.documents.numbering import assign_number
    from app.documents.services import default_register
    from app.incoming.services import fold

    document, actor = _document(run), _actor(run)
    meta = clean_metadata({**data, "paper_follows": data.get("paper_follows")})
    for key, value in meta.items():
        setattr(document, key, value)
    document.subject_folded = fold(document.subject)
    register = default_register(document.agency_id, RegisterKind.INCOMING)
    year = clock.to_local(document.arrived_at).year
    assignment = assign_number(None, register.id, "incoming", document.id, year=year)
    document.register_id, document.arrival_year, document.arrival_number = register.id, year, assignment.number
    document.status, document.registered_at = IncomingStatus.REGISTERED, clock.now()
    document.registered_by_id = run.actor_id
    _status(document, StatusCode.ACCEPTED, actor)
    audit.record(
        actor,
        "incoming.register",
        document,
        summary=f"Vào sổ văn bản đến số {assignment.number:02d}/{year}: {document.subject[:200]}",
    )
    return {"arrival_number": assignment.number, "arrival_year": year, "register_id": register.id}


def _int(value) -> int | None:
    return int(value) if value not in (None, "") and str(value).isdigit() else None


@engine.operation("record_direction", "Ghi ý kiến chỉ đạo và phân công (trạng thái 04)")
def record_direction(run: RunContext, data: dict) -> dict:
    """NĐ 30/2020 Điều 23.2, 23.4: who leads, who coordinates, who is informed, and by when."""
    document, actor = _document(run), _actor(run)
    lead_unit, lead_user = _int(data.get("lead_unit_id")), _int(data.get("lead_user_id"))
    if lead_user is None and lead_unit is None:
        raise Conflict("Chưa chọn đơn vị hoặc người chủ trì.", code="lead_required")
    due = date.fromisoformat(data["han_xu_ly"]) if data.get("han_xu_ly") else None
    document.direction = data.get("y_kien_chi_dao")
    document.lead_unit_id, document.lead_user_id, document.handling_due = lead_unit, lead_user, due
    document.status = IncomingStatus.DIRECTED
    made = [
        IncomingAssignment(
            kind=AssignmentKind.LEAD,
            unit_id=lead_unit,
            user_id=lead_user,
            due_date=due,
            note=document.direction,
            created_by_id=run.actor_id,
        )
    ]
    for unit_id in data.get("coordinate_unit_ids") or []:
        made.append(
            IncomingAssignment(
                kind=AssignmentKind.COORDINATE, unit_id=_int(unit_id), due_date=due, created_by_id=run.actor_id
            )
        )
    for user_id in data.get("inform_user_ids") or []:
        made.append(IncomingAssignment(kind=AssignmentKind.INFORM, user_id=_int(user_id), created_by_id=run.actor_id))
    document.assignments.extend(made)
    who = db.session.get(User, lead_user).full_name if lead_user else db.session.get(Unit, lead_unit).name
    _status(document, StatusCode.ASSIGNED, actor, f"Phân công {who} chủ trì giải quyết")
    audit.record(
        actor,
        "incoming.direct",
        document,
        summary=f"Chỉ đạo: giao {who} chủ trì",
        changes={"lead_unit_id": lead_unit, "lead_user_id": lead_user, "due": str(due) if due else None},
    )
    return {
        "needs_assignment": lead_user is None,
        "lead_unit_id": lead_unit,
        "coordinate_unit_ids": [a.unit_id for a in made if a.kind == AssignmentKind.COORDINATE and a.unit_id],
        "inform_user_ids": [a.user_id for a in made if a.kind == AssignmentKind.INFORM and a.user_id],
    }


@engine.operation("start_incoming_handling", "Bắt đầu giải quyết (trạng thái 05)")
def start_incoming_handling(run: RunContext, data: dict) -> dict:
    document, actor = _document(run), _actor(run)
    lead_user = _int(data.get("lead_user_id"))
    if lead_user is not None and document.lead_user_id != lead_user:
        document.lead_user_id = lead_user
        for assignment in document.assignments:
            if assignment.kind == AssignmentKind.LEAD:
                assignment.user_id = lead_user
    document.status = IncomingStatus.HANDLING
    _status(document, StatusCode.HANDLING, actor)
    return {"handling": True}


@engine.operation("complete_incoming", "Hoàn thành giải quyết văn bản đến (trạng thái 06)")
def complete_incoming(run: RunContext, data: dict) -> dict:
    document, actor = _document(run), _actor(run)
    outcome = data.get("outcome")
    result = (data.get("ket_qua") or "").strip()
    document.result = ("Không cần xử lý: " + result) if outcome == "khong_can_xu_ly" else result
    document.status, document.completed_at = IncomingStatus.COMPLETED, clock.now()
    for assignment in document.assignments:
        # The lead has finished and every coordinating unit has given its opinion (the BPMN join waited).
        if assignment.kind in (AssignmentKind.LEAD, AssignmentKind.COORDINATE) and assignment.done_at is None:
            assignment.done_at = clock.now()
    _status(document, StatusCode.COMPLETED, actor)
    audit.record(actor, "incoming.complete", document, summary=f"Hoàn thành văn bản đến số {document.arrival_label}")
    return {"completed": True}


@engine.operation("record_read_confirmations", "Ghi nhận người nhận để biết đã đọc")
def record_read_confirmations(run: RunContext, data: dict) -> dict:
    """Every "để biết" recipient confirmed: their assignments are done (NĐ 30/2020 Điều 23.2)."""
    document = _document(run)
    for assignment in document.assignments:
        if assignment.kind == AssignmentKind.INFORM and assignment.done_at is None:
            assignment.done_at = clock.now()
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
def _direction(data: dict, outcome: str | None, agency_id: int) -> dict[str, str]:
    """NĐ 30/2020 Điều 23.2: a direction somebody can carry out — refused now, not found stranded later.

    The lead unit needs an active unit leader (the next task is theirs) unless a lead person is named; people
    named must be active members of this agency; the lead unit does not also coordinate; the deadline is not past.
    """
    problems: dict[str, str] = {}
    lead_unit, lead_user = _int(data.get("lead_unit_id")), _int(data.get("lead_user_id"))
    if lead_unit is None and lead_user is None:
        return {"lead_unit_id": "Chọn đơn vị chủ trì hoặc người chủ trì."}
    unit = db.session.get(Unit, lead_unit) if lead_unit is not None else None
    if lead_unit is not None and (unit is None or unit.agency_id != agency_id or not unit.is_active):
        problems["lead_unit_id"] = "Đơn vị chủ trì không thuộc cơ quan hoặc đã ngừng hoạt động."
    user = db.session.get(User, lead_user) if lead_user is not None else None
    if lead_user is not None and (user is None or user.agency_id != agency_id or not user.is_active):
        problems["lead_user_id"] = "Người chủ trì không thuộc cơ quan hoặc tài khoản đã bị vô hiệu hóa."
    elif user is not None and lead_unit is not None and user.unit_id != lead_unit:
        problems["lead_user_id"] = "Người chủ trì phải thuộc đơn vị chủ trì đã chọn."
    nobody_to_assign = unit is not None and user is None and "lead_unit_id" not in problems
    if nobody_to_assign and not org_queries.active_members(unit.id, Role.UNIT_LEADER.value):
        problems["lead_unit_id"] = (
            f"{unit.name} chưa có lãnh đạo đơn vị đang hoạt động để phân công: chọn người chủ trì cụ thể, "
            "hoặc đề nghị quản trị bổ sung lãnh đạo cho đơn vị."
        )
    coordinating = {_int(v) for v in data.get("coordinate_unit_ids") or []}
    if lead_unit is not None and lead_unit in coordinating:
        problems["coordinate_unit_ids"] = "Đơn vị chủ trì không đồng thời là đơn vị phối hợp."
    due = data.get("han_xu_ly")
    if due:
        try:
            if date.fromisoformat(str(due)[:10]) < clock.to_local(clock.now()).date():
                problems["han_xu_ly"] = "Hạn giải quyết không được ở trong quá khứ."
        except ValueError:
            problems["han_xu_ly"] = "Ngày không hợp lệ (định dạng YYYY-MM-DD)."
    return problems
