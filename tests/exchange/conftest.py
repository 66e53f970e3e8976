"""The throwaway PKI (tests/signing/factories) with the agency's exchange credential, and its trust root."""

from types import SimpleNamespace

import pytest

from app.core.transaction import unit_of_work
from app.signing import credentials
from tests.exchange.messages import EXCHANGE_PASS
from tests.signing import factories
from tests.signing.keyfiles import p12_of


@pytest.fixture(scope="session")
def pki():
    return factories.build_test_pki()


@pytest.fixture
def trusted_root(app, pki, tmp_path):
    path = tmp_path / "root.pem"
    path.write_bytes(pki.root.pem)
    previous = app.config.get("SIGNING_TRUST_ROOTS")
    app.config["SIGNING_TRUST_ROOTS"] = str(path)
    yield path
    app.config["SIGNING_TRUST_ROOTS"] = previous


@pytest.fixture
def sender(create_agency, create_user, pki, trusted_root):
    """An agency with an exchange credential (the test seal certificate: digitalSignature, EC P-256)."""
    with unit_of_work():
        agency = create_agency(code="000.00.00.H41", name="Ủy ban nhân dân tỉnh Nghệ An")
        admin = create_user(roles=("quan_tri",), agency=agency)
        credential = credentials.add_exchange(
            admin, agency.id, p12=p12_of(pki.seal, pki, EXCHANGE_PASS), passphrase=EXCHANGE_PASS
        )
    return SimpleNamespace(agency=agency, admin=admin, credential=credential)
