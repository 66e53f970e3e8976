"""Who may administer the exchange: the directory and the peers are deployment-wide, the outbox per agency."""

from app.core.errors import PermissionDenied
from app.org.models import Role, User
from app.org.permissions import is_system, managed_agency_ids


def can_manage_exchange(actor: User | None) -> bool:
    """The agency directory and the peer systems serve every agency of the deployment, and a peer's secret opens the
    door to all of them: only an administrator of a top-level agency decides (as for deployment-wide trust roots,
    app.signing.trust_store), or the system itself (CLI, demo)."""
    if is_system(actor):
        return True
    return bool(actor.is_active and Role.ADMIN in actor.roles and actor.agency.parent_id is None)


def require_manage_exchange(actor: User | None) -> None:
    if not can_manage_exchange(actor):
        raise PermissionDenied(
            "Chỉ quản trị cơ quan cấp cao nhất được quản lý danh bạ và hệ thống liên thông.",
            code="exchange_admin_only",
        )


def can_read_directory(actor: User | None) -> bool:
    """Reading the directory (list, one entry, the picker's suggestions) is open to every signed-in person: it lists
    public agencies and their public codes (QĐ 20/2020), and every drafter picks recipients from it. Writing stays
    with `can_manage_exchange`."""
    return is_system(actor) or bool(actor is not None and actor.is_active)


def require_read_directory(actor: User | None) -> None:
    if not can_read_directory(actor):
        raise PermissionDenied("Bạn không được xem danh bạ liên thông.", code="directory_denied")


def outbox_agency_ids(actor: User | None) -> set[int] | None:
    """The sending agencies whose outbox `actor` sees: None for every agency (the system, a deployment-level
    administrator); an administrator their managed agencies; a clerk (văn thư) their own agency — they answer for
    what their agency sends (seed 000 Điều 21)."""
    if is_system(actor) or can_manage_exchange(actor):
        return None
    found = set(managed_agency_ids(actor))
    if actor is not None and actor.is_active and actor.has_role(Role.CLERK):
        found.add(actor.agency_id)
    return found


def can_view_outbox(actor: User | None) -> bool:
    ids = outbox_agency_ids(actor)
    return ids is None or bool(ids)


def require_outbox_of(actor: User | None, agency_id: int) -> None:
    ids = outbox_agency_ids(actor)
    if ids is not None and agency_id not in ids:
        raise PermissionDenied("Bạn không được xem hàng đợi gửi của cơ quan này.", code="outbox_denied")
