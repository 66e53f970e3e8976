"""The edXML package of QCVN 102:2016 (legal.md §4.2–4.6): read one into intake metadata, or build one.

`parse_package` turns a package into the field names of `app.incoming.intake.clean_metadata` plus the attached
files, so an imported package goes through the same checks as any other electronic document. New documents
(BussinessDocType 0), updates (2) and replacements (3) are imported this way, the last two naming the earlier
document (Bussiness/DocumentId) they change (`Package.relation`, `Package.related_key`); a revocation (1) is read
as relation "revoke" naming the revoked document, with no attachment needed: the importer turns it into a recall
request, never into a document. Replies name the documents they answer (ResponseFor, legal.md §4.2 item 1.12):
`metadata["response_for"]`, a list of {organ_id, code, promulgation_date, document_id}.

Both directions check the field limits of legal.md §4.3 (app.exchange.edxml_limits). The parser is hardened
(app.exchange.edxml_base): no entity expansion, no network, no huge trees, a DOCTYPE refused outright.
"""

import base64
import binascii
import hashlib
from dataclasses import dataclass, field

from app.documents.models import Urgency
from app.exchange.edxml_base import (
    NS,
    InvalidPackage,
    add,
    add_group,
    child,
    children,
    edxml_date,
    edxml_timestamp,
    header_of,
    iso_date,
    message_header,
    new_root,
    parse_root,
    serialize,
    text,
)
from app.exchange.edxml_limits import check_package
from app.exchange.edxml_status import StatusData, build_status, message_kind, parse_status

# OtherInfo/Priority (legal.md §4.4): 0 Thường · 1 Khẩn · 2 Thượng khẩn · 3 Hỏa tốc · 4 Hỏa tốc hẹn giờ.
PRIORITY_URGENCY = {
    0: Urgency.THUONG,
    1: Urgency.KHAN,
    2: Urgency.THUONG_KHAN,
    3: Urgency.HOA_TOC,
    4: Urgency.HOA_TOC,  # "hẹn giờ": the most urgent level, with a time set; imported as Hỏa tốc, the note kept
}
TIMED_PRIORITY = 4
TIMED_LABEL = "Hỏa tốc hẹn giờ"
DESCRIPTION_LIMIT = 500  # IncomingDocument.description, MessageHeader/Content
BUSINESS_LABELS = {0: "văn bản mới", 1: "thu hồi", 2: "cập nhật", 3: "thay thế"}
DEFAULT_REASONS = {0: "Văn bản điện tử mới", 1: "Thu hồi văn bản điện tử"}  # sample reasons (legal.md §4.4)
# How a document relates to an earlier one (NĐ 30/2020 Điều 18.3) and the BussinessDocType that carries it
# (legal.md §4.4). A đính chính is a Công văn correcting the earlier document's details: it travels as an update
# (2) whose BussinessDocReason starts with "Đính chính", the only place the standard leaves to tell them apart.
RELATION_BUSINESS_TYPES = {"update": 2, "replace": 3, "correct": 2}
CORRECTION_REASON = "Đính chính"
MESSAGE_ID_LIMIT = 100  # IncomingDocument.message_id

__all__ = [
    "NS",
    "InvalidPackage",
    "Package",
    "StatusData",
    "build_package",
    "build_status",
    "message_kind",
    "parse_package",
    "parse_status",
]


@dataclass
class Package:
    message_id: str
    metadata: dict
    uploads: list[tuple[str, bytes]] = field(default_factory=list)  # the first PDF first: the main file
    business_type: int = 0
    relation: str | None = None  # revoke (1) | update | correct (2) | replace (3), None for a new document
    related_key: str | None = None  # the mã định danh of the earlier document it concerns (Bussiness/DocumentId)


def parse_package(data: bytes) -> Package:
    """Read an edXML package; raises InvalidPackage (invalid_edxml, 422) naming what is wrong."""
    root = parse_root(data)
    header = header_of(root)
    message = message_header(root)
    if child(message, "StatusCode") is not None:
        raise InvalidPackage("Đây là thông điệp trạng thái xử lý (StatusCode), không phải gói tin văn bản.")
    check_package(root)
    business = child(child(header, "TraceHeaderList"), "Bussiness")
    business_type = _business_type(business)
    relation, related_key = _read_relation(business, business_type)
    metadata = _read_metadata(message, business)
    uploads = _read_attachments(root, required=business_type != 1)

    document_id = text(message, "DocumentId")
    metadata["document_id"] = document_id  # the sender's mã định danh văn bản (legal.md §4.6), kept by the receiver
    if not document_id or len(document_id) > MESSAGE_ID_LIMIT:
        # Without a usable id of its own, the package's bytes identify it: the same file imported twice is one.
        document_id = hashlib.sha256(data).hexdigest()
    return Package(
        message_id=document_id,
        metadata=metadata,
        uploads=uploads,
        business_type=business_type,
        relation=relation,
        related_key=related_key,
    )


def _business_type(business) -> int:
    """BussinessDocType 0–3 (legal.md §4.4; the limits already refused anything else)."""
    return int(text(business, "BussinessDocType") or "0")


