"""Use cases for agencies, units and accounts (delegations: app.org.delegations). Each takes the acting user
first.

Services check permissions and rules, change state, write the audit event and flush; the entry point
commits. `actor=None` is the system (CLI, demo loader).
"""

import re
import unicodedata

import sqlalchemy as sa
from email_validator import EmailNotValidError, validate_email

from app.audit import services as audit
from app.core import clock, signals
from app.core.db import db
from app.core.errors import Conflict, ValidationError
from app.org import queries
from app.org.agency_code import agency_code_problem, normalize_agency_code
from app.org.models import Agency, Role, Unit, User, UserRole
from app.org.passwords import hash_password, password_problems
from app.org.permissions import can_deactivate, require_admin_of

USERNAME = re.compile(r"^[a-z0-9][a-z0-9._-]{2,63}$")
# A phone number as people write it: digits, spaces and + . - ( ), the + only first; 6 (an extension-free local
# number) to 15 digits (ITU-T E.164's longest).
PHONE = re.compile(r"^\+?[0-9 .()-]+$")
PHONE_DIGITS = (6, 15)


def nfc(value: str | None) -> str | None:
    """Vietnamese text is stored in Unicode NFC, trimmed; blank becomes None."""
    if value is None:
        return None
    value = unicodedata.normalize("NFC", value).strip()
    return value or None


def _contact_problems(email: str | None, phone: str | None) -> dict[str, str]:
    problems = {}
    if email:
        try:
            validate_email(email, check_deliverability=False)
        except EmailNotValidError:
            problems["email"] = "Địa chỉ thư điện tử không hợp lệ."
    if phone and not (PHONE.match(phone) and PHONE_DIGITS[0] <= sum(c.isdigit() for c in phone) <= PHONE_DIGITS[1]):
        problems["phone"] = (
            "Số điện thoại chỉ gồm chữ số, dấu cách và các dấu + . - ( ) (dấu + đứng đầu), "
            f"có từ {PHONE_DIGITS[0]} đến {PHONE_DIGITS[1]} chữ số, ví dụ 0297 3862 178."
        )
    return problems


def _required(problems: dict[str, str], **values: str | None) -> None:
    for field, value in values.items():
        if not value:
            problems[field] = "Trường này là bắt buộc."


FULL_NAME_LIMIT = 50  # Phụ lục VI Phần II: FullName String(50)
POSITION_LIMIT = 100  # Position String(100)
ORGAN_NAME_LIMIT = 200  # OrganName String(200)


def _too_long(problems: dict[str, str], **values: tuple[str | None, int]) -> None:
    for field, (value, limit) in values.items():
        if value and len(value) > limit and field not in problems:
            problems[field] = f"Tối đa {limit} ký tự (NĐ 30/2020 Phụ lục VI Phần II)."


def raise_if(problems: dict[str, str]) -> None:
    if problems:
        raise ValidationError("Dữ liệu nhập chưa hợp lệ, vui lòng kiểm tra lại.", details=problems)


# --- Agencies -----------------------------------------------------------------------------------------

AGENCY_FIELDS = (
    "code",
    "name",
    "abbreviation",
    "parent_id",
    "address",
    "email",
    "phone",
    "open_incoming_to_staff",
    "due_after_lead_allowed",
)


def create_agency(
    actor: User | None,
    *,
    code: str,
    name: str,
    abbreviation: str,
    parent_id: int | None = None,
    address: str | None = None,
    email: str | None = None,
    phone: str | None = None,
    open_incoming_to_staff: bool = False,
    due_after_lead_allowed: bool = False,
) -> Agency:
    """Add an agency; its mã định danh must be valid and unique."""
    require_admin_of(actor, parent_id)
    values = _agency_values(
        code=code, name=name, abbreviation=abbreviation, parent_id=parent_id, address=address, email=email, phone=phone
    )
    values["open_incoming_to_staff"] = bool(open_incoming_to_staff)
    values["due_after_lead_allowed"] = bool(due_after_lead_allowed)
    _check_agency(values, current=None)
    agency = Agency(**values)
    db.session.add(agency)
    db.session.flush()
    audit.record(
        actor,
        "agency.create",
        agency,
        agency_id=agency.id,
        summary=f"Thêm cơ quan {agency.name} ({agency.code})",
        changes=values,
    )
    signals.agency_created.send(agency, actor=actor)
    return agency


