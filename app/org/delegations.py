"""Use cases for delegations (ủy quyền): a person lets another act in some of their roles for a period. Each takes
the acting user first, as app.org.services does; the delegator or an administrator of their agency decides."""

from datetime import datetime

from app.audit import services as audit
from app.core import clock
from app.core.db import db
from app.core.errors import Conflict, NotFound, PermissionDenied
from app.org import queries
from app.org.models import Delegation, User
from app.org.permissions import can_see_delegation, is_system, require_admin_of
from app.org.services import nfc, raise_if


def create_delegation(
    actor: User | None,
    *,
    from_user_id: int,
    to_user_id: int,
    starts_at: datetime,
    ends_at: datetime,
    roles: list[str] | None = None,
    process_ids: list[str] | None = None,
    reason: str | None = None,
) -> Delegation:
    """Let `to_user` act in some of `from_user`'s roles for a period (the delegator or an admin decides)."""
    giver = queries.get_user(from_user_id)
    taker = queries.get_user(to_user_id) if to_user_id is not None else None
    if not is_system(actor) and actor.id != giver.id:
        require_admin_of(actor, giver.agency_id)
    problems: dict[str, str] = {}
    if taker is None:
        problems["to_user_id"] = "Chọn người nhận ủy quyền."
    elif not taker.is_active:
        problems["to_user_id"] = "Người nhận ủy quyền đã bị vô hiệu hóa."
    elif taker.id == giver.id:
        problems["to_user_id"] = "Không thể tự ủy quyền cho chính mình."
    elif taker.agency_id != giver.agency_id:
        problems["to_user_id"] = "Người nhận ủy quyền phải cùng cơ quan."
    roles = sorted(set(roles or []))
    if not set(roles) <= {r.value for r in giver.roles}:
        problems["roles"] = "Chỉ được ủy quyền các vai trò mà người ủy quyền đang có."
    if starts_at is None or ends_at is None:
        problems["ends_at"] = "Nhập thời gian bắt đầu và kết thúc."
    elif ends_at <= starts_at:
        problems["ends_at"] = "Thời gian kết thúc phải sau thời gian bắt đầu."
    elif ends_at <= clock.now():
        problems["ends_at"] = "Thời gian kết thúc đã qua."
    raise_if(problems)
    delegation = Delegation(
        from_user_id=giver.id,
        to_user_id=taker.id,
        roles=roles,
        process_ids=sorted(set(process_ids or [])),
        starts_at=starts_at,
        ends_at=ends_at,
        reason=nfc(reason),
        created_by_id=(actor or giver).id,
    )
    db.session.add(delegation)
    db.session.flush()
    audit.record(
        actor,
        "delegation.create",
        delegation,
        agency_id=giver.agency_id,
        summary=f"{giver.full_name} ủy quyền cho {taker.full_name}",
        changes={"roles": roles, "starts_at": starts_at.isoformat(), "ends_at": ends_at.isoformat()},
    )
    return delegation


def revoke_delegation(actor: User | None, delegation_id: int) -> Delegation:
    delegation = db.session.get(Delegation, delegation_id)
    if delegation is None or not can_see_delegation(actor, delegation):
        raise NotFound("Không tìm thấy ủy quyền.", code="delegation_not_found")
    if not is_system(actor) and actor.id != delegation.from_user_id:
        try:
            require_admin_of(actor, delegation.from_user.agency_id)
        except PermissionDenied as exc:
            raise PermissionDenied("Chỉ người ủy quyền hoặc quản trị được thu hồi ủy quyền.") from exc
    if delegation.revoked_at is not None:
        raise Conflict("Ủy quyền đã được thu hồi.", code="already_revoked")
    delegation.revoked_at = clock.now()
    db.session.flush()
    audit.record(
        actor,
        "delegation.revoke",
        delegation,
        agency_id=delegation.from_user.agency_id,
        summary=f"Thu hồi ủy quyền của {delegation.from_user.full_name}",
    )
    return delegation
