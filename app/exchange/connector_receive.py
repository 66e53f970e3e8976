"""Taking in what a peer delivered (protocol qlvb-peer/1): one package or status message, once.

Called by the connector view inside the request's unit of work, after `connector_auth.authenticate`. The order of
the checks is the order of the refusals the sender sees (nothing is registered by a refused message):
the receipt for (peer, idempotency key) is inserted first — a repeat, even one racing the first delivery, meets
the unique constraint and is answered with the first answer (`Duplicate`); then the edXML is read with the
hardened parser (422 invalid_edxml, an XML bomb included), the sender must be a code of the peer (403
unknown_sender), the addressee an active agency here (404 unknown_recipient_agency), and the envelope signature
valid (422 invalid_signature) or, when the peer requires one, present (422 signature_required).

Routing (design of issue 14): an edoc of BussinessDocType 0/2/3 → `delivery.receive_package` (app.incoming
registers it and queues 01 Đã đến); BussinessDocType 1 (thu hồi) → `delivery.request_recall_by_key` for the
document with that DocumentId; a status → `delivery.status_arrived` (app.outgoing records 01–06/15/16 on the
recipient, app.incoming takes a 13).
"""

import json
from dataclasses import dataclass

import sqlalchemy as sa

from app.audit import services as audit
from app.core.db import db
from app.core.errors import Conflict, NotFound, PermissionDenied, ValidationError
from app.core.transaction import unit_of_work
from app.exchange import delivery
from app.exchange.connector_auth import Caller
from app.exchange.directory import codes_of_peer
from app.exchange.edxml import message_kind, parse_package, parse_status
from app.exchange.edxml_base import message_header, parse_root, text
from app.exchange.models import ExchangePeer, InboxReceipt
from app.exchange.xmldsig import verify_package
from app.org.agency_code import normalize_agency_code
from app.org.models import Agency


class Duplicate(Exception):
    """This (peer, key) was received before: answer with what was answered then (after rolling back)."""


@dataclass(frozen=True)
class Received:
    answer: dict
    agency_id: int | None
    summary: str
    from_code: str | None = None
    to_code: str | None = None
    document_key: str | None = None
    signer: str | None = None


def stored_answer(peer_id: int, key: str) -> dict | None:
    """The first answer to (peer, key), marked as a duplicate; None when it was never received."""
    result = db.session.scalar(
        sa.select(InboxReceipt.result).where(InboxReceipt.peer_id == peer_id, InboxReceipt.idempotency_key == key)
    )
    if result is None:
        return None
    answer = json.loads(result)
    answer["result"] = "duplicate"
    return answer


def receive_message(caller: Caller, body: bytes, *, message_id: str | None) -> dict:
    """Take one message in (the caller's unit of work); the JSON answer. Raises a DomainError to refuse it, and
    `Duplicate` when its key was received already."""
    peer = caller.peer
    if not caller.key:
        raise ValidationError("Thiếu khóa chống trùng (X-Qlvb-Idempotency-Key).", code="malformed_request")
    receipt = _claim_receipt(peer, caller)
    kind = message_kind(body)  # parses with the hardened parser: 422 invalid_edxml, an XML bomb included
    if kind != caller.message_type:
        raise ValidationError(
            f"Loại thông điệp “{caller.message_type}” không khớp với nội dung gói tin ({kind}).",
            code="message_type_mismatch",
        )
    received = _receive_status(peer, body) if kind == "status" else _receive_edoc(peer, body, message_id)
    receipt.kind, receipt.result = kind, json.dumps(received.answer, ensure_ascii=False)[:1000]
    receipt.from_code, receipt.to_code = received.from_code, received.to_code
    receipt.document_key = (received.document_key or "")[:100] or None
    receipt.signer = (received.signer or "")[:255] or None
    db.session.flush()
    audit.record(
        None,
        "exchange.receive",
        receipt,
        summary=received.summary[:500],
        changes={"peer": peer.key_id, "key": caller.key, **received.answer},
        agency_id=received.agency_id,
    )
    return received.answer


def _claim_receipt(peer: ExchangePeer, caller: Caller) -> InboxReceipt:
    if stored_answer(peer.id, caller.key) is not None:
        raise Duplicate()
    receipt = InboxReceipt(peer_id=peer.id, idempotency_key=caller.key, kind=caller.message_type, result="{}")
    try:
        # First: a copy of this message delivered at the same moment waits here for this one's commit (PostgreSQL's
        # unique index; SQLite runs one writer at a time) and is then answered as a duplicate.
        with db.session.begin_nested():
            db.session.add(receipt)
            db.session.flush()
    except sa.exc.IntegrityError as exc:
        raise Duplicate() from exc
    return receipt