def update_agency(actor: User | None, agency_id: int, **fields) -> Agency:
    agency = queries.get_agency(agency_id)
    require_admin_of(actor, agency.id)
    if "parent_id" in fields and fields["parent_id"] != agency.parent_id:
        require_admin_of(actor, fields["parent_id"])
    current = {f: getattr(agency, f) for f in AGENCY_FIELDS}
    values = _agency_values(**{**current, **{k: v for k, v in fields.items() if k in AGENCY_FIELDS}})
    _check_agency(values, current=agency)
    changes = {k: [current[k], v] for k, v in values.items() if current[k] != v}
    for key, value in values.items():
        setattr(agency, key, value)
    db.session.flush()
    if changes:
        audit.record(
            actor,
            "agency.update",
            agency,
            agency_id=agency.id,
            summary=f"Sửa thông tin cơ quan {agency.name}",
            changes=changes,
        )
    return agency


def _agency_values(**raw) -> dict:
    values = {k: nfc(v) if isinstance(v, str) else v for k, v in raw.items()}
    values["code"] = normalize_agency_code(values.get("code") or "")
    if values.get("abbreviation"):
        values["abbreviation"] = values["abbreviation"].upper()
    values["parent_id"] = values.get("parent_id") or None
    return values


def _check_agency(values: dict, current: Agency | None) -> None:
    problems: dict[str, str] = {}
    _required(problems, name=values["name"], abbreviation=values["abbreviation"])
    _too_long(problems, name=(values["name"], ORGAN_NAME_LIMIT))
    if problem := agency_code_problem(values["code"]):
        problems["code"] = problem
    else:
        existing = queries.find_agency_by_code(values["code"])
        if existing is not None and existing is not current:
            problems["code"] = "Mã định danh này đã được dùng cho cơ quan khác."
    problems.update(_contact_problems(values.get("email"), values.get("phone")))
    if values["parent_id"] is not None:
        parent = db.session.get(Agency, values["parent_id"])
        if parent is None:
            problems["parent_id"] = "Cơ quan cấp trên không tồn tại."
        elif current is not None:
            ancestor = parent
            while ancestor is not None:
                if ancestor.id == current.id:
                    problems["parent_id"] = "Không thể chọn cơ quan cấp dưới làm cơ quan cấp trên."
                    break
                ancestor = ancestor.parent
    raise_if(problems)


# --- Units --------------------------------------------------------------------------------------------


def create_unit(
    actor: User | None, *, agency_id: int, name: str, abbreviation: str, parent_id: int | None = None
) -> Unit:
    """Add a phòng/ban to an agency."""
    agency = queries.get_agency(agency_id)
    require_admin_of(actor, agency.id)
    unit = Unit(agency_id=agency.id)
    _apply_unit(unit, name=name, abbreviation=abbreviation, parent_id=parent_id)
    db.session.add(unit)
    db.session.flush()
    audit.record(
        actor,
        "unit.create",
        unit,
        summary=f"Thêm đơn vị {unit.name} vào {agency.name}",
        changes={"name": unit.name, "abbreviation": unit.abbreviation, "parent_id": unit.parent_id},
    )
    return unit


def update_unit(
    actor: User | None,
    unit_id: int,
    *,
    name: str,
    abbreviation: str,
    parent_id: int | None = None,
    is_active: bool = True,
) -> Unit:
    unit = queries.get_unit(unit_id)
    require_admin_of(actor, unit.agency_id)
    before = {
        "name": unit.name,
        "abbreviation": unit.abbreviation,
        "parent_id": unit.parent_id,
        "is_active": unit.is_active,
    }
    _apply_unit(unit, name=name, abbreviation=abbreviation, parent_id=parent_id)
    unit.is_active = is_active
    db.session.flush()
    after = {
        "name": unit.name,
        "abbreviation": unit.abbreviation,
        "parent_id": unit.parent_id,
        "is_active": unit.is_active,
    }
    changes = {k: [before[k], after[k]] for k in before if before[k] != after[k]}
    if changes:
        audit.record(actor, "unit.update", unit, summary=f"Sửa đơn vị {unit.name}", changes=changes)
    return unit


