"""Read-only lookups for agencies, units, users and delegations."""

import functools
from datetime import datetime

import sqlalchemy as sa

from app.core import clock
from app.core.db import db
from app.core.errors import NotFound
from app.core.folding import person_search
from app.org.models import Agency, ApiToken, Delegation, Unit, User, UserRole


def get_agency(agency_id: int) -> Agency:
    agency = db.session.get(Agency, agency_id)
    if agency is None:
        raise NotFound("Không tìm thấy cơ quan.", code="agency_not_found")
    return agency


def get_unit(unit_id: int) -> Unit:
    unit = db.session.get(Unit, unit_id)
    if unit is None:
        raise NotFound("Không tìm thấy phòng/đơn vị.", code="unit_not_found")
    return unit


def get_user(user_id: int) -> User:
    user = db.session.get(User, user_id)
    if user is None:
        raise NotFound("Không tìm thấy tài khoản.", code="user_not_found")
    return user


def find_user_by_username(username: str) -> User | None:
    return db.session.scalar(sa.select(User).where(User.username == username.strip().lower()))


def count_login_failures(ip: str, since: datetime) -> int:
    """Refused sign-ins from `ip` since `since`, read from the audit trail (ix_audit_event_login_failures)."""
    from app.audit.models import AuditEvent

    return db.session.scalar(
        sa.select(sa.func.count())
        .select_from(AuditEvent)
        .where(
            AuditEvent.action.in_(("auth.login_failed", "auth.lockout")),
            AuditEvent.ip == ip,
            AuditEvent.occurred_at >= since,
        )
    )


def find_agency_by_code(code: str) -> Agency | None:
    return db.session.scalar(sa.select(Agency).where(Agency.code == code.strip().upper()))


def list_agencies(agency_ids: set[int] | None = None) -> list[Agency]:
    query = sa.select(Agency).order_by(Agency.parent_id.is_not(None), Agency.name)
    if agency_ids is not None:
        query = query.where(Agency.id.in_(agency_ids))
    return list(db.session.scalars(query))


def list_units(agency_id: int, *, active_only: bool = False) -> list[Unit]:
    query = sa.select(Unit).where(Unit.agency_id == agency_id).order_by(Unit.name)
    if active_only:
        query = query.where(Unit.is_active.is_(True))
    return list(db.session.scalars(query))


def holders_select(*columns, agency_ids=None, roles=None, unit_id: int | None = None) -> sa.Select:
    """`columns` of the active accounts who hold one of `roles` (any role: None) in the agencies (any: None; in one
    unit when given): who may take a step of that role and unit (the SQL form of app.workflow.assignment.qualifies),
    the one rule asked by the task's candidates, the escalation scan's batch read of role holders
    (app.escalation.ladder.role_holders), the handover check and `active_members`. With roles, UserRole is joined
    (its `role` column may be selected)."""
    query = sa.select(*columns).where(User.is_active.is_(True))
    if agency_ids is not None:
        query = query.where(User.agency_id.in_(agency_ids))
    if roles is not None:
        query = query.join(UserRole, UserRole.user_id == User.id).where(UserRole.role.in_(roles))
    if unit_id is not None:
        query = query.where(User.unit_id == unit_id)
    return query


def active_members(unit_id: int, role: str) -> list[User]:
    """The active people of a unit who hold `role` (who would receive that unit's work of that role)."""
    return list(db.session.scalars(holders_select(User, roles=[role], unit_id=unit_id).order_by(User.full_name)))


def list_users(
    agency_ids: set[int],
    *,
    search: str = "",
    role: str | None = None,
    active: bool | None = None,
    limit: int = 500,
    after: tuple[int, str, int] | None = None,
) -> list[User]:
    """By agency, then name; `after` (agency_id, full_name, id) of the last row pages on (a keyset)."""
    order = (User.agency_id, User.full_name, User.id)
    query = sa.select(User).where(User.agency_id.in_(agency_ids)).order_by(*order)
    if after is not None:
        query = query.where(sa.tuple_(*order) > sa.tuple_(*after))
    if search:
        query = query.where(person_search(User.full_name_folded, User.username, search))
    if role:
        query = query.where(User.id.in_(sa.select(UserRole.user_id).where(UserRole.role == role)))
    if active is not None:
        query = query.where(User.is_active.is_(active))
    return list(db.session.scalars(query.limit(limit)))


@functools.cache
def _delegations_to_query() -> sa.Select:
    # Built once, values bound: every inbox and task page asks it.
    at = sa.bindparam("at", type_=Delegation.starts_at.type)
    return (
        sa.select(Delegation)
        .join(Delegation.from_user)
        .where(
            Delegation.to_user_id == sa.bindparam("user_id"),
            Delegation.revoked_at.is_(None),
            Delegation.starts_at <= at,
            Delegation.ends_at > at,
            User.is_active.is_(True),
        )
        .order_by(Delegation.ends_at)
    )


def active_delegations_to(user: User, at: datetime | None = None) -> list[Delegation]:
    """Delegations in force now for which `user` acts on someone else's behalf."""
    return list(db.session.scalars(_delegations_to_query(), {"user_id": user.id, "at": at or clock.now()}))


def delegations_of(user: User) -> list[Delegation]:
    """Delegations given by or to `user`, newest first."""
    return list(
        db.session.scalars(
            sa.select(Delegation)
            .where(sa.or_(Delegation.from_user_id == user.id, Delegation.to_user_id == user.id))
            .order_by(Delegation.starts_at.desc())
        )
    )


def delegations_in(agency_ids: set[int]) -> list[Delegation]:
    return list(
        db.session.scalars(
            sa.select(Delegation)
            .join(Delegation.from_user)
            .where(User.agency_id.in_(agency_ids))
            .order_by(Delegation.starts_at.desc())
            .limit(500)
        )
    )


def tokens_of(user: User) -> list[ApiToken]:
    return list(
        db.session.scalars(sa.select(ApiToken).where(ApiToken.user_id == user.id).order_by(ApiToken.created_at.desc()))
    )
