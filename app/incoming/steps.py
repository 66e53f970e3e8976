"""The steps of the incoming procedure as use cases: the actor first, typed inputs, only flushes.

The BPMN service tasks (app.incoming.operations) are thin adapters over these; the API, the CLI or a scheduler job
call the same functions. NĐ 30/2020 Điều 20–24: return to the sender (21.2.b), register with the next số đến (22),
direct and assign (23), handle (24), complete. Each step records the status message owed to the sender
(01–06, legal.md §4) and an audit event, in the caller's unit of work.
"""

from dataclasses import dataclass, field
from datetime import date

from app.audit import services as audit
from app.core import clock
from app.core.db import db
from app.documents.models import RegisterKind
from app.documents.numbering import assign_number
from app.documents.services import default_register
from app.exchange.models import StatusCode, refusal_description
from app.incoming.intake import clean_metadata, key_of
from app.incoming.models import AssignmentKind, Channel, IncomingAssignment, IncomingDocument, IncomingStatus
from app.incoming.notices import tell
from app.incoming.services import status_for_sender
from app.incoming.states import STATES
from app.org import queries as org_queries
from app.org.models import Agency, Role, Unit, User
from app.sla.calendar import deadline_problem, next_working_day

DEFAULT_RETURN_REASON = "Không đáp ứng yêu cầu tiếp nhận"


@dataclass(frozen=True)
class Direction:
    """A leader's direction (ý kiến chỉ đạo): who leads, who coordinates, who is informed, by when.

    Seed 000 Điều 17.2, seed 002 Điều 11: each assignee has their own deadline — `coordinate_unit_dues`,
    `coordinate_user_dues`, `inform_dues` (id → date); whoever has none takes the lead's (`due`).
    """

    lead_unit_id: int | None = None
    lead_user_id: int | None = None
    coordinate_unit_ids: tuple[int, ...] = ()
    inform_user_ids: tuple[int, ...] = ()
    due: date | None = None
    text: str | None = None
    coordinate_user_ids: tuple[int, ...] = ()
    coordinate_unit_dues: dict[int, date] = field(default_factory=dict)
    coordinate_user_dues: dict[int, date] = field(default_factory=dict)
    inform_dues: dict[int, date] = field(default_factory=dict)

    def lead_due(self, document: IncomingDocument | None = None) -> date | None:
        """The lead's deadline: the leader's, else the reply date the sender asked for (seed 001 QĐ 278 Điều 7.2),
        when it has not passed."""
        if self.due is not None or document is None or document.due_date is None:
            return self.due
        if document.due_date < clock.to_local(clock.now()).date():
            return None
        # A reply date on a day off ends on the next working day (BLDS 2015 Điều 148.5), as the task's due does.
        return next_working_day(document.due_date, document.agency_id)

    def due_of(self, kind: str, key: int, lead_due: date | None) -> date | None:
        dues = {"unit": self.coordinate_unit_dues, "user": self.coordinate_user_dues, "inform": self.inform_dues}
        return dues[kind].get(key) or lead_due


@dataclass(frozen=True)
class Registration:
    number: int
    year: int
    register_id: int


def reply_date_note(document: IncomingDocument) -> str | None:
    """What the clerk should know of the reply date the sender asked for (a fact of the document, kept as written):
    already past, or on a day off — then the handling is due the next working day (BLDS 2015 Điều 148.5), as
    Direction.lead_due reads it."""
    asked = document.due_date
    if asked is None:
        return None
    if asked < clock.to_local(clock.now()).date():
        return (
            f"Hạn giải quyết nơi gửi yêu cầu ({asked:%d/%m/%Y}) đã qua: trình lãnh đạo ngay; hạn giải quyết do lãnh "
            "đạo ấn định khi cho ý kiến chỉ đạo."
        )
    working = next_working_day(asked, document.agency_id)
    if working != asked:
        return f"Hạn giải quyết nơi gửi yêu cầu ({asked:%d/%m/%Y}) là ngày nghỉ: hạn tính đến {working:%d/%m/%Y}."
    return None


def return_to_sender(actor: User | None, document: IncomingDocument, reason: str | None) -> None:
    """NĐ 30/2020 Điều 21.2.b: a document that fails the check goes back to its sender with the reason (02)."""
    reason = (reason or "").strip() or DEFAULT_RETURN_REASON
    STATES.move(document, IncomingStatus.RETURNED)
    document.returned_reason, document.returned_at = reason, clock.now()
    status_for_sender(
        document, StatusCode.REFUSED, staff=actor, description=refusal_description(StatusCode.REFUSED, reason)
    )
    audit.record(actor, "incoming.return", document, summary=f"Trả lại văn bản đến: {reason[:300]}")


