"""The home page per role (issue 11 point 3): each person sees the panels that apply, with figures that are exactly
the lists they link to, and nothing of another agency. Real processes, a frozen clock for "due today" and "overdue".
"""

import re
from types import SimpleNamespace

import pytest

from app.outgoing import services as outgoing
from app.workflow import services as wf
from tests.conftest import login
from tests.incoming.conftest import instance_of, receive
from tests.outgoing.conftest import new_draft, task_named, to_signing
from tests.workflow.conftest import open_tasks

pytestmark = pytest.mark.usefixtures("frozen_clock")


def figures(client, headers) -> dict[str, dict[str, int]]:
    """{panel id: {figure key: count}} of GET /api/v1/home."""
    response = client.get("/api/v1/home", headers=headers)
    assert response.status_code == 200, response.json
    return {p["id"]: {f["key"]: f["count"] for f in p["figures"]} for p in response.json["panels"]}


def urls(client, headers) -> dict[str, str]:
    response = client.get("/api/v1/home", headers=headers)
    return {f"{p['id']}.{f['key']}": f["url"] for p in response.json["panels"] for f in p["figures"]}


def home_page(client, user) -> str:
    login(client, user.username)
    response = client.get("/")
    assert response.status_code == 200
    return response.get_data(as_text=True)


def listed(client, url: str, marker: str) -> int:
    """How many rows a list page shows (by a marker each row carries)."""
    return len(re.findall(marker, client.get(url).get_data(as_text=True)))


def test_a_clerk_sees_the_intake_queue_and_what_awaits_format_check(client, outgoing_office, draft_bytes, api_token):
    office = outgoing_office
    first = receive(office, draft_bytes)
    receive(office, draft_bytes, code_number="124", subject="Về việc lấy ý kiến dự thảo quy chế")
    document = new_draft(office, draft_bytes)
    outgoing.submit(office.spec_a1, document.id)
    wf.complete_task(office.unit_leader, task_named(document, "review_content").id, {}, outcome="approve")
    # Another agency's arrival is not this clerk's.
    receive(SimpleNamespace(clerk=office.snv.clerk), draft_bytes, code_number="125")

    found = figures(client, api_token(office.clerk))
    assert found["incoming"] == {"to_receive": 2, "electronic": 2, "overdue": 0}
    assert found["outgoing"]["format_check"] == 1 and found["outgoing"]["to_issue"] == 0
    assert "to_sign" not in found["outgoing"]
    # Two check steps (due at 11:00 today, the 2-hour intake rule) and the format check (due on a later day).
    assert found["my_work"] == {"overdue": 0, "due_today": 2, "new": 3, "open": 3}
    assert "delegations" in found

    page = home_page(client, office.clerk)
    assert 'data-testid="home-panel-incoming"' in page and "Chờ tiếp nhận, vào sổ" in page
    assert f"/incoming/{first.id}" in page  # the queue's top items link to the documents
    assert 'aria-labelledby="home-my_work-h"' in page
    assert "Không có việc quá hạn." in page
    # Each figure links to the list it counts.
    links = urls(client, api_token(office.clerk))
    assert listed(client, links["incoming.to_receive"], r'href="/incoming/\d+"') == 2
    assert listed(client, links["my_work.due_today"], r'href="/tasks/\d+"') == 2

    api = client.get("/api/v1/incoming?status=received&channel=electronic", headers=api_token(office.clerk)).json
    assert len(api["items"]) == 2

    other = figures(client, api_token(office.snv.clerk))
    assert other["incoming"]["to_receive"] == 1 and other["outgoing"]["format_check"] == 0


def test_an_agency_leader_sees_what_awaits_direction_and_signature(client, outgoing_office, draft_bytes, api_token):
    office = outgoing_office
    arrival = receive(office, draft_bytes)
    [check] = open_tasks(instance_of(arrival))
    wf.complete_task(office.clerk, check.id, {}, outcome="tiep_nhan")
    [register] = open_tasks(instance_of(arrival))
    wf.complete_task(
        office.clerk, register.id, {"sender_name": "Sở Nội vụ", "type_name": "Công văn", "subject": arrival.subject}
    )
    document = new_draft(office, draft_bytes)
    to_signing(office, document)

    found = figures(client, api_token(office.leader))
    assert found["incoming"]["to_direct"] == 1 and "to_receive" not in found["incoming"]
    assert found["outgoing"]["to_sign"] == 1 and "format_check" not in found["outgoing"]
    assert found["my_work"]["open"] == 2  # the direction and the signature
    links = urls(client, api_token(office.leader))
    login(client, office.leader.username)
    assert listed(client, links["outgoing.to_sign"], r'href="/outgoing/\d+"') == 1
    assert listed(client, links["incoming.to_direct"], r'href="/incoming/\d+"') == 1

    api = client.get("/api/v1/outgoing?status=signing&to_sign=true", headers=api_token(office.leader)).json
    assert [d["id"] for d in api["items"]] == [document.id]
    assert figures(client, api_token(office.snv.leader))["outgoing"]["to_sign"] == 0


