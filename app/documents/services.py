"""Use cases for document types and registers. Each takes the acting user first; None is the system (CLI, demo).

Administrators of an agency (or of one above it) add its own document types and manage its registers; the
global catalogue (NĐ 30/2020 Phụ lục III, seeded by migration 0004) is changed by the system only. Services
check, change, write the audit event and flush; the entry point commits. Numbering is in app.documents.numbering.
"""

import re
import unicodedata

import sqlalchemy as sa

from app.audit import services as audit
from app.core.db import db
from app.core.errors import PermissionDenied, ValidationError
from app.documents import queries
from app.documents.models import DocumentType, Register, RegisterKind, TypeCategory
from app.org import queries as org_queries
from app.org.models import User
from app.org.permissions import is_system, require_admin_of

TYPE_CODE = re.compile(r"^[A-Z][A-Z0-9_]{0,15}$")
REGISTER_CODE = re.compile(r"^[A-Z0-9][A-Z0-9._-]{0,31}$")
# A group of a ký hiệu: letters (with Vietnamese ones: "QĐ", "TTr", "QyĐ") and digits, no hyphen, slash or space.
ABBREVIATION = re.compile(r"^[^\W_]{1,16}$")

# The register every agency gets on first use (NĐ 30/2020 Phụ lục IV: Sổ đăng ký văn bản đến / đi).
DEFAULT_REGISTERS = {
    RegisterKind.INCOMING: ("DEN", "Sổ văn bản đến"),
    RegisterKind.OUTGOING: ("DI", "Sổ văn bản đi"),
}
TYPE_FIELDS = ("name", "abbreviation", "category", "is_active")
REGISTER_FIELDS = ("name", "code", "document_type_codes", "is_active", "is_default")


def _nfc(value: str | None) -> str | None:
    if value is None:
        return None
    value = unicodedata.normalize("NFC", value).strip()
    return value or None


def _raise_if(problems: dict[str, str]) -> None:
    if problems:
        raise ValidationError("Dữ liệu nhập chưa hợp lệ, vui lòng kiểm tra lại.", details=problems)


def _changes(before: dict, after: dict) -> dict:
    return {k: [before[k], after[k]] for k in after if before.get(k) != after[k]}


# --- document types ----------------------------------------------------------------------------------


def create_document_type(
    actor: User | None,
    *,
    agency_id: int | None,
    code: str,
    name: str,
    abbreviation: str | None = None,
    category: str = TypeCategory.ADMINISTRATIVE,
) -> DocumentType:
    """Add a document type of an agency (agency_id None: a global type, by the system only)."""
    if agency_id is None:
        if not is_system(actor):
            raise PermissionDenied("Danh mục loại văn bản dùng chung do hệ thống quản lý; hãy thêm loại của cơ quan.")
    else:
        require_admin_of(actor, agency_id)
        org_queries.get_agency(agency_id)
    values = {
        "code": (code or "").strip().upper(),
        "name": _nfc(name),
        "abbreviation": _nfc(abbreviation),
        "category": category,
        "is_active": True,
    }
    problems = _type_problems(values)
    if "code" not in problems:
        clash = queries.find_document_type(agency_id, values["code"])
        if clash is not None:
            where = "danh mục dùng chung" if clash.is_global else "danh mục của cơ quan"
            problems["code"] = f"Mã {values['code']} đã có trong {where} ({clash.name})."
    _raise_if(problems)
    doc_type = DocumentType(agency_id=agency_id, **values)
    db.session.add(doc_type)
    db.session.flush()
    audit.record(
        actor,
        "document_type.create",
        doc_type,
        agency_id=agency_id,
        summary=f"Thêm loại văn bản {doc_type.name} ({doc_type.code})",
        changes=values,
    )
    return doc_type


