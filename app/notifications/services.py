"""Telling people: `notify` writes notices (and queues their e-mails) in the caller's unit of work."""

from collections.abc import Iterable

import sqlalchemy as sa
from flask import current_app

from app.core import clock
from app.core.db import db
from app.notifications.models import Notification, NotificationEmail, NotificationPreference
from app.org.models import User


def email_configured() -> bool:
    return bool(current_app.config.get("SMTP_HOST"))


def _users(recipients: Iterable[User | int]) -> list[User]:
    """Active people among the recipients, each once, in a stable order."""
    ids = {r.id if isinstance(r, User) else int(r) for r in recipients if r is not None}
    if not ids:
        return []
    rows = db.session.scalars(sa.select(User).where(User.id.in_(ids), User.is_active.is_(True)).order_by(User.id))
    return list(rows)


def _already_told(user_ids: list[int], dedupe_key: str) -> set[int]:
    query = sa.select(Notification.user_id).where(
        Notification.user_id.in_(user_ids), Notification.dedupe_key == dedupe_key
    )
    return set(db.session.scalars(query))


def _email_wanted(user_ids: list[int]) -> set[int]:
    """Who has not turned e-mail off (no preference row = on)."""
    off = db.session.scalars(
        sa.select(NotificationPreference.user_id).where(
            NotificationPreference.user_id.in_(user_ids), NotificationPreference.email_enabled.is_(False)
        )
    )
    return set(user_ids) - set(off)


def notify(
    recipients: Iterable[User | int],
    *,
    kind: str,
    title: str,
    body: str = "",
    url: str | None = None,
    dedupe_key: str | None = None,
    object_type: str | None = None,
    object_id: str | int | None = None,
) -> list[Notification]:
    """Write one notice per active recipient (each once); skip those already told under `dedupe_key`.

    Runs inside the caller's unit of work: nothing is told if the caller's action rolls back. The e-mail of each
    notice is queued in the same transaction when SMTP is configured and the person has an address and has not
    turned e-mail off; the sender job sends it after the commit and retries (app.notifications.email).
    """
    people = _users(recipients)
    if dedupe_key and people:
        told = _already_told([p.id for p in people], dedupe_key)
        people = [p for p in people if p.id not in told]
    if not people:
        return []
    now = clock.now()
    notices = [
        Notification(
            user_id=person.id,
            agency_id=person.agency_id,
            kind=kind,
            title=title[:300],
            body=body,
            url=url,
            object_type=object_type,
            object_id=None if object_id is None else str(object_id),
            dedupe_key=dedupe_key,
            created_at=now,
        )
        for person in people
    ]
    db.session.add_all(notices)
    if email_configured():
        wanted = _email_wanted([p.id for p in people])
        db.session.flush()
        for person, notice in zip(people, notices, strict=True):
            if person.email and person.id in wanted:
                db.session.add(
                    NotificationEmail(
                        notification_id=notice.id,
                        user_id=person.id,
                        to_address=person.email,
                        subject=f"[qlvb] {notice.title}"[:300],
                        body=body or title,
                        next_attempt_at=now,
                    )
                )
    db.session.flush()
    return notices
