"""Working calendars: the deployment default (agency_id NULL) and agencies' own, with yearly overrides."""

from datetime import date, datetime
from enum import StrEnum

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.core import clock
from app.core.db import UTCDateTime, db


class OverrideKind(StrEnum):
    OFF = "off"  # nghỉ thêm / hoán đổi: a day that would be worked is not
    WORK = "work"  # làm bù: a day that would be off (a Saturday) is worked

    @property
    def label(self) -> str:
        return OVERRIDE_LABELS[self]


OVERRIDE_LABELS = {OverrideKind.OFF: "Ngày nghỉ", OverrideKind.WORK: "Ngày làm việc bù"}


class Calendar(db.Model):
    """The working calendar of an agency, or the deployment default when `agency_id` is NULL.

    `sessions`, `weekdays` and `seasons` go together: NULL means "not set here": an agency then works the
    default calendar's hours, and the default works the built-in hours (app.sla.engine.DEFAULT_SESSIONS).
    An agency row may exist only to hold overrides. `version` is bumped on every change of the row or of its
    overrides: the per-process cache of app.sla.calendar compares it to notice changes made elsewhere.
    The default row is created by migration 0002; code still treats a missing row as built-in defaults.
    """

    __tablename__ = "working_calendar"

    id: Mapped[int] = mapped_column(primary_key=True)
    agency_id: Mapped[int | None] = mapped_column(sa.ForeignKey("agency.id"), unique=True)
    # [{"start": "07:30", "end": "11:30"}, …] local Asia/Ho_Chi_Minh wall-clock times
    sessions: Mapped[list | None] = mapped_column(sa.JSON)
    # ISO weekday numbers, 1 = Monday
    weekdays: Mapped[list | None] = mapped_column(sa.JSON)
    # [{"name": "Giờ mùa hè", "start": "04-16", "end": "10-15", "sessions": [...]}, …] month-day, every year
    seasons: Mapped[list | None] = mapped_column(sa.JSON)
    version: Mapped[int] = mapped_column(default=1, server_default="1")
    updated_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    updated_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user_account.id"))

    agency = relationship("Agency")
    overrides: Mapped[list["CalendarOverride"]] = relationship(
        back_populates="calendar", order_by="CalendarOverride.day", cascade="all, delete-orphan"
    )

    @property
    def has_own_hours(self) -> bool:
        return self.sessions is not None

    def __repr__(self) -> str:
        return f"<Calendar agency={self.agency_id} v{self.version}>"


class CalendarOverride(db.Model):
    """One date decided by an administrator for one calendar: a day off or a make-up working day.

    Overrides of the default calendar apply to every agency, unless the agency's own calendar has an
    override for the same date (then the agency's wins).
    """

    __tablename__ = "calendar_override"
    __table_args__ = (
        sa.UniqueConstraint("calendar_id", "day", name="uq_calendar_override_calendar_day"),
        sa.CheckConstraint("kind IN ('off', 'work')", name="kind"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    calendar_id: Mapped[int] = mapped_column(sa.ForeignKey("working_calendar.id"))
    day: Mapped[date] = mapped_column(sa.Date)
    kind: Mapped[str] = mapped_column(sa.String(8))
    # The basis, e.g. "Thông báo 6150/TB-BLĐTBXH: nghỉ Tết Ất Tỵ".
    note: Mapped[str | None] = mapped_column(sa.String(255))
    created_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user_account.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=clock.now)

    calendar: Mapped[Calendar] = relationship(back_populates="overrides")

    @property
    def agency_id(self) -> int | None:
        return self.calendar.agency_id

    @property
    def kind_label(self) -> str:
        return OverrideKind(self.kind).label

    def __repr__(self) -> str:
        return f"<CalendarOverride {self.day} {self.kind}>"


class SlaSettings(db.Model):
    """An agency's deadline settings: per urgency level and per named rule (app.sla.rules).

    One row per agency, made the first time its administrator saves; an agency without a row, and any level or
    rule a row does not hold (one added by a later release), works the deployment defaults of app.sla.rules.
    `urgency`: {"hoa_toc": {"basis": "calendar", "duration": "PT2H"}, …}; `rules`: {"intake": "PT2H", …}.
    """

    __tablename__ = "sla_settings"

    id: Mapped[int] = mapped_column(primary_key=True)
    agency_id: Mapped[int] = mapped_column(sa.ForeignKey("agency.id"), unique=True)
    urgency: Mapped[dict] = mapped_column(sa.JSON, default=dict)
    rules: Mapped[dict] = mapped_column(sa.JSON, default=dict)
    version: Mapped[int] = mapped_column(default=1, server_default="1")
    updated_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    updated_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user_account.id"))

    agency = relationship("Agency")

    def __repr__(self) -> str:
        return f"<SlaSettings agency={self.agency_id} v{self.version}>"
