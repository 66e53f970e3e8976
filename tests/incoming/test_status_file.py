"""A status owed to a sender no connector reaches, downloaded as a signed .edxml file for the clerk to send by hand
(seed 000 Điều 15.3: the sender learns the same day that its document arrived; legal.md §4.5)."""

import io

import sqlalchemy as sa

from app.core.db import db
from app.exchange.edxml import parse_status
from app.exchange.models import StatusMessage
from app.incoming.models import IncomingDocument
from tests.conftest import csrf_token, login
from tests.incoming.test_edxml import DOCUMENT_ID, package


def test_the_clerk_downloads_the_01_owed_to_an_outside_sender(client, incoming_office, signed_pdf):
    login(client, "vanthu")
    token = csrf_token(client, "/incoming/new")
    client.post(
        "/incoming/new",
        data={"csrf_token": token, "channel": "edxml", "package": (io.BytesIO(package(signed_pdf)), "goi.edxml")},
        content_type="multipart/form-data",
    )
    document = db.session.scalar(sa.select(IncomingDocument))
    status = db.session.scalar(sa.select(StatusMessage).where(StatusMessage.object_id == str(document.id)))
    assert status.code == "01" and status.delivered_at is None  # the sender is outside: nothing delivered it

    page = client.get(f"/incoming/{document.id}").get_data(as_text=True)
    assert "chưa gửi đến nơi ban hành" in page and 'data-testid="status-file"' in page
    answer = client.get(f"/incoming/{document.id}/statuses/{status.id}.edxml")
    assert answer.status_code == 200 and answer.headers["Content-Disposition"].startswith("attachment")
    sent = parse_status(answer.data)
    assert (sent.code, sent.response_for_key) == ("01", DOCUMENT_ID)
    assert sent.from_code == incoming_office.agency.code and sent.response_for_code == "000.00.01.H33"

    client.post("/logout", data={"csrf_token": csrf_token(client, "/")})
    login(client, "lanhdao")  # a leader sees the document, not the clerk's download
    assert 'data-testid="status-file"' not in client.get(f"/incoming/{document.id}").get_data(as_text=True)
    assert client.get(f"/incoming/{document.id}/statuses/{status.id}.edxml").status_code == 403
    assert client.get(f"/incoming/{document.id}/statuses/{status.id + 999}.edxml").status_code in (403, 404)


def test_the_api_gives_the_same_file(client, incoming_office, signed_pdf, api_token):
    from app.core.transaction import unit_of_work
    from tests.incoming.test_edxml import import_package

    with unit_of_work():
        document = import_package(incoming_office.clerk, package(signed_pdf))
    headers = api_token(incoming_office.clerk)
    detail = client.get(f"/api/v1/incoming/{document.id}", headers=headers).get_json()
    status_id = detail["statuses"][0]["id"]
    answer = client.get(f"/api/v1/incoming/{document.id}/statuses/{status_id}/edxml", headers=headers)
    assert answer.status_code == 200 and parse_status(answer.data).code == "01"
    leader = api_token(incoming_office.leader)
    refused = client.get(f"/api/v1/incoming/{document.id}/statuses/{status_id}/edxml", headers=leader)
    assert refused.status_code in (403, 404) and refused.get_json()["code"]


def test_a_sender_a_connector_reaches_gets_no_download(client, incoming_office, signed_pdf):
    """The connector sends the status itself (app.exchange.handlers): the page says so, no file to send by hand."""
    from app.core.transaction import unit_of_work
    from app.exchange import directory, peers
    from app.exchange.models import ExchangePeer
    from tests.incoming.test_edxml import import_package

    with unit_of_work():
        peer = ExchangePeer(name="Tỉnh Kiên Giang", key_id="kg", base_url="http://127.0.0.1:9")
        db.session.add(peer)
        db.session.flush()
        peers.set_secret(peer, peers.new_secret())
        directory.add_entry(None, code="000.00.01.H33", name="Sở Nội vụ tỉnh Kiên Giang", peer_id=peer.id)
        document = import_package(incoming_office.clerk, package(signed_pdf))
    login(client, "vanthu")
    page = client.get(f"/incoming/{document.id}").get_data(as_text=True)
    assert "đang gửi qua hệ thống liên thông" in page and 'data-testid="status-file"' not in page
    status = db.session.scalar(sa.select(StatusMessage).where(StatusMessage.object_id == str(document.id)))
    assert client.get(f"/incoming/{document.id}/statuses/{status.id}.edxml").status_code == 403
