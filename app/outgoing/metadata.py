"""The fields of a draft (Phụ lục VI Phần II.I of NĐ 30/2020), checked, and the recipients they name.

One cleaning function serves the page, the REST API and the BPMN forms: it raises a ValidationError whose
details name each wrong field, and it checks references (types, units, people, agencies, the incoming document
answered) against the drafting agency, so nothing of another agency can be attached by id.
"""

from dataclasses import dataclass
from datetime import date

import sqlalchemy as sa

from app.core.db import db
from app.core.errors import ValidationError
from app.documents.fields import nfc, parse_date
from app.documents.models import DocumentType, Urgency, refuse_secret
from app.documents.queries import find_document_type
from app.documents.symbols import notation as join_notation
from app.documents.symbols import notation_problem
from app.exchange import directory
from app.org.agency_code import agency_code_problem, is_valid_agency_code, normalize_agency_code
from app.org.models import Agency, Unit, User
from app.outgoing.models import OutgoingDocument, RecipientKind, SignerAuthority
from app.sla.calendar import deadline_problem

NOTATION_LIMIT = 30  # OutgoingDocument.notation; Phụ lục VI: CodeNotation String(30)
EXTERNAL_CODE_LIMIT = 35  # mã định danh (QĐ 20/2020: up to 35 characters)

# The document's own columns the metadata sets (the recipients become rows; secrecy is only ever "none").
COLUMNS = (
    "type_code",
    "subject",
    "urgency",
    "place",
    "notation",
    "drafting_unit_id",
    "signer_id",
    "signer_authority",
    "signer_title",
    "reply_to_id",
    "reply_requested",
    "reply_due",
    "consult_unit_ids",
    "consult_due",
    "copies",
    "page_count",
    "description",
)
RECIPIENT_FIELDS = ("recipient_agency_codes", "recipient_unit_ids", "recipients_external")
FIELDS = (*COLUMNS, "secrecy", *RECIPIENT_FIELDS)  # every metadata key a draft takes


@dataclass(frozen=True)
class RecipientSpec:
    """A nơi nhận as the draft names it; becomes an OutgoingRecipient row."""

    kind: RecipientKind
    name: str
    code: str | None = None
    agency_id: int | None = None
    unit_id: int | None = None


def _int(value, field: str, problems: dict, *, minimum: int = 1, maximum: int = 10**9) -> int | None:
    if value in (None, ""):
        return None
    try:
        number = int(value)
    except (TypeError, ValueError):
        problems[field] = "Phải là số nguyên."
        return None
    if not minimum <= number <= maximum:
        problems[field] = f"Phải trong khoảng {minimum}–{maximum}."
        return None
    return number


def _list(value) -> list:
    if value in (None, ""):
        return []
    if isinstance(value, str):
        return [part.strip() for part in value.replace("\n", ",").split(",") if part.strip()]
    return list(value)


def _truthy(value) -> bool:
    return value is True or str(value).strip().lower() in ("1", "true", "on", "yes")


def default_notation(agency: Agency, doc_type: DocumentType | None, unit: Unit | None) -> str | None:
    """Ký hiệu without the number (NĐ 30/2020 Phụ lục I, Phần I, II.3.b).

    Typed documents: type abbreviation + agency ("QĐ-UBND"). Công văn (no abbreviation): agency + drafting unit
    ("UBND-VP"), never the agency alone: without a drafting unit that has an abbreviation there is no default
    (`missing_notation_reason` says why).
    """
    if doc_type is None:
        return None
    if doc_type.abbreviation:
        return join_notation(doc_type.abbreviation, agency.abbreviation)
    if doc_type.is_normative:
        return None  # Luật, Pháp lệnh: the issuing body's notation is typed (legal.md §1.3)
    unit_abbreviation = (unit.abbreviation or "").strip() if unit else ""
    if not unit_abbreviation:
        return None
    return join_notation(None, agency.abbreviation, unit_abbreviation)


