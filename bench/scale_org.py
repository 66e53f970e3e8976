"""The scale generator's province and its template case.

The province (agencies, units, registers) is created through the services, as an administrator would; its 30 000
people are inserted in bulk (one argon2 hash shared: hashing each would take minutes and measure nothing). Then one
văn bản đến is driven through processes/incoming.bpmn by the real services, and what the engine and the services
stored after each step is kept as the template every generated case is cloned from (bench/scale_data.py).
"""

import json
import zlib
from dataclasses import dataclass, field
from datetime import datetime, timedelta

import sqlalchemy as sa

from app.core.folding import fold_vietnamese
from bench.scale_text import HUYEN, SO, UNITS, XA_STEMS, Words

PASSWORD = "Bench-Password-1"
STAGES = ("received", "registered", "directed", "assigned", "done")


@dataclass
class Place:
    """One agency of the generated province, with its people by role."""

    id: int
    code: str
    name: str
    abbreviation: str
    level: str  # tinh, so, huyen, xa
    weight: float  # its share of the documents
    units: list[tuple[int, str]] = field(default_factory=list)  # (id, name)
    unit_names: dict[int, str] = field(default_factory=dict)
    clerks: list[int] = field(default_factory=list)
    leaders: list[int] = field(default_factory=list)
    unit_leaders: dict[int, int] = field(default_factory=dict)  # unit id -> its leader
    specialists: dict[int, list[int]] = field(default_factory=dict)  # unit id -> its specialists
    registers: dict[str, int] = field(default_factory=dict)  # kind -> default register id


def agency_specs(count: int) -> list[tuple[str, str, str, str, int | None, float]]:
    """(code, name, abbreviation, level, parent index, weight): the province, its departments, districts, communes."""
    specs = [("000.00.00.H33", "Ủy ban nhân dân tỉnh Kiên Giang", "UBND", "tinh", None, 30.0)]
    for i, (name, abbreviation) in enumerate(SO[: max(0, min(len(SO), count - 1))], start=1):
        specs.append((f"000.00.{i:02d}.H33", f"{name} tỉnh Kiên Giang", abbreviation, "so", 0, 8.0))
    districts = []
    for i, name in enumerate(HUYEN[: max(0, min(len(HUYEN), count - len(specs)))], start=31):
        districts.append(len(specs))
        specs.append((f"000.00.{i:02d}.H33", f"Ủy ban nhân dân {name}", "UBND", "huyen", 0, 6.0))
    n = 0
    while len(specs) < count and districts:
        district = districts[n % len(districts)]
        stem = XA_STEMS[n % len(XA_STEMS)]
        suffix = f" {n // len(XA_STEMS) + 1}" if n >= len(XA_STEMS) else ""
        kind = "phường" if n % 4 == 0 else "xã"
        code = f"000.{int(specs[district][0][7:9]):02d}.{n // len(districts) + 1:02d}.H33"
        specs.append((code, f"Ủy ban nhân dân {kind} {stem}{suffix}", "UBND", "xa", district, 1.0))
        n += 1
    return specs