def _apply_unit(unit: Unit, *, name: str, abbreviation: str, parent_id: int | None) -> None:
    name, abbreviation, problems = nfc(name), nfc(abbreviation), {}
    _required(problems, name=name, abbreviation=abbreviation)
    if name:
        clash = db.session.scalar(sa.select(Unit).where(Unit.agency_id == unit.agency_id, Unit.name == name))
        if clash is not None and clash is not unit:
            problems["name"] = "Cơ quan đã có đơn vị trùng tên."
    if parent_id:
        parent = db.session.get(Unit, parent_id)
        if parent is None or parent.agency_id != unit.agency_id or parent is unit:
            problems["parent_id"] = "Đơn vị cấp trên không hợp lệ."
    raise_if(problems)
    unit.name, unit.abbreviation, unit.parent_id = name, abbreviation.upper(), parent_id or None


# --- Accounts -----------------------------------------------------------------------------------------


def create_user(
    actor: User | None,
    *,
    username: str,
    full_name: str,
    password: str,
    agency_id: int,
    roles: list[str],
    unit_id: int | None = None,
    position: str | None = None,
    email: str | None = None,
    phone: str | None = None,
) -> User:
    """Open an account. The username is unique forever: accounts are never deleted."""
    agency = queries.get_agency(agency_id)
    require_admin_of(actor, agency.id)
    username = (username or "").strip().lower()
    problems: dict[str, str] = {}
    if not USERNAME.match(username):
        problems["username"] = "Tên đăng nhập gồm 3–64 ký tự: chữ thường không dấu, số, dấu chấm, gạch ngang."
    elif queries.find_user_by_username(username) is not None:
        problems["username"] = "Tên đăng nhập đã tồn tại."
    names = (agency.name, agency.abbreviation)
    if not password:
        problems["password"] = "Nhập mật khẩu ban đầu."
    elif weak := password_problems(password, username=username, full_name=full_name, agency_names=names):
        problems["password"] = " ".join(weak)
    user = User(username=username, agency_id=agency.id, password_hash="")
    problems.update(
        _profile_problems(
            agency, full_name=full_name, unit_id=unit_id, roles=roles, email=email, phone=phone, position=position
        )
    )
    raise_if(problems)
    user.password_hash = hash_password(password)
    user.password_changed_at = clock.now()
    _apply_profile(user, full_name=full_name, position=position, unit_id=unit_id, email=email, phone=phone)
    user.role_rows = [UserRole(role=Role(r).value) for r in sorted(set(roles))]
    db.session.add(user)
    db.session.flush()
    audit.record(
        actor,
        "user.create",
        user,
        summary=f"Tạo tài khoản {user.username} ({user.full_name})",
        changes={
            "username": user.username,
            "full_name": user.full_name,
            "roles": sorted(roles),
            "unit_id": user.unit_id,
        },
    )
    signals.user_created.send(user, actor=actor)
    return user


def update_user(
    actor: User | None,
    user_id: int,
    *,
    full_name: str,
    roles: list[str],
    unit_id: int | None = None,
    position: str | None = None,
    email: str | None = None,
    phone: str | None = None,
) -> User:
    user = queries.get_user(user_id)
    require_admin_of(actor, user.agency_id)
    problems = _profile_problems(
        user.agency, full_name=full_name, unit_id=unit_id, roles=roles, email=email, phone=phone, position=position
    )
    if actor is not None and actor.id == user.id and Role.ADMIN in user.roles and Role.ADMIN.value not in roles:
        problems["roles"] = "Không thể tự bỏ vai trò quản trị của mình."  # said with the form's other problems
    raise_if(problems)
    before = _profile_snapshot(user)
    _apply_profile(user, full_name=full_name, position=position, unit_id=unit_id, email=email, phone=phone)
    wanted = {Role(r).value for r in roles}
    user.role_rows = [row for row in user.role_rows if row.role in wanted] + [
        UserRole(role=r) for r in sorted(wanted - {row.role for row in user.role_rows})
    ]
    db.session.flush()
    after = _profile_snapshot(user)
    changes = {k: [before[k], after[k]] for k in before if before[k] != after[k]}
    if changes:
        summary = f"Sửa tài khoản {user.username}: {_what_changed(changes)}"
        audit.record(actor, "user.update", user, summary=summary, changes=changes)
    return user


