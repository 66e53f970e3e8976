"""The field limits of an edXML message (legal.md §4.3, after the production validator of Bkav's edoc-integrator),
checked on a built or a parsed tree: one place for both directions.

A parsed message breaking one is refused (InvalidPackage, code invalid_edxml, details a flat map element path →
message); a message we build is checked the same way before anything is queued or sent, so a dispatch fails with
the element named instead of the receiver refusing it later. Lengths count characters, as the validator does.
"""

from datetime import datetime

from app.exchange.edxml_base import (
    DATE_INPUTS,
    TIMESTAMP_INPUTS,
    InvalidPackage,
    child,
    children,
    header_of,
    message_header,
    text,
)
from app.exchange.models import StatusCode

UNSIGNED_SHORT = 65535
PRIORITIES = {"0", "1", "2", "3", "4"}  # legal.md §4.4
DOCUMENT_TYPES = {"1", "2"}
STEERING_TYPES = {"0", "1", "2"}
BUSINESS_TYPES = {"0", "1", "2", "3"}
# (path below MessageHeader, maximum length) for the single-valued fields.
LENGTHS = (
    ("From/OrganName", 500),
    ("Code/CodeNumber", 11),
    ("Code/CodeNotation", 30),
    ("PromulgationInfo/Place", 50),
    ("DocumentType/TypeName", 100),
    ("Subject", 500),
    ("Content", 500),
    ("OtherInfo/SphereOfPromulgation", 100),
    ("OtherInfo/TyperNotation", 10),
)
ATTACHMENT_NAME_LIMIT = 200
DOCUMENT_ID_LIMIT = 100  # IncomingDocument.message_id / StatusMessage.document_key


class _Report:
    def __init__(self) -> None:
        self.errors: dict[str, str] = {}

    def add(self, path: str, message: str) -> None:
        self.errors.setdefault(path, message)

    def length(self, path: str, value: str | None, limit: int) -> None:
        if value is not None and len(value) > limit:
            self.add(path, f"{path} dài {len(value)} ký tự, tối đa {limit}.")

    def required(self, path: str, value: str | None) -> bool:
        if not value:
            self.add(path, f"Thiếu {path}.")
            return False
        return True

    def one_of(self, path: str, value: str | None, allowed: set[str], label: str) -> None:
        if value is not None and value not in allowed:
            self.add(path, f"{path} “{value}” không hợp lệ ({label}).")

    def unsigned_short(self, path: str, value: str | None) -> None:
        if value is not None and not (value.isdigit() and int(value) <= UNSIGNED_SHORT):
            self.add(path, f"{path} “{value}” phải là số nguyên từ 0 đến {UNSIGNED_SHORT}.")

    def date(self, path: str, value: str | None, *, with_time: bool = False) -> None:
        if value is None:
            return
        patterns = TIMESTAMP_INPUTS + DATE_INPUTS if with_time else DATE_INPUTS
        for pattern in patterns:
            try:
                datetime.strptime(value if with_time else value[:10], pattern)
                return
            except ValueError:
                continue
        form = "yyyy/MM/dd HH:mm:ss" if with_time else "yyyy/MM/dd"
        self.add(path, f"{path} “{value}” không đúng định dạng {form}.")

    def raise_if_any(self) -> None:
        if self.errors:
            first = next(iter(self.errors.values()))
            more = f" (và {len(self.errors) - 1} lỗi khác)" if len(self.errors) > 1 else ""
            raise InvalidPackage(f"Gói tin edXML không hợp lệ: {first}{more}", dict(self.errors))