def test_a_unit_leader_sees_drafts_to_review(client, outgoing_office, draft_bytes, api_token):
    office = outgoing_office
    document = new_draft(office, draft_bytes)
    outgoing.submit(office.spec_a1, document.id)
    found = figures(client, api_token(office.unit_leader))
    assert found["outgoing"]["to_review"] == 1 and found["my_work"]["open"] == 1
    assert "to_receive" not in found["incoming"] and "to_direct" not in found["incoming"]
    # The other unit's leader has nothing to review.
    assert figures(client, api_token(office.unit_b_leader))["outgoing"]["to_review"] == 0
    page = home_page(client, office.unit_leader)
    assert "Chờ duyệt nội dung" in page and document.subject in page


def test_a_specialist_sees_drafts_returned_to_them(client, outgoing_office, draft_bytes, api_token):
    office = outgoing_office
    document = new_draft(office, draft_bytes)
    outgoing.submit(office.spec_a1, document.id)
    wf.complete_task(
        office.unit_leader, task_named(document, "review_content").id, {"y_kien": "Sửa đoạn 2"}, outcome="return"
    )
    found = figures(client, api_token(office.spec_a1))
    assert found["outgoing"]["returned"] == 1
    assert set(found["incoming"]) == {"overdue"} and found["my_work"]["open"] == 1  # revise the draft
    assert figures(client, api_token(office.spec_a2))["outgoing"]["returned"] == 0


@pytest.mark.parametrize("who", ["admin", "archivist", "designer"])
def test_roles_without_documents_see_their_work_only(client, outgoing_office, create_user, api_token, who):
    office = outgoing_office
    user = {
        "admin": office.admin,
        "archivist": create_user(roles=("luu_tru",), agency=office.agency, username="luutru"),
        "designer": create_user(roles=("thiet_ke",), agency=office.agency, username="thietke"),
    }[who]
    found = figures(client, api_token(user))
    assert set(found) == {"my_work", "notifications", "delegations"}
    page = home_page(client, user)
    assert "Không có việc nào đang chờ bạn." in page and "home-panel-incoming" not in page
    assert 'data-testid="home-empty-delegations"' in page


def test_due_today_becomes_overdue_and_new_becomes_old(client, outgoing_office, draft_bytes, api_token, frozen_clock):
    office = outgoing_office
    receive(office, draft_bytes)  # the clerk's check is due at 11:00 today (2 working hours)
    headers = api_token(office.clerk)
    assert figures(client, headers)["my_work"] == {"overdue": 0, "due_today": 1, "new": 1, "open": 1}
    frozen_clock.advance(hours=3)  # 12:00: past the deadline
    assert figures(client, headers)["my_work"] == {"overdue": 1, "due_today": 0, "new": 1, "open": 1}
    frozen_clock.advance(hours=24)  # tomorrow: no longer new
    assert figures(client, headers)["my_work"] == {"overdue": 1, "due_today": 0, "new": 0, "open": 1}
    page = home_page(client, office.clerk)
    assert "Quá hạn</span>" in page and "Không có việc quá hạn." not in page  # the top item is marked overdue
    assert listed(client, "/tasks?overdue=1", r'href="/tasks/\d+"') == 1
    assert listed(client, "/tasks?new=1", r'href="/tasks/\d+"') == 0
    # The REST inbox takes the same filters.
    assert client.get("/api/v1/tasks?due_today=true", headers=headers).json["total"] == 0
    assert client.get("/api/v1/tasks?overdue=true", headers=headers).json["total"] == 1


def test_the_home_api_needs_a_token(client):
    assert client.get("/api/v1/home").status_code == 401
