"""edXML packages and status messages (legal.md §4.2–4.6): every kind round-trips, the field limits (§4.3) refuse
with the element named, both date forms are read, Priority 4 is the most urgent level."""

import datetime as dt

import pytest
from lxml import etree

from app.exchange.edxml import InvalidPackage, message_kind, parse_package, parse_status
from app.exchange.edxml_base import NS
from app.exchange.models import StatusCode
from tests.exchange.messages import DOCUMENT_ID, EARLIER_ID, METADATA, PDF, SENDER, SUBJECT, package, status


def test_a_new_document_round_trips():
    pkg = parse_package(package())
    meta = pkg.metadata
    assert pkg.business_type == 0 and pkg.relation is None and pkg.message_id == DOCUMENT_ID
    assert (meta["sender_code"], meta["subject"], meta["urgency"]) == (SENDER, SUBJECT, "khan")
    assert (meta["issued_date"], meta["due_date"], meta["page_count"]) == ("2026-11-20", "2026-12-05", "2")
    assert meta["recipients"] == "Văn phòng Chính phủ; Bộ Nội vụ" and meta["response_for"] == []
    assert pkg.uploads[0] == ("cong-van-123.pdf", PDF)


@pytest.mark.parametrize(
    ("kind", "business_type", "relation", "uploads"),
    [("revoke", 1, "revoke", 0), ("update", 2, "update", 2), ("replace", 3, "replace", 2)],
)
def test_revoke_update_replace_name_the_earlier_document(kind, business_type, relation, uploads):
    pkg = parse_package(package(kind))
    assert (pkg.business_type, pkg.relation, pkg.related_key) == (business_type, relation, EARLIER_ID)
    assert len(pkg.uploads) == uploads  # a revocation carries no file
    assert message_kind(package(kind)) == "edoc"


def test_a_revocation_reason_is_kept():
    assert parse_package(package("revoke")).metadata["business_reason"] == "Thu hồi do sai sót"
    default = package("revoke", business_reason=None)
    assert parse_package(default).metadata["business_reason"] == "Thu hồi văn bản điện tử"


def test_a_revocation_without_the_revoked_id_is_refused_on_build():
    with pytest.raises(InvalidPackage) as refused:
        package("revoke", business_document_id=None)
    assert "TraceHeaderList/Bussiness/DocumentId" in refused.value.details


@pytest.mark.parametrize("code", [c.value for c in StatusCode])
def test_every_status_code_round_trips(code):
    data = status(code)
    assert message_kind(data) == "status"
    parsed = parse_status(data)
    assert (parsed.code, parsed.from_code, parsed.response_for_code) == (code, "000.00.00.G22", SENDER)
    assert parsed.response_for_key == DOCUMENT_ID and parsed.promulgation_date == dt.date(2026, 11, 20)
    assert (parsed.staff_name, parsed.staff_unit, parsed.description) == (
        "Trần Thị Bình",
        "Phòng Hành chính",
        "Đang xử lý",
    )
    assert parsed.timestamp is not None and parsed.timestamp.tzinfo is not None


def test_status_timestamp_is_local_time(frozen_clock):
    data = status(timestamp=dt.datetime(2026, 11, 23, 2, 0, tzinfo=dt.UTC))
    assert b"<edXML:Timestamp>2026/11/23 09:00:00</edXML:Timestamp>" in data  # Asia/Ho_Chi_Minh
    assert parse_status(data).timestamp == dt.datetime(2026, 11, 23, 2, 0, tzinfo=dt.UTC)


def test_a_status_is_not_a_package_and_a_package_not_a_status():
    with pytest.raises(InvalidPackage, match="trạng thái"):
        parse_package(status())
    with pytest.raises(InvalidPackage) as refused:
        parse_status(package())
    assert "MessageHeader/StatusCode" in refused.value.details


def test_response_for_travels_both_ways():
    answered = [
        {"organ_id": "000.00.00.G22", "code": "267/VPCP-TTĐT", "promulgation_date": "2026-11-02", "document_id": "X,1"},
        {"organ_id": "000.00.00.G09", "code": None, "promulgation_date": None, "document_id": "Y,2"},
    ]
    data = package(response_for=answered)
    assert data.count(b"<edXML:ResponseFor>") == 2 and b"2026/11/02" in data
    assert parse_package(data).metadata["response_for"] == answered


# --- Priority (legal.md §4.4) --------------------------------------------------------------------------------


