"""Session-wide throwaway PKI and signed PDFs: key generation and signing are the slow part, so they run once."""

import pytest

from tests.signing import factories


@pytest.fixture(scope="session")
def pki():
    return factories.build_test_pki()


@pytest.fixture(scope="session")
def unsigned_pdf():
    return factories.make_pdf()


@pytest.fixture(scope="session")
def personal_pdf(pki, unsigned_pdf):
    """Signed by the leader only."""
    return factories.sign(unsigned_pdf, pki.person, pki, factories.PERSONAL_FIELD)


@pytest.fixture(scope="session")
def sealed_pdf(pki, personal_pdf):
    """Leader's signature, then the agency seal as an incremental update (NĐ 30/2020 Phụ lục I)."""
    return factories.sign(personal_pdf, pki.seal, pki, factories.SEAL_FIELD, box=factories.SEAL_BOX)


@pytest.fixture(scope="session")
def root_pem_path(pki, tmp_path_factory):
    path = tmp_path_factory.mktemp("trust") / "root.pem"
    path.write_bytes(pki.root.pem)
    return path
