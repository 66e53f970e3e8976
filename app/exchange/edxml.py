"""The edXML package of QCVN 102:2016 (legal.md §4.2–4.6): read one into intake metadata, or build one.

`parse_package` turns a package into the field names of `app.incoming.intake.clean_metadata` plus the attached
files, so an imported package goes through the same checks as any other electronic document. Only new documents
(BussinessDocType 0) are imported this way; revocations, updates and replacements are refused here.

The parser is hardened: no entity expansion, no network, no huge trees, and a DOCTYPE is refused outright, so an
XML bomb or an external entity never reaches the data.
"""

import base64
import binascii
import hashlib
from dataclasses import dataclass, field
from datetime import date, datetime

from lxml import etree

from app.core import clock
from app.core.errors import ValidationError
from app.documents.models import Urgency

NS = "http://www.mic.gov.vn/TBT/QCVN_102_2016"
E = f"{{{NS}}}"

# OtherInfo/Priority (legal.md §4.4): 0 Thường · 1 Khẩn · 2 Thượng khẩn · 3 Hỏa tốc · 4 Hỏa tốc hẹn giờ.
PRIORITY_URGENCY = {
    0: Urgency.THUONG,
    1: Urgency.KHAN,
    2: Urgency.THUONG_KHAN,
    3: Urgency.HOA_TOC,
    4: Urgency.THUONG,  # "hẹn giờ": no such level here; treated as Thường (issue #4)
}
BUSINESS_LABELS = {0: "văn bản mới", 1: "thu hồi", 2: "cập nhật", 3: "thay thế"}
MESSAGE_ID_LIMIT = 100  # IncomingDocument.message_id


class InvalidPackage(ValidationError):
    """The uploaded file is not an importable edXML package."""

    code = "invalid_edxml"
    status = 422
    message = "Gói tin edXML không hợp lệ."

    def __init__(self, message: str) -> None:
        super().__init__(message, details={"package": message})


@dataclass
class Package:
    message_id: str
    metadata: dict
    uploads: list[tuple[str, bytes]] = field(default_factory=list)  # the first PDF first: the main file
    business_type: int = 0


def _parser() -> etree.XMLParser:
    return etree.XMLParser(
        resolve_entities=False,
        no_network=True,
        huge_tree=False,
        load_dtd=False,
        dtd_validation=False,
        remove_comments=True,
        remove_pis=True,
    )


def _child(element, name: str):
    """A child in the edXML namespace, or without a namespace (AttachmentEncoded is written unprefixed)."""
    if element is None:
        return None
    found = element.find(E + name)
    return found if found is not None else element.find(name)


def _children(element, name: str) -> list:
    if element is None:
        return []
    return element.findall(E + name) + element.findall(name)


def _text(element, *path: str) -> str | None:
    for name in path:
        element = _child(element, name)
    if element is None or element.text is None:
        return None
    return element.text.strip() or None


def _iso_date(value: str | None, label: str) -> str | None:
    """`yyyy/MM/dd` (the standard) or `dd/MM/yyyy` (seen in samples, legal.md §4.6) to ISO."""
    if not value:
        return None
    text = value.strip()[:10]
    for pattern in ("%Y/%m/%d", "%d/%m/%Y", "%Y-%m-%d"):
        try:
            return datetime.strptime(text, pattern).date().isoformat()
        except ValueError:
            continue
    raise InvalidPackage(f"{label} “{value}” không đúng định dạng yyyy/MM/dd.")