def missing_notation_reason(doc_type: DocumentType, unit: Unit | None) -> str:
    """The field message when no default ký hiệu can be built for a document without a type abbreviation."""
    if doc_type.is_normative:
        return f"Nhập ký hiệu của {doc_type.name} (theo Luật Ban hành văn bản quy phạm pháp luật)."
    rule = (
        f"Ký hiệu của {doc_type.name} gồm chữ viết tắt tên cơ quan và tên đơn vị soạn thảo, ví dụ UBND-VP "
        "(NĐ 30/2020 Phụ lục I, Phần I, II.3.b)"
    )
    if unit is None:
        return f"{rule}: chọn đơn vị soạn thảo hoặc nhập ký hiệu."
    return f"{rule}: đơn vị “{unit.name}” chưa có tên viết tắt, hãy nhập ký hiệu hoặc đề nghị quản trị bổ sung."


def notation_shape_problem(notation: str, agency: Agency | None, doc_type: DocumentType | None) -> str | None:
    """The typed ký hiệu against its type's shape (app.documents.symbols.notation_problem); None when it fits."""
    if doc_type is None or agency is None:
        return None
    return notation_problem(
        notation,
        type_name=doc_type.name,
        type_abbreviation=doc_type.abbreviation,
        normative=doc_type.is_normative,
        agency_abbreviation=agency.abbreviation,
    )


def clean_outgoing_metadata(
    raw: dict,
    agency_id: int,
    *,
    actor: User | None = None,
    kept_reply_to: int | None = None,
    kept_dues: dict[str, date | None] | None = None,
) -> dict:
    """The draft's fields from a form or an API payload, checked against the agency; raises ValidationError.

    Returns the model values plus `recipients` (a list of RecipientSpec) and `document_type`. Every section is
    checked even after a wrong one, so the form shows all its problems at once. With `actor`, a newly named
    `reply_to_id` must be an incoming document the actor may answer (`kept_reply_to`, the draft's current one,
    is not checked again: the draft keeps what it already answers). Likewise the reply and consultation dates the
    actor sets (not `kept_dues`, the draft's current ones) are deadlines a person sets: not past, a working day.
    """
    refuse_secret(raw.get("secrecy") or None)  # Mật / Tối mật / Tuyệt mật: refused, nothing stored (design.md §8)
    problems: dict[str, str] = {}
    agency = db.session.get(Agency, agency_id)

    doc_type, meta = _document_type(raw, agency_id, problems)
    meta |= _texts(raw, problems)
    # The agency's units, by id: the drafting unit, the units consulted and the internal recipients come from here.
    units = {u.id: u for u in db.session.scalars(sa.select(Unit).where(Unit.agency_id == agency_id))}
    unit_id = _drafting_unit(raw, units, problems)
    meta["drafting_unit_id"] = unit_id
    meta["notation"] = _notation(raw, agency, doc_type, units.get(unit_id), problems)
    meta |= _signer(raw, agency_id, problems)
    meta |= _reply(raw, agency_id, problems, actor=actor, kept=kept_reply_to)
    meta |= _consultation(raw, units, problems)
    for name, what in (("reply_due", "Hạn trả lời"), ("consult_due", "Hạn góp ý")):
        newly_set = actor is not None and meta[name] not in (None, (kept_dues or {}).get(name))
        if newly_set and (problem := deadline_problem(meta[name], agency_id, what=what)):
            problems[name] = problem
    meta["copies"] = _int(raw.get("copies"), "copies", problems, maximum=9999)
    meta["page_count"] = _int(raw.get("page_count"), "page_count", problems, maximum=999)

    meta["recipients"] = _recipients(raw, agency, units, problems)
    if problems:
        raise ValidationError("Thông tin văn bản đi chưa hợp lệ.", details=problems)
    meta["document_type"] = doc_type
    return meta


def _document_type(raw: dict, agency_id: int, problems: dict) -> tuple[DocumentType | None, dict]:
    """The type from the agency's own list of active types; its code and name are stored with the draft."""
    code = (nfc(raw.get("type_code")) or "").upper()
    doc_type = find_document_type(agency_id, code) if code else None
    if not code:
        problems["type_code"] = "Chọn loại văn bản."
    elif doc_type is None or not doc_type.is_active:
        problems["type_code"] = "Loại văn bản không có trong danh mục của cơ quan."
    return doc_type, {
        "type_code": doc_type.code if doc_type else code or None,
        "type_name": doc_type.name if doc_type else None,
    }


