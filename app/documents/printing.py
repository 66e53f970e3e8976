"""What every printed register (sổ) shares: who keeps the books, the cover data, the printed file.

NĐ 30/2020 Điều 16.2.b, 22.3.b: documents registered in the System are printed on the register's form (Phụ lục
IV) and bound. The incoming and outgoing books differ in their columns only.
"""

from dataclasses import dataclass
from datetime import date

from app.core import clock
from app.core.errors import NotFound, PermissionDenied
from app.documents.models import Register, RegisterKind
from app.org.models import Role, User

BOOK_ROLES = (Role.CLERK, Role.AGENCY_LEADER, Role.ADMIN)


@dataclass
class Printed:
    data: bytes
    filename: str


@dataclass
class RegisterPrint:
    agency_name: str
    parent_name: str | None
    register_name: str
    year: int
    date_from: date | None
    date_to: date | None
    book_number: int = 1


def register_to_print(
    actor: User,
    kind: RegisterKind,
    *,
    register_id: int | None,
    year: int | None,
    date_from: date | None,
    date_to: date | None,
    refusal: str,
) -> tuple[Register, RegisterPrint]:
    """The register of the actor's agency to print (its default when none is named) and the cover's data.

    Only the văn thư, lãnh đạo and quản trị keep the books (`refusal` says so to anyone else). Read-only apart from
    creating the agency's default register of the kind on first use.
    """
    from app.documents.queries import get_register
    from app.documents.services import default_register

    if not actor.has_role(*BOOK_ROLES):
        raise PermissionDenied(refusal)
    register = get_register(register_id) if register_id else default_register(actor.agency_id, kind)
    if register.agency_id != actor.agency_id or register.kind != kind:
        raise NotFound("Không tìm thấy sổ đăng ký.", code="register_not_found")
    year = year or (date_from.year if date_from else clock.to_local(clock.now()).year)
    agency = actor.agency
    meta = RegisterPrint(
        agency.name, agency.parent.name if agency.parent else None, register.name, year, date_from, date_to
    )
    return register, meta
