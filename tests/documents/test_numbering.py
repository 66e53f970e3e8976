"""Numbers from a register: consecutive from 1, per local year, given back on rollback, never twice."""

from datetime import UTC, datetime

import pytest
import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError

from app.audit.models import AuditEvent
from app.core import clock
from app.core.clock import LOCAL_TZ
from app.core.db import db
from app.core.errors import Conflict, NotFound, PermissionDenied
from app.core.transaction import unit_of_work
from app.documents import numbering, queries, services
from app.documents.models import NumberAssignment, RegisterKind


# NĐ 30 Phụ lục VI III.1.đ
def test_numbers_are_consecutive_from_one(incoming_register, frozen_clock):
    assert numbering.peek_next_number(incoming_register.id) == 1
    assert [numbering.take_number(incoming_register.id) for _ in range(5)] == [1, 2, 3, 4, 5]
    assert numbering.last_number(incoming_register.id) == 5
    assert numbering.peek_next_number(incoming_register.id) == 6
    assert numbering.peek_next_number(incoming_register.id) == 6  # peeking reserves nothing


def test_each_register_and_year_counts_on_its_own(clerk, incoming_register, frozen_clock):
    outgoing = services.default_register(clerk.agency_id, RegisterKind.OUTGOING)
    assert numbering.take_number(incoming_register.id) == 1
    assert numbering.take_number(incoming_register.id) == 2
    assert numbering.take_number(outgoing.id) == 1
    assert numbering.take_number(incoming_register.id, 2025) == 1  # an explicit year has its own sequence
    assert numbering.take_number(incoming_register.id) == 3


# NĐ 30 Phụ lục VI III.1.đ
def test_numbers_restart_at_one_on_the_first_of_january_in_viet_nam(incoming_register):
    # NĐ 30/2020 Điều 22.2: số đến counted within the year. 00:01 on 1 January in Hà Nội is still 31 December
    # in UTC: the local year decides.
    with clock.frozen(datetime(2026, 12, 31, 23, 59, tzinfo=LOCAL_TZ)) as frozen:
        assert numbering.current_year() == 2026
        assert [numbering.take_number(incoming_register.id) for _ in range(3)] == [1, 2, 3]
        frozen.set(datetime(2027, 1, 1, 0, 1, tzinfo=LOCAL_TZ))
        assert clock.now().year == 2026 and numbering.current_year() == 2027
        assignment = numbering.assign_number(None, incoming_register.id, "incoming_document", 1)
        assert (assignment.year, assignment.number) == (2027, 1)
        assert numbering.take_number(incoming_register.id) == 2
    assert numbering.last_number(incoming_register.id, 2026) == 3


def test_a_rolled_back_transaction_gives_its_number_back(incoming_register, frozen_clock):
    with unit_of_work():
        assert numbering.assign_number(None, incoming_register.id, "incoming_document", 1).number == 1
    with pytest.raises(RuntimeError), unit_of_work():
        assert numbering.assign_number(None, incoming_register.id, "incoming_document", 2).number == 2
        raise RuntimeError("the registration failed after the number was taken")
    with unit_of_work():
        assert numbering.assign_number(None, incoming_register.id, "incoming_document", 3).number == 2
    numbers = db.session.scalars(sa.select(NumberAssignment.number).order_by(NumberAssignment.number)).all()
    assert numbers == [1, 2]


def test_a_refused_nested_step_gives_its_number_back(incoming_register, frozen_clock):
    with unit_of_work():
        with pytest.raises(Conflict), unit_of_work():  # a savepoint: the outer work goes on
            numbering.take_number(incoming_register.id)
            raise Conflict("refused")
        assert numbering.take_number(incoming_register.id) == 1


def test_the_database_refuses_a_number_given_twice(incoming_register, frozen_clock):
    first = numbering.assign_number(None, incoming_register.id, "incoming_document", 1)
    duplicate = NumberAssignment(
        register_id=incoming_register.id,
        year=first.year,
        number=first.number,
        object_type="incoming_document",
        object_id=2,
    )
    with pytest.raises(IntegrityError), db.session.begin_nested():
        db.session.add(duplicate)
        db.session.flush()
    assert queries.find_assignment(incoming_register.id, first.year, 1) is first


def test_an_object_gets_one_number_per_register(incoming_register, frozen_clock):
    first = numbering.assign_number(None, incoming_register.id, "incoming_document", 7)
    with pytest.raises(Conflict) as refused:
        numbering.assign_number(None, incoming_register.id, "incoming_document", 7)
    assert refused.value.code == "number_already_assigned" and "đã được cấp số 01" in refused.value.message
    # Even past the service's check (a concurrent double click), the unique constraint holds.
    again = NumberAssignment(
        register_id=incoming_register.id, year=2026, number=99, object_type="incoming_document", object_id=7
    )
    with pytest.raises(IntegrityError), db.session.begin_nested():
        db.session.add(again)
        db.session.flush()
    assert queries.assignments_of("incoming_document", 7) == [first]


def test_assignment_is_audited_with_the_actor(clerk, incoming_register, frozen_clock):
    assignment = numbering.assign_number(clerk, incoming_register.id, "incoming", 42)
    assert assignment.assigned_by_id == clerk.id and assignment.assigned_at == frozen_clock.instant
    event = db.session.scalar(sa.select(AuditEvent).where(AuditEvent.action == "register.assign_number"))
    assert event.actor_id == clerk.id and event.agency_id == clerk.agency_id
    assert event.object_type == "number_assignment" and event.object_id == str(assignment.id)
    assert event.summary == "Cấp số 01 năm 2026 trong “Sổ văn bản đến” cho văn bản đến #42"  # not "incoming"
    assert event.changes == {
        "register_id": incoming_register.id,
        "year": 2026,
        "number": 1,
        "object": "incoming:42",
    }


def test_numbers_are_refused_from_another_agencys_or_a_closed_register(
    create_user, incoming_register, clerk, frozen_clock
):
    stranger = create_user(roles=("van_thu",))
    with pytest.raises(PermissionDenied):
        numbering.assign_number(stranger, incoming_register.id, "incoming_document", 1)
    outgoing = services.create_register(
        None, agency_id=clerk.agency_id, kind="outgoing", code="DI-QD", name="Sổ quyết định", document_type_codes=["QD"]
    )
    services.update_register(None, outgoing.id, is_active=False)
    with pytest.raises(Conflict) as closed:
        numbering.take_number(outgoing.id)
    assert closed.value.code == "register_inactive"
    with pytest.raises(NotFound):
        numbering.take_number(999999)
    assert numbering.last_number(outgoing.id) == 0


def test_take_number_sees_its_own_counter_even_if_loaded_before(incoming_register):
    with clock.frozen(datetime(2026, 3, 1, tzinfo=UTC)):
        numbering.take_number(incoming_register.id)
        from app.documents.models import RegisterCounter

        counter = db.session.get(RegisterCounter, (incoming_register.id, 2026))
        assert counter.last_number == 1
        numbering.take_number(incoming_register.id)
        assert counter.last_number == 2