def _texts(raw: dict, problems: dict) -> dict:
    """Trích yếu, độ khẩn and the free texts (place, signer's title), within their columns' lengths."""
    meta: dict = {}
    subject = nfc(raw.get("subject"))
    if not subject or len(subject) < 5:
        problems["subject"] = "Nhập trích yếu nội dung (ít nhất 5 ký tự)."
    elif len(subject) > 500:
        problems["subject"] = "Tối đa 500 ký tự."
    meta["subject"] = subject

    urgency = raw.get("urgency") or Urgency.THUONG.value
    if urgency not in {u.value for u in Urgency}:
        problems["urgency"] = "Mức độ khẩn không hợp lệ."
    meta["urgency"] = urgency

    # Phụ lục VI Phần II.I: Position String(100), Description String(500).
    for field, limit in (("place", 100), ("signer_title", 100), ("description", 500)):
        meta[field] = nfc(raw.get(field))
        if meta[field] and len(meta[field]) > limit:
            problems[field] = f"Tối đa {limit} ký tự."
    return meta


def _drafting_unit(raw: dict, units: dict, problems: dict) -> int | None:
    unit_id = _int(raw.get("drafting_unit_id"), "drafting_unit_id", problems)
    if unit_id is not None and (unit_id not in units or not units[unit_id].is_active):
        problems["drafting_unit_id"] = "Đơn vị soạn thảo không thuộc cơ quan."
        return None
    return unit_id


def _notation(
    raw: dict, agency: Agency | None, doc_type: DocumentType | None, unit: Unit | None, problems: dict
) -> str | None:
    """The ký hiệu as typed (checked against the type's shape), or the default one built from the type, the agency
    and the drafting unit."""
    given_notation = nfc(raw.get("notation"))
    if given_notation:
        # Kept as typed: abbreviations such as "TTr", "QyĐ" are mixed case (Phụ lục III); no spaces (II.3.c).
        given_notation = "".join(given_notation.split())
        if len(given_notation) > NOTATION_LIMIT:
            problems["notation"] = f"Tối đa {NOTATION_LIMIT} ký tự (Phụ lục VI: CodeNotation String(30))."
        elif problem := notation_shape_problem(given_notation, agency, doc_type):
            problems["notation"] = problem
        return given_notation
    default = default_notation(agency, doc_type, unit) if agency is not None else None
    if default is None and doc_type is not None and agency is not None:
        problems["notation"] = missing_notation_reason(doc_type, unit)
    return default


def _signer(raw: dict, agency_id: int, problems: dict) -> dict:
    """Thẩm quyền ký and the signer, who must hold that authority in the agency (NĐ 30/2020 Điều 13)."""
    authority = raw.get("signer_authority") or ""
    if authority not in {a.value for a in SignerAuthority}:
        problems["signer_authority"] = "Thẩm quyền ký không hợp lệ (KT., TM., TL., TUQ., Q.)."

    signer_id = _int(raw.get("signer_id"), "signer_id", problems)
    if signer_id is not None:
        from app.outgoing.permissions import may_sign_for

        signer = db.session.get(User, signer_id)
        if signer is None or signer.agency_id != agency_id or not signer.is_active:
            problems["signer_id"] = "Người ký không thuộc cơ quan."
        elif not may_sign_for(signer, agency_id, authority=authority):
            problems["signer_id"] = (
                "Người ký phải là lãnh đạo cơ quan; lãnh đạo đơn vị chỉ ký thừa lệnh (TL.), người được ủy quyền ký "
                "thừa ủy quyền (TUQ.) (NĐ 30/2020 Điều 13)."
            )
    return {"signer_authority": authority, "signer_id": signer_id}


