from datetime import UTC, datetime, timedelta, timezone

import pytest
import sqlalchemy as sa

from app.core.db import db
from app.org import services
from app.org.models import Agency


def test_instants_round_trip_as_aware_utc(db_session):
    agency = services.create_agency(None, code="000.00.00.H33", name="Tỉnh", abbreviation="UBND")
    ict = timezone(timedelta(hours=7))
    agency.created_at = datetime(2026, 1, 2, 8, 30, 15, 123456, tzinfo=ict)
    db.session.flush()
    db.session.expire_all()
    loaded = db.session.scalar(sa.select(Agency))
    assert loaded.created_at == datetime(2026, 1, 2, 1, 30, 15, 123456, tzinfo=UTC)
    assert loaded.created_at.tzinfo is not None


def test_naive_datetime_is_refused(db_session):
    agency = services.create_agency(None, code="000.00.00.H33", name="Tỉnh", abbreviation="UBND")
    agency.created_at = datetime(2026, 1, 2, 8, 30)
    with pytest.raises(sa.exc.StatementError, match="naive datetime"):
        db.session.flush()
