"""The edXML package of an issued document for one recipient (QCVN 102 MessageHeader, legal.md §4.2), and the
message id of a delivery: shared by the deliveries inside the deployment (dispatch) and through a connector peer
(connector)."""

import secrets

from app.core.db import db
from app.exchange.directory import resolve
from app.exchange.edxml import build_package
from app.org.models import Agency, User
from app.outgoing import content, files
from app.outgoing.models import OutgoingDocument, OutgoingRecipient, RecipientKind, VersionStage
from app.outgoing.relations import package_relation, response_for


def new_message_id(recipient: OutgoingRecipient) -> str:
    """One id per delivery attempt series; a resend takes a new one (the recipient keeps both documents apart)."""
    return f"qlvb-{recipient.document_id}-{recipient.id}-{secrets.token_hex(8)}"


def _current_code(code: str | None) -> str | None:
    """The code a merged agency's code now leads to (QĐ 09/2025, the directory follows merges); the typed one when
    the directory knows no route."""
    route = resolve(code) if code else None
    return route.code if route is not None else code


def package_metadata(document: OutgoingDocument, recipient: OutgoingRecipient | None) -> dict:
    """The edXML header fields of the issued document (QCVN 102 MessageHeader, legal.md §4.2)."""
    agency = db.session.get(Agency, document.agency_id)
    signer = db.session.get(User, document.signer_id) if document.signer_id else None
    position = " ".join(part for part in (document.signer_authority, document.signer_title) if part) or (
        signer.position if signer else None
    )
    return {
        "sender_code": agency.code,
        "sender_name": document.organ_name or agency.name,  # the copies kept at issue (Phụ lục VI III.1.g)
        "code_number": f"{document.number:02d}" if document.number is not None else None,  # None: not issued yet
        "code_notation": document.notation,
        "issued_date": document.issued_date,
        "place": document.place,
        "type_name": document.type_name,
        "subject": document.subject,
        "signer_position": position,
        "signer_name": document.signer_full_name or (signer.full_name if signer else None),
        "document_id": document.document_key,
        "description": document.description,
        "urgency": document.urgency,
        "page_count": document.page_count,
        "due_date": document.reply_due if document.reply_requested else None,
        "recipients": "; ".join(r.name for r in document.recipients if r.kind != RecipientKind.UNIT) or None,
        "organ_id_to": _current_code(recipient.code) if recipient is not None else None,
        "organ_name_to": recipient.name if recipient is not None else None,
        **package_relation(document),  # NĐ 30/2020 Điều 18.3: update, replace, correct (BussinessDocType 2, 3)
        "response_for": response_for(document),  # the incoming document this one answers (ResponseFor)
    }


def package_files(document: OutgoingDocument) -> list[tuple[str, bytes, str]]:
    """The issued original first (the recipient's main file), then each attachment as signed."""
    content.require_content(document)  # destroyed with its dossiers: nothing left to send (410 content_destroyed)
    original = files.newest(document, VersionStage.ISSUED)
    attached = [
        (a.filename, files.read(a.signed_sha256 or a.sha256), a.content_type)
        for a in sorted(document.attachments, key=lambda a: a.id)
    ]
    return [(original.download_name, files.read(original.sha256), files.PDF), *attached]  # its số/ký hiệu


def package_for(document: OutgoingDocument, recipient: OutgoingRecipient | None) -> bytes:
    return build_package(package_metadata(document, recipient), package_files(document))
