"""Who may see and do what with file plans, dossiers, transfers and destructions: the one place pages, the API and
the services ask.

- The file plan: the office (văn thư, văn phòng) prepares it, the head (lãnh đạo cơ quan) issues it (NĐ 30 Điều 28;
  seed 000 Điều 19.2.a); everyone of the agency reads the issued plan (each person opens their hồ sơ from it).
- A current dossier (đang lập … chờ tiếp nhận): its creator; the leader of its unit; the agency's leaders (the head
  allows its use, seed 001 QĐ 278 Điều 8.2–3) and whoever they granted it to; the archivist once it is submitted.
- An archival dossier: the archivist and the agency's leaders; a "Công khai" one every member of the agency, others
  only by a grant (Phụ lục VI III.6.c: "cấp quyền, kiểm soát quyền truy cập vào hồ sơ lưu trữ điện tử").
- Filing a document: the creator of an open dossier, and only a document the person may see.
- Transfer decisions, holds and destruction lists: the archivist (luu_tru); approving a destruction: the head.
"""

from datetime import date

import sqlalchemy as sa

from app.core import clock
from app.core.errors import NotFound, PermissionDenied
from app.dossiers.models import Dossier, DossierGrant, FilePlan, FilePlanEntry
from app.dossiers.states import DossierStatus, PlanStatus
from app.org.models import Role, User

LEADERS = frozenset({Role.AGENCY_LEADER})
PLAN_EDITORS = frozenset({Role.CLERK, Role.ADMIN})
PLAN_MAKERS = PLAN_EDITORS | LEADERS  # who may create and edit the plan (can_edit_plan)


def _member(user: User, agency_id: int) -> bool:
    return user.is_active and user.agency_id == agency_id


# ---- the file plan -------------------------------------------------------------------------------------------


def can_read_plan(user: User, plan: FilePlan) -> bool:
    return _member(user, plan.agency_id)


def can_edit_plan(user: User, agency_id: int) -> bool:
    """The office prepares the plan (and imports, copies it); the head may correct it too."""
    return _member(user, agency_id) and bool(user.roles & PLAN_MAKERS)


def plan_makers(agency_id: int) -> list[User]:
    """The people of the agency `can_edit_plan` admits, by name: the plan page names them to the others while the
    year has no plan (who to ask). Read by the role index, each one then asked `can_edit_plan` itself."""
    from app.core.db import db
    from app.org.queries import holders_select

    query = holders_select(User, agency_ids=[agency_id], roles=[role.value for role in PLAN_MAKERS])
    people = dict.fromkeys(db.session.scalars(query.order_by(User.full_name, User.id)))
    return [person for person in people if can_edit_plan(person, agency_id)]


def can_approve_plan(user: User, agency_id: int) -> bool:
    """NĐ 30 Điều 28: "Danh mục hồ sơ do người đứng đầu cơ quan, tổ chức phê duyệt"."""
    return _member(user, agency_id) and Role.AGENCY_LEADER in user.roles


def can_append_entry(user: User, plan: FilePlan) -> bool:
    """Adding a hồ sơ to an issued plan: the office, and every member for their own work (seed 000 Điều 19.2.a:
    "Cá nhân tự cập nhật bổ sung danh mục hồ sơ phát sinh trên Hệ thống"); a member's entry names them."""
    return _member(user, plan.agency_id) and (plan.status == PlanStatus.APPROVED or can_edit_plan(user, plan.agency_id))


def require_read_plan(user: User, plan: FilePlan | None) -> FilePlan:
    """The plan, or 404 for one of another agency (no existence leak)."""
    if plan is None or not can_read_plan(user, plan):
        raise NotFound("Không tìm thấy danh mục hồ sơ.", code="file_plan_not_found")
    return plan


# ---- dossiers ------------------------------------------------------------------------------------------------


def is_archivist(user: User, agency_id: int) -> bool:
    return _member(user, agency_id) and Role.ARCHIVIST in user.roles


def _granted_ids(user: User) -> sa.Select:
    today = clock.local_today()
    return sa.select(DossierGrant.dossier_id).where(
        DossierGrant.user_id == user.id,
        DossierGrant.revoked_at.is_(None),
        sa.or_(DossierGrant.until.is_(None), DossierGrant.until >= today),
    )


def visible_filter(user: User) -> sa.ColumnElement[bool]:
    """The dossiers `user` may see, as a WHERE clause (lists, search, the API)."""
    if not user.is_active:
        return sa.false()
    own_agency = Dossier.agency_id == user.agency_id
    not_destroyed = Dossier.status != DossierStatus.DESTROYED
    scopes = [Dossier.creator_id == user.id, Dossier.id.in_(_granted_ids(user))]
    if user.roles & LEADERS or Role.ARCHIVIST in user.roles:
        scopes.append(sa.true())
    else:
        if Role.UNIT_LEADER in user.roles and user.unit_id is not None:
            scopes.append(sa.and_(Dossier.unit_id == user.unit_id, Dossier.status != DossierStatus.ARCHIVED))
        scopes.append(sa.and_(Dossier.status == DossierStatus.ARCHIVED, Dossier.rights == "01"))
    return sa.and_(own_agency, not_destroyed, sa.or_(*scopes))


