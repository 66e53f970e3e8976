"""Văn bản đi to an agency another system serves: queued for its connector peer, its delivery and statuses shown
on the recipient, "Gửi lại" after a refusal for good, and a recall sent as a BussinessDocType 1 package.

The peer's transport is a fake adapter (app.exchange.adapters.ADAPTERS): what the other side answers is chosen by
the test; the real HTTP path is tests/exchange/test_connector.py. Statuses from the peer come in through this
deployment's own endpoint, signed with the shared secret.
"""

import pytest
import sqlalchemy as sa

from app.core.db import db
from app.exchange import adapters, outbox
from app.exchange.adapters import PermanentFailure, SendResult, TransientFailure
from app.exchange.edxml import build_status, parse_package
from app.exchange.models import DirectoryEntry, ExchangePeer, OutboxMessage, OutboxState
from app.exchange.peers import set_secret
from app.outgoing import dispatch, tracking
from app.outgoing.models import DeliveryState, RecipientKind
from app.outgoing.recall import recall_outgoing
from tests.exchange.connector_harness import KEY_ID, SECRET, signed_headers
from tests.outgoing.conftest import UBND, issued_document

VPCP = ("000.00.00.G22", "Văn phòng Chính phủ")  # the external recipient of tests.outgoing.conftest.metadata


class FakePeer:
    """The other system, as the adapter sees it: answers in the order the test queued them ("ok" when none)."""

    answers: list = []
    sent: list = []

    def __init__(self, peer):
        self.peer = peer

    def send(self, message):
        FakePeer.sent.append(message)
        answer = FakePeer.answers.pop(0) if FakePeer.answers else "ok"
        if isinstance(answer, Exception):
            raise answer
        return SendResult(result="accepted", reference="1")

    def check(self):
        return {"agencies": [VPCP[0]]}


@pytest.fixture
def peer(db_session, monkeypatch):
    monkeypatch.setitem(adapters.ADAPTERS, "fake", FakePeer)
    FakePeer.answers, FakePeer.sent = [], []
    found = ExchangePeer(name="Trục liên thông thử", key_id=KEY_ID, adapter="fake", base_url="https://truc.invalid")
    set_secret(found, SECRET)
    db.session.add(found)
    db.session.flush()
    db.session.add(DirectoryEntry(code=VPCP[0], name=VPCP[1], peer_id=found.id))
    db.session.flush()
    found.require_signature = False
    return found


def external(document):
    return next(r for r in document.recipients if r.kind == RecipientKind.EXTERNAL)


def rows_of(recipient, object_type="outgoing_recipient") -> list[OutboxMessage]:
    return db.session.scalars(
        sa.select(OutboxMessage)
        .where(OutboxMessage.object_type == object_type, OutboxMessage.object_id == str(recipient.id))
        .order_by(OutboxMessage.id)
    ).all()


def tracked(office, document) -> dict:
    return next(r for r in tracking.recipient_statuses(office.clerk, document.id) if r["code"] == VPCP[0])


def test_an_external_recipient_a_peer_reaches_gets_the_package_through_the_outbox(
    outgoing_office, draft_bytes, peer, frozen_clock
):
    document = issued_document(outgoing_office, draft_bytes)
    recipient = external(document)
    assert recipient.delivery == DeliveryState.PENDING and recipient.message_id
    [row] = rows_of(recipient)
    assert (row.kind, row.to_code, row.state) == ("edoc", VPCP[0], OutboxState.PENDING)
    assert row.idempotency_key == f"{document.document_key}|edoc0|{recipient.message_id}"
    package = parse_package(outbox_body(row))
    assert package.metadata["document_id"] == document.document_key
    # The agencies' retry job leaves it alone: the outbox delivers it.
    assert recipient.id not in dispatch.due_recipient_ids()

    outbox.send_due()
    assert [m.message_id for m in FakePeer.sent] == [recipient.message_id]
    db.session.refresh(recipient)
    assert (recipient.delivery, recipient.delivery_error, recipient.attempts) == (DeliveryState.DELIVERED, None, 1)


def outbox_body(row: OutboxMessage) -> bytes:
    from flask import current_app

    return current_app.extensions["qlvb.blobs"].read(row.body_sha256)