def parse_package(data: bytes) -> Package:
    """Read an edXML package; raises InvalidPackage (invalid_edxml, 422) naming what is wrong."""
    if not data or not data.strip():
        raise InvalidPackage("Chưa có gói tin edXML.")
    try:
        root = etree.fromstring(data, parser=_parser())
    except etree.XMLSyntaxError as exc:
        raise InvalidPackage("Tệp không phải XML hợp lệ.") from exc
    if root.getroottree().docinfo.doctype:
        raise InvalidPackage("Gói tin edXML không được chứa khai báo DOCTYPE/ENTITY.")
    if root.tag != E + "edXML":
        raise InvalidPackage(f"Phần tử gốc phải là edXML thuộc không gian tên {NS}.")
    header = _child(_child(root, "edXMLEnvelope"), "edXMLHeader")
    message = _child(header, "MessageHeader")
    if message is None:
        raise InvalidPackage("Gói tin thiếu edXMLEnvelope/edXMLHeader/MessageHeader.")

    business = _child(_child(header, "TraceHeaderList"), "Bussiness")
    business_text = _text(business, "BussinessDocType") or "0"
    try:
        business_type = int(business_text)
    except ValueError as exc:
        raise InvalidPackage(f"BussinessDocType “{business_text}” không hợp lệ.") from exc
    if business_type != 0:
        label = BUSINESS_LABELS.get(business_type, "không xác định")
        raise InvalidPackage(
            f"Gói tin là thông điệp {label} (BussinessDocType {business_type}); "
            "chỉ nhập được gói tin văn bản mới (BussinessDocType 0)."
        )

    sender = _child(message, "From")
    sender_code, sender_name = _text(sender, "OrganId"), _text(sender, "OrganName")
    if not sender_code or not sender_name:
        raise InvalidPackage("Gói tin thiếu cơ quan gửi (From/OrganId và From/OrganName).")
    subject = _text(message, "Subject")
    if not subject:
        raise InvalidPackage("Gói tin thiếu trích yếu (Subject).")

    priority_text = _text(message, "OtherInfo", "Priority") or "0"
    try:
        urgency = PRIORITY_URGENCY[int(priority_text)]
    except (ValueError, KeyError) as exc:
        raise InvalidPackage(f"Độ khẩn (Priority) “{priority_text}” không thuộc 0–4.") from exc
    page_amount = _text(message, "OtherInfo", "PageAmount")
    places = [p.text.strip() for p in _children(_child(message, "ToPlaces"), "Place") if p.text and p.text.strip()]
    if not places:
        places = [name for to in _children(message, "To") if (name := _text(to, "OrganName"))]
    metadata = {
        "sender_code": sender_code,
        "sender_name": sender_name,
        "code_number": _text(message, "Code", "CodeNumber"),
        "code_notation": _text(message, "Code", "CodeNotation"),
        "issued_date": _iso_date(_text(message, "PromulgationInfo", "PromulgationDate"), "Ngày ban hành"),
        "type_name": _text(message, "DocumentType", "TypeName"),
        "subject": subject,
        "description": _text(message, "Content"),
        "signer_position": _text(message, "SignerInfo", "Position") or _text(message, "SignerInfo", "Competence"),
        "signer_name": _text(message, "SignerInfo", "FullName"),
        "page_count": page_amount if page_amount and page_amount != "0" else None,
        "urgency": urgency.value,
        "due_date": _iso_date(_text(message, "DueDate"), "Hạn trả lời"),
        "recipients": "; ".join(places) or None,
        "paper_follows": _text(business, "Paper") == "1",
    }

    uploads = []
    for index, attachment in enumerate(_children(_child(root, "AttachmentEncoded"), "Attachment"), start=1):
        name = _text(attachment, "AttachmentName") or f"tep-dinh-kem-{index}"
        encoded = _text(attachment, "ContentTransferEncoded") or ""
        try:
            content = base64.b64decode("".join(encoded.split()), validate=True)
        except (binascii.Error, ValueError) as exc:
            raise InvalidPackage(f"Tệp đính kèm “{name}” không giải mã được base64.") from exc
        if not content:
            raise InvalidPackage(f"Tệp đính kèm “{name}” rỗng.")
        uploads.append((name, content))
    if not uploads:
        raise InvalidPackage("Gói tin không có tệp đính kèm (AttachmentEncoded/Attachment).")
    uploads.sort(key=lambda item: not item[1].startswith(b"%PDF-"))  # stable: the first PDF becomes the main file

    document_id = _text(message, "DocumentId")
    if not document_id or len(document_id) > MESSAGE_ID_LIMIT:
        document_id = hashlib.sha256(data).hexdigest()
    return Package(message_id=document_id, metadata=metadata, uploads=uploads, business_type=business_type)


def _edxml_date(value) -> str | None:
    if value in (None, ""):
        return None
    day = value if isinstance(value, date) else date.fromisoformat(str(value)[:10])
    return f"{day:%Y/%m/%d}"


