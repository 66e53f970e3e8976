"""Who may design, deploy and migrate an agency's processes: asked by the designer's pages, API and services."""

from app.org.models import Role, User


def can_design(actor: User) -> bool:
    """Designers edit, deploy, roll back and migrate the processes of their own agency (design.md §1)."""
    return actor.is_active and actor.has_role(Role.DESIGNER)


def can_read_process_statistics(actor: User) -> bool:
    """The heatmap and the SLA what-if read the agency's task history: designers, leaders and administrators."""
    return actor.is_active and bool(actor.roles & {Role.DESIGNER, Role.AGENCY_LEADER, Role.ADMIN})
