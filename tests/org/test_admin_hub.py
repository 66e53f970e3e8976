"""The administration hub links every administration screen, for administrators only."""

import re

from app.core.transaction import unit_of_work
from app.org import admin_hub
from tests.conftest import login


def test_every_card_names_a_registered_page(app):
    endpoints = set(app.view_functions)
    missing = [c.endpoint for s in admin_hub.SECTIONS for c in s.cards if c.endpoint not in endpoints]
    assert missing == []
    assert admin_hub.sections({"admin.users"})[0].cards[0].title == "Tài khoản"


def test_hub_page_links_each_screen_and_every_link_opens(client, admin):
    login(client, "admin1")
    home = client.get("/").get_data(as_text=True)
    assert 'href="/admin"' in home  # the "Quản trị" navigation item
    page = client.get("/admin").get_data(as_text=True)
    for title in ("Chứng thư gốc tin cậy", "Lịch làm việc", "Nhật ký hệ thống", "Sổ văn bản", "Ủy quyền", "Nhắc việc"):
        assert title in page
    links = re.findall(r'class="card h-100 text-decoration-none admin-card" href="([^"]+)"', page)
    assert len(links) >= 12
    for link in links:
        assert client.get(link, follow_redirects=True).status_code == 200, link


def test_hub_is_refused_to_others(client, create_user):
    create_user(username="cv1")
    login(client, "cv1")
    assert client.get("/admin").status_code == 403
    assert 'href="/admin"' not in client.get("/").get_data(as_text=True)


def test_user_page_links_to_their_signing_credential(client, admin, create_user):
    person = create_user(agency=admin.agency, username="lanhdao1", roles=("lanh_dao",))
    login(client, "admin1")
    page = client.get(f"/admin/users/{person.id}").get_data(as_text=True)
    assert f"/admin/signing/credentials/personal?user_id={person.id}" in page
    form = client.get(f"/admin/signing/credentials/personal?user_id={person.id}").get_data(as_text=True)
    assert re.search(rf'<option selected value="{person.id}"|<option value="{person.id}" selected', form)


def test_agency_page_links_to_its_seal(client, admin):
    login(client, "admin1")
    page = client.get(f"/admin/agencies/{admin.agency_id}").get_data(as_text=True)
    assert f"/admin/signing/credentials/organization?agency_id={admin.agency_id}" in page
    form = client.get(f"/admin/signing/credentials/organization?agency_id={admin.agency_id}").get_data(as_text=True)
    assert re.search(rf'<option selected value="{admin.agency_id}"|<option value="{admin.agency_id}" selected', form)


def test_a_user_s_history_names_the_system_in_vietnamese(client, admin, create_user):
    with unit_of_work():  # made by the system (actor None), as the CLI does, and committed with its audit event
        person = create_user(agency=admin.agency, username="cv9")
    login(client, "admin1")
    page = client.get(f"/admin/users/{person.id}").get_data(as_text=True)
    assert "· Hệ thống · Tạo tài khoản cv9" in page and "· system ·" not in page


def test_an_admin_is_not_offered_to_deactivate_their_own_account(client, admin, create_user):
    colleague = create_user(agency=admin.agency, username="cv10")
    login(client, "admin1")
    own = client.get(f"/admin/users/{admin.id}").get_data(as_text=True)
    assert "Vô hiệu hóa" not in own  # the service refuses it (cannot_deactivate_self): not offered either
    assert "Vô hiệu hóa" not in client.get(f"/admin/users/{admin.id}/open-work").get_data(as_text=True)
    assert "Vô hiệu hóa" in client.get(f"/admin/users/{colleague.id}").get_data(as_text=True)
    assert "Vô hiệu hóa" in client.get(f"/admin/users/{colleague.id}/open-work").get_data(as_text=True)