def _read_relation(business, business_type: int) -> tuple[str | None, str | None]:
    """The earlier document a revocation (1), an update (2) or a replacement (3) concerns: Bussiness/DocumentId,
    or for a replacement ReplacementInfo/DocumentId (legal.md §4.2)."""
    if business_type == 0:
        return None, None
    key = text(business, "DocumentId")
    if key is None and business_type == 3:
        key = text(business, "ReplacementInfoList", "ReplacementInfo", "DocumentId")
    _check_related(business_type, key)
    if business_type in (1, 3):
        return ("revoke" if business_type == 1 else "replace"), key
    reason = text(business, "BussinessDocReason") or ""
    return ("correct" if reason.startswith(CORRECTION_REASON) else "update"), key


def _check_related(business_type: int, key: str | None) -> None:
    if business_type == 0:
        return
    label = BUSINESS_LABELS.get(business_type, "không xác định")
    if not key or len(key) > MESSAGE_ID_LIMIT:
        message = (
            f"Gói tin {label} (BussinessDocType {business_type}) thiếu mã định danh của văn bản được {label} "
            "(Bussiness/DocumentId)."
        )
        raise InvalidPackage(message, {"TraceHeaderList/Bussiness/DocumentId": message})


def _read_metadata(message, business) -> dict:
    """The MessageHeader in intake's field names; sender and subject are required, the rest optional."""
    sender = child(message, "From")
    sender_code, sender_name = text(sender, "OrganId"), text(sender, "OrganName")
    if not sender_code or not sender_name:
        raise InvalidPackage("Gói tin thiếu cơ quan gửi (From/OrganId và From/OrganName).")
    subject = text(message, "Subject")
    if not subject:
        raise InvalidPackage("Gói tin thiếu trích yếu (Subject).")

    priority = int(text(message, "OtherInfo", "Priority") or "0")  # 0–4: checked by the limits
    urgency = PRIORITY_URGENCY[priority]
    description = text(message, "Content")
    if priority == TIMED_PRIORITY:  # no such level here: the clerk still sees that a time was set
        description = _timed_note(description)
    page_amount = text(message, "OtherInfo", "PageAmount")
    return {
        "sender_code": sender_code,
        "sender_name": sender_name,
        "code_number": text(message, "Code", "CodeNumber"),
        "code_notation": text(message, "Code", "CodeNotation"),
        "issued_date": iso_date(text(message, "PromulgationInfo", "PromulgationDate"), "Ngày ban hành"),
        "type_name": text(message, "DocumentType", "TypeName"),
        "subject": subject,
        "description": description,
        "signer_position": text(message, "SignerInfo", "Position") or text(message, "SignerInfo", "Competence"),
        "signer_name": text(message, "SignerInfo", "FullName"),
        "page_count": page_amount if page_amount and page_amount != "0" else None,
        "urgency": urgency.value,
        "due_date": iso_date(text(message, "DueDate"), "Hạn trả lời"),
        "recipients": "; ".join(_read_places(message)) or None,
        "paper_follows": text(business, "Paper") == "1",
        "business_reason": text(business, "BussinessDocReason"),
        "response_for": _read_response_for(message),
    }


def _timed_note(content: str | None) -> str:
    """ "Hỏa tốc hẹn giờ" ahead of the sender's Content (kept within the description's 500 characters)."""
    if not content:
        return TIMED_LABEL
    note = f"{TIMED_LABEL}. {content}"
    return note if len(note) <= DESCRIPTION_LIMIT else note[: DESCRIPTION_LIMIT - 1] + "…"


def _read_response_for(message) -> list[dict]:
    """The documents this one answers (ResponseFor, repeatable), in the shape build_package takes."""
    answered = []
    for response in children(message, "ResponseFor"):
        answered.append(
            {
                "organ_id": text(response, "OrganId"),
                "code": text(response, "Code"),
                "promulgation_date": iso_date(text(response, "PromulgationDate"), "Ngày ban hành"),
                "document_id": text(response, "DocumentId"),
            }
        )
    return answered


def _read_places(message) -> list[str]:
    """Nơi nhận from ToPlaces/Place; packages without them name their recipients in To/OrganName only."""
    places = [p.text.strip() for p in children(child(message, "ToPlaces"), "Place") if p.text and p.text.strip()]
    return places or [name for to in children(message, "To") if (name := text(to, "OrganName"))]


def _read_attachments(root, *, required: bool = True) -> list[tuple[str, bytes]]:
    """The decoded attachments, the first PDF first (it becomes the main file); at least one unless a revocation."""
    uploads = []
    for index, attachment in enumerate(children(child(root, "AttachmentEncoded"), "Attachment"), start=1):
        name = text(attachment, "AttachmentName") or f"tep-dinh-kem-{index}"
        encoded = text(attachment, "ContentTransferEncoded") or ""
        try:
            content = base64.b64decode("".join(encoded.split()), validate=True)
        except (binascii.Error, ValueError) as exc:
            raise InvalidPackage(f"Tệp đính kèm “{name}” không giải mã được base64.") from exc
        if not content:
            raise InvalidPackage(f"Tệp đính kèm “{name}” rỗng.")
        uploads.append((name, content))
    if not uploads and required:
        raise InvalidPackage("Gói tin không có tệp đính kèm (AttachmentEncoded/Attachment).")
    uploads.sort(key=lambda item: not item[1].startswith(b"%PDF-"))  # stable: the first PDF becomes the main file
    return uploads


