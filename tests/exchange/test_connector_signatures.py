"""The connector checks the envelope's XML-DSig signature before anything is registered (legal.md §4.2, §4.6).

One deployment plays the receiver: the sending agency (with its exchange credential, tests/exchange/conftest.py)
is in the directory behind a peer, the addressee is an agency of this deployment.
"""

import pytest
import sqlalchemy as sa

from app.core.db import db
from app.exchange.edxml import build_package
from app.exchange.models import DirectoryEntry, ExchangePeer, InboxReceipt
from app.exchange.peers import set_secret
from app.exchange.xmldsig import sign_package
from app.incoming.models import IncomingDocument
from app.workflow.definitions import sync_processes
from tests.exchange.connector_harness import KEY_ID, SECRET, signed_headers
from tests.exchange.messages import METADATA
from tests.signing.factories import make_pdf

RECEIVER = ("000.00.00.G22", "Văn phòng Chính phủ")  # To/OrganId of tests.exchange.messages.METADATA


@pytest.fixture
def receiver(sender, create_agency):
    sync_processes()
    agency = create_agency(code=RECEIVER[0], name=RECEIVER[1])
    peer = ExchangePeer(name="QLVB Nghệ An", key_id=KEY_ID, base_url="https://qlvb.nghean.invalid")
    set_secret(peer, SECRET)
    db.session.add(peer)
    db.session.flush()
    db.session.add(DirectoryEntry(code=sender.agency.code, name=sender.agency.name, peer_id=peer.id))
    db.session.flush()
    return agency


def package() -> bytes:
    return build_package(METADATA, [("cong-van-123.pdf", make_pdf("Cong van 123/UBND-VP"), "application/pdf")])


def deliver(client, body: bytes, key: str):
    return client.post("/exchange/v1/messages", data=body, headers=signed_headers(body, key=key))


def registered() -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(IncomingDocument))


def test_a_package_signed_by_the_sending_agency_is_accepted_with_its_signer(client, frozen_clock, sender, receiver):
    response = deliver(client, sign_package(package(), sender.agency.id), "ky-so-hop-le")
    assert response.status_code == 200, response.get_json()
    assert response.get_json()["signer"]
    receipt = db.session.scalar(sa.select(InboxReceipt).where(InboxReceipt.idempotency_key == "ky-so-hop-le"))
    assert receipt.signer and receipt.from_code == sender.agency.code and receipt.to_code == RECEIVER[0]


def test_a_tampered_package_is_refused_and_nothing_is_registered(client, frozen_clock, sender, receiver):
    signed = sign_package(package(), sender.agency.id)
    tampered = signed.replace(b"SUBJECT-MARK", b"SUBJECT-FAKE")
    before = registered()
    response = deliver(client, tampered, "ky-so-bi-sua")
    assert (response.status_code, response.get_json()["code"]) == (422, "invalid_signature")
    assert registered() == before


def test_an_unsigned_package_is_refused_when_the_peer_must_sign(client, frozen_clock, sender, receiver):
    response = deliver(client, package(), "chua-ky-so")
    assert (response.status_code, response.get_json()["code"]) == (422, "signature_required")
