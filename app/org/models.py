"""Agencies, units, users, roles, delegations and API tokens."""

from datetime import datetime
from enum import StrEnum

import sqlalchemy as sa
from flask_login import UserMixin
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.core import clock
from app.core.db import UTCDateTime, db
from app.core.folding import keep_folded


class Role(StrEnum):
    """The roles of design.md §1; a person may hold several, in one agency."""

    CLERK = "van_thu"
    AGENCY_LEADER = "lanh_dao"
    UNIT_LEADER = "lanh_dao_don_vi"
    SPECIALIST = "chuyen_vien"
    ARCHIVIST = "luu_tru"
    DESIGNER = "thiet_ke"
    ADMIN = "quan_tri"

    @property
    def label(self) -> str:
        return ROLE_LABELS[self]


ROLE_LABELS = {
    Role.CLERK: "Văn thư cơ quan",
    Role.AGENCY_LEADER: "Lãnh đạo cơ quan",
    Role.UNIT_LEADER: "Lãnh đạo phòng/đơn vị",
    Role.SPECIALIST: "Chuyên viên",
    Role.ARCHIVIST: "Lưu trữ cơ quan",
    Role.DESIGNER: "Người thiết kế quy trình",
    Role.ADMIN: "Quản trị hệ thống",
}


class Agency(db.Model):
    """A cơ quan, tổ chức, identified by its mã định danh (QCVN 102:2016 / QĐ 20/2020)."""

    __tablename__ = "agency"

    id: Mapped[int] = mapped_column(primary_key=True)
    # QĐ 20/2020/QĐ-TTg: up to 35 characters (legal.md §4.1, §8 item 10).
    code: Mapped[str] = mapped_column(sa.String(35), unique=True)
    name: Mapped[str] = mapped_column(sa.String(255))
    # Used in ký hiệu văn bản (NĐ 30/2020 Phụ lục I: "UBND", "SNV" …).
    abbreviation: Mapped[str] = mapped_column(sa.String(30))
    parent_id: Mapped[int | None] = mapped_column(sa.ForeignKey("agency.id"), index=True)
    address: Mapped[str | None] = mapped_column(sa.String(500))
    email: Mapped[str | None] = mapped_column(sa.String(255))
    phone: Mapped[str | None] = mapped_column(sa.String(50))
    is_active: Mapped[bool] = mapped_column(default=True)
    # NĐ 30/2020 Phụ lục VI III.3.b: the head of the agency may open registered incoming documents to all its staff;
    # otherwise a document is seen by who it concerns (app.incoming.permissions).
    open_incoming_to_staff: Mapped[bool] = mapped_column(default=False, server_default=sa.false())
    # Seed 000 Điều 17.2, seed 002 Điều 11: each assignee of a direction has a deadline; by default none may end
    # after the lead's (a coordinator's opinion comes in time for the lead's answer). The agency may allow it.
    due_after_lead_allowed: Mapped[bool] = mapped_column(default=False, server_default=sa.false())
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=clock.now)

    parent: Mapped["Agency | None"] = relationship(remote_side=[id], back_populates="children")
    children: Mapped[list["Agency"]] = relationship(back_populates="parent", order_by="Agency.name")
    units: Mapped[list["Unit"]] = relationship(back_populates="agency", order_by="Unit.name")

    def __repr__(self) -> str:
        return f"<Agency {self.code} {self.abbreviation}>"


class Unit(db.Model):
    """A phòng, ban or đơn vị inside an agency."""

    __tablename__ = "unit"
    __table_args__ = (sa.UniqueConstraint("agency_id", "name", name="uq_unit_agency_name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    agency_id: Mapped[int] = mapped_column(sa.ForeignKey("agency.id"), index=True)
    name: Mapped[str] = mapped_column(sa.String(255))
    abbreviation: Mapped[str] = mapped_column(sa.String(30))
    parent_id: Mapped[int | None] = mapped_column(sa.ForeignKey("unit.id"))
    is_active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=clock.now)

    agency: Mapped[Agency] = relationship(back_populates="units")
    parent: Mapped["Unit | None"] = relationship(remote_side=[id])

    def __repr__(self) -> str:
        return f"<Unit {self.abbreviation}>"


class User(UserMixin, db.Model):
    """A person's account. Never deleted, only deactivated: history must keep its actors (seed 004 Điều 13.3)."""

    __tablename__ = "user_account"

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(sa.String(64), unique=True)
    full_name: Mapped[str] = mapped_column(sa.String(255))
    # "nguyen van an" and "Nguyễn Văn An" find the same person (admin's list, audit log); only searched, never loaded.
    full_name_folded: Mapped[str | None] = mapped_column(sa.String(255), deferred=True)
    position: Mapped[str | None] = mapped_column(sa.String(255))
    agency_id: Mapped[int] = mapped_column(sa.ForeignKey("agency.id"), index=True)
    unit_id: Mapped[int | None] = mapped_column(sa.ForeignKey("unit.id"), index=True)
    email: Mapped[str | None] = mapped_column(sa.String(255))
    phone: Mapped[str | None] = mapped_column(sa.String(50))
    is_active: Mapped[bool] = mapped_column(default=True)
    password_hash: Mapped[str] = mapped_column(sa.String(255))
    failed_login_count: Mapped[int] = mapped_column(default=0)
    locked_until: Mapped[datetime | None] = mapped_column(UTCDateTime())
    last_login_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    password_changed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # Bumped on password change and deactivation so that existing sessions stop working.
    session_version: Mapped[int] = mapped_column(default=1)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=clock.now)
    deactivated_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    agency: Mapped[Agency] = relationship()
    unit: Mapped[Unit | None] = relationship()
    role_rows: Mapped[list["UserRole"]] = relationship(
        back_populates="user", cascade="all, delete-orphan", lazy="selectin", order_by="UserRole.role"
    )

    @property
    def roles(self) -> set[Role]:
        return {Role(r.role) for r in self.role_rows}

    @property
    def post_label(self) -> str:
        """ "Full name — position, unit" (whatever of them is known): two people of one name told apart in a list."""
        post = ", ".join(part for part in (self.position, self.unit.name if self.unit else None) if part)
        return f"{self.full_name} — {post}" if post else self.full_name

    @property
    def roles_beyond_position(self) -> list[str]:
        """The roles' labels the position does not already say: a "Văn thư" is the "Văn thư cơ quan", a "Chuyên
        viên" the "Chuyên viên" — shown once, not twice, under the person's name."""
        said = (self.position or "").strip().casefold()
        labels = sorted(role.label for role in self.roles)
        return [label for label in labels if not (said and label.casefold().startswith(said))]

    def has_role(self, *roles: Role) -> bool:
        return bool(self.roles.intersection(roles))

    def get_id(self) -> str:
        # Flask-Login keeps this in the session cookie; the version revokes old sessions.
        return f"{self.id}:{self.session_version}"

    def __repr__(self) -> str:
        return f"<User {self.username}>"


