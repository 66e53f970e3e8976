"""Use cases for working calendars. Each takes the acting user first; None is the system (CLI, demo).

Administrators only: an agency's calendar by an administrator of that agency (or one above it); the deployment
default, which every agency inherits, by an administrator of a top-level agency. Every change bumps the
calendar's version (the cache in app.sla.calendar compares it), writes an audit event in the same
transaction and flushes; the entry point commits.
"""

import unicodedata
from datetime import date

import sqlalchemy as sa

from app.audit import services as audit
from app.core import clock
from app.core.db import db
from app.core.errors import NotFound, PermissionDenied, ValidationError
from app.core.transaction import after_commit, in_unit_of_work
from app.org.models import Agency, Role, User
from app.org.permissions import is_system, require_admin_of
from app.sla import calendar as sla_calendar
from app.sla import hours, queries
from app.sla.engine import WorkingCalendar
from app.sla.models import Calendar, CalendarOverride, OverrideKind
from app.sla.permissions import can_read_calendar

# Overrides are for the years around now; a date far away is almost always a typing mistake (2062 for 2026).
OVERRIDE_YEARS_AHEAD = 5
OVERRIDE_YEARS_BACK = 5
# The note's limit is its column's, so the message and the database never disagree.
OVERRIDE_NOTE_MAX = CalendarOverride.__table__.c.note.type.length


def can_edit_default(actor: User | None) -> bool:
    return is_system(actor) or (
        actor.is_active and Role.ADMIN in actor.roles and actor.agency is not None and actor.agency.parent_id is None
    )


def require_calendar_admin(actor: User | None, agency_id: int | None) -> None:
    """Refuse unless `actor` may change this calendar (agency_id None: the deployment default)."""
    if agency_id is not None:
        require_admin_of(actor, agency_id)
    elif not can_edit_default(actor):
        raise PermissionDenied("Chỉ quản trị hệ thống của cơ quan cấp cao nhất được sửa lịch làm việc mặc định.")


def _scope_name(agency_id: int | None) -> str:
    if agency_id is None:
        return "lịch làm việc mặc định"
    agency = db.session.get(Agency, agency_id)
    return f"lịch làm việc của {agency.name}"


def _locked_calendar(agency_id: int | None, *, create: bool) -> Calendar | None:
    """The calendar row, locked until commit (PostgreSQL) so that concurrent edits apply one after another."""
    query = sa.select(Calendar).where(
        Calendar.agency_id.is_(None) if agency_id is None else Calendar.agency_id == agency_id
    )
    row = db.session.scalar(query.with_for_update())
    if row is None and create:
        if agency_id is not None and db.session.get(Agency, agency_id) is None:
            raise NotFound("Không tìm thấy cơ quan.", code="agency_not_found")
        row = Calendar(agency_id=agency_id, version=0)  # bumped to 1 by _touched()
        db.session.add(row)
        db.session.flush()
    return row


def _touched(actor: User | None, row: Calendar) -> None:
    """Record that the calendar changed: new version, and no stale copy in this process's cache."""
    row.version = (row.version or 0) + 1
    row.updated_at = clock.now()
    row.updated_by_id = actor.id if actor is not None else None
    db.session.flush()
    sla_calendar.mark_changed(db.session())
    sla_calendar.invalidate(row.agency_id)
    if in_unit_of_work():
        after_commit(lambda: sla_calendar.invalidate(row.agency_id))


def _raise_if(problems: dict[str, str]) -> None:
    if problems:
        raise ValidationError("Lịch làm việc chưa hợp lệ, vui lòng kiểm tra lại.", details=problems)


# --- office hours -------------------------------------------------------------------------------------


def _clean_hours(sessions, weekdays, seasons) -> tuple[tuple[list, list, list], dict[str, str]]:
    """(sessions, weekdays, seasons) as stored, and every field's problem at once (not the first one only)."""
    problems: dict[str, str] = {}
    clean_sessions, problem = hours.clean_sessions(sessions)
    if problem:
        problems["sessions"] = problem
    clean_weekdays, problem = hours.clean_weekdays([1, 2, 3, 4, 5] if weekdays is None else weekdays)
    if problem:
        problems["weekdays"] = problem
    clean_seasons, problem = hours.clean_seasons(seasons)
    if problem:
        problems["seasons"] = problem
    return (clean_sessions, clean_weekdays, clean_seasons), problems


def refuse_hours(problems: dict[str, str], *, sessions: list, weekdays: list[int] | None, seasons: list) -> None:
    """Refuse office hours whose text could not all be read (`problems`, e.g. a season line without its three
    parts), naming with them whatever else is wrong — in the other fields and in the `seasons` that could be read —
    so that a person fixes the form in one go."""
    _cleaned, others = _clean_hours(sessions, weekdays, seasons)
    merged = {**others, **problems}
    if "seasons" in others and "seasons" in problems:
        merged["seasons"] = f"{problems['seasons']} {others['seasons']}"
    _raise_if(merged)


def update_hours(
    actor: User | None,
    agency_id: int | None,
    *,
    sessions: list,
    weekdays: list[int] | None = None,
    seasons: list | None = None,
) -> Calendar:
    """Set a calendar's own office hours, working weekdays and seasonal timetables."""
    require_calendar_admin(actor, agency_id)
    (clean_sessions, clean_weekdays, clean_seasons), problems = _clean_hours(sessions, weekdays, seasons)
    _raise_if(problems)

    row = _locked_calendar(agency_id, create=True)
    before = {"sessions": row.sessions, "weekdays": row.weekdays, "seasons": row.seasons}
    after = {"sessions": clean_sessions, "weekdays": clean_weekdays, "seasons": clean_seasons}
    changes = {k: [before[k], after[k]] for k in before if before[k] != after[k]}
    if not changes:
        return row
    row.sessions, row.weekdays, row.seasons = clean_sessions, clean_weekdays, clean_seasons
    _touched(actor, row)
    audit.record(
        actor,
        "calendar.update_hours",
        row,
        agency_id=agency_id,
        summary=f"Sửa giờ làm việc của {_scope_name(agency_id)}: "
        + hours.format_hours(clean_sessions, clean_weekdays, clean_seasons),
        changes=changes,
    )
    return row


