"""The suite's two clocks, reconciled so that it passes on any day of any year.

Tests that compute deadlines run on a frozen application clock (`FROZEN_AT`, a fixed working Monday, so that
working-time arithmetic is the same on every run). pyHanko and OpenSSL-level code read the wall clock. A
time-bound fixture (a certificate, a token, a lock) must therefore hold at both instants: `validity()` gives the
period that spans the frozen instant and the wall clock of the day the suite runs, whatever that day is.
`scripts/run-tests.sh` runs the time-sensitive tests a second time with the wall clock years ahead (libfaketime)
to prove it.
"""

from datetime import UTC, datetime, timedelta

# Monday 23 November 2026, 09:00 in Việt Nam (+07:00): a working day, inside office hours.
FROZEN_AT = datetime(2026, 11, 23, 2, 0, tzinfo=UTC)


def wall_now() -> datetime:
    return datetime.now(UTC)


def validity(days: int) -> tuple[datetime, datetime]:
    """(not_before, not_after) covering the frozen instant and now, and `days` beyond the later of the two."""
    now = wall_now()
    return min(now, FROZEN_AT) - timedelta(days=1), max(now, FROZEN_AT) + timedelta(days=days)
