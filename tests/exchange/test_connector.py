"""The connector between two deployments over real HTTP (protocol qlvb-peer/1): the sending outbox with the real
PeerAdapter on one side, the receiving endpoint on the other, each with its own database (connector_harness)."""

import secrets
import socket
import threading

import pytest
import requests
import sqlalchemy as sa

from app.core.db import db
from app.exchange import outbox
from app.exchange.adapters import Outbound, PeerAdapter
from app.exchange.edxml import build_status
from app.exchange.models import ExchangePeer, InboxReceipt, OutboxMessage, OutboxState, SeenNonce, StatusMessage
from app.incoming.models import IncomingDocument
from app.org.models import User
from tests.exchange.connector_harness import (
    A_CODE,
    B_CODE,
    deployment,
    document_key,
    link,
    package,
    signed_headers,
)
from tests.timeline import FROZEN_AT

pytestmark = pytest.mark.usefixtures("frozen_clock")


@pytest.fixture(scope="module")
def pair(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("connector")
    a = deployment(tmp, "conn_a", A_CODE, "Ủy ban nhân dân tỉnh Nghệ An")
    b = deployment(tmp, "conn_b", B_CODE, "Sở Nội vụ tỉnh Hà Giang")
    link(a, b, "Sở Nội vụ tỉnh Hà Giang")
    link(b, a, "Ủy ban nhân dân tỉnh Nghệ An")
    yield a, b
    a.stop()
    b.stop()


_numbers = iter(range(1, 10_000))


def queue(a, body: bytes, *, to_code: str = B_CODE, message_id: str | None = None) -> tuple[int, str]:
    """Queue a package in A's outbox the way app.outgoing does; (row id, its message id)."""
    message_id = message_id or f"qlvb-test-{secrets.token_hex(6)}"
    with a.work():
        row = outbox.enqueue(
            peer_id=a.ids["peer"],
            agency_id=a.ids["agency"],
            to_code=to_code,
            kind="edoc",
            key=f"{secrets.token_hex(4)}|edoc0|{message_id}",
            body=body,
            object_type="test",
            object_id=1,
        )
        return row.id, message_id


def row(deployment, row_id: int) -> dict:
    def read():
        found = db.session.get(OutboxMessage, row_id)
        return {c: getattr(found, c) for c in ("state", "attempts", "last_error", "next_attempt_at", "response")}

    return deployment.read(read)


def post(url: str, body: bytes, *, key: str | None = None, message_type: str = "edoc", **override):
    """A raw request to the endpoint, signed as the protocol says unless a header is overridden."""
    headers = signed_headers(body, key=key or secrets.token_hex(8), message_type=message_type, **override)
    return requests.post(f"{url}/exchange/v1/messages", data=body, headers=headers, timeout=30)


def incoming_count(b, number: int) -> int:
    return b.count(IncomingDocument, IncomingDocument.document_key == document_key(number))


def test_a_package_arrives_once_and_its_arrival_status_comes_back(pair):
    a, b = pair
    number = next(_numbers)
    row_id, message_id = queue(a, package(number=number))

    report = a.read(outbox.send_due)
    assert report.sent == 1
    assert row(a, row_id)["state"] == OutboxState.SENT
    assert "accepted" in row(a, row_id)["response"]
    # B registered it under the message id of the delivery, once.
    assert b.count(IncomingDocument, IncomingDocument.message_id == message_id) == 1

    # B's 01 "Đã đến" is queued for A (the sender's agency is reached through the peer) and delivered over HTTP.
    status_id = b.read(
        lambda: db.session.scalar(
            sa.select(StatusMessage.id).where(
                StatusMessage.document_key == document_key(number), StatusMessage.object_type == "incoming"
            )
        )
    )
    assert b.read(lambda: db.session.get(StatusMessage, status_id).code) == "01"
    assert b.read(outbox.send_due).sent == 1
    assert b.read(lambda: db.session.get(StatusMessage, status_id).delivered_at) is not None
    assert a.count(InboxReceipt, InboxReceipt.kind == "status", InboxReceipt.document_key == document_key(number)) == 1


def test_a_repeated_delivery_is_answered_duplicate_and_registered_once(pair):
    a, b = pair
    number = next(_numbers)
    body = package(number=number)
    key, message_id = f"{document_key(number)}|edoc0|m-{number}", f"m-{number}"

    def send():
        with a.app.app_context():
            peer = db.session.get(ExchangePeer, a.ids["peer"])
            return PeerAdapter(peer).send(
                Outbound(kind="edoc", key=key, body=body, to_code=B_CODE, message_id=message_id)
            )

    first, again = send(), send()
    assert (first.result, again.result) == ("accepted", "duplicate")
    assert again.reference == first.reference
    assert incoming_count(b, number) == 1


def test_two_copies_delivered_at_the_same_moment_register_one_document(pair):
    _a, b = pair
    number = next(_numbers)
    body, key = package(number=number), f"{document_key(number)}|edoc0|race-{number}"
    barrier, answers = threading.Barrier(2), []

    def deliver():
        barrier.wait(timeout=10)
        answers.append(post(b.url, body, key=key))

    threads = [threading.Thread(target=deliver) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert sorted(r.status_code for r in answers) == [200, 200]
    assert sorted(r.json()["result"] for r in answers) == ["accepted", "duplicate"]
    assert incoming_count(b, number) == 1


def test_a_signed_request_with_the_shared_secret_is_accepted(pair):
    _a, b = pair
    number = next(_numbers)
    response = post(b.url, package(number=number))
    assert response.status_code == 200, response.text
    assert response.json()["result"] == "accepted"
    assert response.json()["status"] == "01"


@pytest.mark.parametrize(
    ("override", "status", "code"),
    [
        ({"secret": "khong-phai-bi-mat"}, 401, "unauthenticated_peer"),
        ({"key_id": "he-thong-la"}, 401, "unauthenticated_peer"),
        ({"timestamp": str(int(FROZEN_AT.timestamp()) - 301)}, 401, "stale_request"),
        ({"timestamp": str(int(FROZEN_AT.timestamp()) + 301)}, 401, "stale_request"),
    ],
)
def test_requests_that_do_not_prove_the_peer_are_refused(pair, override, status, code):
    _a, b = pair
    number = next(_numbers)
    response = post(b.url, package(number=number), **override)
    assert (response.status_code, response.json()["code"]) == (status, code)
    assert response.json()["message"]
    assert incoming_count(b, number) == 0


def test_a_replayed_request_is_refused(pair):
    _a, b = pair
    number = next(_numbers)
    body, nonce, key = package(number=number), secrets.token_hex(16), secrets.token_hex(8)
    assert post(b.url, body, nonce=nonce, key=key).status_code == 200
    replay = post(b.url, body, nonce=nonce, key=key)
    assert (replay.status_code, replay.json()["code"]) == (409, "replayed_request")
    assert incoming_count(b, number) == 1


def test_an_unknown_sender_is_refused(pair):
    _a, b = pair
    number = next(_numbers)
    response = post(b.url, package(number=number, from_code="000.00.00.G22"))
    assert (response.status_code, response.json()["code"]) == (403, "unknown_sender")
    assert b.count(IncomingDocument, IncomingDocument.document_key == document_key(number, "000.00.00.G22")) == 0


def test_a_package_for_an_agency_not_here_is_refused(pair):
    _a, b = pair
    number = next(_numbers)
    response = post(b.url, package(number=number, to_code="000.00.05.H29"))
    assert (response.status_code, response.json()["code"]) == (404, "unknown_recipient_agency")
    assert incoming_count(b, number) == 0


@pytest.mark.parametrize(
    ("body", "code"),
    [
        (b"day khong phai XML", "invalid_edxml"),
        (
            b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;">]>'
            b"<edXML>&lol2;</edXML>",
            "invalid_edxml",
        ),
    ],
)
def test_malformed_packages_and_bombs_are_refused(pair, body, code):
    _a, b = pair
    before = b.count(InboxReceipt)
    response = post(b.url, body)
    assert (response.status_code, response.json()["code"]) == (422, code)
    assert b.count(InboxReceipt) == before  # nothing kept, not even the receipt


def test_a_message_whose_type_does_not_match_its_content_is_refused(pair):
    _a, b = pair
    response = post(b.url, package(number=next(_numbers)), message_type="status")
    assert (response.status_code, response.json()["code"]) == (422, "message_type_mismatch")


def test_an_oversized_package_is_refused_before_it_is_read(pair):
    _a, b = pair
    previous = b.app.config["EXCHANGE_MAX_BYTES"]
    b.app.config["EXCHANGE_MAX_BYTES"] = 1024
    try:
        response = post(b.url, package(number=next(_numbers)))
    finally:
        b.app.config["EXCHANGE_MAX_BYTES"] = previous
    assert (response.status_code, response.json()["code"]) == (413, "package_too_large")


def test_refusals_of_a_known_peer_are_audited_and_leave_no_nonce(pair):
    from app.audit.models import AuditEvent

    _a, b = pair
    nonces = b.count(SeenNonce)
    refused = b.count(AuditEvent, AuditEvent.action == "exchange.refuse")
    post(b.url, package(number=next(_numbers), to_code="000.00.05.H29"))
    assert b.count(AuditEvent, AuditEvent.action == "exchange.refuse") == refused + 1
    assert b.count(SeenNonce) == nonces


def closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def test_a_peer_that_is_down_keeps_the_message_and_gets_it_when_back(pair, frozen_clock):
    a, b = pair
    number = next(_numbers)
    with a.work():
        peer = db.session.get(ExchangePeer, a.ids["peer"])
        peer.base_url = f"http://127.0.0.1:{closed_port()}"
    try:
        row_id, message_id = queue(a, package(number=number))
        assert a.read(outbox.send_due).retried == 1
        first = row(a, row_id)
        assert first["state"] == OutboxState.PENDING and first["attempts"] == 1
        assert "Không kết nối được" in first["last_error"]
        assert first["next_attempt_at"] == FROZEN_AT + outbox.backoff(1)
        assert a.read(outbox.send_due).retried == 0  # not due before its backoff

        frozen_clock.advance(minutes=1)
        a.read(outbox.send_due)
        assert row(a, row_id)["next_attempt_at"] == FROZEN_AT.replace(minute=1) + outbox.backoff(2)
    finally:
        with a.work():
            db.session.get(ExchangePeer, a.ids["peer"]).base_url = b.url
    frozen_clock.advance(minutes=2)
    assert a.read(outbox.send_due).sent >= 1
    assert row(a, row_id)["state"] == OutboxState.SENT
    assert b.count(IncomingDocument, IncomingDocument.message_id == message_id) == 1


def test_a_permanent_refusal_fails_the_message_until_someone_retries_it(pair):
    a, _b = pair
    row_id, _ = queue(a, package(number=next(_numbers), to_code="000.00.05.H29"))
    a.read(outbox.send_due)
    failed = row(a, row_id)
    assert failed["state"] == OutboxState.FAILED and failed["next_attempt_at"] is None
    assert "HTTP 404" in failed["last_error"] and "unknown_recipient_agency" in failed["last_error"]
    assert a.read(outbox.send_due).sent == 0  # failed for good: not sent again by itself

    with a.work():
        outbox.retry_now(db.session.get(User, a.ids["admin"]), row_id)
    assert row(a, row_id)["state"] == OutboxState.PENDING
    a.read(outbox.send_due)
    assert row(a, row_id)["state"] == OutboxState.FAILED  # still no such agency there


def test_a_message_is_queued_once_per_idempotency_key(pair):
    a, _b = pair
    body = package(number=next(_numbers))
    key = f"khoa-{secrets.token_hex(4)}"
    ids = []
    for _ in range(2):
        with a.work():
            ids.append(
                outbox.enqueue(
                    peer_id=a.ids["peer"], agency_id=a.ids["agency"], to_code=B_CODE, kind="edoc", key=key, body=body
                ).id
            )
    assert ids[0] == ids[1]
    assert a.count(OutboxMessage, OutboxMessage.idempotency_key == key) == 1


def test_ping_names_the_agencies_of_the_other_deployment(pair):
    a, _b = pair
    with a.app.app_context():
        answer = PeerAdapter(db.session.get(ExchangePeer, a.ids["peer"])).check()
    assert answer["agencies"] == [B_CODE]


def recall_asked(b, number: int):
    return b.read(
        lambda: db.session.scalar(
            sa.select(IncomingDocument.recall_requested_at).where(IncomingDocument.document_key == document_key(number))
        )
    )


def test_a_recall_package_asks_the_receiving_agency_to_give_the_document_back(pair):
    _a, b = pair
    number = next(_numbers)
    assert post(b.url, package(number=number)).status_code == 200
    revoke = package(number=number, business_type=1)  # Bussiness/DocumentId: the same document
    response = post(b.url, revoke, key=f"{document_key(number)}|edoc1|thu-hoi-{number}")
    assert response.status_code == 200, response.text
    assert response.json()["recall"] == "requested"
    assert recall_asked(b, number) is not None


def test_a_recall_status_from_the_sender_asks_for_the_document_back(pair):
    _a, b = pair
    number = next(_numbers)
    assert post(b.url, package(number=number)).status_code == 200
    body = build_status(
        from_code=A_CODE,
        from_name="Ủy ban nhân dân tỉnh Nghệ An",
        response_for_code=A_CODE,
        response_for_key=document_key(number),
        code="13",
        description="Lấy lại văn bản ban hành nhầm",
    )
    response = post(b.url, body, message_type="status")
    assert response.status_code == 200, response.text
    assert response.json()["taken"] is True
    assert recall_asked(b, number) is not None


def test_a_mutual_tls_peer_is_known_by_the_certificate_the_proxy_verified(pair):
    _a, b = pair
    fingerprint = "ab" * 32
    with b.work():
        db.session.add(
            ExchangePeer(
                name="LGSP thử (mTLS)",
                key_id="lgsp-mtls",
                base_url="https://lgsp.invalid",
                auth="mtls",
                tls_fingerprint=fingerprint,
            )
        )
    b.app.config["EXCHANGE_CLIENT_CERT_HEADER"] = "X-Client-Cert-Sha256"
    try:
        body = package(number=next(_numbers))
        headers = signed_headers(body, key=secrets.token_hex(8), key_id="lgsp-mtls")
        client = b.app.test_client()
        wrong = client.post("/exchange/v1/messages", data=body, headers={**headers, "X-Client-Cert-Sha256": "cd" * 32})
        assert (wrong.status_code, wrong.get_json()["code"]) == (401, "unauthenticated_peer")
        headers["X-Qlvb-Nonce"] = secrets.token_hex(16)
        right = client.post(
            "/exchange/v1/messages", data=body, headers={**headers, "X-Client-Cert-Sha256": fingerprint}
        )
        # Authenticated: refused only because no directory entry lets this peer speak for A's agency.
        assert (right.status_code, right.get_json()["code"]) == (403, "unknown_sender")
    finally:
        b.app.config["EXCHANGE_CLIENT_CERT_HEADER"] = ""
        with b.work():
            db.session.execute(sa.delete(ExchangePeer).where(ExchangePeer.key_id == "lgsp-mtls"))


def test_nonces_past_the_freshness_window_are_forgotten(pair, frozen_clock):
    from app.exchange.jobs import send_outbox

    _a, b = pair
    assert post(b.url, package(number=next(_numbers))).status_code == 200
    assert b.count(SeenNonce) > 0
    frozen_clock.advance(hours=1)  # past the window of this test's nonce, and of those the tests before sent
    b.read(send_outbox)
    assert b.count(SeenNonce) == 0