def use_default_hours(actor: User | None, agency_id: int | None) -> Calendar | None:
    """Drop an agency's own office hours so that it works the default's again (its overrides stay)."""
    require_calendar_admin(actor, agency_id)
    row = _locked_calendar(agency_id, create=False)
    if row is None or not row.has_own_hours:
        return row
    before = {"sessions": row.sessions, "weekdays": row.weekdays, "seasons": row.seasons}
    row.sessions = row.weekdays = row.seasons = None
    _touched(actor, row)
    audit.record(
        actor,
        "calendar.reset_hours",
        row,
        agency_id=agency_id,
        summary=f"Đưa {_scope_name(agency_id)} về giờ làm việc mặc định",
        changes={k: [v, None] for k, v in before.items()},
    )
    return row


# --- overrides ----------------------------------------------------------------------------------------


def add_override(
    actor: User | None, agency_id: int | None, *, day: date, kind: str, note: str | None = None
) -> CalendarOverride:
    """Declare one date a day off or a make-up working day for a calendar (e.g. the Government's Tết swap)."""
    require_calendar_admin(actor, agency_id)
    note = unicodedata.normalize("NFC", note or "").strip() or None
    problems: dict[str, str] = {}
    if kind not in set(OverrideKind):
        problems["kind"] = "Loại điều chỉnh phải là “ngày nghỉ” (off) hoặc “ngày làm việc bù” (work)."
    if not isinstance(day, date):
        problems["day"] = "Ngày không hợp lệ."
    else:
        this_year = clock.to_local(clock.now()).year
        first, last = this_year - OVERRIDE_YEARS_BACK, this_year + OVERRIDE_YEARS_AHEAD
        if not first <= day.year <= last:
            problems["day"] = f"Chỉ điều chỉnh được các năm từ {first} đến {last}."
    if note and len(note) > OVERRIDE_NOTE_MAX:
        problems["note"] = (
            f"Căn cứ / ghi chú tối đa {OVERRIDE_NOTE_MAX} ký tự (độ dài lưu được), đang có {len(note)} ký tự: "
            "vui lòng rút gọn."
        )
    if "day" in problems or "kind" in problems:
        _raise_if(problems)

    row = _locked_calendar(agency_id, create=True)
    clash = db.session.scalar(
        sa.select(CalendarOverride).where(CalendarOverride.calendar_id == row.id, CalendarOverride.day == day)
    )
    if clash is not None:
        problems["day"] = f"Ngày {day:%d/%m/%Y} đã có điều chỉnh ({clash.kind_label}) trong lịch này."
    elif problem := _pointless_override_problem(agency_id, day, OverrideKind(kind)):
        problems["day"] = problem
    _raise_if(problems)  # every problem at once: the day's and the note's
    override = CalendarOverride(
        calendar=row, day=day, kind=str(kind), note=note, created_by_id=actor.id if actor is not None else None
    )
    db.session.add(override)
    _touched(actor, row)
    audit.record(
        actor,
        "calendar.add_override",
        override,
        agency_id=agency_id,
        summary=f"{OverrideKind(kind).label} {day:%d/%m/%Y} trong {_scope_name(agency_id)}"
        + (f" ({note})" if note else ""),
        changes={"day": day.isoformat(), "kind": str(kind), "note": note},
    )
    return override


def _pointless_override_problem(agency_id: int | None, day: date, kind: OverrideKind) -> str | None:
    """Why `kind` changes nothing on `day`: a day off that is already off (a Sunday, a holiday), a working day
    that is already worked. Such an override would sit in the list looking like a decision that was never needed."""
    # Read under the calendar row's lock, not from the per-process cache: the decision is about to be written.
    config, _stamp = sla_calendar.load_configs([agency_id])[agency_id]
    working, reason = WorkingCalendar(config).day_status(day)
    why = reason or hours.WEEKDAY_LABELS[day.isoweekday()]
    if kind == OverrideKind.OFF and not working:
        return f"Ngày {day:%d/%m/%Y} đã là ngày nghỉ trong lịch này ({why}): không cần thêm ngày nghỉ."
    if kind == OverrideKind.WORK and working:
        return f"Ngày {day:%d/%m/%Y} đã là ngày làm việc trong lịch này ({why}): không cần thêm ngày làm việc bù."
    return None


def remove_override(actor: User | None, override_id: int) -> None:
    """Delete an override: the date follows the holidays and weekdays (or the default calendar) again."""
    override = queries.get_override(override_id)
    agency_id = override.calendar.agency_id
    if not is_system(actor) and not can_read_calendar(actor, agency_id):
        # Another agency's calendar is none of the actor's business: not found, not "forbidden" (design.md §8).
        raise NotFound("Không tìm thấy điều chỉnh lịch.", code="override_not_found")
    require_calendar_admin(actor, agency_id)
    row = _locked_calendar(agency_id, create=False)
    audit.record(
        actor,
        "calendar.remove_override",
        override,
        agency_id=agency_id,
        summary=f"Bỏ điều chỉnh {override.kind_label.lower()} {override.day:%d/%m/%Y} trong {_scope_name(agency_id)}",
        changes={"day": override.day.isoformat(), "kind": override.kind, "note": override.note},
    )
    db.session.delete(override)
    _touched(actor, row)
