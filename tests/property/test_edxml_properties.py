"""Properties of edXML (app.exchange.edxml, QCVN 102:2016, legal.md §4): any document within the field limits
(§4.3) survives build → parse unchanged, attachments byte for byte; any status message likewise; and bytes that are
not a valid package — random or a valid one damaged — are refused with InvalidPackage, never another error (the
connector answers 422, the worker lives on)."""

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from app.exchange.edxml import InvalidPackage, build_package, build_status, parse_package, parse_status
from app.exchange.models import StatusCode
from tests.exchange.messages import package
from tests.property.strategies import examples, vietnamese_text

ORGAN_ID = st.from_regex(r"\A000\.[0-9]{2}\.[0-9]{2}\.[A-H][0-9]{2}\Z")
DATES = st.dates(dt.date(2000, 1, 1), dt.date(2099, 12, 31))
URGENCIES = st.sampled_from(["thuong", "khan", "thuong_khan", "hoa_toc"])
NOTATION = st.from_regex(r"\A[A-ZĐ]{1,6}(-[A-ZĐ]{1,6}){0,2}\Z")


@st.composite
def documents(draw) -> dict:
    issued = draw(DATES)
    return {
        "sender_code": draw(ORGAN_ID),
        "sender_name": draw(vietnamese_text(1, 500)),
        "organ_id_to": draw(ORGAN_ID),
        "organ_name_to": draw(vietnamese_text(1, 500)),
        "code_number": str(draw(st.integers(1, 99_999_999))),
        "code_notation": draw(NOTATION),
        "issued_date": issued.isoformat(),
        "place": draw(vietnamese_text(1, 50)),
        "type_name": draw(vietnamese_text(1, 100)),
        "subject": draw(vietnamese_text(1, 500)),
        "description": draw(vietnamese_text(1, 500) | st.none()),
        "signer_position": draw(vietnamese_text(1, 100)),
        "signer_name": draw(vietnamese_text(1, 100)),
        "page_count": draw(st.integers(1, 65535)),
        "urgency": draw(URGENCIES),
        "due_date": draw(st.none() | st.just(issued + dt.timedelta(days=draw(st.integers(0, 365))))),
        "recipients": None,
    }


ATTACHMENTS = st.lists(
    st.tuples(vietnamese_text(1, 190).map(lambda name: name + ".pdf"), st.binary(min_size=1, max_size=4096)),
    min_size=1,
    max_size=4,
)


@examples(80)
@given(documents(), ATTACHMENTS)
def test_a_document_within_the_limits_round_trips(metadata, attachments):
    if metadata["due_date"] is not None:
        metadata["due_date"] = metadata["due_date"].isoformat()
    parsed = parse_package(build_package(metadata, attachments))
    meta = parsed.metadata
    for key in ("sender_code", "sender_name", "code_number", "code_notation", "issued_date", "type_name", "subject"):
        assert meta[key] == metadata[key], key
    assert (meta["description"], meta["urgency"], meta["due_date"]) == (
        metadata["description"],
        metadata["urgency"],
        metadata["due_date"],
    )
    assert (meta["signer_name"], meta["page_count"]) == (metadata["signer_name"], str(metadata["page_count"]))
    # The first PDF becomes the main file; otherwise the order and every byte are kept.
    expected = sorted(attachments, key=lambda item: not item[1].startswith(b"%PDF-"))
    assert parsed.uploads == expected


@examples(80)
@given(
    st.sampled_from([code.value for code in StatusCode]),
    ORGAN_ID,
    ORGAN_ID,
    DATES,
    vietnamese_text(1, 200),
    vietnamese_text(1, 100),
    st.datetimes(dt.datetime(2000, 1, 1), dt.datetime(2099, 1, 1)).map(
        lambda moment: moment.replace(microsecond=0, tzinfo=dt.UTC)
    ),
)
def test_a_status_round_trips(code, receiver, sender, issued, description, staff, moment):
    key = f"{sender},{issued:%Y/%m/%d},12/UBND-VP"
    data = build_status(
        from_code=receiver,
        from_name="Cơ quan nhận",
        response_for_code=sender,
        response_for_key=key,
        response_for_date=issued.isoformat(),
        response_for_symbol="12/UBND-VP",
        code=code,
        description=description,
        staff_name=staff,
        staff_unit="Văn phòng",
        timestamp=moment,
    )
    parsed = parse_status(data)
    assert (parsed.code, parsed.from_code, parsed.response_for_code, parsed.response_for_key) == (
        code,
        receiver,
        sender,
        key,
    )
    assert (parsed.promulgation_date, parsed.description, parsed.staff_name) == (issued, description, staff)
    assert parsed.timestamp == moment


VALID = package()


def _refused_or_read(data: bytes) -> None:
    """A package is read or refused with InvalidPackage (a 422 naming the problem); nothing else may escape."""
    try:
        parse_package(data)
    except InvalidPackage as refused:
        assert refused.details and all(isinstance(v, str) for v in refused.details.values())


@examples(150)
@given(st.data())
def test_a_damaged_package_is_read_or_refused_never_an_error(data):
    damaged = bytearray(VALID)
    for _ in range(data.draw(st.integers(1, 8), label="changes")):
        where = data.draw(st.integers(0, len(damaged) - 1), label="at")
        action = data.draw(st.sampled_from(["flip", "delete", "insert", "truncate"]), label="action")
        if action == "flip":
            damaged[where] = data.draw(st.integers(0, 255), label="byte")
        elif action == "delete":
            del damaged[where : where + data.draw(st.integers(1, 64), label="length")]
        elif action == "insert":
            damaged[where:where] = data.draw(st.binary(min_size=1, max_size=64), label="bytes")
        else:
            del damaged[where:]
        if not damaged:
            break
    _refused_or_read(bytes(damaged))


@examples(100)
@given(st.binary(max_size=2048) | st.text(max_size=2048).map(str.encode))
def test_random_bytes_are_refused(data):
    with pytest.raises(InvalidPackage):
        parse_package(data)
