"""An administrator sees every delegation of the agencies they manage and sets one up for an absent leader."""

import re

import sqlalchemy as sa

from app.audit.models import AuditEvent
from app.core.db import db
from app.org.models import Delegation
from tests.conftest import csrf_token, login


def test_admin_creates_a_delegation_on_behalf_of_a_leader_and_sees_it(client, admin, create_user, frozen_clock):
    leader = create_user(roles=("lanh_dao",), agency=admin.agency, full_name="Lãnh Đạo Vắng")
    deputy = create_user(roles=("chuyen_vien",), agency=admin.agency, full_name="Phó Thay Thế")
    login(client, "admin1")
    token = csrf_token(client, "/delegations/new")
    form = {
        "csrf_token": token,
        "from_user_id": str(leader.id),
        "to_user_id": str(deputy.id),
        "roles": ["lanh_dao"],
        "starts_at": "2026-11-23T08:00",
        "ends_at": "2026-11-30T17:00",
        "reason": "Đi công tác",
    }
    assert client.post("/delegations/new", data=form).status_code == 302
    delegation = db.session.scalar(sa.select(Delegation))
    assert (delegation.from_user_id, delegation.to_user_id, delegation.roles) == (leader.id, deputy.id, ["lanh_dao"])
    event = db.session.scalar(sa.select(AuditEvent).where(AuditEvent.action == "delegation.create"))
    assert event.actor_id == admin.id
    page = client.get("/delegations").get_data(as_text=True)
    assert "Lãnh Đạo Vắng" in page and "Phó Thay Thế" in page


def test_admin_cannot_delegate_in_an_agency_they_do_not_manage(client, admin, create_user, create_agency):
    other = create_agency()
    leader = create_user(roles=("lanh_dao",), agency=other)
    deputy = create_user(agency=other)
    login(client, "admin1")
    token = csrf_token(client, "/delegations/new")
    form = {
        "csrf_token": token,
        "from_user_id": str(leader.id),
        "to_user_id": str(deputy.id),
        "starts_at": "2026-11-23T08:00",
        "ends_at": "2026-11-30T17:00",
    }
    response = client.post("/delegations/new", data=form)
    assert response.status_code == 422 and "Bạn không quản trị cơ quan này." in response.get_data(as_text=True)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Delegation)) == 0


def test_a_person_is_offered_only_the_roles_they_hold_an_admin_every_role(client, admin, create_user):
    create_user(roles=("lanh_dao", "van_thu"), agency=admin.agency, username="ld.vt")
    login(client, "ld.vt")
    page = client.get("/delegations/new").get_data(as_text=True)
    offered = set(re.findall(r'name="roles"[^>]*value="([a-z_]+)"', page))
    assert offered == {"lanh_dao", "van_thu"}, offered
    assert "mọi vai trò của người ủy quyền" in page
    admin_client = client.application.test_client()
    login(admin_client, "admin1")
    page = admin_client.get("/delegations/new").get_data(as_text=True)
    assert len(set(re.findall(r'name="roles"[^>]*value="([a-z_]+)"', page))) == 7  # the giver is chosen on the form


def test_nobody_is_chosen_to_receive_a_delegation_until_someone_is(client, admin, create_user):
    leader = create_user(roles=("lanh_dao",), agency=admin.agency, username="ld.chon")
    login(client, "ld.chon")
    page = client.get("/delegations/new").get_data(as_text=True)
    assert '<option selected value="">— Chọn người được ủy quyền —</option>' in page, page[page.find("to_user_id") :][
        :400
    ]
    form = {
        "csrf_token": csrf_token(client, "/delegations/new"),
        "from_user_id": str(leader.id),
        "to_user_id": "",
        "starts_at": "2026-11-23T08:00",
        "ends_at": "2026-11-30T17:00",
    }
    response = client.post("/delegations/new", data=form)
    assert response.status_code == 422 and "Chọn người nhận ủy quyền." in response.get_data(as_text=True)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Delegation)) == 0