def build_package(metadata: dict, attachments: list[tuple]) -> bytes:
    """An edXML package (legal.md §4.2 skeleton) from intake metadata and (filename, bytes[, content type]).

    Optional keys beyond the intake fields: `document_id` (else built from sender, date, number and notation),
    `business_type` (default 0), `organ_id_to`/`organ_name_to`, `place`. Missing values are left out.
    """
    nsmap = {None: NS}
    root = etree.Element(E + "edXML", nsmap=nsmap)
    envelope = etree.SubElement(root, E + "edXMLEnvelope", nsmap={"edXML": NS})
    header = etree.SubElement(envelope, E + "edXMLHeader")
    message = etree.SubElement(header, E + "MessageHeader")

    def add(parent, name: str, value=None):
        element = etree.SubElement(parent, E + name)
        if value is not None:
            element.text = str(value)
        return element

    def add_group(parent, name: str, pairs: list[tuple[str, object]]):
        if any(value not in (None, "") for _, value in pairs):
            group = add(parent, name)
            for child, value in pairs:
                if value not in (None, ""):
                    add(group, child, value)

    add_group(message, "From", [("OrganId", metadata.get("sender_code")), ("OrganName", metadata.get("sender_name"))])
    add_group(message, "To", [("OrganId", metadata.get("organ_id_to")), ("OrganName", metadata.get("organ_name_to"))])
    add_group(
        message,
        "Code",
        [("CodeNumber", metadata.get("code_number")), ("CodeNotation", metadata.get("code_notation"))],
    )
    issued = _edxml_date(metadata.get("issued_date"))
    add_group(message, "PromulgationInfo", [("Place", metadata.get("place")), ("PromulgationDate", issued)])
    add_group(message, "DocumentType", [("Type", 1), ("TypeName", metadata.get("type_name"))])
    if metadata.get("subject"):
        add(message, "Subject", metadata["subject"])
    if metadata.get("description"):
        add(message, "Content", metadata["description"])
    add_group(
        message,
        "SignerInfo",
        [("Position", metadata.get("signer_position")), ("FullName", metadata.get("signer_name"))],
    )
    if metadata.get("due_date"):
        add(message, "DueDate", _edxml_date(metadata["due_date"]))
    if metadata.get("recipients"):
        places = add(message, "ToPlaces")
        for place in str(metadata["recipients"]).split(";"):
            if place.strip():
                add(places, "Place", place.strip())
    urgency = Urgency(metadata.get("urgency") or Urgency.THUONG.value)
    add_group(
        message,
        "OtherInfo",
        [("Priority", metadata.get("priority", urgency.priority)), ("PageAmount", metadata.get("page_count"))],
    )
    document_id = metadata.get("document_id")
    if document_id is None and all(metadata.get(k) for k in ("sender_code", "code_number", "code_notation")) and issued:
        document_id = f"{metadata['sender_code']},{issued},{metadata['code_number']}/{metadata['code_notation']}"
    if document_id:
        add(message, "DocumentId", document_id)

    trace = add(header, "TraceHeaderList")
    if metadata.get("sender_code"):
        hop = add(trace, "TraceHeader")
        add(hop, "OrganId", metadata["sender_code"])
        add(hop, "Timestamp", f"{clock.to_local(clock.now()):%Y/%m/%d %H:%M:%S}")
    business = add(trace, "Bussiness")
    business_type = int(metadata.get("business_type", 0))
    add(business, "BussinessDocType", business_type)
    add(business, "BussinessDocReason", "Văn bản điện tử mới" if business_type == 0 else "")
    add(business, "Paper", 1 if metadata.get("paper_follows") else 0)

    body = add(envelope, "edXMLBody")
    manifest = add(body, "edXMLManifest")
    manifest.set("version", "1.0")
    encoded = etree.SubElement(root, E + "AttachmentEncoded")
    for index, item in enumerate(attachments, start=1):
        name, content = item[0], item[1]
        content_type = item[2] if len(item) > 2 else "application/octet-stream"
        reference = add(manifest, "Reference")
        add(reference, "ContentId", f"cid:{index}")
        add(reference, "ContentType", content_type)
        add(reference, "AttachmentName", name)
        attachment = add(encoded, "Attachment")
        add(attachment, "ContentId", f"cid:{index}")
        add(attachment, "AttachmentName", name)
        add(attachment, "ContentType", content_type)
        add(attachment, "ContentTransferEncoded", base64.b64encode(content).decode("ascii"))
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8")
