"""The drafting form of văn bản đi: its field names (the service's metadata keys) and how they map both ways.

No WTForms here: the rules (known type, a signer of the agency, recipients by mã định danh, no secret document …)
are the service's (app.outgoing.services.clean_outgoing_metadata), which answers with a message per field; the
page shows those messages next to the fields and keeps everything typed.
"""

from datetime import date

from app.outgoing.metadata import FIELDS
from app.outgoing.models import OutgoingDocument, RecipientKind

MULTI_FIELDS = ("consult_unit_ids", "recipient_agency_codes", "recipient_unit_ids")
SCALAR_FIELDS = tuple(f for f in FIELDS if f not in (*MULTI_FIELDS, "reply_requested", "recipients_external"))


def external_recipients(text: str) -> list[dict]:
    """Nơi nhận ngoài hệ thống, one per line: "mã định danh | tên cơ quan" (or ";"); a line without code is a name."""
    found = []
    for line in (text or "").splitlines():
        line = line.strip()
        if not line:
            continue
        for separator in ("|", ";", "\t"):
            if separator in line:
                code, _, name = line.partition(separator)
                found.append({"code": code.strip(), "name": name.strip()})
                break
        else:
            found.append({"code": "", "name": line})
    return found


def external_lines(recipients) -> str:
    """The textarea text for external recipients: dicts (typed) or OutgoingRecipient rows."""
    lines = []
    for r in recipients:
        code, name = (r.get("code"), r.get("name")) if isinstance(r, dict) else (r.code, r.name)
        lines.append(f"{code} | {name}" if code else name)
    return "\n".join(lines)


def metadata_from_form(form) -> dict:
    """The service's metadata from the drafting form; the service cleans and checks every value."""
    metadata = {key: form.get(key, "").strip() for key in SCALAR_FIELDS if key in form}
    metadata["reply_requested"] = form.get("reply_requested") == "1"
    for key in MULTI_FIELDS:
        metadata[key] = [v for v in form.getlist(key) if v.strip()]
    metadata["recipients_external"] = external_recipients(form.get("recipients_external", ""))
    return metadata


def _text(value) -> str:
    if value is None:
        return ""
    return value.isoformat() if isinstance(value, date) else str(value)


def values_from_document(doc: OutgoingDocument) -> dict:
    """The drafting form filled from a saved draft."""
    values = {key: _text(getattr(doc, key, None)) for key in SCALAR_FIELDS if key != "secrecy"}
    values["secrecy"] = "none"
    values["reply_requested"] = "1" if doc.reply_requested else ""
    values["consult_unit_ids"] = [str(i) for i in doc.consult_unit_ids or []]
    values["recipient_agency_codes"] = [r.code for r in doc.recipients if r.kind == RecipientKind.AGENCY]
    values["recipient_unit_ids"] = [str(r.unit_id) for r in doc.recipients if r.kind == RecipientKind.UNIT]
    values["recipients_external"] = external_lines([r for r in doc.recipients if r.kind == RecipientKind.EXTERNAL])
    return values