def can_view(user: User, dossier: Dossier) -> bool:
    if not _member(user, dossier.agency_id) or dossier.status == DossierStatus.DESTROYED:
        return False
    if dossier.creator_id == user.id or user.roles & LEADERS or Role.ARCHIVIST in user.roles:
        return True
    if dossier.status == DossierStatus.ARCHIVED and dossier.rights == "01":
        return True
    if (
        Role.UNIT_LEADER in user.roles
        and dossier.unit_id is not None
        and dossier.unit_id == user.unit_id
        and dossier.status != DossierStatus.ARCHIVED
    ):
        return True
    from app.core.db import db

    return db.session.scalar(_granted_ids(user).where(DossierGrant.dossier_id == dossier.id).limit(1)) is not None


def require_view(user: User, dossier: Dossier | None) -> Dossier:
    """The dossier, or 404 — whether it does not exist or is not the user's to see (no existence leak)."""
    if dossier is None or not can_view(user, dossier):
        raise NotFound("Không tìm thấy hồ sơ.", code="dossier_not_found")
    return dossier


def can_open(user: User, agency_id: int) -> bool:
    """Anyone of the agency who handles work opens their own dossiers (seed 000 Điều 19.2.b)."""
    return _member(user, agency_id)


def can_open_entry(user: User, entry: FilePlanEntry) -> bool:
    """A plan entry's dossier is opened by its người lập hồ sơ, or a member of the unit it is given to; an entry
    naming neither is anyone's of the agency to open (Phụ lục V.II column 4 left blank)."""
    if not _member(user, entry.plan.agency_id):
        return False
    if entry.responsible_id is None and entry.responsible_unit_id is None:
        return True
    return entry.responsible_id == user.id or (
        entry.responsible_unit_id is not None and entry.responsible_unit_id == user.unit_id
    )


def open_entry_filter(user: User) -> sa.ColumnElement[bool]:
    """`can_open_entry` as a WHERE clause over FilePlanEntry (the agency and the plan's status are the caller's)."""
    if not user.is_active:
        return sa.false()
    scopes = [
        FilePlanEntry.responsible_id == user.id,
        sa.and_(FilePlanEntry.responsible_id.is_(None), FilePlanEntry.responsible_unit_id.is_(None)),
    ]
    if user.unit_id is not None:
        scopes.append(FilePlanEntry.responsible_unit_id == user.unit_id)
    return sa.or_(*scopes)


def can_edit(user: User, dossier: Dossier) -> bool:
    """Filing, removing items, describing, closing, reopening, submitting: the creator (người lập hồ sơ)."""
    return _member(user, dossier.agency_id) and dossier.creator_id == user.id


def require_edit(user: User, dossier: Dossier) -> None:
    require_view(user, dossier)
    if not can_edit(user, dossier):
        raise PermissionDenied("Chỉ người lập hồ sơ được thao tác trên hồ sơ này.", code="not_dossier_creator")


def can_grant(user: User, dossier: Dossier) -> bool:
    """The head allows the use of current dossiers (seed 001 QĐ 278 Điều 8.2); archival ones too (III.6.c)."""
    return _member(user, dossier.agency_id) and bool(user.roles & LEADERS)


# ---- the archive ---------------------------------------------------------------------------------------------


def can_decide_transfer(user: User, agency_id: int) -> bool:
    """The Lưu trữ cơ quan checks and receives the dossiers (Điều 30.3.b)."""
    return is_archivist(user, agency_id)


def can_manage_holds(user: User, agency_id: int) -> bool:
    return _member(user, agency_id) and bool(user.roles & (LEADERS | {Role.ARCHIVIST}))


def can_propose_destruction(user: User, agency_id: int) -> bool:
    return is_archivist(user, agency_id)


def can_approve_destruction(user: User, agency_id: int) -> bool:
    """Destruction only by the head's decision (seed 000 Điều 25.1; Luật Lưu trữ: thẩm quyền hủy)."""
    return _member(user, agency_id) and Role.AGENCY_LEADER in user.roles


def grant_active_on(grant: DossierGrant, day: date) -> bool:
    return grant.revoked_at is None and (grant.until is None or grant.until >= day)


def can_manage_settings(user: User, agency_id: int) -> bool:
    """The agency's nộp lưu periods and reminder (DossierSettings): its administrator or its head."""
    return _member(user, agency_id) and bool(user.roles & (LEADERS | {Role.ADMIN}))


def can_read_archive(user: User, agency_id: int) -> bool:
    """The archive's own pages (transfers received, expired records, holds, destructions): the archivist and the
    agency's leaders (Phụ lục VI III.6)."""
    return _member(user, agency_id) and bool(user.roles & (LEADERS | {Role.ARCHIVIST}))


def can_view_transfer(user: User, transfer) -> bool:
    """A transfer: the archive's readers, and the person who submitted it (their copy of the handover)."""
    return _member(user, transfer.agency_id) and (
        can_read_archive(user, transfer.agency_id) or transfer.submitted_by_id == user.id
    )
