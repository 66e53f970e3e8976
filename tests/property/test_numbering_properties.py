"""Properties of numbering (app.documents.numbering, NĐ 30/2020 Điều 15.1 and 22.2): whatever mix of committed
and failed registrations, over years, registers and agencies, every register's numbers of a year are exactly
1…n — no gap, no repeat — and the printed forms of a number and a symbol read back as what was numbered."""

import itertools

import pytest
import sqlalchemy as sa
from hypothesis import given
from hypothesis import strategies as st

from app.core.db import db
from app.core.errors import Conflict
from app.core.transaction import unit_of_work
from app.documents import numbering
from app.documents.models import NumberAssignment, Register, RegisterKind
from app.documents.symbols import format_code, format_number, normalized_code, normalized_number, notation
from tests.property.strategies import examples

_codes = itertools.count(1)


class Failed(Exception):
    """The registration failed after its number was taken (a refusal, a crash of the step): it must roll back."""


# One registration: which register (of two), which year, and how it ends.
STEPS = st.lists(
    st.tuples(st.integers(0, 1), st.sampled_from([2025, 2026, 2027]), st.sampled_from(["commit", "fail", "nested"])),
    min_size=1,
    max_size=40,
)


@pytest.fixture
def agency(create_agency):
    return create_agency()


def _register(agency_id: int) -> Register:
    code = f"P{next(_codes)}"
    with unit_of_work():  # committed (to the test's savepoint) so a failed registration cannot take it along
        register = Register(agency_id=agency_id, kind=RegisterKind.INCOMING, code=code, name=f"Sổ thử {code}")
        db.session.add(register)
    return register


@examples(40)
@given(STEPS)
def test_numbers_are_one_to_n_per_register_and_year_whatever_fails(agency, steps):
    registers = [_register(agency.id), _register(agency.id)]
    expected: dict[tuple[int, int], int] = {}
    for index, (which, year, outcome) in enumerate(steps):
        register = registers[which]
        if outcome == "fail":
            with pytest.raises(Failed), unit_of_work():
                numbering.assign_number(None, register.id, "incoming_document", index, year)
                raise Failed
        elif outcome == "nested":
            # A refused inner step (a savepoint) gives its number back while the outer registration commits.
            with unit_of_work():
                with pytest.raises(Conflict), unit_of_work():
                    numbering.take_number(register.id, year)
                    raise Conflict("refused")
                numbering.assign_number(None, register.id, "incoming_document", index, year)
            expected[register.id, year] = expected.get((register.id, year), 0) + 1
        else:
            with unit_of_work():
                numbering.assign_number(None, register.id, "incoming_document", index, year)
            expected[register.id, year] = expected.get((register.id, year), 0) + 1

    for register in registers:
        for year in (2025, 2026, 2027):
            numbers = db.session.scalars(
                sa.select(NumberAssignment.number)
                .where(NumberAssignment.register_id == register.id, NumberAssignment.year == year)
                .order_by(NumberAssignment.number)
            ).all()
            count = expected.get((register.id, year), 0)
            assert numbers == list(range(1, count + 1))
            assert numbering.last_number(register.id, year) == count
            assert numbering.peek_next_number(register.id, year) == count + 1


@examples(200)
@given(st.integers(1, 10**9))
def test_a_printed_number_reads_back_as_the_number(number):
    printed = format_number(number)
    assert len(printed) >= 2 and printed.isdigit()  # Phụ lục I, II.3.c: "05", never "5"
    assert normalized_number(printed) == normalized_number(str(number)) == str(number)


ABBREVIATION = st.text(alphabet="ABCDĐEGHIKLMNOPQRSTUVXYÂĂÊÔƠƯ0123456789", min_size=1, max_size=6)


@examples(200)
@given(st.integers(1, 99999), st.lists(ABBREVIATION, min_size=1, max_size=4), st.integers(2000, 2100) | st.none())
def test_a_code_compares_equal_however_it_is_typed_back(number, groups, year):
    code = format_code(number, notation(*groups), year=year)
    printed_number, *rest = code.split("/")
    assert int(printed_number) == number and rest[-1] == "-".join(groups)
    if year is None:
        # A clerk copying the code from paper: spaces, no leading zero, a typographic dash, other case.
        retyped_notation = " – ".join(g.lower() for g in groups)
        assert normalized_code(str(number), retyped_notation) == normalized_code(printed_number, rest[-1])