def register_incoming(actor: User | None, document: IncomingDocument, metadata: dict) -> Registration:
    """Record the clerk's corrected metadata and take the next số đến of the agency's incoming register (03).

    NĐ 30/2020 Điều 22.2: consecutive numbers in order of arrival within the year, restarting on 1 January.
    """
    meta = clean_metadata(metadata)
    if meta["page_count"] is None:
        meta.pop("page_count")  # keep the count read from the PDF at arrival (Phụ lục VI Phần II.II field 10)
    for key, value in meta.items():
        setattr(document, key, value)
    if document.channel == Channel.PAPER or document.document_key is None:  # the clerk's corrections count
        document.document_key = key_of(meta) or document.document_key
    register = default_register(document.agency_id, RegisterKind.INCOMING)
    year = clock.to_local(document.arrived_at).year
    assignment = assign_number(actor, register.id, "incoming", document.id, year=year)  # audited as the clerk's
    document.register_id, document.arrival_year, document.arrival_number = register.id, year, assignment.number
    STATES.move(document, IncomingStatus.REGISTERED)
    document.registered_at = clock.now()
    document.registered_by_id = actor.id if actor else None
    status_for_sender(document, StatusCode.ACCEPTED, staff=actor)
    audit.record(
        actor,
        "incoming.register",
        document,
        summary=f"Vào sổ văn bản đến số {assignment.number:02d}/{year}: {document.subject[:200]}",
    )
    return Registration(assignment.number, year, register.id)


def leading_unit(lead_unit: int | None, lead_user: int | None) -> int | None:
    """The unit that leads: the one chosen, else — giao đích danh — the named person's own (Phụ lục VI "đơn vị chủ
    trì"), so the unit's view, its handling step and the reports by unit count the document there."""
    if lead_unit is not None or lead_user is None:
        return lead_unit
    person = db.session.get(User, lead_user)
    return person.unit_id if person is not None else None


def direction_problems(agency_id: int, direction: Direction) -> dict[str, str]:
    """NĐ 30/2020 Điều 23.2: a direction somebody can carry out — refused now, not found stranded later.

    The lead unit needs an active unit leader (the next task is theirs) unless a lead person is named; people
    named must be active members of this agency; the lead unit does not also coordinate; the deadline is not
    past. Keys are the Direction's field names.
    """
    lead_unit, lead_user = direction.lead_unit_id, direction.lead_user_id
    problems: dict[str, str] = {}
    if lead_unit is None and lead_user is None:  # said with every other problem of the form, not in two rounds
        problems["lead_unit_id"] = "Chọn đơn vị chủ trì hoặc người chủ trì."
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
    leading = leading_unit(lead_unit, lead_user)
    if leading is not None and leading in direction.coordinate_unit_ids:
        problems["coordinate_unit_ids"] = (
            "Đơn vị chủ trì không đồng thời là đơn vị phối hợp."
            if lead_unit is not None
            else "Đơn vị của người chủ trì không đồng thời là đơn vị phối hợp."
        )
        problems[f"coordinate_unit_ids.{leading}"] = problems["coordinate_unit_ids"]  # the form marks that one only
    if direction.due is not None and (problem := deadline_problem(direction.due, agency_id)):
        problems["due"] = problem
    problems.update(_coordinating_unit_problems(agency_id, direction))
    problems.update(_people_problems(agency_id, direction))
    problems.update(_assignee_due_problems(agency_id, direction))
    return problems


def _coordinating_unit_problems(agency_id: int, direction: Direction) -> dict[str, str]:
    """Each coordinating unit is an active unit of the agency with an active specialist: its "Góp ý phối hợp" step
    (processes/incoming.bpmn, lane chuyen_vien) is that unit's specialists', and the handling waits for it.
    Besides the field's message, `coordinate_unit_ids.<id>` names each unit at fault (the form marks only those)."""
    problems: dict[str, str] = {}
    for unit_id in direction.coordinate_unit_ids:
        unit = db.session.get(Unit, unit_id)
        if unit is None or unit.agency_id != agency_id or not unit.is_active:
            problems[f"coordinate_unit_ids.{unit_id}"] = "Đơn vị phối hợp không thuộc cơ quan hoặc đã ngừng hoạt động."
        elif not org_queries.active_members(unit.id, Role.SPECIALIST.value):
            problems[f"coordinate_unit_ids.{unit_id}"] = (
                f"{unit.name} chưa có chuyên viên đang hoạt động để góp ý phối hợp: chọn đơn vị khác hoặc người phối "
                "hợp cụ thể, hoặc đề nghị quản trị bổ sung chuyên viên cho đơn vị."
            )
    if problems:
        problems = {"coordinate_unit_ids": " ".join(dict.fromkeys(problems.values())), **problems}
    return problems


