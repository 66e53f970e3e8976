"""Numbers from a register (cấp số): gap-free, consecutive, from 1 every 1 January, unique under concurrency.

NĐ 30/2020 Điều 15.1 (số văn bản đi: "bắt đầu liên tiếp từ số 01 vào ngày 01 tháng 01 và kết thúc vào ngày
31 tháng 12 hàng năm … là duy nhất trong một năm") and Điều 22.2 (số đến: "lấy liên tiếp theo thứ tự và
trình tự thời gian tiếp nhận văn bản trong năm").

How: one counter row per (register, year), bumped by a single upsert statement in the caller's transaction:

    INSERT INTO register_counter (register_id, year, last_number) VALUES (:r, :y, 1)
    ON CONFLICT (register_id, year) DO UPDATE SET last_number = register_counter.last_number + 1
    RETURNING last_number

The upsert creates the row of a new year safely (two first callers cannot both insert it) and row-locks it
until the caller's transaction ends, so concurrent callers queue and each sees the previous one's committed
value (PostgreSQL READ COMMITTED re-reads the locked row; SQLite has one writer at a time). A caller that rolls
back gives its number back with its increment: no gap. Keep numbering late in a transaction: the register is
locked from the number until commit.

The year is the local (Asia/Ho_Chi_Minh) year: 00:01 on 1 January in Hà Nội is still 31 December in UTC.
"""

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm.util import identity_key

from app.audit import services as audit
from app.core import clock
from app.core.db import db
from app.core.errors import Conflict, NotFound, PermissionDenied
from app.documents.models import NumberAssignment, Register, RegisterCounter
from app.documents.symbols import format_number
from app.org.models import User

__all__ = ["assign_number", "current_year", "format_number", "last_number", "peek_next_number", "take_number"]


def current_year() -> int:
    """The year in Việt Nam now (app.core.clock), the year numbers are counted in."""
    return clock.to_local(clock.now()).year


def _register(register_id: int) -> Register:
    register = db.session.get(Register, register_id)
    if register is None:
        raise NotFound("Không tìm thấy sổ đăng ký văn bản.", code="register_not_found")
    return register


def take_number(register_id: int, year: int | None = None) -> int:
    """Take the next number of a register in `year` (default: this year in Việt Nam), in the caller's transaction.

    The number is only the caller's once the transaction commits; a rollback returns it. Refuses an inactive
    register. On SQLite a transaction that read before another writer committed cannot write (the database
    answers "locked"): that is a Conflict the caller retries, like any busy write on the embedded database.
    """
    register = _register(register_id)
    if not register.is_active:
        raise Conflict(f"Sổ “{register.name}” đã ngừng sử dụng, không cấp số được.", code="register_inactive")
    year = current_year() if year is None else int(year)
    session = db.session
    dialect = session.get_bind().dialect.name
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    table = RegisterCounter.__table__
    stmt = insert(table).values(register_id=register_id, year=year, last_number=1)
    stmt = stmt.on_conflict_do_update(
        index_elements=[table.c.register_id, table.c.year], set_={"last_number": table.c.last_number + 1}
    ).returning(table.c.last_number)
    try:
        number = session.execute(stmt).scalar_one()
    except sa.exc.OperationalError as exc:
        if dialect != "sqlite":
            raise
        raise Conflict("Sổ đang được cấp số cho văn bản khác, vui lòng thử lại.", code="register_busy") from exc
    # A RegisterCounter loaded earlier in this session would show the old value: refresh it if present.
    cached = session.identity_map.get(identity_key(RegisterCounter, (register_id, year)))
    if cached is not None:
        session.expire(cached)
    return number


def last_number(register_id: int, year: int | None = None) -> int:
    """The last number taken (and committed, or taken in this transaction) in `year`; 0 when none yet."""
    year = current_year() if year is None else year
    value = db.session.scalar(
        sa.select(RegisterCounter.last_number).where(
            RegisterCounter.register_id == register_id, RegisterCounter.year == year
        )
    )
    return value or 0


def peek_next_number(register_id: int, year: int | None = None) -> int:
    """The number the next `take_number` would give, for display only: it reserves nothing."""
    return last_number(register_id, year) + 1


# What a number is given to (assign_number's object_type), as the audit log's summary names it.
NUMBERED = {"incoming": "văn bản đến", "outgoing": "văn bản đi", "copy": "bản sao"}


def assign_number(
    actor: User | None, register_id: int, object_type: str, object_id: int, year: int | None = None
) -> NumberAssignment:
    """Take the next number of a register for one object and record who got it, in the caller's transaction.

    The `number_assignment` row makes a repeat impossible at the database level: (register, year, number) and
    (register, object) are unique. An actor may only number in a register of their own agency; None is the
    system (a BPMN service task, the exchange). Writes an audit event.
    """
    register = _register(register_id)
    if actor is not None and actor.agency_id != register.agency_id:
        raise PermissionDenied("Sổ đăng ký này thuộc cơ quan khác.", code="register_of_other_agency")
    taken = db.session.scalar(
        sa.select(NumberAssignment).where(
            NumberAssignment.register_id == register_id,
            NumberAssignment.object_type == object_type,
            NumberAssignment.object_id == object_id,
        )
    )
    if taken is not None:
        raise Conflict(
            f"Văn bản này đã được cấp số {taken.formatted_number} trong sổ “{register.name}” năm {taken.year}.",
            code="number_already_assigned",
        )
    year = current_year() if year is None else int(year)
    number = take_number(register_id, year)
    assignment = NumberAssignment(
        register_id=register_id,
        year=year,
        number=number,
        object_type=object_type,
        object_id=object_id,
        assigned_at=clock.now(),
        assigned_by_id=actor.id if actor is not None else None,
    )
    db.session.add(assignment)
    db.session.flush()
    audit.record(
        actor,
        "register.assign_number",
        assignment,
        agency_id=register.agency_id,
        summary=(
            f"Cấp số {format_number(number)} năm {year} trong “{register.name}” "
            f"cho {NUMBERED.get(object_type, object_type)} #{object_id}"
        ),
        changes={"register_id": register_id, "year": year, "number": number, "object": f"{object_type}:{object_id}"},
    )
    return assignment
