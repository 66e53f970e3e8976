"""A settable clock: every "now" in qlvb comes from here, so tests and the CLI can run at a given instant."""

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

LOCAL_TZ = ZoneInfo("Asia/Ho_Chi_Minh")


def _system_now() -> datetime:
    return datetime.now(UTC)


_source: Callable[[], datetime] = _system_now


def now() -> datetime:
    """Return the current instant, timezone-aware, in UTC."""
    return _source()


def set_clock(source: Callable[[], datetime] | None) -> None:
    """Replace the clock source; None restores the system clock."""
    global _source
    _source = source or _system_now


class FrozenClock:
    """A clock that stands still until moved: `clock.advance(hours=2)`."""

    def __init__(self, instant: datetime) -> None:
        self.instant = ensure_aware(instant)

    def __call__(self) -> datetime:
        return self.instant

    def set(self, instant: datetime) -> None:
        self.instant = ensure_aware(instant)

    def advance(self, **delta: float) -> datetime:
        self.instant = self.instant + timedelta(**delta)
        return self.instant


@contextmanager
def frozen(instant: datetime) -> Iterator[FrozenClock]:
    """Freeze `now()` at `instant` inside the block."""
    previous = _source
    clock = FrozenClock(instant)
    set_clock(clock)
    try:
        yield clock
    finally:
        set_clock(previous)


def ensure_aware(value: datetime) -> datetime:
    if value.tzinfo is None:
        raise ValueError(f"naive datetime {value!r}: give a timezone")
    return value.astimezone(UTC)


def to_local(value: datetime | None) -> datetime | None:
    """Show an instant in Asia/Ho_Chi_Minh (+07:00)."""
    return value.astimezone(LOCAL_TZ) if value is not None else None


def local_today():
    """Today's date in Asia/Ho_Chi_Minh: the day of dates in rules (deadlines in days, retention, grants)."""
    return now().astimezone(LOCAL_TZ).date()


def future_problem(day, what: str) -> str | None:
    """Why `day` cannot be the date of something already done (a decision signed, a document dated, a dossier
    begun, an item written): it is after today in Việt Nam; None otherwise. The one rule of such dates (deadlines,
    which lie ahead, have theirs: app.sla.calendar.deadline_problem)."""
    today = local_today()
    return f"{what} ({day:%d/%m/%Y}) không được sau ngày hôm nay ({today:%d/%m/%Y})." if day > today else None
