"""Inside one agency, a văn bản đi is seen by who it concerns; another agency never sees it.

The clerks and the agency's leaders see every document; the drafter, the proposed signer and the drafting unit (its
leader reviews the content) see the draft from the start; a consulted unit from the moment its opinion is asked;
whoever is handed a step of it from then on; once issued, the whole agency. The list, the page, the files and the
API answer alike (404 otherwise): one rule, app.outgoing.permissions.
"""

import re

import pytest

from app.core.errors import NotFound
from app.org import services as org
from app.outgoing import queries, services
from app.outgoing.queries import OutgoingFilter
from app.workflow import services as wf
from tests.conftest import login
from tests.outgoing.conftest import issued_document, new_draft, task_named


def sees(user, document) -> bool:
    """Whether `user` may open the document — and then also list it and download its draft; else none of them."""
    listed = document.id in {d.id for d in queries.search(user, OutgoingFilter())}
    try:
        services.get_document(user, document.id)
        services.version_file(user, document.id, document.versions[0].id)
        opened = True
    except NotFound:
        opened = False
    assert listed == opened, f"{user.username}: the list says {listed}, the page {opened}"
    return opened


@pytest.fixture
def people(outgoing_office, create_user):
    office = outgoing_office
    unit_c = org.create_unit(None, agency_id=office.agency.id, name="Phòng Văn hóa - Xã hội", abbreviation="VX")
    spec_c = create_user(roles=("chuyen_vien",), agency=office.agency, unit_id=unit_c.id, username="cv.c")
    return [
        office.clerk,
        office.leader,  # the proposed signer too
        office.unit_leader,  # leads the drafting unit: reviews the content
        office.spec_a1,  # the drafter
        office.spec_a2,  # the drafter's colleague
        office.unit_b_leader,  # leads the consulted unit
        office.spec_b,
        spec_c,  # another unit, not concerned
        office.admin,
        office.snv.clerk,  # another agency, a recipient
        office.snv.leader,
    ]


def who_sees(people, document) -> set[str]:
    return {user.username for user in people if sees(user, document)}


DRAFTERS_CIRCLE = {"vanthu", "lanhdao", "truongphong", "cv.a1", "cv.a2"}


# NĐ 30 Phụ lục VI III.3.b
def test_a_draft_is_seen_by_its_circle_and_a_consulted_unit_once_it_is_asked(outgoing_office, draft_bytes, people):
    office = outgoing_office
    document = new_draft(office, draft_bytes, consult_unit_ids=[office.unit_b.id], consult_due="2026-11-25")
    assert who_sees(people, document) == DRAFTERS_CIRCLE  # Phòng Kinh tế is not asked yet: an unsent draft
    services.submit(office.spec_a1, document.id)
    assert who_sees(people, document) == DRAFTERS_CIRCLE | {"truongphong.kt", "cv.b"}


def test_whoever_is_handed_a_step_sees_the_draft_in_the_list_and_on_its_page(outgoing_office, draft_bytes, people):
    office = outgoing_office
    spec_c = next(user for user in people if user.username == "cv.c")
    document = new_draft(office, draft_bytes)
    services.submit(office.spec_a1, document.id)
    assert not sees(spec_c, document)
    wf.reassign_task(office.clerk, task_named(document, "review_content").id, spec_c.id)
    assert sees(spec_c, document)


# NĐ 30 Phụ lục VI III.3.b
def test_an_issued_document_is_seen_by_the_whole_agency_and_by_no_other(outgoing_office, draft_bytes, people):
    document = issued_document(outgoing_office, draft_bytes)
    assert who_sees(people, document) == {user.username for user in people} - {"vanthu.snv", "lanhdao.snv"}


# NĐ 30 Phụ lục VI III.3.b
def test_a_specialist_not_concerned_gets_404_on_the_page_the_file_and_the_api(
    client, outgoing_office, draft_bytes, people, api_token
):
    office = outgoing_office
    document = new_draft(office, draft_bytes, consult_unit_ids=[office.unit_b.id], consult_due="2026-11-25")
    services.submit(office.spec_a1, document.id)
    [version] = document.versions
    login(client, "cv.c")
    assert client.get(f"/outgoing/{document.id}").status_code == 404
    assert client.get(f"/outgoing/{document.id}/versions/{version.id}").status_code == 404
    assert document.subject not in client.get("/outgoing?tab=all").get_data(as_text=True)
    stranger = api_token(next(user for user in people if user.username == "cv.c"))
    assert client.get(f"/api/v1/outgoing/{document.id}", headers=stranger).status_code == 404
    assert client.get(f"/api/v1/outgoing/{document.id}/versions/{version.id}", headers=stranger).status_code == 404
    assert client.get("/api/v1/outgoing", headers=stranger).json["items"] == []
    consulted = api_token(office.spec_b)  # asked for its unit's opinion: the list and the document agree
    assert [d["id"] for d in client.get("/api/v1/outgoing", headers=consulted).json["items"]] == [document.id]
    assert client.get(f"/api/v1/outgoing/{document.id}", headers=consulted).status_code == 200


def test_the_document_page_links_only_the_steps_the_reader_may_open(client, outgoing_office, draft_bytes):
    office = outgoing_office
    document = new_draft(office, draft_bytes)
    services.submit(office.spec_a1, document.id)  # the content review waits for Phòng Tổng hợp's leader
    login(client, "cv.a2")  # the drafter's colleague follows the draft, not its leader's step
    page = client.get(f"/outgoing/{document.id}").get_data(as_text=True)
    assert "Duyệt nội dung dự thảo" in page
    assert [link for link in re.findall(r'href="(/tasks/\d+)"', page) if client.get(link).status_code != 200] == []
