"""The daily digest: from the digest hour on working days, once a day, each opted-in person's due-today and overdue
work as the inbox defines it (here: a registration step offered to the clerk's role, due two working hours on)."""

from datetime import date, datetime

import pytest
import sqlalchemy as sa

from app.core.clock import LOCAL_TZ
from app.core.db import db
from app.core.transaction import unit_of_work
from app.notifications import services
from app.notifications.digest import send_daily_digests, send_digest
from app.notifications.models import Notification, NotificationEmail, NotificationPreference
from app.org import services as org
from app.sla import calendar
from app.sla import services as sla
from app.workflow import services as wf


def local(*args) -> datetime:
    return datetime(*args, tzinfo=LOCAL_TZ)


def digests_of(user) -> list[Notification]:
    db.session.expire_all()
    query = sa.select(Notification).where(Notification.user_id == user.id, Notification.kind == "daily_digest")
    return list(db.session.scalars(query.order_by(Notification.id)))


@pytest.fixture
def clerk_with_work(deploy_process, office, frozen_clock):
    """The clerk asked for the digest; a document waits to be registered, due Monday 11:00 (PT2H from 09:00)."""
    deploy_process("doc_review")
    services.update_preferences(office.clerk, office.clerk.id, digest_enabled=True)
    frozen_clock.set(local(2026, 11, 23, 9, 0))
    wf.start_process(office.clerk, "doc_review", title="Công văn số 45/SNV về tinh giản biên chế")
    return office


def test_the_digest_goes_from_the_hour_once_a_day_and_says_what_is_due_and_overdue(clerk_with_work, frozen_clock):
    clerk = clerk_with_work.clerk
    frozen_clock.set(local(2026, 11, 23, 6, 59))
    assert send_daily_digests() == 0  # before QLVB_DIGEST_HOUR (7)

    frozen_clock.set(local(2026, 11, 23, 9, 30))
    assert send_daily_digests() == 1
    [monday] = digests_of(clerk)
    assert monday.title == "Công việc ngày 23/11/2026: 0 việc quá hạn, 1 việc đến hạn hôm nay"
    assert "[Đến hạn hôm nay] Vào sổ văn bản đến: Công văn số 45/SNV về tinh giản biên chế (hạn 23/11/2026 11:00)" in (
        monday.body
    )
    assert monday.url == "/tasks"

    frozen_clock.set(local(2026, 11, 23, 16, 0))  # later the same day, or after a restart
    assert send_daily_digests() == 0
    with unit_of_work():
        assert send_digest(clerk.id, date(2026, 11, 23)) is False
    assert len(digests_of(clerk)) == 1

    frozen_clock.set(local(2026, 11, 24, 7, 0))  # Tuesday 24/11 is a holiday of the calendar (Ngày Văn hóa Việt Nam)
    assert send_daily_digests() == 0
    frozen_clock.set(local(2026, 11, 25, 7, 0))  # Wednesday: Monday's step is now overdue
    assert send_daily_digests() == 1
    wednesday = digests_of(clerk)[-1]
    assert wednesday.title == "Công việc ngày 25/11/2026: 1 việc quá hạn, 0 việc đến hạn hôm nay"
    assert "[Quá hạn] Vào sổ văn bản đến" in wednesday.body
    assert db.session.get(NotificationPreference, clerk.id).digest_last_sent_on == date(2026, 11, 25)


@pytest.fixture
def fresh_calendars():
    """Calendars are cached per process: forget them around a test that declares a day off (rolled back after)."""
    calendar.invalidate(everything=True)
    yield
    calendar.invalidate(everything=True)


def test_no_digest_on_weekends_and_days_off_the_agency_declared(clerk_with_work, fresh_calendars, frozen_clock):
    office = clerk_with_work
    for saturday_or_sunday in (local(2026, 11, 28, 8, 0), local(2026, 11, 29, 8, 0)):
        frozen_clock.set(saturday_or_sunday)
        assert send_daily_digests() == 0
    sla.add_override(office.admin, office.agency.id, day=date(2026, 11, 30), kind="off", note="Nghỉ bù")
    calendar.invalidate(everything=True)
    frozen_clock.set(local(2026, 11, 30, 8, 0))
    assert send_daily_digests() == 0
    frozen_clock.set(local(2026, 12, 1, 8, 0))
    assert send_daily_digests() == 1
    assert [n.title[:22] for n in digests_of(office.clerk)] == ["Công việc ngày 01/12/2"]


def test_only_active_people_who_asked_and_have_work_get_one(clerk_with_work, create_user, frozen_clock):
    office = clerk_with_work
    services.update_preferences(office.spec_a1, office.spec_a1.id, digest_enabled=True)  # asked, has no work
    second_clerk = create_user(roles=("van_thu",), agency=office.agency)  # has the work, did not ask
    gone = create_user(roles=("van_thu",), agency=office.agency)
    services.update_preferences(gone, gone.id, digest_enabled=True)
    org.deactivate_user(office.admin, gone.id)
    frozen_clock.set(local(2026, 11, 23, 9, 30))
    assert send_daily_digests() == 1
    assert digests_of(office.spec_a1) == [] and digests_of(second_clerk) == [] and digests_of(gone) == []
    # Looked at once today even with nothing to say: not asked again every minute.
    assert db.session.get(NotificationPreference, office.spec_a1.id).digest_last_sent_on == date(2026, 11, 23)


def test_the_digest_hour_is_configurable(clerk_with_work, app, monkeypatch, frozen_clock):
    monkeypatch.setitem(app.config, "DIGEST_HOUR", 10)
    frozen_clock.set(local(2026, 11, 23, 9, 30))
    assert send_daily_digests() == 0
    frozen_clock.set(local(2026, 11, 23, 10, 0))
    assert send_daily_digests() == 1


def test_the_digest_is_emailed_when_the_person_has_an_address(clerk_with_work, smtp, frozen_clock):
    clerk = clerk_with_work.clerk
    clerk.email = "vanthu@example.gov.vn"
    frozen_clock.set(local(2026, 11, 23, 9, 30))
    assert send_daily_digests() == 1
    [mail] = db.session.scalars(sa.select(NotificationEmail).where(NotificationEmail.user_id == clerk.id)).all()
    assert mail.subject == "[QLVB] Công việc ngày 23/11/2026: 0 việc quá hạn, 1 việc đến hạn hôm nay"
    assert "[Đến hạn hôm nay] Vào sổ văn bản đến" in mail.body and "Kính gửi Nguyễn Thị Thu Hà," in mail.body