def _reply(raw: dict, agency_id: int, problems: dict, *, actor: User | None, kept: int | None) -> dict:
    """The incoming document this draft answers (the agency's own; one the actor may see and not recalled, by the
    rule of the draft form's list, app.incoming.permissions.answerable_filter), and whether an answer is asked
    for, by when."""
    reply_to_id = _int(raw.get("reply_to_id"), "reply_to_id", problems)
    if reply_to_id is not None:
        from app.incoming.models import IncomingDocument
        from app.incoming.permissions import can_answer

        answered = db.session.get(IncomingDocument, reply_to_id)
        unseen = actor is not None and reply_to_id != kept and not can_answer(actor, reply_to_id)
        # The same message whether it does not exist or is not the actor's to see: nothing leaks.
        if answered is None or answered.agency_id != agency_id or unseen:
            problems["reply_to_id"] = "Không tìm thấy văn bản đến của cơ quan mà bạn được xem."
    return {
        "reply_to_id": reply_to_id,
        "reply_requested": _truthy(raw.get("reply_requested")),
        "reply_due": parse_date(raw.get("reply_due"), "reply_due", problems),
    }


def _consultation(raw: dict, units: dict, problems: dict) -> dict:
    """The units asked for their opinion (active units of the agency, each once) and the date to answer by."""
    consult = []
    for value in _list(raw.get("consult_unit_ids")):
        number = _int(value, "consult_unit_ids", problems)
        if number is not None and (number not in units or not units[number].is_active):
            problems["consult_unit_ids"] = "Đơn vị lấy ý kiến không thuộc cơ quan."
        elif number is not None and number not in consult:
            consult.append(number)
    return {
        "consult_unit_ids": consult,
        "consult_due": parse_date(raw.get("consult_due"), "consult_due", problems),
    }


def _recipients(raw: dict, agency: Agency | None, units: dict, problems: dict) -> list[RecipientSpec]:
    """Nơi nhận: agencies on the exchange, then the agency's own units, then agencies outside the system."""
    return [
        *_agency_recipients(raw, agency, problems),
        *_unit_recipients(raw, units, problems),
        *_external_recipients(raw, agency, problems),
    ]


def _agency_recipients(raw: dict, agency: Agency | None, problems: dict) -> list[RecipientSpec]:
    """Agencies reached through the exchange, by mã định danh; each once, never the issuing agency itself."""
    recipients: list[RecipientSpec] = []
    unknown = []
    for value in _list(raw.get("recipient_agency_codes")):
        code = "".join(str(value).split()).upper()
        target = db.session.scalar(sa.select(Agency).where(Agency.code == code))
        if target is None or not target.is_active:
            unknown.append(code)
        elif agency is not None and target.id == agency.id:
            problems["recipient_agency_codes"] = "Không gửi văn bản cho chính cơ quan ban hành."
        elif all(r.agency_id != target.id for r in recipients):
            recipients.append(RecipientSpec(RecipientKind.AGENCY, target.name, code=target.code, agency_id=target.id))
    if unknown:
        problems["recipient_agency_codes"] = f"Không có cơ quan nhận với mã định danh: {', '.join(unknown)}."
    return recipients


def _unit_recipients(raw: dict, units: dict, problems: dict) -> list[RecipientSpec]:
    recipients: list[RecipientSpec] = []
    for value in _list(raw.get("recipient_unit_ids")):
        try:
            unit = units.get(int(value))
        except (TypeError, ValueError):
            unit = None
        if unit is None or not unit.is_active:
            problems["recipient_unit_ids"] = "Đơn vị nhận không thuộc cơ quan."
        elif all(r.unit_id != unit.id for r in recipients):
            recipients.append(RecipientSpec(RecipientKind.UNIT, unit.name, unit_id=unit.id))
    return recipients


def _external_item(item) -> tuple[str | None, str | None]:
    """(name, code) of one typed line. A line that is only a mã định danh ("000.00.00.G22", or "G22 |") takes its
    name from the agency directory (danh bạ liên thông), so the clerk need not retype what the directory knows."""
    item = item if isinstance(item, dict) else {"name": item}
    name, code = nfc(item.get("name")), (nfc(item.get("code")) or "").upper() or None
    if not code and name and is_valid_agency_code(name):
        name, code = None, normalize_agency_code(name)
    if code and not name:
        route = directory.resolve(code)
        entry = directory.entry_for(code)
        name = entry.name if entry is not None else route.name if route is not None else None
    return name, code


