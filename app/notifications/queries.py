"""Reads of notices: a person's list (newest first, paged on the id), the bell's unread count, their choices."""

import sqlalchemy as sa

from app.core.db import db
from app.notifications.models import Notification, NotificationPreference
from app.notifications.permissions import visible_filter
from app.org.models import User

# The bell shows "99+" beyond this: the count walks the (user_id, read_at, id) index and stops there.
UNREAD_CAP = 100


def list_notices(user: User, *, unread: bool = False, before_id: int | None = None, limit: int = 30) -> list:
    """A page of `user`'s notices, newest first; `before_id` continues after the last row of the page before."""
    query = sa.select(Notification).where(visible_filter(user))
    if unread:
        query = query.where(Notification.read_at.is_(None))
    if before_id is not None:
        query = query.where(Notification.id < before_id)
    return list(db.session.scalars(query.order_by(Notification.id.desc()).limit(limit)))


def unread_count(user: User, cap: int = UNREAD_CAP) -> int:
    """Unread notices of `user`, counted up to `cap`."""
    capped = (
        sa.select(Notification.id).where(visible_filter(user), Notification.read_at.is_(None)).limit(cap).subquery()
    )
    return db.session.scalar(sa.select(sa.func.count()).select_from(capped)) or 0


def preferences_of(user_id: int) -> NotificationPreference:
    """A person's choices; the defaults (not added to the session) when they never chose."""
    found = db.session.get(NotificationPreference, user_id)
    return found or NotificationPreference(user_id=user_id, email_enabled=True, digest_enabled=False)