def test_priority_4_is_hoa_toc_and_the_note_is_kept():
    meta = parse_package(package(priority=4)).metadata
    assert meta["urgency"] == "hoa_toc"
    assert meta["description"] == "Hỏa tốc hẹn giờ. Triển khai trong tháng 12"
    long = parse_package(package(priority=4, description="x" * 500)).metadata["description"]
    assert len(long) == 500 and long.startswith("Hỏa tốc hẹn giờ. ") and long.endswith("…")


def test_hoa_toc_exports_as_3():
    assert b"<edXML:Priority>3</edXML:Priority>" in package(urgency="hoa_toc")


# --- dates (legal.md §4.6) ----------------------------------------------------------------------------------


def _swap(data: bytes, old: bytes, new: bytes) -> bytes:
    assert old in data, old
    return data.replace(old, new)


def test_dates_are_emitted_as_yyyy_mm_dd_and_read_in_both_forms():
    data = package()
    assert b"<edXML:PromulgationDate>2026/11/20<" in data and b"<edXML:DueDate>2026/12/05<" in data
    other = _swap(_swap(data, b">2026/11/20<", b">20/11/2026<"), b">2026/12/05<", b">05/12/2026<")
    meta = parse_package(other).metadata
    assert (meta["issued_date"], meta["due_date"]) == ("2026-11-20", "2026-12-05")
    stamped = _swap(status(), b">2026/11/20<", b">20/11/2026<")
    assert parse_status(stamped).promulgation_date == dt.date(2026, 11, 20)


def test_a_dd_mm_yyyy_timestamp_is_read():
    data = status(timestamp=dt.datetime(2026, 11, 23, 2, 0, tzinfo=dt.UTC))
    data = _swap(data, b"2026/11/23 09:00:00", b"23/11/2026 09:00:00")
    assert parse_status(data).timestamp == dt.datetime(2026, 11, 23, 2, 0, tzinfo=dt.UTC)


def test_a_build_accepts_a_dd_mm_yyyy_date():
    assert b">2026/11/20<" in package(issued_date="20/11/2026")


# --- field limits (legal.md §4.3) ---------------------------------------------------------------------------


def _set(data: bytes, path: str, value: str | None) -> bytes:
    """Set (or, with None, remove) the element at `path` below the root (edXML-namespaced steps)."""
    root = etree.fromstring(data)
    steps = [f"{{{NS}}}{step}" for step in path.split("/")]
    element = root.find("/".join(steps))
    assert element is not None, path
    if value is None:
        element.getparent().remove(element)
    else:
        element.text = value
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8")


H = "edXMLEnvelope/edXMLHeader/MessageHeader"
LIMITS = {
    # case: (metadata changes for build, path to change after build, value, element named in the message)
    "from_organ_id": ({"sender_code": None}, f"{H}/From/OrganId", None, "MessageHeader/From/OrganId"),
    "from_name": ({"sender_name": "x" * 501}, f"{H}/From/OrganName", "x" * 501, "MessageHeader/From/OrganName"),
    "to_name": ({"organ_name_to": "x" * 201}, f"{H}/To/OrganName", "x" * 201, "MessageHeader/To/OrganName"),
    "to_organ_id": (None, f"{H}/To/OrganId", None, "MessageHeader/To/OrganId"),
    "code_number": ({"code_number": "1" * 12}, f"{H}/Code/CodeNumber", "1" * 12, "MessageHeader/Code/CodeNumber"),
    "code_notation": (
        {"code_notation": "X" * 31},
        f"{H}/Code/CodeNotation",
        "X" * 31,
        "MessageHeader/Code/CodeNotation",
    ),
    "place": ({"place": "x" * 51}, f"{H}/PromulgationInfo/Place", "x" * 51, "MessageHeader/PromulgationInfo/Place"),
    "type_name": (
        {"type_name": "x" * 101},
        f"{H}/DocumentType/TypeName",
        "x" * 101,
        "MessageHeader/DocumentType/TypeName",
    ),
    "type": (None, f"{H}/DocumentType/Type", "3", "MessageHeader/DocumentType/Type"),
    "subject_missing": ({"subject": None}, f"{H}/Subject", None, "MessageHeader/Subject"),
    "subject_long": ({"subject": "x" * 612}, f"{H}/Subject", "x" * 612, "MessageHeader/Subject"),
    "content": ({"description": "x" * 501}, f"{H}/Content", "x" * 501, "MessageHeader/Content"),
    "to_place": ({"recipients": "x" * 151}, f"{H}/ToPlaces/Place", "x" * 151, "MessageHeader/ToPlaces/Place[1]"),
    "priority": ({"priority": 5}, f"{H}/OtherInfo/Priority", "5", "MessageHeader/OtherInfo/Priority"),
    "page_amount": ({"page_count": 70000}, f"{H}/OtherInfo/PageAmount", "-1", "MessageHeader/OtherInfo/PageAmount"),
    "date": (
        None,
        f"{H}/PromulgationInfo/PromulgationDate",
        "2026-13-45",
        "MessageHeader/PromulgationInfo/PromulgationDate",
    ),
    "due_date": (None, f"{H}/DueDate", "mai", "MessageHeader/DueDate"),
    "business_type": (
        None,
        "edXMLEnvelope/edXMLHeader/TraceHeaderList/Bussiness/BussinessDocType",
        "7",
        "TraceHeaderList/Bussiness/BussinessDocType",
    ),
    "attachment_name": (
        None,
        "AttachmentEncoded/Attachment/AttachmentName",
        "x" * 201,
        "AttachmentEncoded/Attachment[1]/AttachmentName",
    ),
}