def _people_problems(agency_id: int, direction: Direction) -> dict[str, str]:
    """Coordinating and informed people are active members of the agency; the lead does not also coordinate."""
    problems: dict[str, str] = {}
    for name, ids in (
        ("coordinate_user_ids", direction.coordinate_user_ids),
        ("inform_user_ids", direction.inform_user_ids),
    ):
        users = [db.session.get(User, user_id) for user_id in ids]
        if any(u is None or u.agency_id != agency_id or not u.is_active for u in users):
            problems[name] = "Người được chọn không thuộc cơ quan hoặc tài khoản đã bị vô hiệu hóa."
    if direction.lead_user_id is not None and direction.lead_user_id in direction.coordinate_user_ids:
        problems["coordinate_user_ids"] = "Người chủ trì không đồng thời là người phối hợp."
        problems[f"coordinate_user_ids.{direction.lead_user_id}"] = problems["coordinate_user_ids"]  # that one only
    # One part per person (NĐ 30/2020 Điều 23.2: chủ trì, phối hợp or để biết): two would be two assignments of
    # the same document to one person, counted twice in the reports.
    for user_id in direction.inform_user_ids:
        if user_id == direction.lead_user_id:
            problems[f"inform_user_ids.{user_id}"] = "Người chủ trì không đồng thời là người nhận để biết."
        elif user_id in direction.coordinate_user_ids:
            problems[f"inform_user_ids.{user_id}"] = "Người phối hợp không đồng thời là người nhận để biết."
    both = [problem for key, problem in problems.items() if key.startswith("inform_user_ids.")]
    if both and "inform_user_ids" not in problems:
        problems["inform_user_ids"] = " ".join(dict.fromkeys(both))
    return problems


def _assignee_due_problems(agency_id: int, direction: Direction) -> dict[str, str]:
    """Seed 000 Điều 17.2: each assignee's own deadline is not past, and — unless the agency allows it
    (Agency.due_after_lead_allowed) — not after the lead's. Keys: the Direction's `…_dues` field names, and
    `<field>.<id>` for each date at fault."""
    lead_due = direction.due
    agency = db.session.get(Agency, agency_id)
    after_allowed = bool(agency and agency.due_after_lead_allowed)
    problems: dict[str, str] = {}
    groups = (
        ("coordinate_unit_dues", direction.coordinate_unit_ids, direction.coordinate_unit_dues, Unit),
        ("coordinate_user_dues", direction.coordinate_user_ids, direction.coordinate_user_dues, User),
        ("inform_dues", direction.inform_user_ids, direction.inform_dues, User),
    )
    for name, ids, dues, model in groups:
        for key in ids:
            due = dues.get(key)
            if due is None:
                continue
            who = _name_of(model, key)
            problem = deadline_problem(due, agency_id, what=f"Hạn của {who}")
            if problem is None and lead_due is not None and due > lead_due and not after_allowed:
                problem = f"Hạn của {who} ({due:%d/%m/%Y}) không được sau hạn của bên chủ trì ({lead_due:%d/%m/%Y})."
            if problem:
                problems[f"{name}.{key}"] = problem  # each date at fault, which the form marks
                problems[name] = f"{problems[name]} {problem}" if name in problems else problem  # all, under the field
    return problems


def _name_of(model, key: int) -> str:
    row = db.session.get(model, key)
    return (row.name if model is Unit else row.full_name) if row is not None else f"#{key}"


def _direction_summary(lead: str, due, others: list[IncomingAssignment]) -> str:
    """The direction as the audit log lists it: who leads, by when, and how many others take part."""
    parts = [f"Chỉ đạo: giao {lead} chủ trì" + (f", hạn {due:%d/%m/%Y}" if due else "")]
    coordinating = sum(1 for a in others if a.kind == AssignmentKind.COORDINATE)
    informed = sum(1 for a in others if a.kind == AssignmentKind.INFORM)
    parts += [f"{coordinating} bên phối hợp"] if coordinating else []
    parts += [f"{informed} người nhận để biết"] if informed else []
    return "; ".join(parts)


