"""Inside one agency, an incoming document is seen by who it concerns (NĐ 30/2020 Phụ lục VI III.3.b).

The clerks, the agency's leaders and its administrators see every document; the people and units a direction names
(lead, coordinating, informed) and whoever had a task of it see that document; nobody else — unless the agency opens
registered documents to all its staff. The list, the page, the file and the API answer alike (404 otherwise).
"""

import re

import pytest

from app.core.errors import NotFound
from app.incoming import queries, services
from app.incoming.queries import IncomingFilter
from tests.conftest import csrf_token, login
from tests.incoming.test_printing import Procedure, at


def sees(user, document) -> bool:
    listed = document.id in {d.id for d in queries.search(user, IncomingFilter())}
    try:
        services.get_document(user, document.id)
        opened = True
    except NotFound:
        opened = False
    assert listed == opened, f"{user.username}: the list and the page disagree"
    return opened


@pytest.fixture
def directed(incoming_office, signed_pdf, frozen_clock):
    """Registered, then directed: Phòng Tổng hợp (unit_a) leads, nobody coordinates."""
    procedure = Procedure(incoming_office, frozen_clock, signed_pdf)
    received = procedure.document
    assert {u.username for u in people(incoming_office) if sees(u, received)} == {"vanthu", "lanhdao", "quantri"}
    procedure.register(when=at(23)).direct(at(23, 10), lead_unit_id=incoming_office.unit_a.id)
    return procedure.document


def people(office):
    return [
        office.clerk,
        office.leader,
        office.unit_leader,
        office.spec_a1,
        office.spec_a2,
        office.spec_b,
        office.admin,
    ]


# NĐ 30 Phụ lục VI III.3.b
def test_a_direction_opens_the_document_to_the_lead_unit_and_no_other(directed, incoming_office):
    office = incoming_office
    visible = {u.username for u in people(office) if sees(u, directed)}
    # The lead unit — its leader and its specialists — now sees it; Phòng Kinh tế does not.
    assert visible == {"vanthu", "lanhdao", "quantri", "truongphong", "cv.a1", "cv.a2"}


def test_the_agency_may_open_registered_documents_to_all_staff(directed, incoming_office):
    office = incoming_office
    assert not sees(office.spec_b, directed)
    office.agency.open_incoming_to_staff = True
    assert sees(office.spec_b, directed)


# NĐ 30 Phụ lục VI III.3.b
def test_a_stranger_of_the_agency_gets_404_on_the_page_the_file_and_the_api(
    client, directed, incoming_office, api_token
):
    office = incoming_office
    [main] = directed.files
    login(client, "cv.b")
    assert client.get(f"/incoming/{directed.id}").status_code == 404
    assert client.get(f"/incoming/{directed.id}/files/{main.id}").status_code == 404
    assert str(directed.subject) not in client.get("/incoming").get_data(as_text=True)
    headers = api_token(office.spec_b)
    assert client.get(f"/api/v1/incoming/{directed.id}", headers=headers).status_code == 404
    assert client.get(f"/api/v1/incoming/{directed.id}/files/{main.id}", headers=headers).status_code == 404
    assert directed.id not in {d["id"] for d in client.get("/api/v1/incoming", headers=headers).json["items"]}
    assert client.get(f"/api/v1/incoming/{directed.id}", headers=api_token(office.spec_a1)).status_code == 200


TASK_LINK = re.compile(r'href="(/tasks/\d+)"')


def test_the_document_page_links_only_the_steps_the_reader_may_open(client, directed, incoming_office):
    """The lead unit's specialist sees the document and its steps, but not the clerk's and the leader's tasks."""
    login(client, "cv.a1")
    page = client.get(f"/incoming/{directed.id}").get_data(as_text=True)
    assert "Kiểm tra văn bản đến" in page and "Cho ý kiến chỉ đạo" in page  # the steps are listed, as plain text
    links = TASK_LINK.findall(page)
    assert [link for link in links if client.get(link).status_code != 200] == []
    client.post("/logout", data={"csrf_token": csrf_token(client, "/")})
    login(client, "vanthu")  # the clerk may open every step of the agency's documents: each one is a link
    page = client.get(f"/incoming/{directed.id}").get_data(as_text=True)
    links = TASK_LINK.findall(page)
    assert len(links) >= 3 and all(client.get(link).status_code == 200 for link in links)
