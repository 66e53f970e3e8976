"""A clerk's .edxml file signed by the sending system (issue 14 item 3): the result and the audit trail say who
signed it; a package for another agency is refused even when signed."""

import pytest
import sqlalchemy as sa

from app.audit.models import AuditEvent
from app.core.db import db
from app.core.errors import ValidationError
from app.core.transaction import unit_of_work
from app.exchange import files
from app.exchange.edxml import build_package
from app.exchange.xmldsig import sign_package
from app.workflow.definitions import sync_processes
from tests.exchange.messages import METADATA
from tests.signing.factories import make_pdf


def package(**changes) -> bytes:
    return build_package({**METADATA, **changes}, [("cong-van-123.pdf", make_pdf(), "application/pdf")])


@pytest.fixture
def receiver(create_agency, create_user):
    sync_processes()
    with unit_of_work():
        agency = create_agency(code="000.00.00.G22", name="Văn phòng Chính phủ")
        clerk = create_user(roles=("van_thu",), agency=agency)
    return clerk


def test_a_signed_file_names_its_signer_in_the_result_and_the_audit(frozen_clock, sender, receiver):
    data = sign_package(package(), sender.agency.id)
    with unit_of_work():
        imported = files.import_file(data, actor=receiver)
    assert imported.kind == "document" and imported.signed is True and imported.signer
    assert imported.duplicate is False
    event = db.session.scalar(sa.select(AuditEvent).where(AuditEvent.action == "exchange.import_file"))
    assert event.changes["signed"] is True and event.changes["signer"] == imported.signer


def test_a_signed_file_for_another_agency_is_refused(frozen_clock, sender, receiver):
    data = sign_package(package(organ_id_to="H26.15", organ_name_to="Sở Nội vụ Hà Nội"), sender.agency.id)
    with pytest.raises(ValidationError) as refused:
        files.import_file(data, actor=receiver)
    assert refused.value.code == "not_addressed_to_agency"
