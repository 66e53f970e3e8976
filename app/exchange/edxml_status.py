"""The status message (thông điệp trạng thái xử lý) of QCVN 102 (legal.md §4.5): build one, read one.

A status message is an edXML whose MessageHeader names the document it answers (ResponseFor) and carries a
StatusCode instead of a document: 01–06, 15, 16 go from the recipient back to the sender, 13 from the sender to
the recipient (Bkav swaps the direction for 13, legal.md §4.5). `message_kind` tells a status from a document.
"""

from dataclasses import dataclass
from datetime import date, datetime

from app.exchange.edxml_base import (
    add,
    add_group,
    child,
    edxml_date,
    edxml_timestamp,
    iso_date,
    message_header,
    new_root,
    parse_root,
    parse_timestamp,
    serialize,
    text,
)
from app.exchange.edxml_limits import check_status
from app.exchange.models import STATUS_LABELS, StatusCode


@dataclass(frozen=True)
class StatusData:
    """A parsed status message. `response_for_key` is the mã định danh (DocumentId) of the document it answers."""

    from_code: str
    from_name: str | None
    response_for_code: str | None  # the answered document's sender (ResponseFor/OrganId)
    response_for_key: str
    promulgation_date: date | None
    code: str  # a StatusCode value
    description: str | None
    staff_name: str | None
    staff_unit: str | None
    timestamp: datetime | None

    @property
    def label(self) -> str:
        return STATUS_LABELS[StatusCode(self.code)]


def build_status(
    *,
    from_code: str,
    from_name: str,
    response_for_code: str | None,
    response_for_key: str,
    response_for_date=None,
    response_for_symbol: str | None = None,
    code: str,
    description: str,
    staff_name: str | None = None,
    staff_unit: str | None = None,
    timestamp: datetime | None = None,
) -> bytes:
    """A status message answering the document `response_for_key`; checked against the field limits
    (ValidationError naming the element) before it is returned, so nothing malformed is ever queued."""
    root, _envelope, header = new_root()
    message = add(header, "MessageHeader")
    add_group(message, "From", [("OrganId", from_code), ("OrganName", from_name)])
    add_group(
        message,
        "ResponseFor",
        [
            ("OrganId", response_for_code),
            ("Code", response_for_symbol),
            ("PromulgationDate", edxml_date(response_for_date)),
            ("DocumentId", response_for_key),
        ],
    )
    add_group(message, "StaffInfo", [("Department", staff_unit), ("Staff", staff_name)])
    add(message, "StatusCode", str(code.value if isinstance(code, StatusCode) else code))
    add(message, "Description", description)
    add(message, "Timestamp", edxml_timestamp(timestamp))
    check_status(root)
    return serialize(root)


def parse_status(data: bytes) -> StatusData:
    """Read a status message; InvalidPackage (invalid_edxml, 422) naming the element that is wrong."""
    root = parse_root(data)
    message = message_header(root)
    check_status(root)
    response_for = child(message, "ResponseFor")
    promulgation = iso_date(text(response_for, "PromulgationDate"), "Ngày ban hành", "ResponseFor/PromulgationDate")
    return StatusData(
        from_code=text(message, "From", "OrganId"),
        from_name=text(message, "From", "OrganName"),
        response_for_code=text(response_for, "OrganId"),
        response_for_key=text(response_for, "DocumentId"),
        promulgation_date=date.fromisoformat(promulgation) if promulgation else None,
        code=text(message, "StatusCode"),
        description=text(message, "Description"),
        staff_name=text(message, "StaffInfo", "Staff"),
        staff_unit=text(message, "StaffInfo", "Department"),
        timestamp=parse_timestamp(text(message, "Timestamp"), "MessageHeader/Timestamp"),
    )


def message_kind(data: bytes) -> str:
    """ "status" when the MessageHeader carries a StatusCode (legal.md §4.5), else "edoc"."""
    message = message_header(parse_root(data))
    return "status" if child(message, "StatusCode") is not None else "edoc"
