"""Inside one agency, electronic copies are seen by its clerks and leaders; other staff and other agencies never.

NĐ 30/2020 Điều 25: the Văn thư makes and signs the copies, under the head of the agency. The list, the download and
the API answer alike (404 otherwise): one rule, app.copies.permissions.
"""

from app.copies import services
from app.core.errors import NotFound
from tests.conftest import login
from tests.copies.test_copies import scan


def sees(user, copy) -> bool:
    listed = copy.id in {c.id for c in services.list_copies(user)}
    try:
        services.copy_file(user, copy.id)
        opened = True
    except NotFound:
        opened = False
    assert listed == opened, f"{user.username}: the list says {listed}, the download {opened}"
    return opened


def test_copies_are_seen_by_the_clerks_and_leaders_of_the_agency_only(outgoing_office):
    office = outgoing_office
    copy = scan(office)
    sao_luc = services.make_copy(office.clerk, form="SL", source_kind="copy", source_id=copy.id)
    people = [
        office.clerk,
        office.leader,
        office.unit_leader,
        office.spec_a1,
        office.spec_b,
        office.admin,
        office.snv.clerk,
        office.snv.leader,
    ]
    for made in (copy, sao_luc):
        assert {user.username for user in people if sees(user, made)} == {"vanthu", "lanhdao"}


def test_a_specialist_gets_404_on_the_download_and_nothing_in_the_lists(outgoing_office, client, api_token):
    office = outgoing_office
    copy = scan(office)
    login(client, office.spec_a1.username)
    assert client.get(f"/copies/{copy.id}/file").status_code == 404
    assert copy.subject not in client.get("/copies").get_data(as_text=True)
    headers = api_token(office.spec_a1)
    assert client.get(f"/api/v1/copies/{copy.id}/file", headers=headers).status_code == 404
    assert client.get("/api/v1/copies", headers=headers).json["items"] == []
    leader = api_token(office.leader)
    assert client.get(f"/api/v1/copies/{copy.id}/file", headers=leader).status_code == 200
    assert [c["id"] for c in client.get("/api/v1/copies", headers=leader).json["items"]] == [copy.id]
