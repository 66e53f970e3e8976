"""The home page — the most visited page — runs a bounded number of SQL statements, however much work there is.

Each figure is one capped count on an index (the inbox's, the documents' agency+status ones); a lazy load or a
query per row that comes back fails here. Savepoints are left out (the suite turns a commit into one).
"""

import pytest

from app.outgoing import services as outgoing
from tests.conftest import login
from tests.incoming.conftest import receive
from tests.outgoing.conftest import new_draft
from tests.workflow.test_request_statements import counted

pytestmark = pytest.mark.usefixtures("frozen_clock")

# The clerk's page: the session, its user and roles; "Việc của tôi": the delegations (for the inbox's scopes), the
# first tasks with their count, the three filtered counts in one statement; "Văn bản đến": its counts in one
# statement, its top items; "Văn bản đi": its counts and the late replies in one statement; the delegations panel;
# the menu's badge (its own delegations read and count); the header's bell (unread count); "Thông báo chưa đọc" (its
# newest unread); the agency's name in the heading; "Văn bản chưa lập hồ sơ" (app.dossiers.unfiled: one capped
# count, its items only when there are some). The API: a token instead of the session, no menu, no bell. A leader's
# page adds the extension requests waiting for their decision (one statement when there are none).
CLERK_PAGE, CLERK_API, LEADER_PAGE = 16, 10, 17


def test_the_home_page_runs_a_bounded_number_of_statements(client, outgoing_office, draft_bytes, api_token):
    office = outgoing_office
    receive(office, draft_bytes)
    headers = api_token(office.clerk)
    assert client.get("/api/v1/me", headers=headers).status_code == 200  # the token's first use records it
    login(client, office.clerk.username)
    with counted() as few:
        assert client.get("/").status_code == 200
    with counted() as few_api:
        assert client.get("/api/v1/home", headers=headers).status_code == 200
    for n in range(5):
        receive(office, draft_bytes, code_number=str(200 + n))
        outgoing.submit(office.spec_a1, new_draft(office, draft_bytes).id)
    with counted() as many:
        assert client.get("/").status_code == 200
    with counted() as many_api:
        assert client.get("/api/v1/home", headers=headers).status_code == 200
    assert len(many) == len(few) <= CLERK_PAGE, "\n---\n".join(s[:150] for s in many)
    assert len(many_api) == len(few_api) <= CLERK_API, many_api


def test_a_leader_s_home_page_is_bounded_too(client, outgoing_office, draft_bytes):
    office = outgoing_office
    for _n in range(3):
        outgoing.submit(office.spec_a1, new_draft(office, draft_bytes).id)
    login(client, office.leader.username)
    with counted() as statements:
        assert client.get("/").status_code == 200
    assert len(statements) <= LEADER_PAGE, statements
