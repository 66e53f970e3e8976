"""Who may see and manage an agency's registers and document types."""

from app.org.models import Role, User
from app.org.permissions import managed_agency_ids


def can_manage(user: User | None, agency_id: int) -> bool:
    """Administrators of the agency (or of one above it) open, change and close registers and add types."""
    return agency_id in managed_agency_ids(user)


def can_view_registers(user: User | None, agency_id: int) -> bool:
    """The agency's clerks (văn thư, who number documents) and its administrators see its registers."""
    if user is None or not user.is_active:
        return False
    if user.agency_id == agency_id and user.has_role(Role.CLERK, Role.ADMIN):
        return True
    return can_manage(user, agency_id)
