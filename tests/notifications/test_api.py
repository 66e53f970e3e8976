"""/api/v1/notifications: my notices (paged, unread), the unread count, marking read, my choices."""

from app.core.transaction import unit_of_work
from app.notifications import services


def tell(person, title: str):
    with unit_of_work():
        [notice] = services.notify([person], kind="task_reminder", title=title, url="/tasks/1")
    return notice


def test_list_page_and_filter(client, create_user, api_token, frozen_clock):
    person, other = create_user(), create_user()
    notices = [tell(person, f"Thông báo {n}") for n in range(5)]
    tell(other, "Của người khác")
    services.mark_read(person, notices[0].id)
    headers = api_token(person)
    page = client.get("/api/v1/notifications?limit=3", headers=headers).get_json()
    assert [item["title"] for item in page["items"]] == ["Thông báo 4", "Thông báo 3", "Thông báo 2"]
    rest = client.get(f"/api/v1/notifications?limit=3&after={page['next_cursor']}", headers=headers).get_json()
    assert [item["title"] for item in rest["items"]] == ["Thông báo 1", "Thông báo 0"] and rest["next_cursor"] is None
    unread = client.get("/api/v1/notifications?unread=1", headers=headers).get_json()
    assert len(unread["items"]) == 4 and all(not item["is_read"] for item in unread["items"])
    assert client.get("/api/v1/notifications?after=abc", headers=headers).status_code == 422


def test_unread_count_read_and_read_all(client, create_user, api_token, frozen_clock):
    person, other = create_user(), create_user()
    first, _second = tell(person, "Một"), tell(person, "Hai")
    others = tell(other, "Của người khác")
    headers = api_token(person)
    assert client.get("/api/v1/notifications/unread-count", headers=headers).get_json() == {"unread": 2}
    read = client.post(f"/api/v1/notifications/{first.id}/read", headers=headers)
    assert read.status_code == 200 and read.get_json()["is_read"] is True
    assert client.get("/api/v1/notifications/unread-count", headers=headers).get_json() == {"unread": 1}
    refused = client.post(f"/api/v1/notifications/{others.id}/read", headers=headers)
    assert refused.status_code == 404 and refused.get_json()["code"] == "notification_not_found"
    assert client.post("/api/v1/notifications/read-all", headers=headers).get_json() == {"marked": 1}
    assert client.get("/api/v1/notifications/unread-count", headers=api_token(other)).get_json() == {"unread": 1}


def test_settings(client, create_user, api_token):
    person = create_user()
    headers = api_token(person)
    assert client.get("/api/v1/notifications/settings", headers=headers).get_json() == {
        "email_enabled": True,
        "digest_enabled": False,
        "digest_last_sent_on": None,
    }
    changed = client.put("/api/v1/notifications/settings", json={"digest_enabled": True}, headers=headers).get_json()
    assert changed["digest_enabled"] is True and changed["email_enabled"] is True
    bad = client.put("/api/v1/notifications/settings", json={"digest_enabled": "có"}, headers=headers)
    assert bad.status_code == 422


def test_the_api_needs_a_token(client):
    assert client.get("/api/v1/notifications").status_code == 401
