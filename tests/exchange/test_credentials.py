"""An administrator adds the agency's exchange credential (CredentialKind.EXCHANGE) on the page or through the API:
no image, the passphrase kept wrapped, opened by the system (credentials.exchange_key) without an actor."""

import io

from app.core.transaction import unit_of_work
from app.signing import credentials
from app.signing.models import CredentialKind
from tests.conftest import csrf_token, login
from tests.exchange.messages import EXCHANGE_PASS
from tests.signing.keyfiles import p12_of


def _agency_with_admin(create_agency, create_user):
    with unit_of_work():
        agency = create_agency(name="Sở Tư pháp tỉnh Nghệ An")
        admin = create_user(roles=("quan_tri",), agency=agency)
    return agency, admin


def test_the_page_adds_an_exchange_credential(client, create_agency, create_user, pki, trusted_root):
    agency, admin = _agency_with_admin(create_agency, create_user)
    login(client, admin.username)
    path = "/admin/signing/credentials/organization"
    assert "Hệ thống liên thông (ký gói tin edXML)" in client.get(path).get_data(as_text=True)
    answer = client.post(
        path,
        data={
            "csrf_token": csrf_token(client, path),
            "agency_id": agency.id,
            "kind": "exchange",
            "passphrase": EXCHANGE_PASS,
            "p12": (io.BytesIO(p12_of(pki.seal, pki, EXCHANGE_PASS)), "lien-thong.p12"),
        },
        content_type="multipart/form-data",
    )
    assert answer.status_code == 302, answer.get_data(as_text=True)
    key, credential = credentials.exchange_key(agency.id)
    assert credential.kind == CredentialKind.EXCHANGE and credential.image_sha256 == ""
    assert key.private_key is not None
    assert credentials.active_credential(CredentialKind.ORGANIZATION, agency_id=agency.id) is None  # the seal apart


def test_the_api_adds_an_exchange_credential(client, create_agency, create_user, pki, trusted_root, api_token):
    agency, admin = _agency_with_admin(create_agency, create_user)
    answer = client.post(
        "/api/v1/signing/credentials",
        headers=api_token(admin),
        content_type="multipart/form-data",
        data={
            "kind": "exchange",
            "agency_id": str(agency.id),
            "passphrase": EXCHANGE_PASS,
            "p12": (io.BytesIO(p12_of(pki.seal, pki, EXCHANGE_PASS)), "lien-thong.p12"),
        },
    )
    assert answer.status_code == 201, answer.json
    assert answer.json["kind"] == "exchange"
    image = client.get(f"/api/v1/signing/credentials/{answer.json['id']}/image", headers=api_token(admin))
    assert image.status_code == 404


def test_no_exchange_credential_means_none(create_agency):
    assert credentials.exchange_key(create_agency().id) is None
