"""The daily digest (opt-in): each morning of a working day, a person's due-today and overdue work in one notice.

"My work" is the inbox's own definition (app.workflow.queries: tasks assigned to me, ready tasks offered to my
roles in my agency and unit, and the same for whoever delegated to me), cut at the end of today; NĐ 30/2020 Phụ lục
VI III.1.m: reminders of due and overdue work. Sent from QLVB_DIGEST_HOUR (local time) on the working days of the
person's agency calendar (app.sla.calendar), once a day: the person's preference row is locked (skipped by a second
scheduler) and stamped `digest_last_sent_on`, and the notice's dedupe key is the day, so neither a restart nor a
second scheduler sends it twice.
"""

import logging
from dataclasses import dataclass
from datetime import date, datetime

import sqlalchemy as sa
from flask import current_app

from app.core import clock
from app.core.db import db
from app.core.transaction import unit_of_work
from app.notifications.email import render_text
from app.notifications.models import NotificationPreference
from app.notifications.services import notify
from app.org.models import User
from app.sla.calendar import calendars_for
from app.workflow.models import HumanTask
from app.workflow.queries import InboxFilter, end_of_local_day, inbox_count, inbox_page

log = logging.getLogger(__name__)

DIGEST_ITEMS = 30  # tasks listed by name; the counts cover the rest
KIND = "daily_digest"


@dataclass(frozen=True)
class DigestLine:
    title: str
    object_title: str
    due_at: datetime
    overdue: bool


def _waiting(today: date) -> list[sa.ColumnElement[bool]]:
    """Active people who asked for a digest and have not had today's."""
    return [
        User.is_active.is_(True),
        NotificationPreference.digest_enabled.is_(True),
        sa.or_(
            NotificationPreference.digest_last_sent_on.is_(None),
            NotificationPreference.digest_last_sent_on < today,
        ),
    ]


def _due_people(today: date) -> list[int]:
    """Ids of the people waiting for today's digest whose agency works today.

    The agencies are asked first (a handful), so on a weekend or holiday the job reads no list of people at all.
    """
    joined = sa.select(User.agency_id).join(NotificationPreference, NotificationPreference.user_id == User.id)
    agencies = db.session.scalars(joined.where(*_waiting(today)).distinct()).all()
    calendars = calendars_for(agencies)  # a province's agencies: their calendars read together
    working = [agency for agency in agencies if calendars[agency].is_working_day(today)]
    if not working:
        return []
    query = (
        sa.select(User.id)
        .join(NotificationPreference, NotificationPreference.user_id == User.id)
        .where(*_waiting(today), User.agency_id.in_(working))
        .order_by(User.id)
    )
    return list(db.session.scalars(query))


def send_daily_digests() -> int:
    """Send today's digest to everyone due one (from the digest hour, on their agency's working days)."""
    local_now = clock.to_local(clock.now())
    if local_now.hour < current_app.config.get("DIGEST_HOUR", 7):
        return 0
    today = local_now.date()
    with unit_of_work():
        people = _due_people(today)
    sent = 0
    for user_id in people:
        try:
            with unit_of_work():
                sent += send_digest(user_id, today)
        except Exception:  # one person's failure must not stop the others; they are retried on the next run
            log.exception("daily digest for user %s failed", user_id)
    return sent


def send_digest(user_id: int, today: date) -> bool:
    """Tell one person their due and overdue work of `today`, once; True when a notice was written."""
    preference = db.session.scalars(
        sa.select(NotificationPreference)
        .where(NotificationPreference.user_id == user_id)
        .with_for_update(skip_locked=True)
    ).first()
    if preference is None or not preference.digest_enabled:
        return False
    if preference.digest_last_sent_on is not None and preference.digest_last_sent_on >= today:
        return False
    person = db.session.get(User, user_id)
    if person is None or not person.is_active:
        return False
    preference.digest_last_sent_on = today  # even with nothing to say: looked at once a day
    cut = InboxFilter(due_before=end_of_local_day(today))
    tasks = inbox_page(person, cut, limit=DIGEST_ITEMS)
    if not tasks:
        return False
    total, overdue = inbox_count(person, cut), inbox_count(person, InboxFilter(overdue=True))
    now = clock.now()
    lines = [_line(task, now) for task in tasks]
    title = f"Công việc ngày {today:%d/%m/%Y}: {overdue} việc quá hạn, {total - overdue} việc đến hạn hôm nay"
    body = render_text("digest.txt", lines=lines, shown=len(lines), total=total)
    told = notify([person], kind=KIND, title=title, body=body, url="/tasks", dedupe_key=f"digest:{today.isoformat()}")
    return bool(told)


def _line(task: HumanTask, now: datetime) -> DigestLine:
    return DigestLine(task.title, task.object_title, task.due_at, task.due_at < now)