def check_package(root) -> None:
    """Every limit of a document package (BussinessDocType 0–3); InvalidPackage listing each broken element."""
    report = _Report()
    message = message_header(root)
    m = "MessageHeader"
    _check_organ(report, child(message, "From"), f"{m}/From", name_limit=500)
    seen: set[str] = set()
    for index, to in enumerate(children(message, "To"), start=1):
        path = f"{m}/To[{index}]" if len(children(message, "To")) > 1 else f"{m}/To"
        organ_id = _check_organ(report, to, path, name_limit=200)
        if organ_id and organ_id in seen:
            report.add(f"{path}/OrganId", f"{path}/OrganId “{organ_id}” bị trùng.")
        seen.add(organ_id)
    for sub, limit in LENGTHS:
        if sub != "From/OrganName":
            report.length(f"{m}/{sub}", text(message, *sub.split("/")), limit)
    report.required(f"{m}/Subject", text(message, "Subject"))
    report.date(f"{m}/PromulgationInfo/PromulgationDate", text(message, "PromulgationInfo", "PromulgationDate"))
    report.date(f"{m}/DueDate", text(message, "DueDate"))
    report.one_of(f"{m}/DocumentType/Type", text(message, "DocumentType", "Type"), DOCUMENT_TYPES, "1 hoặc 2")
    for index, place in enumerate(children(child(message, "ToPlaces"), "Place"), start=1):
        report.length(f"{m}/ToPlaces/Place[{index}]", (place.text or "").strip(), 150)
    report.one_of(f"{m}/OtherInfo/Priority", text(message, "OtherInfo", "Priority"), PRIORITIES, "0–4")
    for name in ("PageAmount", "PromulgationAmount"):
        report.unsigned_short(f"{m}/OtherInfo/{name}", text(message, "OtherInfo", name))
    for index, appendix in enumerate(children(child(child(message, "OtherInfo"), "Appendixes"), "Appendix"), 1):
        report.length(f"{m}/OtherInfo/Appendixes/Appendix[{index}]", (appendix.text or "").strip(), 250)
    report.one_of(f"{m}/SteeringType", text(message, "SteeringType"), STEERING_TYPES, "0, 1 hoặc 2")
    for index, response in enumerate(children(message, "ResponseFor"), start=1):
        path = f"{m}/ResponseFor[{index}]"
        if report.required(f"{path}/DocumentId", text(response, "DocumentId")):
            report.length(f"{path}/DocumentId", text(response, "DocumentId"), DOCUMENT_ID_LIMIT)
        report.date(f"{path}/PromulgationDate", text(response, "PromulgationDate"))
    _check_trace(report, header_of(root))
    _check_attachments(report, root)
    report.raise_if_any()


def check_status(root) -> None:
    """The limits of a status message (legal.md §4.3 last rows, §4.5)."""
    report = _Report()
    message = message_header(root)
    m = "MessageHeader"
    _check_organ(report, child(message, "From"), f"{m}/From", name_limit=500)
    response = child(message, "ResponseFor")
    if report.required(f"{m}/ResponseFor/DocumentId", text(response, "DocumentId")):
        report.length(f"{m}/ResponseFor/DocumentId", text(response, "DocumentId"), DOCUMENT_ID_LIMIT)
    report.length(f"{m}/ResponseFor/Code", text(response, "Code"), 100)
    report.date(f"{m}/ResponseFor/PromulgationDate", text(response, "PromulgationDate"))
    if problem := check_status_code(text(message, "StatusCode")):
        report.add(f"{m}/StatusCode", problem)
    report.length(f"{m}/Description", text(message, "Description"), 500)
    report.date(f"{m}/Timestamp", text(message, "Timestamp"), with_time=True)
    report.raise_if_any()


def _check_organ(report: _Report, organ, path: str, *, name_limit: int) -> str | None:
    organ_id = text(organ, "OrganId")
    if report.required(f"{path}/OrganId", organ_id):
        report.length(f"{path}/OrganId", organ_id, 35)  # QĐ 20/2020: at most 35 characters (legal.md §4.1)
    report.length(f"{path}/OrganName", text(organ, "OrganName"), name_limit)
    report.length(f"{path}/OrganAdd", text(organ, "OrganAdd"), 500)
    report.length(f"{path}/Email", text(organ, "Email"), 100)
    return organ_id


def _check_trace(report: _Report, header) -> None:
    trace = child(header, "TraceHeaderList")
    for index, hop in enumerate(children(trace, "TraceHeader"), start=1):
        path = f"TraceHeaderList/TraceHeader[{index}]"
        report.required(f"{path}/OrganId", text(hop, "OrganId"))
        report.date(f"{path}/Timestamp", text(hop, "Timestamp"), with_time=True)
    business = child(trace, "Bussiness")
    report.one_of(
        "TraceHeaderList/Bussiness/BussinessDocType", text(business, "BussinessDocType"), BUSINESS_TYPES, "0–3"
    )
    report.length("TraceHeaderList/Bussiness/DocumentId", text(business, "DocumentId"), DOCUMENT_ID_LIMIT)


def _check_attachments(report: _Report, root) -> None:
    manifest = child(child(child(root, "edXMLEnvelope"), "edXMLBody"), "edXMLManifest")
    for index, reference in enumerate(children(manifest, "Reference"), start=1):
        path = f"edXMLBody/edXMLManifest/Reference[{index}]/AttachmentName"
        report.length(path, text(reference, "AttachmentName"), ATTACHMENT_NAME_LIMIT)
    for index, attachment in enumerate(children(child(root, "AttachmentEncoded"), "Attachment"), start=1):
        path = f"AttachmentEncoded/Attachment[{index}]/AttachmentName"
        report.length(path, text(attachment, "AttachmentName"), ATTACHMENT_NAME_LIMIT)


def check_status_code(value: str | None) -> str | None:
    """The Vietnamese message when `value` is not a QCVN 102 status code, else None."""
    if not value:
        return "Thiếu mã trạng thái (StatusCode)."
    if value not in {code.value for code in StatusCode}:
        allowed = ", ".join(code.value for code in StatusCode)
        return f"Mã trạng thái “{value}” không thuộc {allowed}."
    return None
