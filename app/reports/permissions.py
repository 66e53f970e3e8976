"""Who sees which report: the one rule pages, the API, exports and services ask.

Seed 003 Điều 13.2 and seed 000 Điều 18: the head of the agency follows the handling of the whole agency, the head
of a unit (phòng, ban) that of their unit. So an agency leader sees their agency, every unit of it or one; a unit
leader sees only their own unit. Administrators (quản trị) see the electronic-exchange statistics of the agencies
they manage, one by one or together (the province-wide view, seed 004 Điều 15); an agency leader sees their own
agency's. Another agency's figures are "not found", never an empty report that would confirm it exists.
"""

from dataclasses import dataclass

from app.core.db import db
from app.core.errors import NotFound, PermissionDenied
from app.org.models import Role, Unit, User
from app.org.permissions import managed_agency_ids

LEADERS = frozenset({Role.AGENCY_LEADER, Role.UNIT_LEADER})


@dataclass(frozen=True)
class Scope:
    """What one report covers: an agency, and within it one unit or all (None)."""

    agency_id: int
    unit_id: int | None = None


def can_view_dashboard(user: User | None) -> bool:
    return bool(user is not None and user.is_active and user.has_role(*LEADERS))


def can_view_exchange(user: User | None) -> bool:
    return bool(
        user is not None and user.is_active and (user.has_role(Role.AGENCY_LEADER) or exchange_agency_ids(user))
    )


def can_view_reports(user: User | None) -> bool:
    """Whether the "Báo cáo" menu leads anywhere for `user`."""
    return can_view_dashboard(user) or can_view_exchange(user)


def handling_scope(user: User | None, unit_id: int | None = None, agency_id: int | None = None) -> Scope:
    """The scope of the dashboard and the handling reports `user` asks for (their agency; a unit of it)."""
    if not can_view_dashboard(user):
        raise PermissionDenied("Báo cáo này dành cho lãnh đạo cơ quan và lãnh đạo đơn vị.")
    if agency_id is not None and agency_id != user.agency_id:
        raise NotFound("Không tìm thấy cơ quan.", code="agency_not_found")
    if user.has_role(Role.AGENCY_LEADER):
        if unit_id is not None and not _unit_of_agency(unit_id, user.agency_id):
            raise NotFound("Không tìm thấy đơn vị.", code="unit_not_found")
        return Scope(user.agency_id, unit_id)
    if user.unit_id is None:
        raise PermissionDenied("Tài khoản lãnh đạo đơn vị chưa gắn với đơn vị nào.", code="no_unit")
    if unit_id is not None and unit_id != user.unit_id:
        if not _unit_of_agency(unit_id, user.agency_id):
            raise NotFound("Không tìm thấy đơn vị.", code="unit_not_found")
        raise PermissionDenied("Lãnh đạo đơn vị chỉ xem được báo cáo của đơn vị mình.", code="other_unit")
    return Scope(user.agency_id, user.unit_id)


def exchange_agency_ids(user: User | None) -> set[int]:
    """The agencies whose exchange statistics `user` may read: those they administer, and a leader's own."""
    if user is None or not user.is_active:
        return set()
    found = set(managed_agency_ids(user))
    if user.has_role(Role.AGENCY_LEADER):
        found.add(user.agency_id)
    return found


def exchange_scope(user: User | None, agency_id: int | None) -> list[int]:
    """The agencies one exchange report covers: `agency_id`, or (None) every agency `user` may read."""
    allowed = exchange_agency_ids(user)
    if not allowed:
        raise PermissionDenied("Thống kê gửi, nhận văn bản điện tử dành cho lãnh đạo cơ quan và quản trị hệ thống.")
    if agency_id is None:
        return sorted(allowed)
    if agency_id not in allowed:
        raise NotFound("Không tìm thấy cơ quan.", code="agency_not_found")
    return [agency_id]


def _unit_of_agency(unit_id: int, agency_id: int) -> bool:
    unit = db.session.get(Unit, unit_id)
    return unit is not None and unit.agency_id == agency_id
