"""Who may manage which agency, unit and account."""

import sqlalchemy as sa

from app.core.db import db
from app.core.errors import NotFound, PermissionDenied
from app.org.models import Agency, Role, User


def descendant_agency_ids(root_id: int) -> set[int]:
    """The agency and every agency below it (the tree is small: a province has hundreds at most)."""
    rows = db.session.execute(sa.select(Agency.id, Agency.parent_id)).all()
    children: dict[int | None, list[int]] = {}
    for agency_id, parent_id in rows:
        children.setdefault(parent_id, []).append(agency_id)
    found, stack = set(), [root_id]
    while stack:
        current = stack.pop()
        if current not in found:
            found.add(current)
            stack.extend(children.get(current, []))
    return found


def managed_agency_ids(user: User | None) -> set[int]:
    """An administrator manages their own agency and the agencies under it."""
    if user is None or not user.is_active or Role.ADMIN not in user.roles:
        return set()
    return descendant_agency_ids(user.agency_id)


def audit_agency_ids(user: User | None) -> set[int | None]:
    """The audit events an administrator reads: their agencies', and — for the administrator of a top agency, who
    runs the system — the events of no agency (sign-in attempts under unknown names, scheduled jobs, the CLI)."""
    agency_ids: set[int | None] = set(managed_agency_ids(user))
    if agency_ids and db.session.scalar(sa.select(Agency.parent_id).where(Agency.id == user.agency_id)) is None:
        agency_ids.add(None)
    return agency_ids


def chosen_agency_id(user: User, raw: str | None) -> int:
    """The agency a per-agency administration page is about: `raw` (its ?scope= id) when `user` manages that agency,
    their own when none is asked for; another agency answers 404, its existence being none of their business."""
    if not raw:
        return user.agency_id
    agency_id = int(raw) if raw.isdigit() else 0
    if agency_id not in managed_agency_ids(user):
        raise NotFound("Không tìm thấy cơ quan.", code="agency_not_found")
    return agency_id


def is_system(actor: User | None) -> bool:
    """None is the system itself: the CLI, the demo loader, the scheduler."""
    return actor is None


def require_admin_of(actor: User | None, agency_id: int | None) -> None:
    if is_system(actor):
        return
    if agency_id is None:
        # A new top-level agency: only an administrator of a top-level agency may add one.
        if Role.ADMIN in actor.roles and actor.is_active and actor.agency.parent_id is None:
            return
        raise PermissionDenied("Chỉ quản trị hệ thống cấp cao nhất được thêm cơ quan cấp cao nhất.")
    if agency_id not in managed_agency_ids(actor):
        raise PermissionDenied("Bạn không quản trị cơ quan này.")


def can_deactivate(actor: User | None, user: User) -> bool:
    """An active account other than one's own: an administrator does not lock themselves out (the pages offer the
    button only then; org.services.deactivate_user refuses the rest)."""
    return user.is_active and (actor is None or actor.id != user.id)


def can_see_delegation(actor: User | None, delegation) -> bool:
    """A delegation is known to the two people it binds and to administrators of the delegator's agency; to anyone
    else — another agency above all — it does not exist (design.md §8: a 404, never a 403 that confirms it)."""
    if is_system(actor):
        return True
    if actor.id in (delegation.from_user_id, delegation.to_user_id):
        return True
    return delegation.from_user.agency_id in managed_agency_ids(actor)


def managed_user(actor: User, user_id: int) -> User:
    """An account the actor administers (of an agency they manage); any other, or none, is "not found" to them."""
    user = db.session.get(User, user_id)
    if user is None or user.agency_id not in managed_agency_ids(actor):
        raise NotFound("Không tìm thấy tài khoản.", code="user_not_found")
    return user
