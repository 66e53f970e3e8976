"""Who may read which working calendar."""

from app.org.models import User
from app.org.permissions import managed_agency_ids


def can_read_calendar(user: User, agency_id: int | None) -> bool:
    """The deployment's default calendar, one's own agency's, and those of the agencies one administers."""
    return agency_id is None or agency_id == user.agency_id or agency_id in managed_agency_ids(user)