def test_a_delivery_not_yet_made_shows_why_and_one_refused_for_good_can_be_sent_again(
    outgoing_office, draft_bytes, peer, frozen_clock
):
    office = outgoing_office
    document = issued_document(office, draft_bytes)
    recipient = external(document)

    FakePeer.answers = [TransientFailure("Không kết nối được đến hệ thống Trục liên thông thử.")]
    outbox.send_due()
    db.session.refresh(recipient)
    assert recipient.delivery == DeliveryState.PENDING
    assert recipient.delivery_error == "Chưa gửi được: Không kết nối được đến hệ thống Trục liên thông thử."
    assert recipient.next_attempt_at is not None
    assert tracked(office, document)["can_resend"] is False  # still being retried: a resend would send it twice

    frozen_clock.advance(minutes=1)
    FakePeer.answers = [PermanentFailure("Trục liên thông thử từ chối (HTTP 404, unknown_recipient_agency)")]
    outbox.send_due()
    db.session.refresh(recipient)
    assert recipient.delivery == DeliveryState.PENDING and recipient.next_attempt_at is None
    assert "unknown_recipient_agency" in recipient.delivery_error
    assert tracked(office, document)["can_resend"] is True

    first = recipient.message_id
    tracking.resend(office.clerk, document.id, recipient.id)
    old, new = rows_of(recipient)
    assert old.state == OutboxState.FAILED and new.state == OutboxState.PENDING
    assert recipient.message_id != first and new.idempotency_key.endswith(recipient.message_id)
    outbox.send_due()
    db.session.refresh(recipient)
    assert recipient.delivery == DeliveryState.DELIVERED


def post_status(client, document, code: str, description: str):
    body = build_status(
        from_code=VPCP[0],
        from_name=VPCP[1],
        response_for_code=UBND[0],
        response_for_key=document.document_key,
        code=code,
        description=description,
        staff_name="Lê Văn Thư",
        staff_unit="Văn thư",
    )
    key = f"{document.document_key}|status{code}|{VPCP[0]}|{code}"
    return client.post("/exchange/v1/messages", data=body, headers=signed_headers(body, key=key, message_type="status"))


def test_the_peers_statuses_are_recorded_on_the_recipient(client, outgoing_office, draft_bytes, peer, frozen_clock):
    office = outgoing_office
    document = issued_document(office, draft_bytes)
    outbox.send_due()

    arrived = post_status(client, document, "01", "Đã đến")
    assert arrived.status_code == 200, arrived.get_json()
    assert arrived.get_json()["taken"] is True
    row = tracked(office, document)
    assert row["status_code"] == "01"
    assert external(document).acknowledged_at is None  # 01 is the software's, not the clerk's answer

    post_status(client, document, "03", "Đã tiếp nhận")
    db.session.expire_all()
    row = tracked(office, document)
    assert row["status_code"] == "03"
    assert [h["code"] for h in row["history"]] == ["01", "03"]
    assert row["history"][-1]["staff_name"] == "Lê Văn Thư"
    assert external(document).acknowledged_at is not None


def test_a_recall_goes_to_the_peer_as_a_revocation_package_and_its_answer_comes_back(
    client, outgoing_office, draft_bytes, peer, frozen_clock
):
    office = outgoing_office
    document = issued_document(office, draft_bytes)
    outbox.send_due()
    recipient = external(document)

    recall_outgoing(office.clerk, document.id, "Ban hành nhầm đối tượng")
    [row] = rows_of(recipient, "outgoing_recall")
    assert row.idempotency_key == f"{document.document_key}|edoc1|{recipient.message_id}"
    assert tracked(office, document)["status_code"] == "13"
    outbox.send_due()
    assert FakePeer.sent[-1].key == row.idempotency_key

    answer = post_status(client, document, "15", "Đồng ý thu hồi văn bản")
    assert answer.status_code == 200, answer.get_json()
    db.session.expire_all()
    assert [h["code"] for h in tracked(office, document)["history"]] == ["13", "15"]


def test_a_package_still_waiting_when_the_document_is_recalled_is_never_sent(
    outgoing_office, draft_bytes, peer, frozen_clock
):
    office = outgoing_office
    document = issued_document(office, draft_bytes)
    recipient = external(document)

    recall_outgoing(office.clerk, document.id, "Ban hành nhầm")
    [row] = rows_of(recipient)
    assert (row.state, row.last_error) == (OutboxState.FAILED, "Văn bản đã thu hồi trước khi gửi được.")
    assert rows_of(recipient, "outgoing_recall") == []  # nothing was delivered: nothing to ask back
    outbox.send_due()
    assert FakePeer.sent == []