def _external_code_problem(code: str, agency: Agency | None) -> str | None:
    """Why a typed code cannot name an outside recipient: not a mã định danh (legal.md §4.1), the issuing agency
    itself, or an agency of this deployment (reached through the exchange, chosen among the system's agencies)."""
    problem = agency_code_problem(code)
    if problem:
        return f"Mã định danh {code} không hợp lệ: {problem}"
    route = directory.resolve(code)
    if route is not None and route.is_local:
        if agency is not None and route.agency_id == agency.id:
            return "Không gửi văn bản cho chính cơ quan ban hành."
        return f"{code} là cơ quan trong hệ thống ({route.name}): chọn ở mục cơ quan nhận trong hệ thống."
    return None


def _external_recipients(raw: dict, agency: Agency | None, problems: dict) -> list[RecipientSpec]:
    """Agencies outside the system, named by hand, with their mã định danh when known."""
    recipients: list[RecipientSpec] = []
    for item in raw.get("recipients_external") or []:
        name, code = _external_item(item)
        if code and (problem := _external_code_problem(code, agency)):
            problems["recipients_external"] = problem
        elif code and not name:
            problems["recipients_external"] = (
                f"Mã định danh {code} chưa có trong danh bạ liên thông: ghi thêm tên cơ quan (mã | tên)."
            )
        elif not name or len(name) > 255:
            problems["recipients_external"] = "Nhập tên cơ quan nhận ngoài hệ thống (tối đa 255 ký tự)."
        elif code and len(code) > EXTERNAL_CODE_LIMIT:
            problems["recipients_external"] = f"Mã định danh tối đa {EXTERNAL_CODE_LIMIT} ký tự."
        else:
            recipients.append(RecipientSpec(RecipientKind.EXTERNAL, name, code=code))
    return recipients


UNREACHABLE_WARNING = "Cơ quan chưa có trong danh bạ liên thông: sẽ xuất gói tin để gửi thủ công"


def external_warnings(document: OutgoingDocument) -> list[str]:
    """What the drafter is told, not refused: outside recipients the exchange cannot reach (no code, a code the
    directory does not know, or one without a connector) — their package is exported for sending by hand."""
    warnings = []
    for recipient in document.recipients:
        if recipient.kind != RecipientKind.EXTERNAL:
            continue
        if not recipient.code or directory.resolve(recipient.code) is None:
            shown = f"{recipient.code} – {recipient.name}" if recipient.code else recipient.name
            warnings.append(f"{UNREACHABLE_WARNING} ({shown}).")
    return warnings


def metadata_of(document: OutgoingDocument) -> dict:
    """The document's fields in the form's vocabulary (what update_draft merges a partial change into)."""
    values = {field: getattr(document, field, None) for field in FIELDS if hasattr(document, field)}
    values["reply_due"] = document.reply_due.isoformat() if document.reply_due else None
    values["consult_due"] = document.consult_due.isoformat() if document.consult_due else None
    values["consult_unit_ids"] = list(document.consult_unit_ids or [])
    values["recipient_agency_codes"] = [r.code for r in document.recipients if r.kind == RecipientKind.AGENCY]
    values["recipient_unit_ids"] = [r.unit_id for r in document.recipients if r.kind == RecipientKind.UNIT]
    values["recipients_external"] = [
        {"code": r.code, "name": r.name} for r in document.recipients if r.kind == RecipientKind.EXTERNAL
    ]
    return values


def local_date_text(place: str | None, day: date) -> str:
    """ "Rạch Giá, ngày 05 tháng 01 năm 2027": ngày below 10 and tháng 1, 2 take a leading zero (Phụ lục I II.4.b)."""
    day_text = f"{day.day:02d}" if day.day < 10 else str(day.day)
    month_text = f"{day.month:02d}" if day.month <= 2 else str(day.month)
    text = f"ngày {day_text} tháng {month_text} năm {day.year}"
    return f"{place}, {text}" if place else text.capitalize()