def people_counts(places: list[Place], users: int) -> list[int]:
    """Staff per agency: the province 400, a department 250, a district 200, communes share the rest (30 000)."""
    fixed = {"tinh": 400, "so": 250, "huyen": 200}
    scale = users / 30_000
    counts = [max(8, round(fixed.get(p.level, 0) * scale)) if p.level != "xa" else 0 for p in places]
    communes = [i for i, p in enumerate(places) if p.level == "xa"]
    rest = max(0, users - sum(counts))
    for k, i in enumerate(communes):
        counts[i] = max(6, rest // len(communes) + (1 if k < rest % len(communes) else 0))
    return counts


def create_province(agencies: int, users: int, seed: int, started: datetime) -> tuple[list[Place], dict]:
    """Agencies, units and default registers through the services; people in bulk.

    Returns the places and every person's (username, full name) by id."""
    from app.core import clock
    from app.core.db import db
    from app.core.transaction import unit_of_work
    from app.documents.models import RegisterKind
    from app.documents.services import default_register
    from app.org import services as org
    from app.org.models import Role, User, UserRole
    from app.org.passwords import hash_password

    words = Words(seed)
    places: list[Place] = []
    with clock.frozen(started), unit_of_work():
        for code, name, abbreviation, level, parent, weight in agency_specs(agencies):
            agency = org.create_agency(
                None,
                code=code,
                name=name,
                abbreviation=abbreviation,
                parent_id=places[parent].id if parent is not None else None,
            )
            place = Place(agency.id, code, name, abbreviation, level, weight)
            for unit_name, unit_abbreviation in UNITS[level]:
                unit = org.create_unit(None, agency_id=agency.id, name=unit_name, abbreviation=unit_abbreviation)
                place.units.append((unit.id, unit_name))
                place.unit_names[unit.id] = unit_name
            for kind in RegisterKind:
                place.registers[kind.value] = default_register(agency.id, kind).id
            places.append(place)
    password_hash = hash_password(PASSWORD)
    user_rows, role_rows, people = [], [], {}
    next_id = (db.session.scalar(sa.select(sa.func.max(User.id))) or 0) + 1
    for place, count in zip(places, people_counts(places, users), strict=True):
        unit_ids = [u for u, _ in place.units]
        plan = [(Role.ADMIN, None), (Role.ARCHIVIST, unit_ids[0])]
        plan += [(Role.CLERK, unit_ids[0])] * max(1, count // 80)
        plan += [(Role.AGENCY_LEADER, None)] * max(1, min(4, count // 60))
        plan += [(Role.UNIT_LEADER, u) for u in unit_ids]
        plan += [(Role.SPECIALIST, unit_ids[i % len(unit_ids)]) for i in range(max(len(unit_ids), count - len(plan)))]
        for k, (role, unit_id) in enumerate(plan):
            user_id, next_id, name = next_id, next_id + 1, words.person()
            user_rows.append(
                {
                    "id": user_id,
                    "username": f"cq{place.id:03d}.{role.value.replace('_', '')}{k}",
                    "full_name": name,
                    "full_name_folded": fold_vietnamese(name),  # what the ORM keeps (app.core.folding.keep_folded)
                    "position": {Role.AGENCY_LEADER: "Phó Chủ tịch", Role.UNIT_LEADER: "Trưởng phòng"}.get(role),
                    "agency_id": place.id,
                    "unit_id": unit_id,
                    "is_active": True,
                    "password_hash": password_hash,
                    "failed_login_count": 0,
                    "session_version": 1,
                    "created_at": started,
                }
            )
            role_rows.append({"user_id": user_id, "role": role.value})
            people[user_id] = (user_rows[-1]["username"], user_rows[-1]["full_name"])
            if role is Role.CLERK:
                place.clerks.append(user_id)
            elif role is Role.AGENCY_LEADER:
                place.leaders.append(user_id)
            elif role is Role.UNIT_LEADER:
                place.unit_leaders[unit_id] = user_id
            elif role is Role.SPECIALIST:
                place.specialists.setdefault(unit_id, []).append(user_id)
    with unit_of_work():
        for start in range(0, len(user_rows), 5000):
            db.session.execute(sa.insert(User), user_rows[start : start + 5000])
            db.session.execute(sa.insert(UserRole), role_rows[start : start + 5000])
    return places, people


@dataclass
class Stage:
    """What the database held after one step of the template case."""

    name: str
    state_json: bytes  # the decompressed SpiffWorkflow state
    status: str
    tasks: list[dict]  # human_task rows, in id order
    document: dict  # the incoming_document row
    assignments: list[dict]  # its incoming_assignment rows


@dataclass
class Template:
    document_id: int
    instance_id: int
    version: int
    process_version_id: int
    values: dict  # the template's own values, as they appear in the state, to be replaced per case
    stages: dict[str, Stage]


def capture_template(place: Place, when: datetime) -> Template:
    """Drive one văn bản đến of `place` through every step with the real services; keep each step's stored state."""
    from app.core import clock
    from app.core.db import db
    from app.core.transaction import unit_of_work
    from app.documents.uploads import Upload
    from app.incoming import services as incoming
    from app.incoming.models import IncomingAssignment, IncomingDocument
    from app.org.models import User
    from app.signing.sample import draft_pdf
    from app.workflow import services as wf
    from app.workflow.models import HumanTask, ProcessVersion, WorkflowInstance

    unit_id, unit_name = place.units[1]
    clerk, leader = place.clerks[0], place.leaders[0]
    unit_leader, specialist = place.unit_leaders[unit_id], place.specialists[unit_id][0]
    values = {
        "sender_code": "000.00.00.G09",
        "sender_name": "Bộ Nội vụ",
        "code_number": "4321",
        "code_notation": "BNV-VTLTNN",
        "issued_date": (when - timedelta(days=2)).date().isoformat(),
        "type_name": "Công văn",
        "subject": "Về việc hướng dẫn quản lý văn bản điện tử và lập hồ sơ điện tử",
        "signer_position": "Thứ trưởng",
        "signer_name": "Nguyễn Văn An",
        "page_count": "1",
    }
    pdf = draft_pdf(
        agency_parent="",
        agency_name=values["sender_name"],
        notation_hint=values["code_notation"],
        place="Hà Nội",
        type_name=None,
        subject=values["subject"][0].lower() + values["subject"][1:],
        body=["Bộ Nội vụ đề nghị Ủy ban nhân dân tỉnh chỉ đạo thực hiện."],
        signer_authority=None,
        signer_title="Thứ trưởng",
        signer_name=values["signer_name"],
        recipients=[place.name],
    )
    due = (when + timedelta(days=9)).date().isoformat()
    direction = f"Giao {unit_name} chủ trì tham mưu, báo cáo kết quả."
    result = "Đã tham mưu văn bản trả lời, trình lãnh đạo ký ban hành."
    stages, state = {}, {}

    def user(user_id):
        return db.session.get(User, user_id)

    def open_task():
        return db.session.scalar(
            sa.select(HumanTask.id)
            .where(HumanTask.object_id == str(state["id"]), HumanTask.state.in_(["ready", "claimed"]))
            .order_by(HumanTask.id)
        )

    def keep(name):
        db.session.expire_all()
        instance = db.session.scalar(sa.select(WorkflowInstance).where(WorkflowInstance.object_id == str(state["id"])))
        tasks = db.session.scalars(
            sa.select(HumanTask).where(HumanTask.instance_id == instance.id).order_by(HumanTask.id)
        ).all()
        rows = [{c.key: getattr(t, c.key) for c in HumanTask.__table__.columns} for t in tasks]
        document = db.session.get(IncomingDocument, state["id"])
        assigned = db.session.scalars(
            sa.select(IncomingAssignment).where(IncomingAssignment.document_id == document.id)
        )
        stages[name] = Stage(
            name, zlib.decompress(instance.state), instance.status, rows, _row(document), [_row(a) for a in assigned]
        )
        state["instance"] = instance.id

    steps = [
        (
            0,
            lambda: state.update(
                id=incoming.receive_incoming(
                    user(clerk), channel="electronic", metadata=values, uploads=[Upload("van-ban.pdf", pdf, True)]
                ).id
            ),
        ),
        (20, lambda: wf.complete_task(user(clerk), open_task(), {}, outcome="tiep_nhan")),
        (
            30,
            lambda: wf.complete_task(
                user(clerk), open_task(), {k: values[k] for k in ("sender_name", "type_name", "subject")}
            ),
        ),
        (
            90,
            lambda: wf.complete_task(
                user(leader), open_task(), {"y_kien_chi_dao": direction, "lead_unit_id": unit_id, "han_xu_ly": due}
            ),
        ),
        (120, lambda: wf.complete_task(user(unit_leader), open_task(), {"lead_user_id": specialist})),
        (
            60 * 24 * 3,
            lambda: wf.complete_task(user(specialist), open_task(), {"ket_qua": result}, outcome="hoan_thanh"),
        ),
    ]
    for i, (minutes, step) in enumerate(steps):
        with clock.frozen(when + timedelta(minutes=minutes)), unit_of_work():
            step()
        if i in (0, 2, 3, 4, 5):
            keep(STAGES[[0, 2, 3, 4, 5].index(i)])
    version = db.session.get(ProcessVersion, db.session.get(WorkflowInstance, state["instance"]).process_version_id)
    values.update(
        document_id=state["id"],
        direction=direction,
        due=due,
        result=result,
        unit_id=unit_id,
        specialist=specialist,
        clerk=clerk,
        leader=leader,
        unit_leader=unit_leader,
    )
    return Template(state["id"], state["instance"], version.version, version.id, values, stages)


def _row(obj) -> dict:
    return {c.key: getattr(obj, c.key) for c in type(obj).__table__.columns}


def fragment(key: str, value) -> bytes:
    """`"key":value` as the engine's json.dumps writes it (compact separators, UTF-8)."""
    if isinstance(value, int) and not isinstance(value, bool):
        return f'"{key}":{value}'.encode()
    return json.dumps({key: value}, separators=(",", ":"), ensure_ascii=False)[1:-1].encode()


class StateCloner:
    """The template's stored state of one step, with one case's own values in place of the template's.

    Replacing whole `"key":value` fragments (followed by `,` or `}`) keeps the JSON valid and leaves every other byte
    as the engine wrote it; the result is compressed as engine.dump_state does (zlib level 6).
    """

    KEYS = (
        "document_id",
        "object_id",
        "sender_code",
        "sender_name",
        "code_number",
        "code_notation",
        "issued_date",
        "type_name",
        "subject",
        "signer_position",
        "signer_name",
        "started_by_id",
        "last_actor_id",
        "y_kien_chi_dao",
        "lead_unit_id",
        "han_xu_ly",
        "lead_due",
        "lead_user_id",
        "ket_qua",
        "urgency",
        "urgent",
        "arrival_number",
        "arrival_year",
        "register_id",
    )

    USERS = ("started_by_id", "last_actor_id", "lead_user_id")  # values that name a person: mapped, not given

    def __init__(self, stage: Stage) -> None:
        self.raw = stage.state_json
        data = json.loads(self.raw)["data"]
        self.template = dict(data)
        for value in data.values():  # one level down: registration {arrival_number, arrival_year, register_id}
            if isinstance(value, dict):
                self.template.update({k: v for k, v in value.items() if k not in self.template})
        self.fragments = [
            (
                key,
                self.template[key],
                fragment(key, self.template[key]) + b",",
                fragment(key, self.template[key]) + b"}",
            )
            for key in self.KEYS
            if key in self.template
        ]

    def clone(self, values: dict, users: dict[int, int]) -> tuple[bytes, int]:
        """`values`: the case's own values by key; `users`: template person id -> the case's person id."""
        raw = self.raw
        for key, old_value, old_comma, old_brace in self.fragments:
            new_value = users.get(old_value, old_value) if key in self.USERS else values.get(key, old_value)
            if new_value == old_value:
                continue
            new = fragment(key, new_value)
            raw = raw.replace(old_comma, new + b",").replace(old_brace, new + b"}")
        return zlib.compress(raw, 6), len(raw)
