"""Who may see and make backups: the deployment's administrators, as for the other deployment-wide settings."""

import sqlalchemy as sa

from app.core.db import db
from app.core.errors import PermissionDenied
from app.org.models import Agency, Role, User, UserRole
from app.org.permissions import is_system


def can_manage_backups(actor: User | None) -> bool:
    """An archive holds every agency's documents: only an administrator of a top-level agency (the deployment's
    own, seed 003 Điều 18.2: Văn phòng UBND tỉnh backs up the whole system) sees and makes them, or the system."""
    if is_system(actor):
        return True
    return bool(actor.is_active and Role.ADMIN in actor.roles and actor.agency.parent_id is None)


def require_manage_backups(actor: User | None) -> None:
    if not can_manage_backups(actor):
        raise PermissionDenied("Chỉ quản trị cơ quan cấp cao nhất được xem và tạo bản sao lưu.", code="backup_denied")


def deployment_admin_ids() -> list[int]:
    """Whom a failed backup is told: the people `can_manage_backups` lets act on it."""
    query = (
        sa.select(User.id)
        .join(UserRole, UserRole.user_id == User.id)
        .join(Agency, Agency.id == User.agency_id)
        .where(User.is_active.is_(True), UserRole.role == Role.ADMIN.value, Agency.parent_id.is_(None))
        .distinct()
    )
    return list(db.session.scalars(query))
