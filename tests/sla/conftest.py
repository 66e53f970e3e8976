"""Fixtures for working-calendar tests.

The calendar cache lives in the process, the data in a per-test transaction that is rolled back: a calendar
cached by one test must never be seen by the next, so the cache is emptied around every test here.
"""

from datetime import datetime

import pytest

from app.core.clock import LOCAL_TZ
from app.sla import calendar


@pytest.fixture(autouse=True)
def fresh_calendar_cache():
    calendar.invalidate(everything=True)
    calendar.cache.loads = 0
    yield
    calendar.invalidate(everything=True)


def local(*args) -> datetime:
    """An instant given in Việt Nam wall-clock time: local(2026, 11, 23, 8, 0)."""
    return datetime(*args, tzinfo=LOCAL_TZ)


@pytest.fixture
def child_admin(create_agency, create_user, admin):
    """An administrator of an agency below the admin's (top-level) agency."""
    child = create_agency(name="Sở Nội vụ", abbreviation="SNV", parent_id=admin.agency_id)
    return create_user(roles=("quan_tri",), agency=child, username="qtsonoivu")
