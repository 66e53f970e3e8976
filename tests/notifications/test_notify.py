"""notify(): one notice per active person, once per dedupe key, only if the caller's action commits; its e-mail
queued only for people with an address who did not turn e-mail off, and only when SMTP is configured."""

import pytest
import sqlalchemy as sa

from app.core.db import db
from app.core.errors import DomainError
from app.core.transaction import unit_of_work
from app.notifications import services
from app.notifications.models import Notification, NotificationEmail
from app.org import services as org


def notices_of(user) -> list[Notification]:
    return list(db.session.scalars(sa.select(Notification).where(Notification.user_id == user.id)))


def emails_of(user) -> list[NotificationEmail]:
    return list(db.session.scalars(sa.select(NotificationEmail).where(NotificationEmail.user_id == user.id)))


def test_a_rolled_back_action_tells_nobody(create_user, frozen_clock):
    person = create_user(email="an@example.gov.vn")
    with pytest.raises(DomainError), unit_of_work():
        services.notify([person], kind="task_overdue", title="Việc quá hạn", url="/tasks/1")
        raise DomainError("Thao tác bị từ chối.")
    assert notices_of(person) == []


def test_a_committed_action_tells_each_person_once(create_user, frozen_clock):
    first, second = create_user(), create_user()
    with unit_of_work():
        told = services.notify([first, second.id, first], kind="task_reminder", title="Nhắc việc", url="/tasks/7")
    assert sorted(n.user_id for n in told) == sorted([first.id, second.id])
    assert notices_of(first)[0].url == "/tasks/7" and notices_of(first)[0].read_at is None


def test_the_same_dedupe_key_tells_a_person_only_once(create_user, frozen_clock):
    told_before, new = create_user(), create_user()
    with unit_of_work():
        services.notify([told_before], kind="task_overdue", title="Quá hạn", dedupe_key="task:5:overdue")
    with unit_of_work():
        again = services.notify([told_before, new], kind="task_overdue", title="Quá hạn", dedupe_key="task:5:overdue")
    assert [n.user_id for n in again] == [new.id]
    assert len(notices_of(told_before)) == 1 and len(notices_of(new)) == 1


def test_a_deactivated_person_is_not_told(create_user, admin, frozen_clock):
    gone = create_user(agency=admin.agency)
    org.deactivate_user(admin, gone.id)
    with unit_of_work():
        assert services.notify([gone], kind="task_reminder", title="Nhắc việc") == []
    assert notices_of(gone) == []


@pytest.mark.parametrize(
    "url",
    ["https://evil.example/phish", "//evil.example/x", "/\\evil.example", "javascript:alert(1)", "/tasks/1\r\nX: y"],
)
def test_a_link_outside_qlvb_is_never_stored(create_user, url, frozen_clock):
    person = create_user()
    with unit_of_work():
        [notice] = services.notify([person], kind="task_reminder", title="Nhắc việc", url=url)
    assert notice.url is None


def test_no_email_is_queued_without_smtp(create_user, frozen_clock):
    person = create_user(email="an@example.gov.vn")
    with unit_of_work():
        services.notify([person], kind="task_reminder", title="Nhắc việc")
    assert emails_of(person) == []


def test_email_is_queued_for_people_with_an_address_who_want_it(create_user, smtp, frozen_clock):
    wants = create_user(email="an@example.gov.vn", full_name="Nguyễn Văn An")
    no_address = create_user()
    opted_out = create_user(email="binh@example.gov.vn")
    with unit_of_work():
        services.update_preferences(opted_out, opted_out.id, email_enabled=False)
        [notice, *_] = services.notify(
            [wants, no_address, opted_out],
            kind="task_overdue",
            title="Văn bản số 12/UBND đã quá hạn xử lý",
            body="Hạn xử lý: 23/11/2026 11:00.",
            url="/tasks/3",
        )
    [queued] = emails_of(wants)
    assert emails_of(no_address) == [] and emails_of(opted_out) == []
    assert queued.status == "pending" and queued.to_address == "an@example.gov.vn"
    assert queued.subject == "[QLVB] Văn bản số 12/UBND đã quá hạn xử lý"
    assert "Kính gửi Nguyễn Văn An," in queued.body and "Hạn xử lý: 23/11/2026 11:00." in queued.body
    assert f"https://qlvb.example.gov.vn/notifications/{notice.id}" in queued.body


def test_a_person_changes_only_their_own_preferences(create_user, frozen_clock):
    from app.core.errors import PermissionDenied

    me, other = create_user(), create_user()
    with pytest.raises(PermissionDenied):
        services.update_preferences(me, other.id, digest_enabled=True)
    preference = services.update_preferences(me, me.id, digest_enabled=True)
    assert preference.digest_enabled and preference.email_enabled