@pytest.mark.parametrize("case", sorted(LIMITS))
def test_each_limit_names_its_element_on_parse(case):
    _changes, path, value, element = LIMITS[case]
    data = package()
    if path.startswith("AttachmentEncoded"):  # written without a namespace (legal.md §4.2)
        root = etree.fromstring(data)
        root.find(f"{{{NS}}}AttachmentEncoded/{{{NS}}}Attachment/{{{NS}}}AttachmentName").text = value
        data = etree.tostring(root)
    else:
        data = _set(data, path, value)
    with pytest.raises(InvalidPackage) as refused:
        parse_package(data)
    assert refused.value.code == "invalid_edxml" and refused.value.status == 422
    assert element in refused.value.details, refused.value.details
    assert element in refused.value.message
    assert all(isinstance(v, str) for v in refused.value.details.values())


@pytest.mark.parametrize("case", sorted(c for c, v in LIMITS.items() if v[0] is not None))
def test_each_limit_refuses_the_build(case):
    changes, _path, _value, element = LIMITS[case]
    with pytest.raises(InvalidPackage) as refused:
        package(**changes)
    assert element in refused.value.details, refused.value.details


def test_the_message_says_how_long():
    with pytest.raises(InvalidPackage) as refused:
        package(subject="x" * 612)
    assert refused.value.details["MessageHeader/Subject"] == "MessageHeader/Subject dài 612 ký tự, tối đa 500."


def test_a_duplicate_recipient_is_refused():
    root = etree.fromstring(package())
    header = root.find(f"{{{NS}}}{H.replace('/', f'/{{{NS}}}')}")
    to = header.find(f"{{{NS}}}To")
    to.addnext(etree.fromstring(etree.tostring(to)))
    with pytest.raises(InvalidPackage) as refused:
        parse_package(etree.tostring(root))
    assert "MessageHeader/To[2]/OrganId" in refused.value.details
    assert "trùng" in refused.value.details["MessageHeader/To[2]/OrganId"]


def test_a_recipient_without_a_code_is_named_in_to_places_only():
    data = package(organ_id_to=None)
    assert b"<edXML:To>" not in data and parse_package(data).metadata["recipients"] == METADATA["recipients"]


def test_a_long_attachment_name_is_refused_on_build():
    with pytest.raises(InvalidPackage) as refused:
        from app.exchange.edxml import build_package

        build_package(METADATA, [("x" * 201 + ".pdf", PDF)])
    assert "AttachmentEncoded/Attachment[1]/AttachmentName" in refused.value.details


STATUS_LIMITS = {
    "code": ({"code": "07"}, "MessageHeader/StatusCode"),
    "code_missing": ({"code": ""}, "MessageHeader/StatusCode"),
    "document_id": ({"response_for_key": ""}, "MessageHeader/ResponseFor/DocumentId"),
    "from": ({"from_code": ""}, "MessageHeader/From/OrganId"),
    "description": ({"description": "x" * 501}, "MessageHeader/Description"),
}


@pytest.mark.parametrize("case", sorted(STATUS_LIMITS))
def test_status_limits(case):
    changes, element = STATUS_LIMITS[case]
    with pytest.raises(InvalidPackage) as refused:
        status(**changes)
    assert element in refused.value.details, refused.value.details
    good = status()
    root = etree.fromstring(good)
    if case in ("code", "code_missing"):
        root.find(f".//{{{NS}}}StatusCode").text = changes["code"] or None
        with pytest.raises(InvalidPackage) as parsed:
            parse_status(etree.tostring(root))
        assert element in parsed.value.details