PROFILE_LABELS = {
    "full_name": "họ tên",
    "position": "chức vụ",
    "unit_id": "đơn vị",
    "email": "email",
    "phone": "điện thoại",
}


def _what_changed(changes: dict) -> str:
    """The audit log's words for an account's changes: "vai trò (thêm Lãnh đạo; bỏ Văn thư), chức vụ"."""
    parts = []
    if "roles" in changes:
        old, new = (set(side) for side in changes["roles"])
        said = [f"thêm {', '.join(Role(r).label for r in sorted(new - old))}"] if new - old else []
        said += [f"bỏ {', '.join(Role(r).label for r in sorted(old - new))}"] if old - new else []
        parts.append(f"vai trò ({'; '.join(said)})")
    parts += [label for key, label in PROFILE_LABELS.items() if key in changes]
    return ", ".join(parts)


def _profile_problems(agency: Agency, *, full_name, unit_id, roles, email, phone, position=None) -> dict[str, str]:
    problems: dict[str, str] = {}
    _required(problems, full_name=nfc(full_name))
    # NĐ 30/2020 Phụ lục VI Phần II: the signer's FullName String(50), Position String(100) go into documents.
    _too_long(problems, full_name=(nfc(full_name), FULL_NAME_LIMIT), position=(nfc(position), POSITION_LIMIT))
    valid_roles = {r.value for r in Role}
    if not roles:
        problems["roles"] = "Chọn ít nhất một vai trò."
    elif not set(roles) <= valid_roles:
        problems["roles"] = "Vai trò không hợp lệ: " + ", ".join(sorted(set(roles) - valid_roles))
    if unit_id:
        unit = db.session.get(Unit, unit_id)
        if unit is None or unit.agency_id != agency.id:
            problems["unit_id"] = "Đơn vị không thuộc cơ quan của tài khoản."
        elif not unit.is_active:
            problems["unit_id"] = "Đơn vị đã ngừng hoạt động."
    problems.update(_contact_problems(nfc(email), nfc(phone)))
    return problems


def _apply_profile(user: User, *, full_name, position, unit_id, email, phone) -> None:
    user.full_name, user.position = nfc(full_name), nfc(position)
    user.unit_id = unit_id or None
    user.email, user.phone = nfc(email), nfc(phone)


def _profile_snapshot(user: User) -> dict:
    return {
        "full_name": user.full_name,
        "position": user.position,
        "unit_id": user.unit_id,
        "email": user.email,
        "phone": user.phone,
        "roles": sorted(user.roles),
    }


def deactivate_user(actor: User | None, user_id: int) -> User:
    """Stop an account: it cannot log in or receive work, and keeps its whole history."""
    user = queries.get_user(user_id)
    require_admin_of(actor, user.agency_id)
    if not can_deactivate(actor, user):
        if not user.is_active:
            raise Conflict("Tài khoản đã bị vô hiệu hóa từ trước.", code="already_inactive")
        raise Conflict("Bạn không thể tự vô hiệu hóa tài khoản của mình.", code="cannot_deactivate_self")
    user.is_active = False
    user.deactivated_at = clock.now()
    user.session_version += 1  # ends every open session at once
    db.session.flush()
    audit.record(actor, "user.deactivate", user, summary=f"Vô hiệu hóa tài khoản {user.username}")
    signals.user_deactivated.send(user, actor=actor)
    return user


def reactivate_user(actor: User | None, user_id: int) -> User:
    user = queries.get_user(user_id)
    require_admin_of(actor, user.agency_id)
    if user.is_active:
        raise Conflict("Tài khoản đang hoạt động.", code="already_active")
    user.is_active = True
    user.deactivated_at = None
    user.failed_login_count = 0
    user.locked_until = None
    db.session.flush()
    audit.record(actor, "user.reactivate", user, summary=f"Kích hoạt lại tài khoản {user.username}")
    signals.user_reactivated.send(user, actor=actor)
    return user