def _check_sender(peer: ExchangePeer, from_code: str | None) -> str:
    code = normalize_agency_code(from_code or "")
    if not code or code not in codes_of_peer(peer):
        raise PermissionDenied(
            f"Cơ quan gửi “{from_code or ''}” không thuộc hệ thống liên thông {peer.name}.", code="unknown_sender"
        )
    return code


def _local_agency(code: str | None) -> Agency:
    agency = db.session.scalar(
        sa.select(Agency).where(Agency.code == normalize_agency_code(code or ""), Agency.is_active.is_(True))
    )
    if agency is None:
        raise NotFound(f"Không có cơ quan nhận “{code or ''}” trong hệ thống này.", code="unknown_recipient_agency")
    return agency


def _check_signature(peer: ExchangePeer, body: bytes, agency_id: int | None) -> str | None:
    signed = verify_package(body, agency_id)  # a signature present and bad: 422 invalid_signature
    if not signed.signed and peer.require_signature:
        raise ValidationError(
            "Gói tin chưa được ký số (XML-DSig) theo yêu cầu của hệ thống liên thông.", code="signature_required"
        )
    return signed.signer


def _receive_edoc(peer: ExchangePeer, body: bytes, message_id: str | None) -> Received:
    message = message_header(parse_root(body))
    sender = _check_sender(peer, text(message, "From", "OrganId"))
    agency = _local_agency(text(message, "To", "OrganId"))
    signer = _check_signature(peer, body, agency.id)
    package = parse_package(body)
    if package.business_type == 1:
        key = package.related_key or package.metadata.get("document_id")
        note = package.metadata.get("business_reason") or package.metadata.get("description") or "Thu hồi văn bản"
        try:
            with unit_of_work():
                asked = delivery.request_recall_by_key(key, sender_code=sender, agency_id=agency.id, note=note)
        except Conflict as exc:  # already recalled, or a request waiting for a decision: nothing more to ask
            asked, note = False, exc.message
        answer = {"result": "accepted", "reference": key, "recall": "requested" if asked else "not_applicable"}
        summary = f"Nhận yêu cầu thu hồi văn bản {key} từ {sender} ({peer.name})"
        return Received(answer, agency.id, summary, sender, agency.code, key, signer)
    document = delivery.receive_package(body, actor=None, agency_id=agency.id, message_id=message_id)
    answer = {"result": "accepted", "reference": str(getattr(document, "id", "")), "status": "01"}
    if signer:
        answer["signer"] = signer[:200]
    subject = (package.metadata.get("subject") or "")[:200]
    summary = f"Nhận văn bản liên thông từ {sender} ({peer.name}): {subject}"
    return Received(answer, agency.id, summary, sender, agency.code, package.metadata.get("document_id"), signer)


def _receive_status(peer: ExchangePeer, body: bytes) -> Received:
    data = parse_status(body)
    sender = _check_sender(peer, data.from_code)
    agency_id = None
    if data.code != "13":  # the answer to a document we sent: ResponseFor/OrganId is our agency
        agency_id = _local_agency(data.response_for_code).id
    signer = _check_signature(peer, body, agency_id)
    taken = any(result for _receiver, result in delivery.status_arrived.send(data, agency_id=agency_id))
    answer = {"result": "accepted", "reference": data.response_for_key, "status": data.code, "taken": taken}
    summary = f"Nhận trạng thái {data.code} của văn bản {data.response_for_key} từ {sender}"
    return Received(answer, agency_id, summary, sender, data.response_for_code, data.response_for_key, signer)


def record_refusal(peer: ExchangePeer | None, key: str | None, code: str, message: str) -> None:
    """Audit a refused message of an authenticated peer (its own unit of work: the request's was rolled back)."""
    if peer is None:
        return
    with unit_of_work():
        audit.record(
            None,
            "exchange.refuse",
            object_type="exchange_peer",
            object_id=peer.id,
            summary=f"Từ chối thông điệp liên thông của {peer.name}: {message}"[:500],
            changes={"peer": peer.key_id, "key": key, "code": code},
        )
