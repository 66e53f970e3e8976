"""Dossier fixtures: an office with an archivist, and a dossier made directly (for tests of the later stages).

Each part's tests keep their own helpers in their test modules; only what several parts share lives here.
"""

from datetime import date
from types import SimpleNamespace

import pytest

from app.core.db import db
from app.dossiers.models import Dossier
from app.dossiers.states import DossierStatus
from tests.workflow.conftest import deploy_process, office  # noqa: F401  (fixtures)


@pytest.fixture
def archive_office(office, create_user, frozen_clock):  # noqa: F811  (the imported fixture)
    """The workflow tests' office (agency 000.00.00.H33, clerk, leader, unit leader, specialists) plus an archivist.

    The clock is frozen at the suite's instant (tests/timeline.py) for the whole test: filing dates, archiving days,
    grants and reminders never come from the wall clock; a test moves it on with `clock.frozen(...)`."""
    archivist = create_user(roles=("luu_tru",), agency=office.agency, username="luutru", full_name="Hồ Thị Kim Ngân")
    return SimpleNamespace(**vars(office), archivist=archivist)


def make_dossier(owner, *, notation="01.TH", title="Hồ sơ thử", year=2026, status=DossierStatus.OPEN, **values):
    """A dossier row as the services would leave it (no case, no items): for tests of closing, transfer, retention."""
    dossier = Dossier(
        agency_id=owner.agency_id,
        year=year,
        notation=notation,
        file_code=f"{owner.agency.code}.{year}.{notation}",
        title=title,
        maintenance=values.pop("maintenance", "06"),
        retention_years=values.pop("retention_years", 10),
        creator_id=owner.id,
        unit_id=owner.unit_id,
        start_date=values.pop("start_date", date(year, 1, 5)),
        status=status,
        **values,
    )
    db.session.add(dossier)
    db.session.flush()
    return dossier