def update_document_type(actor: User | None, type_id: int, **fields) -> DocumentType:
    """Change an agency's own type: name, abbreviation, category, in use or not. Its code never changes."""
    doc_type = queries.get_document_type(type_id)
    if doc_type.is_global:
        if not is_system(actor):
            raise PermissionDenied("Loại văn bản trong danh mục dùng chung không sửa được.")
    else:
        require_admin_of(actor, doc_type.agency_id)
    before = {f: getattr(doc_type, f) for f in TYPE_FIELDS}
    values = {**before, **{k: v for k, v in fields.items() if k in TYPE_FIELDS}}
    values["name"], values["abbreviation"] = _nfc(values["name"]), _nfc(values["abbreviation"])
    values["is_active"] = bool(values["is_active"])
    _raise_if(_type_problems({**values, "code": doc_type.code}))
    changes = _changes(before, values)
    if not changes:
        return doc_type
    for key, value in values.items():
        setattr(doc_type, key, value)
    db.session.flush()
    audit.record(
        actor,
        "document_type.update",
        doc_type,
        agency_id=doc_type.agency_id,
        summary=f"Sửa loại văn bản {doc_type.name} ({doc_type.code})",
        changes=changes,
    )
    return doc_type


def _type_problems(values: dict) -> dict[str, str]:
    problems = {}
    if not TYPE_CODE.match(values["code"] or ""):
        problems["code"] = "Mã gồm chữ cái in hoa không dấu, chữ số hoặc dấu gạch dưới, tối đa 16 ký tự (ví dụ QD)."
    if not values["name"]:
        problems["name"] = "Trường này là bắt buộc."
    elif len(values["name"]) > 255:
        problems["name"] = "Tên loại văn bản tối đa 255 ký tự."
    # Phụ lục I, II.3.b: the abbreviation is one group of the ký hiệu; Công văn has none.
    if values["abbreviation"] and not ABBREVIATION.match(values["abbreviation"]):
        problems["abbreviation"] = "Chữ viết tắt gồm chữ cái và chữ số, không dấu cách, gạch nối hay gạch chéo."
    if values["category"] not in set(TypeCategory):
        problems["category"] = "Nhóm loại văn bản không hợp lệ."
    return problems


# --- registers ---------------------------------------------------------------------------------------


def create_register(
    actor: User | None,
    *,
    agency_id: int,
    kind: str,
    code: str,
    name: str,
    document_type_codes: list[str] | None = None,
    is_active: bool = True,
    is_default: bool = False,
) -> Register:
    """Open a register (sổ) for an agency: as many outgoing ones as the head of the agency decides (Điều 15.1)."""
    require_admin_of(actor, agency_id)
    org_queries.get_agency(agency_id)
    values = _register_values(
        agency_id,
        code=code,
        name=name,
        document_type_codes=document_type_codes,
        is_active=is_active,
        is_default=is_default,
    )
    problems = _register_problems(agency_id, kind, values, current=None)
    if kind not in set(RegisterKind):
        problems["kind"] = "Loại sổ phải là sổ văn bản đến (incoming) hoặc sổ văn bản đi (outgoing)."
    _raise_if(problems)
    if values["is_default"]:
        _drop_default(agency_id, kind)
    register = Register(agency_id=agency_id, kind=str(kind), **values)
    db.session.add(register)
    db.session.flush()
    audit.record(
        actor,
        "register.create",
        register,
        summary=f"Mở {register.name} ({register.code})",
        changes={"kind": str(kind), **values},
    )
    return register


def update_register(actor: User | None, register_id: int, **fields) -> Register:
    """Rename, recode, change the types or the default, or stop using a register; its kind never changes."""
    register = queries.get_register(register_id)
    require_admin_of(actor, register.agency_id)
    before = {f: getattr(register, f) for f in REGISTER_FIELDS}
    raw = {**before, **{k: v for k, v in fields.items() if k in REGISTER_FIELDS}}
    values = _register_values(register.agency_id, **raw)
    problems = _register_problems(register.agency_id, register.kind, values, current=register)
    if register.is_default and not values["is_default"]:
        problems["is_default"] = "Muốn đổi sổ mặc định, hãy chọn một sổ khác làm sổ mặc định."
    _raise_if(problems)
    changes = _changes(before, values)
    if not changes:
        return register
    if values["is_default"] and not register.is_default:
        _drop_default(register.agency_id, register.kind)
    for key, value in values.items():
        setattr(register, key, value)
    db.session.flush()
    audit.record(actor, "register.update", register, summary=f"Sửa {register.name} ({register.code})", changes=changes)
    return register