def direct_incoming(actor: User | None, document: IncomingDocument, direction: Direction) -> list[IncomingAssignment]:
    """NĐ 30/2020 Điều 23.2, 23.4: record the direction and its assignments (04), each with its own deadline."""
    from app.core.errors import Conflict

    lead_unit, lead_user = direction.lead_unit_id, direction.lead_user_id
    if lead_user is None and lead_unit is None:
        raise Conflict("Chưa chọn đơn vị hoặc người chủ trì.", code="lead_required")
    lead_unit = leading_unit(lead_unit, lead_user)
    due = direction.lead_due(document)
    actor_id = actor.id if actor else None
    document.direction = direction.text
    document.lead_unit_id, document.lead_user_id, document.handling_due = lead_unit, lead_user, due
    STATES.move(document, IncomingStatus.DIRECTED)
    made = [
        IncomingAssignment(
            kind=AssignmentKind.LEAD,
            unit_id=lead_unit,
            user_id=lead_user,
            due_date=due,
            note=document.direction,
            created_by_id=actor_id,
        )
    ]

    def assignment(kind, **who):
        return IncomingAssignment(kind=kind, created_by_id=actor_id, **who)

    made += [
        assignment(AssignmentKind.COORDINATE, unit_id=key, due_date=direction.due_of("unit", key, due))
        for key in direction.coordinate_unit_ids
    ]
    made += [
        assignment(AssignmentKind.COORDINATE, user_id=key, due_date=direction.due_of("user", key, due))
        for key in direction.coordinate_user_ids
    ]
    made += [
        assignment(AssignmentKind.INFORM, user_id=key, due_date=direction.due_of("inform", key, due))
        for key in direction.inform_user_ids
    ]
    document.assignments.extend(made)
    who = db.session.get(User, lead_user).full_name if lead_user else db.session.get(Unit, lead_unit).name
    status_for_sender(document, StatusCode.ASSIGNED, staff=actor, description=f"Phân công {who} chủ trì giải quyết")
    audit.record(
        actor,
        "incoming.direct",
        document,
        summary=_direction_summary(who, due, made[1:]),
        changes={
            "lead_unit_id": lead_unit,
            "lead_user_id": lead_user,
            "due": str(due) if due else None,
            "assignees": [[a.kind, a.unit_id, a.user_id, str(a.due_date) if a.due_date else None] for a in made[1:]],
        },
    )
    _tell_coordinating_units(actor, document, [a.unit_id for a in made[1:] if a.kind == AssignmentKind.COORDINATE])
    return made


def _tell_coordinating_units(actor: User | None, document: IncomingDocument, unit_ids: list) -> None:
    """A coordinating unit's opinion step waits in its specialists' queue (processes/incoming.bpmn, lane
    chuyen_vien): its leaders hear of the assignment at once, so the unit's work never passes them by (seed 000
    Điều 17.2: the unit answers for its part)."""
    for unit_id in (u for u in unit_ids if u is not None):
        leaders = {u.id for u in org_queries.active_members(unit_id, Role.UNIT_LEADER.value)} - {actor and actor.id}
        tell(
            document,
            leaders,
            kind="incoming_coordinate",
            title=f"{db.session.get(Unit, unit_id).name} được giao phối hợp: {document.subject}"[:300],
            body=(
                "Bước “Góp ý phối hợp” chờ chuyên viên của đơn vị nhận (hộp việc chung của đơn vị); lãnh đạo đơn vị có "
                "thể chuyển cho chuyên viên cụ thể."
                + (f"\nÝ kiến chỉ đạo: {document.direction[:800]}" if document.direction else "")
            ),
        )


def start_handling(actor: User | None, document: IncomingDocument, lead_user_id: int | None = None) -> None:
    """The lead specialist (chosen by the unit leader, when the direction named a unit) starts handling it (05)."""
    if lead_user_id is not None and document.lead_user_id != lead_user_id:
        document.lead_user_id = lead_user_id
        for assignment in document.assignments:
            if assignment.kind == AssignmentKind.LEAD:
                assignment.user_id = lead_user_id
    STATES.move(document, IncomingStatus.HANDLING)
    status_for_sender(document, StatusCode.HANDLING, staff=actor)


def complete_incoming(actor: User | None, document: IncomingDocument, result: str, *, no_action: bool = False):
    """The lead has finished and every coordinating unit has given its opinion (the BPMN join waited) (06)."""
    result = (result or "").strip()
    document.result = ("Không cần xử lý: " + result) if no_action else result
    STATES.move(document, IncomingStatus.COMPLETED)
    document.completed_at = clock.now()
    for assignment in document.assignments:
        if assignment.kind in (AssignmentKind.LEAD, AssignmentKind.COORDINATE) and assignment.done_at is None:
            assignment.done_at = clock.now()
    # 06 names who handled it, the lead person — not whoever's step happened to close the procedure last (a
    # coordinating unit's opinion given after the lead finished).
    status_for_sender(document, StatusCode.COMPLETED, staff=document.lead_user or actor)
    audit.record(actor, "incoming.complete", document, summary=f"Hoàn thành văn bản đến số {document.arrival_label}")


def confirm_read(document: IncomingDocument) -> None:
    """Every "để biết" recipient confirmed: their assignments are done (NĐ 30/2020 Điều 23.2)."""
    for assignment in document.assignments:
        if assignment.kind == AssignmentKind.INFORM and assignment.done_at is None:
            assignment.done_at = clock.now()
