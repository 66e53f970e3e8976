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
from tests.conftest import csrf_token, login
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
def test_a_draft_is_seen_by_its_circle_and_a_consulted_unit_once_it_is_asked(
    outgoing_office, draft_bytes, people, frozen_clock
):
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
    client, outgoing_office, draft_bytes, people, api_token, frozen_clock
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


def test_a_reply_may_answer_only_an_incoming_document_the_drafter_may_see_and_not_recalled(
    client, outgoing_office, draft_bytes, api_token
):
    """The draft form's "Văn bản trả lời cho" lists, and the service accepts, only incoming documents the drafter may
    open (app.incoming.permissions.visible_filter) that are not recalled: nothing of the others leaks."""
    from app.core.db import db
    from app.core.errors import ValidationError
    from app.documents.uploads import Upload
    from app.incoming import services as incoming
    from app.incoming.models import IncomingStatus
    from tests.signing.factories import make_pdf

    office = outgoing_office

    def received(subject: str):
        return incoming.receive_incoming(
            office.clerk,
            channel="paper",
            metadata={"sender_name": "Bộ Nội vụ", "type_name": "Công văn", "subject": subject},
            uploads=[Upload("scan.pdf", make_pdf("CV"), is_main=True)],
        )

    mine, hidden, recalled = received("Về việc của tôi"), received("Về việc bí mật khác"), received("Về việc đã thu")
    mine.lead_user_id = recalled.lead_user_id = office.spec_a1.id  # directed to the drafter
    recalled.status = IncomingStatus.RECALLED
    db.session.flush()

    def reply_select(path: str = "/outgoing/new") -> str:
        page = client.get(path).get_data(as_text=True)
        return page.split('id="reply_to_id"', 1)[1].split("</select>", 1)[0]

    login(client, office.spec_a1.username)
    form = reply_select()
    assert f'<option value="{mine.id}"' in form
    assert f'<option value="{hidden.id}"' not in form and "bí mật khác" not in form
    assert f'<option value="{recalled.id}"' not in form
    form = reply_select(f"/outgoing/new?reply_to={hidden.id}")  # not even when asked for
    assert "bí mật khác" not in form

    for refused in (hidden, recalled):
        with pytest.raises(ValidationError) as err:
            new_draft(office, draft_bytes, reply_to_id=refused.id)
        assert "reply_to_id" in err.value.details
    reply = client.post(
        "/api/v1/outgoing",
        json={"type_code": "CV", "subject": "Trả lời", "signer_id": office.leader.id, "reply_to_id": hidden.id},
        headers=api_token(office.spec_a1),
    )
    assert reply.status_code == 422 and "reply_to_id" in str(reply.get_json())
    answer = new_draft(office, draft_bytes, reply_to_id=mine.id)
    assert answer.reply_to_id == mine.id
    # Recalled after the draft named it: the draft keeps it when edited, by form and service alike.
    mine.status = IncomingStatus.RECALLED
    db.session.flush()
    assert f'<option value="{mine.id}" selected' in reply_select(f"/outgoing/{answer.id}/edit")
    assert services.update_draft(office.spec_a1, answer.id, metadata={"subject": "Trả lời lại"}).reply_to_id == mine.id
    assert f'<option value="{mine.id}"' not in reply_select()  # but a new draft cannot name it
    # The clerk sees every document of the agency, but a recalled one is still not answered.
    client.post("/logout", data={"csrf_token": csrf_token(client, "/")})
    login(client, office.clerk.username)
    form = reply_select()
    assert f'<option value="{hidden.id}"' in form and f'<option value="{recalled.id}"' not in form