def _register_values(agency_id: int, **raw) -> dict:
    codes = raw.get("document_type_codes") or []
    if isinstance(codes, str):
        codes = codes.split(",")
    return {
        "code": (raw.get("code") or "").strip().upper(),
        "name": _nfc(raw.get("name")),
        "document_type_codes": sorted({c.strip().upper() for c in codes if c and c.strip()}),
        "is_active": bool(raw.get("is_active", True)),
        "is_default": bool(raw.get("is_default", False)),
    }


def _register_problems(agency_id: int, kind: str, values: dict, current: Register | None) -> dict[str, str]:
    problems = {}
    if not REGISTER_CODE.match(values["code"]):
        problems["code"] = "Mã sổ gồm chữ cái in hoa không dấu, chữ số, dấu chấm hoặc gạch nối, tối đa 32 ký tự."
    else:
        clash = db.session.scalar(
            sa.select(Register).where(Register.agency_id == agency_id, Register.code == values["code"])
        )
        if clash is not None and clash is not current:
            problems["code"] = f"Mã {values['code']} đã dùng cho {clash.name}."
    if not values["name"]:
        problems["name"] = "Trường này là bắt buộc."
    elif len(values["name"]) > 255:
        problems["name"] = "Tên sổ tối đa 255 ký tự."
    if values["is_default"] and not values["is_active"]:
        problems["is_active"] = "Sổ mặc định phải đang sử dụng."
    known = {t.code for t in queries.list_document_types(agency_id)}
    if unknown := [c for c in values["document_type_codes"] if c not in known]:
        problems["document_type_codes"] = "Không có loại văn bản mã " + ", ".join(unknown) + "."
    elif values["is_active"] and kind in set(RegisterKind):
        # NĐ 30/2020 Điều 15.1: số và ký hiệu là duy nhất trong một năm. Two registers numbering the same type
        # would both give "05/QĐ-UBND".
        for other in queries.list_registers(agency_id, kind=kind, active_only=True):
            shared = set(other.document_type_codes) & set(values["document_type_codes"])
            if other is not current and shared:
                problems["document_type_codes"] = (
                    f"Loại {', '.join(sorted(shared))} đã được cấp số trong {other.name}; "
                    "mỗi loại văn bản chỉ thuộc một sổ."
                )
                break
    return problems


def _drop_default(agency_id: int, kind: str) -> None:
    """Unmark the current default of a kind, flushed first: at most one default per agency and kind."""
    current = queries.find_default_register(agency_id, kind)
    if current is not None:
        current.is_default = False
        db.session.flush()


def default_register(agency_id: int, kind: RegisterKind | str) -> Register:
    """The agency's default register of a kind, created on first use (by the system, audited).

    Two first users at once: the partial unique index (agency, kind) WHERE is_default lets one insert win;
    the other's insert runs in a savepoint, fails, and it reads the winner's row.
    """
    kind = RegisterKind(kind)
    found = queries.find_default_register(agency_id, kind)
    if found is not None:
        return found
    org_queries.get_agency(agency_id)
    base_code, name = DEFAULT_REGISTERS[kind]
    taken = set(db.session.scalars(sa.select(Register.code).where(Register.agency_id == agency_id)))
    code = next(c for c in (base_code, *(f"{base_code}-{n}" for n in range(2, 100))) if c not in taken)
    register = Register(
        agency_id=agency_id, kind=str(kind), code=code, name=name, document_type_codes=[], is_default=True
    )
    try:
        with db.session.begin_nested():
            db.session.add(register)
            db.session.flush()
    except sa.exc.IntegrityError:
        found = queries.find_default_register(agency_id, kind)
        if found is None:
            raise
        return found
    audit.record(None, "register.create", register, summary=f"Mở {name} ({code}) mặc định", changes={"kind": str(kind)})
    return register


def register_for_type(agency_id: int, kind: RegisterKind | str, type_code: str | None) -> Register:
    """The active register that numbers this type of document, else the agency's default register of the kind."""
    code = (type_code or "").strip().upper()
    if code:
        for register in queries.list_registers(agency_id, kind=str(kind), active_only=True):
            if code in register.document_type_codes:
                return register
    return default_register(agency_id, kind)
