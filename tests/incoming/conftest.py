"""Incoming fixtures: the shipped processes deployed, an office, a throwaway PKI trusted by the deployment."""

import pytest
import sqlalchemy as sa

from app.documents.uploads import Upload
from app.workflow.definitions import sync_processes
from tests.signing import factories
from tests.workflow.conftest import office  # noqa: F401  (the same small organisation)


@pytest.fixture(scope="session")
def pki():
    return factories.build_test_pki()


@pytest.fixture(scope="session")
def signed_pdf(pki):
    """A công văn signed by the sender's leader, then sealed by its clerk (two signatures)."""
    return factories.sign_personal_then_seal(factories.make_pdf("Công văn số 123/SNV-TCBC"), pki)


@pytest.fixture
def trusted(app, pki, tmp_path):
    """The deployment trusts the test root (QLVB_TRUST_ROOTS)."""
    path = tmp_path / "roots.pem"
    path.write_bytes(pki.root.pem)
    previous = app.config.get("SIGNING_TRUST_ROOTS")
    app.config["SIGNING_TRUST_ROOTS"] = str(path)
    yield path
    app.config["SIGNING_TRUST_ROOTS"] = previous


@pytest.fixture
def incoming_office(office, trusted):  # noqa: F811  (the imported fixture)
    sync_processes()
    return office


METADATA = {
    "sender_code": "000.00.01.H33",
    "sender_name": "Sở Nội vụ tỉnh Kiên Giang",
    "code_number": "123",
    "code_notation": "SNV-TCBC",
    "issued_date": "2026-11-20",
    "type_name": "Công văn",
    "subject": "Về việc báo cáo số lượng biên chế công chức năm 2027",
    "signer_position": "Giám đốc",
    "signer_name": "Dương Văn Hùng",
    "page_count": "2",
}


def upload(data: bytes, name: str = "cong-van-123.pdf") -> list[Upload]:
    return [Upload(name, data, is_main=True)]


def instance_of(document):
    """The workflow instance of an incoming document."""
    from app.core.db import db
    from app.workflow.models import WorkflowInstance

    return db.session.scalar(
        sa.select(WorkflowInstance).where(
            WorkflowInstance.object_type == "incoming", WorkflowInstance.object_id == str(document.id)
        )
    )


def codes(document) -> list[str]:
    """The status codes queued for the sender, in order."""
    from app.core.db import db
    from app.exchange.models import StatusMessage

    return db.session.scalars(
        sa.select(StatusMessage.code).where(StatusMessage.object_id == str(document.id)).order_by(StatusMessage.id)
    ).all()


def receive(office, data, **extra):  # noqa: F811  (a parameter, not the fixture)
    """The office's clerk receives an electronic document with METADATA (overridden by `extra`)."""
    from app.incoming import services

    return services.receive_incoming(
        office.clerk, channel="electronic", metadata={**METADATA, **extra}, uploads=upload(data)
    )


def accept_and_register(office, document):  # noqa: F811  (a parameter, not the fixture)
    """The clerk accepts and registers the document; returns (instance, the leader's open direction step)."""
    from app.workflow import services as wf
    from tests.workflow.conftest import open_tasks

    instance = instance_of(document)
    [check] = open_tasks(instance)
    wf.complete_task(office.clerk, check.id, {}, outcome="tiep_nhan")
    [register] = open_tasks(instance)
    wf.complete_task(
        office.clerk,
        register.id,
        {"sender_name": METADATA["sender_name"], "type_name": "Công văn", "subject": METADATA["subject"]},
    )
    [direct] = open_tasks(instance)
    return instance, direct
