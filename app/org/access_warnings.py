"""Warnings of access-right changes, shown until a person with authority confirms them (NĐ 30/2020 Phụ lục VI
III.3.c). Which changes warn is decided by app.audit.access_warnings, when the change is audited.

Who confirms: an administrator of the agency (or of one above it), or the head of the agency (lãnh đạo cơ quan) —
never the person who made the change, nor the person whose account it changed (nobody vouches for their own
rights). The confirmation is
audited (access_warning.confirm).
"""

import sqlalchemy as sa
from sqlalchemy.orm import joinedload

from app.audit import services as audit
from app.audit.models import AccessChangeWarning, AuditEvent
from app.core import clock
from app.core.db import db
from app.core.errors import NotFound, PermissionDenied, ValidationError
from app.org.models import ROLE_LABELS, Role, User
from app.org.permissions import managed_agency_ids


def overseen_agency_ids(user: User | None) -> set[int]:
    """The agencies whose access changes `user` answers for: those they administer, and their own if they head it."""
    if user is None or not user.is_active:
        return set()
    agencies = set(managed_agency_ids(user))
    if Role.AGENCY_LEADER in user.roles:
        agencies.add(user.agency_id)
    return agencies


def _query(agency_ids: set[int]) -> sa.Select:
    return _query_all().where(AccessChangeWarning.agency_id.in_(agency_ids))


def open_warnings(user: User, *, limit: int = 200) -> list[AccessChangeWarning]:
    """Unconfirmed warnings `user` may confirm or see, oldest first (the longest-waiting on top)."""
    query = _query(overseen_agency_ids(user)).where(AccessChangeWarning.confirmed_at.is_(None))
    return list(db.session.scalars(query.order_by(AuditEvent.occurred_at, AccessChangeWarning.id).limit(limit)))


def confirmed_warnings(user: User, *, limit: int = 50) -> list[AccessChangeWarning]:
    query = _query(overseen_agency_ids(user)).where(AccessChangeWarning.confirmed_at.is_not(None))
    return list(db.session.scalars(query.order_by(AccessChangeWarning.confirmed_at.desc()).limit(limit)))


def open_about_account(user_id: int) -> list[AccessChangeWarning]:
    """The unconfirmed warnings of changes to one account's rights, oldest first: shown where the account is
    managed, so the administrator who changed it sees the change waits for another person's confirmation."""
    query = (
        _query_all()
        .where(AuditEvent.object_type == "user_account", AuditEvent.object_id == str(user_id))
        .where(AccessChangeWarning.confirmed_at.is_(None))
    )
    return list(db.session.scalars(query.order_by(AuditEvent.occurred_at, AccessChangeWarning.id)))


def _query_all() -> sa.Select:
    return (
        sa.select(AccessChangeWarning)
        .join(AccessChangeWarning.event)
        .options(joinedload(AccessChangeWarning.event), joinedload(AccessChangeWarning.confirmed_by))
    )


def count_open(user: User) -> int:
    agency_ids = overseen_agency_ids(user)
    if not agency_ids:
        return 0
    return db.session.scalar(
        sa.select(sa.func.count())
        .select_from(AccessChangeWarning)
        .where(AccessChangeWarning.agency_id.in_(agency_ids), AccessChangeWarning.confirmed_at.is_(None))
    )


def confirm_warning(actor: User, warning_id: int, *, note: str | None = None) -> AccessChangeWarning:
    """A person with authority confirms an access change; the warning goes, the confirmation is audited."""
    warning = db.session.get(AccessChangeWarning, warning_id)
    if warning is None or warning.agency_id not in overseen_agency_ids(actor):
        raise NotFound("Không tìm thấy cảnh báo thay đổi quyền truy cập.", code="access_warning_not_found")
    event = warning.event
    if event.actor_id == actor.id or (event.object_type == "user_account" and event.object_id == str(actor.id)):
        raise PermissionDenied(
            "Người thực hiện thay đổi, hoặc người được thay đổi quyền, không tự xác nhận được; "
            "đề nghị lãnh đạo cơ quan hoặc quản trị khác xác nhận.",
            code="own_access_change",
        )
    if warning.confirmed_at is not None:
        raise ValidationError("Thay đổi này đã được xác nhận.", code="access_warning_confirmed")
    warning.confirmed_at = clock.now()
    warning.confirmed_by_id = actor.id
    warning.note = (note or "").strip()[:500] or None
    db.session.flush()
    audit.record(
        actor,
        "access_warning.confirm",
        object_type="access_change_warning",
        object_id=warning.id,
        agency_id=warning.agency_id,
        summary=f"Xác nhận thay đổi quyền truy cập: {warning.event.summary}"[:500],
        changes={"event_seq": warning.event.seq, "action": warning.event.action, "note": warning.note},
    )
    return warning


def what_changed(warning: AccessChangeWarning) -> str | None:
    """The change itself, for the person who confirms it: which roles an account lost or gained (the summary only
    names the account). None when the summary already says it all."""
    roles = (warning.event.changes or {}).get("roles")
    label = lambda code: ROLE_LABELS.get(code, code)  # noqa: E731
    if warning.event.action == "user.create" and isinstance(roles, list):
        # A new account's roles are what the confirmer must see: a new administrator is the change that matters.
        return ("Vai trò: " + ", ".join(sorted(label(code) for code in roles))) if roles else "Chưa có vai trò"
    if warning.event.action != "user.update" or not isinstance(roles, list) or len(roles) != 2:
        return None
    before, after = ({label(code) for code in side or []} for side in roles)
    parts = []
    if after - before:
        parts.append("thêm vai trò " + ", ".join(sorted(after - before)))
    if before - after:
        parts.append("bỏ vai trò " + ", ".join(sorted(before - after)))
    text = "; ".join(parts)
    return text[:1].upper() + text[1:] if text else None