keep_folded(User.full_name, "full_name_folded", limit=255)


class UserRole(db.Model):
    __tablename__ = "user_role"
    __table_args__ = (
        # "Who holds this role" (recipients, candidates, queues): the holders' ids from the index alone. On (role) only,
        # each lookup read the rows themselves, a heap page per holder across the province (migration 0036).
        sa.Index("ix_user_role_role_user", "role", "user_id"),
    )

    user_id: Mapped[int] = mapped_column(sa.ForeignKey("user_account.id"), primary_key=True)
    role: Mapped[str] = mapped_column(sa.String(32), primary_key=True)

    user: Mapped[User] = relationship(back_populates="role_rows")


class Delegation(db.Model):
    """Ủy quyền: `from_user` lets `to_user` act in some of their roles (and processes) for a period."""

    __tablename__ = "delegation"
    __table_args__ = (
        sa.CheckConstraint("ends_at > starts_at", name="period"),
        sa.CheckConstraint("from_user_id <> to_user_id", name="distinct_users"),
        sa.Index("ix_delegation_to_user_period", "to_user_id", "starts_at", "ends_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    from_user_id: Mapped[int] = mapped_column(sa.ForeignKey("user_account.id"), index=True)
    to_user_id: Mapped[int] = mapped_column(sa.ForeignKey("user_account.id"))
    # Empty list = every role of the delegator / every process.
    roles: Mapped[list[str]] = mapped_column(sa.JSON, default=list)
    process_ids: Mapped[list[str]] = mapped_column(sa.JSON, default=list)
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime())
    ends_at: Mapped[datetime] = mapped_column(UTCDateTime())
    reason: Mapped[str | None] = mapped_column(sa.String(500))
    created_by_id: Mapped[int] = mapped_column(sa.ForeignKey("user_account.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=clock.now)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    from_user: Mapped[User] = relationship(foreign_keys=[from_user_id])
    to_user: Mapped[User] = relationship(foreign_keys=[to_user_id])

    def is_active_at(self, instant: datetime) -> bool:
        return self.revoked_at is None and self.starts_at <= instant < self.ends_at


class ApiToken(db.Model):
    """A bearer token for the REST API; only its SHA-256 is stored, the token is shown once."""

    __tablename__ = "api_token"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("user_account.id"), index=True)
    name: Mapped[str] = mapped_column(sa.String(100))
    token_hash: Mapped[str] = mapped_column(sa.String(64), unique=True)
    prefix: Mapped[str] = mapped_column(sa.String(16))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=clock.now)
    expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    last_used_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    user: Mapped[User] = relationship()


class UserSession(db.Model):
    """A signed-in browser session, known server-side so that it can be ended: logout, deactivation and a
    password change end it at once, whatever cookie the browser (or a thief) still holds."""

    __tablename__ = "user_session"

    id: Mapped[int] = mapped_column(primary_key=True)
    token_hash: Mapped[str] = mapped_column(sa.String(64), unique=True)  # SHA-256 of the cookie's random token
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("user_account.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=clock.now)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime())
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    ip: Mapped[str | None] = mapped_column(sa.String(64))
    user_agent: Mapped[str | None] = mapped_column(sa.String(500))


class RateLimitCounter(db.Model):
    """Attempts counted for one key (`login:ip:203.0.113.5`, `login:name:canbo`) in its current fixed window.

    In the database, so every gunicorn worker and every process of a deployment counts together (app.org.ratelimit).
    """

    __tablename__ = "rate_limit_counter"

    key: Mapped[str] = mapped_column(sa.String(200), primary_key=True)
    window_start: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)
    hits: Mapped[int] = mapped_column(default=0)
