"""Read-only lookups for working calendars and their overrides."""

from datetime import date

import sqlalchemy as sa

from app.core.db import db
from app.core.errors import NotFound
from app.sla.models import Calendar, CalendarOverride


def find_calendar(agency_id: int | None) -> Calendar | None:
    """The calendar row of an agency (None: the deployment default), or None when it has none."""
    condition = Calendar.agency_id.is_(None) if agency_id is None else Calendar.agency_id == agency_id
    return db.session.scalar(sa.select(Calendar).where(condition))


def get_override(override_id: int) -> CalendarOverride:
    override = db.session.get(CalendarOverride, override_id)
    if override is None:
        raise NotFound("Không tìm thấy điều chỉnh lịch.", code="override_not_found")
    return override


def list_overrides(agency_id: int | None, year: int | None = None) -> list[CalendarOverride]:
    """The overrides a calendar holds itself (not those it inherits), in date order."""
    condition = Calendar.agency_id.is_(None) if agency_id is None else Calendar.agency_id == agency_id
    query = sa.select(CalendarOverride).join(Calendar).where(condition)
    if year is not None:
        query = query.where(CalendarOverride.day.between(date(year, 1, 1), date(year, 12, 31)))
    return list(db.session.scalars(query.order_by(CalendarOverride.day)))


def effective_hours(agency_id: int | None) -> dict:
    """The office hours an agency works (its own or the default's), as stored JSON, for pages and the API."""
    from app.sla.engine import DEFAULT_SESSIONS, DEFAULT_WEEKDAYS

    own = find_calendar(agency_id)
    default = own if agency_id is None else find_calendar(None)
    source = own if own is not None and own.has_own_hours else default
    if source is not None and source.has_own_hours:
        sessions, weekdays, seasons = source.sessions, source.weekdays, source.seasons or []
    else:
        sessions = [{"start": f"{s.start:%H:%M}", "end": f"{s.end:%H:%M}"} for s in DEFAULT_SESSIONS]
        weekdays, seasons = sorted(DEFAULT_WEEKDAYS), []
    return {
        "agency_id": agency_id,
        "has_own_hours": own is not None and own.has_own_hours,
        "sessions": sessions,
        "weekdays": weekdays,
        "seasons": seasons,
        "version": own.version if own is not None else 0,
    }