def build_package(metadata: dict, attachments: list[tuple]) -> bytes:
    """An edXML package (legal.md §4.2 skeleton) from intake metadata and (filename, bytes[, content type]).

    Optional keys beyond the intake fields: `document_id` (else built from sender, date, number and notation),
    `business_type` (default 0) with `business_document_id` (the earlier document a revocation, update or
    replacement concerns; a revocation needs no attachment), `business_reason` and `replaced_organ_ids`,
    `organ_id_to`/`organ_name_to`, `place`, `response_for` (the documents this one answers: a list of
    {organ_id, code, promulgation_date, document_id}). Missing values are left out. The result is checked against
    the field limits (InvalidPackage naming the element) before it is returned: nothing malformed is sent.
    """
    business_type = int(metadata.get("business_type", 0))
    _check_related(business_type, metadata.get("business_document_id"))
    root, envelope, header = new_root()
    _build_message_header(add(header, "MessageHeader"), metadata)
    _build_trace_header(add(header, "TraceHeaderList"), metadata)
    _build_body(add(envelope, "edXMLBody"), add(root, "AttachmentEncoded"), attachments)
    check_package(root)
    return serialize(root)


def _build_message_header(message, metadata: dict) -> None:
    """MessageHeader: who sends to whom, the document's number, date, type, subject, signer and urgency."""
    add_group(message, "From", [("OrganId", metadata.get("sender_code")), ("OrganName", metadata.get("sender_name"))])
    if metadata.get("organ_id_to"):  # To/OrganId is required (legal.md §4.3): a recipient without a code is
        # named in ToPlaces only (a file exported for an agency outside any directory)
        add_group(message, "To", [("OrganId", metadata["organ_id_to"]), ("OrganName", metadata.get("organ_name_to"))])
    add_group(
        message,
        "Code",
        [("CodeNumber", metadata.get("code_number")), ("CodeNotation", metadata.get("code_notation"))],
    )
    issued = edxml_date(metadata.get("issued_date"))
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
        add(message, "DueDate", edxml_date(metadata["due_date"]))
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
    for answered in metadata.get("response_for") or ():
        add_group(
            message,
            "ResponseFor",
            [
                ("OrganId", answered.get("organ_id")),
                ("Code", answered.get("code")),
                ("PromulgationDate", edxml_date(answered.get("promulgation_date"))),
                ("DocumentId", answered.get("document_id")),
            ],
        )
    if document_id := _document_id(metadata, issued):
        add(message, "DocumentId", document_id)


def _document_id(metadata: dict, issued: str | None) -> str | None:
    """The given id, else "sender,date,number/notation" when all four are known, else none."""
    document_id = metadata.get("document_id")
    if document_id is None and all(metadata.get(k) for k in ("sender_code", "code_number", "code_notation")) and issued:
        document_id = f"{metadata['sender_code']},{issued},{metadata['code_number']}/{metadata['code_notation']}"
    return document_id


def _build_trace_header(trace, metadata: dict) -> None:
    """TraceHeaderList: the sender's hop with the local time of sending, and the business type of the message."""
    if metadata.get("sender_code"):
        hop = add(trace, "TraceHeader")
        add(hop, "OrganId", metadata["sender_code"])
        add(hop, "Timestamp", edxml_timestamp())
    business = add(trace, "Bussiness")
    business_type = int(metadata.get("business_type", 0))
    related_key = metadata.get("business_document_id")  # the earlier document an update/replacement changes
    if related_key:
        add(business, "DocumentId", related_key)
    add(business, "BussinessDocType", business_type)
    reason = metadata.get("business_reason") or DEFAULT_REASONS.get(business_type, "")
    add(business, "BussinessDocReason", reason)
    add(business, "Paper", 1 if metadata.get("paper_follows") else 0)
    if business_type == 2:  # the document's information is updated, not its list of recipients
        add_group(business, "BussinessDocumentInfo", [("DocumentInfo", 1), ("DocumentReceiver", 0)])
    if business_type == 3 and related_key:
        replacement = add(add(business, "ReplacementInfoList"), "ReplacementInfo")
        add(replacement, "DocumentId", related_key)
        organs = add(replacement, "OrganIdList")
        for organ_id in metadata.get("replaced_organ_ids") or ():
            add(organs, "OrganId", organ_id)


def _build_body(body, encoded, attachments: list[tuple]) -> None:
    """The manifest in edXMLBody lists each attachment; AttachmentEncoded carries it in base64 (same cid)."""
    manifest = add(body, "edXMLManifest")
    manifest.set("version", "1.0")
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
