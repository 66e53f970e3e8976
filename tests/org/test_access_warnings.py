"""NĐ 30/2020 Phụ lục VI III.3.c: each change of access rights is warned about until a person with authority confirms
it; the confirmation is audited (app.audit.access_warnings, app.org.access_warnings)."""

from datetime import timedelta

import pytest
import sqlalchemy as sa

from app.audit.models import AccessChangeWarning, AuditEvent
from app.core import clock
from app.core.db import db
from app.core.errors import NotFound, PermissionDenied
from app.org import access_warnings, delegations, services
from tests.conftest import csrf_token, login


@pytest.fixture
def agency_people(create_agency, create_user):
    agency = create_agency()
    admin = create_user(roles=("quan_tri",), agency=agency, username="qt.a")
    head = create_user(roles=("lanh_dao",), agency=agency, username="ld.a")
    clerk = create_user(roles=("van_thu",), agency=agency, username="vt.a")
    return agency, admin, head, clerk


def _open_actions(user) -> list[str]:
    return [w.event.action for w in access_warnings.open_warnings(user)]


def test_each_kind_of_access_change_warns_the_head_and_the_admin(agency_people, frozen_clock):
    agency, admin, head, clerk = agency_people
    assert _open_actions(head) == []  # accounts made by the system (setup) warn nobody
    services.update_user(admin, clerk.id, full_name=clerk.full_name, roles=["van_thu", "luu_tru"])
    services.update_user(admin, clerk.id, full_name="Tên mới", roles=["van_thu", "luu_tru"])  # no role change
    now = clock.now()
    delegation = delegations.create_delegation(
        admin, from_user_id=head.id, to_user_id=clerk.id, starts_at=now, ends_at=now + timedelta(days=3)
    )
    delegations.revoke_delegation(admin, delegation.id)
    services.update_agency(admin, agency.id, open_incoming_to_staff=True)
    services.update_agency(admin, agency.id, name="Tên cơ quan mới")  # not an access change
    expected = ["user.update", "delegation.create", "delegation.revoke", "agency.update"]
    assert _open_actions(head) == expected
    assert _open_actions(admin) == expected
    assert access_warnings.count_open(head) == 4
    assert access_warnings.overseen_agency_ids(clerk) == set()


def test_the_head_confirms_the_admin_cannot_confirm_their_own_change(agency_people, create_user, frozen_clock):
    agency, admin, head, clerk = agency_people
    services.update_user(admin, clerk.id, full_name=clerk.full_name, roles=["van_thu", "quan_tri"])
    (warning,) = access_warnings.open_warnings(head)
    with pytest.raises(PermissionDenied) as err:
        access_warnings.confirm_warning(admin, warning.id)
    assert err.value.code == "own_access_change"
    with pytest.raises(PermissionDenied):
        access_warnings.confirm_warning(clerk, warning.id)  # now an administrator, but of their own promotion
    with pytest.raises(NotFound):
        access_warnings.confirm_warning(create_user(agency=agency), warning.id)  # no authority: not told it exists
    access_warnings.confirm_warning(head, warning.id, note="Đúng chỉ đạo")
    assert access_warnings.open_warnings(admin) == []
    assert [w.id for w in access_warnings.confirmed_warnings(admin)] == [warning.id]
    confirmation = db.session.scalar(sa.select(AuditEvent).where(AuditEvent.action == "access_warning.confirm"))
    assert confirmation.actor_id == head.id and confirmation.changes["note"] == "Đúng chỉ đạo"
    assert confirmation.summary.startswith("Xác nhận thay đổi quyền truy cập: Sửa tài khoản")
    # Confirming is not itself a change that warns.
    assert db.session.scalar(sa.select(sa.func.count()).select_from(AccessChangeWarning)) == 1


def test_another_agency_sees_nothing(agency_people, create_user, frozen_clock):
    _agency, admin, head, clerk = agency_people
    services.update_user(admin, clerk.id, full_name=clerk.full_name, roles=["chuyen_vien"])
    outsider = create_user(roles=("lanh_dao", "quan_tri"), username="ld.b")
    assert access_warnings.open_warnings(outsider) == []
    (warning,) = access_warnings.open_warnings(head)
    with pytest.raises(NotFound):
        access_warnings.confirm_warning(outsider, warning.id)


