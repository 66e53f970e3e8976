"""Fixtures for the document core: an agency with a clerk, and its registers."""

import pytest

from app.documents import services
from app.documents.models import RegisterKind


@pytest.fixture
def clerk(create_user, create_agency):
    agency = create_agency(name="Ủy ban nhân dân tỉnh Kiên Giang", abbreviation="UBND")
    return create_user(roles=("van_thu",), agency=agency, username="vanthu1", full_name="Văn Thư Một")


@pytest.fixture
def incoming_register(clerk):
    return services.default_register(clerk.agency_id, RegisterKind.INCOMING)
