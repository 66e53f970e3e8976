"""The bell, the list, opening a notice and marking read, over HTTP: a person sees and changes only their own."""

import sqlalchemy as sa

from app.core.db import db
from app.core.transaction import unit_of_work
from app.notifications import services
from app.notifications.models import Notification, NotificationPreference
from tests.conftest import csrf_token, login


def tell(person, title: str, url: str | None = "/tasks/1", **kwargs) -> Notification:
    with unit_of_work():
        [notice] = services.notify([person], kind="task_reminder", title=title, url=url, **kwargs)
    return notice


def bell_count(client) -> str | None:
    html = client.get("/notifications/settings").get_data(as_text=True)
    marker = 'data-testid="notification-count">'
    return html.split(marker, 1)[1].split("<", 1)[0] if marker in html else None


def test_the_bell_shows_the_unread_count_on_every_page(client, create_user, frozen_clock):
    person = create_user()
    login(client, person.username)
    assert bell_count(client) is None
    tell(person, "Văn bản đến số 15 cần xử lý")
    tell(person, "Văn bản đến số 16 cần xử lý")
    assert bell_count(client) == "2"
    assert 'data-testid="notification-bell"' in client.get("/").get_data(as_text=True)


def test_the_list_shows_my_notices_newest_first_and_filters_unread(client, create_user, frozen_clock):
    person, other = create_user(), create_user()
    older = tell(person, "Thông báo cũ")
    tell(person, "Thông báo mới")
    tell(other, "Thông báo của người khác")
    services.mark_read(person, older.id)
    login(client, person.username)
    html = client.get("/notifications").get_data(as_text=True)
    assert html.index("Thông báo mới") < html.index("Thông báo cũ")
    assert "Thông báo của người khác" not in html
    unread = client.get("/notifications?unread=1").get_data(as_text=True)
    assert "Thông báo mới" in unread and "Thông báo cũ" not in unread


def test_the_list_pages_on(client, create_user, frozen_clock):
    person = create_user()
    for n in range(35):
        tell(person, f"Thông báo thứ {n:02d}")
    login(client, person.username)
    first = client.get("/notifications").get_data(as_text=True)
    assert "Thông báo thứ 34" in first and "Thông báo thứ 04" not in first
    cursor = first.split("after=", 1)[1].split('"', 1)[0].split("&", 1)[0]
    second = client.get(f"/notifications?after={cursor}").get_data(as_text=True)
    assert "Thông báo thứ 04" in second and "Thông báo thứ 00" in second and "Thông báo thứ 05" not in second


def test_opening_a_notice_marks_it_read_and_goes_to_its_page(client, create_user, frozen_clock):
    person = create_user()
    notice = tell(person, "Việc sắp đến hạn", url="/tasks/42")
    login(client, person.username)
    response = client.get(f"/notifications/{notice.id}")
    assert response.status_code == 302 and response.headers["Location"] == "/tasks/42"
    db.session.expire_all()
    assert db.session.get(Notification, notice.id).read_at is not None
    assert bell_count(client) is None


def test_a_notice_without_a_page_opens_the_list(client, create_user, frozen_clock):
    person = create_user()
    notice = tell(person, "Thông báo chung", url=None)
    login(client, person.username)
    assert client.get(f"/notifications/{notice.id}").headers["Location"] == "/notifications"


def test_a_stored_foreign_link_never_redirects_out(client, create_user, frozen_clock):
    person = create_user()
    notice = tell(person, "Thông báo", url="/tasks/1")
    db.session.execute(sa.update(Notification).where(Notification.id == notice.id).values(url="//evil.example/x"))
    login(client, person.username)
    assert client.get(f"/notifications/{notice.id}").headers["Location"] == "/notifications"


def test_someone_elses_notice_is_not_found(client, create_user, frozen_clock):
    owner, snoop = create_user(), create_user()
    notice = tell(owner, "Văn bản mật")
    login(client, snoop.username)
    assert client.get(f"/notifications/{notice.id}").status_code == 404
    token = csrf_token(client, "/notifications")
    assert client.post(f"/notifications/{notice.id}/read", data={"csrf_token": token}).status_code == 404
    db.session.expire_all()
    assert db.session.get(Notification, notice.id).read_at is None


def test_mark_one_and_all_read(client, create_user, frozen_clock):
    person, other = create_user(), create_user()
    first = tell(person, "Một")
    tell(person, "Hai")
    tell(person, "Ba")
    others = tell(other, "Của người khác")
    login(client, person.username)
    token = csrf_token(client, "/notifications")
    response = client.post(
        f"/notifications/{first.id}/read", data={"csrf_token": token, "next": "/notifications?unread=1"}
    )
    assert response.headers["Location"] == "/notifications?unread=1"
    assert bell_count(client) == "2"
    response = client.post("/notifications/read-all", data={"csrf_token": token, "next": "https://evil.example/"})
    assert response.headers["Location"] == "/notifications"
    assert bell_count(client) is None
    db.session.expire_all()
    assert db.session.get(Notification, others.id).read_at is None


def test_the_settings_page_saves_my_choices(client, create_user, frozen_clock):
    person = create_user(email="an@example.gov.vn")
    login(client, person.username)
    page = client.get("/notifications/settings").get_data(as_text=True)
    assert "Nhận bản tổng hợp công việc" in page
    token = csrf_token(client, "/notifications/settings")
    client.post("/notifications/settings", data={"csrf_token": token, "digest_enabled": "1"})
    preference = db.session.get(NotificationPreference, person.id)
    assert preference.digest_enabled and not preference.email_enabled


def test_pages_need_a_signed_in_person(client):
    assert client.get("/notifications").status_code == 302
    assert client.get("/notifications/1").headers["Location"].startswith("/login")


def test_the_home_page_shows_my_unread_notices_and_opens_them(client, create_user, frozen_clock):
    person, other = create_user(), create_user()
    login(client, person.username)
    assert "Không có thông báo chưa đọc." in client.get("/").get_data(as_text=True)
    notices = [tell(person, f"Văn bản đến số {n} sắp đến hạn") for n in range(7)]
    tell(other, "Thông báo của người khác")
    html = client.get("/").get_data(as_text=True)
    panel = html.split('data-testid="home-panel-notifications"', 1)[1].split("</section>", 1)[0]
    assert ">7<" in panel.replace(" ", "")  # the count beyond the five shown
    assert "Văn bản đến số 6 sắp đến hạn" in panel and "Văn bản đến số 1 sắp đến hạn" not in panel
    assert "Thông báo của người khác" not in panel
    assert f"/notifications/{notices[6].id}" in panel
    assert client.get(f"/notifications/{notices[6].id}").status_code == 302
