"""The specialist handling a document drafts its reply from the task page, not only from the document's page."""

from tests.conftest import login
from tests.incoming.test_handling import in_handling, registered


def test_the_handling_task_offers_to_draft_the_reply(client, incoming_office, signed_pdf, frozen_clock):
    document, _instance, handle = in_handling(incoming_office, signed_pdf)
    login(client, "cv.a1")
    page = client.get(f"/tasks/{handle.id}").get_data(as_text=True)
    assert f'href="/outgoing/new?reply_to={document.id}"' in page and "Soạn văn bản trả lời" in page


def test_the_direction_task_does_not(client, incoming_office, signed_pdf, frozen_clock):
    document, _instance, direct = registered(incoming_office, signed_pdf)
    login(client, "lanhdao")
    page = client.get(f"/tasks/{direct.id}").get_data(as_text=True)
    assert "Xem chi tiết văn bản" in page and f"reply_to={document.id}" not in page