def test_the_warning_stays_on_the_pages_until_confirmed(client, agency_people, frozen_clock):
    _agency, admin, head, clerk = agency_people
    login(client, admin.username)
    token = csrf_token(client, f"/admin/users/{clerk.id}/edit")
    saved = client.post(
        f"/admin/users/{clerk.id}/edit",
        data={"csrf_token": token, "full_name": clerk.full_name, "roles": ["van_thu", "lanh_dao_don_vi"]},
        follow_redirects=True,
    ).get_data(as_text=True)
    # Said where the change was made: on saving, and on the account's page until confirmed
    assert "được cảnh báo cho đến khi lãnh đạo cơ quan hoặc một quản trị khác xác nhận" in saved
    assert 'data-testid="pending-access"' in saved and "Thêm vai trò Lãnh đạo phòng/đơn vị" in saved
    hub = client.get("/admin").get_data(as_text=True)
    assert 'data-testid="access-warnings-alert"' in hub and "1 thay đổi về quyền truy cập" in hub
    client.post("/logout", data={"csrf_token": csrf_token(client, "/")})

    login(client, head.username)
    home = client.get("/").get_data(as_text=True)
    assert 'data-testid="home-panel-access_warnings"' in home and "Sửa tài khoản vt.a" in home
    page = client.get("/access-warnings").get_data(as_text=True)
    assert "Sửa tài khoản vt.a" in page
    assert "Thêm vai trò Lãnh đạo phòng/đơn vị" in page  # what the head is asked to confirm, not only whose account
    (warning,) = access_warnings.open_warnings(head)
    confirmed = client.post(
        f"/access-warnings/{warning.id}/confirm", data={"csrf_token": csrf_token(client, "/access-warnings")}
    )
    assert confirmed.status_code == 302
    assert "Không có thay đổi nào chờ xác nhận." in client.get("/access-warnings").get_data(as_text=True)
    assert 'data-testid="home-panel-access_warnings"' not in client.get("/").get_data(as_text=True)
    client.post("/logout", data={"csrf_token": csrf_token(client, "/")})
    login(client, admin.username)
    assert 'data-testid="pending-access"' not in client.get(f"/admin/users/{clerk.id}").get_data(as_text=True)


def test_api_lists_and_confirms(client, agency_people, api_token, frozen_clock):
    agency, admin, head, clerk = agency_people
    services.update_agency(admin, agency.id, open_incoming_to_staff=True)
    listed = client.get("/api/v1/access-warnings", headers=api_token(head))
    assert listed.status_code == 200 and [w["action"] for w in listed.json] == ["agency.update"]
    warning_id = listed.json[0]["id"]
    own = client.post(f"/api/v1/access-warnings/{warning_id}/confirm", json={}, headers=api_token(admin))
    assert own.status_code == 403 and own.json["code"] == "own_access_change"
    done = client.post(f"/api/v1/access-warnings/{warning_id}/confirm", json={"note": "OK"}, headers=api_token(head))
    assert done.status_code == 200 and done.json["confirmed_at"] and done.json["note"] == "OK"
    again = client.post(f"/api/v1/access-warnings/{warning_id}/confirm", json={}, headers=api_token(head))
    assert again.status_code == 422 and again.json["code"] == "access_warning_confirmed"
    assert client.get("/api/v1/access-warnings", headers=api_token(clerk)).status_code == 403
    confirmed = client.get("/api/v1/access-warnings?state=confirmed", headers=api_token(admin))
    assert [w["id"] for w in confirmed.json] == [warning_id]


def test_a_new_account_s_warning_names_its_roles(client, agency_people, frozen_clock):
    # A new administrator is exactly what the confirmer must see (NĐ 30/2020 Phụ lục VI III.3.c), not only the name.
    agency, admin, head, _clerk = agency_people
    services.create_user(
        admin,
        username="qt.moi",
        full_name="Trần Văn Quản Trị",
        password="Mat-khau-Moi-2026",
        agency_id=agency.id,
        roles=["quan_tri", "van_thu"],
    )
    db.session.commit()
    login(client, head.username)
    page = client.get("/access-warnings").get_data(as_text=True)
    assert "Tạo tài khoản qt.moi" in page and "Vai trò: Quản trị hệ thống, Văn thư cơ quan" in page
