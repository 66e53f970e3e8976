"""Who may see and change which notice: a notice is its addressee's alone (administrators included)."""

import sqlalchemy as sa

from app.notifications.models import Notification
from app.org.models import User


def can_view(user: User, notice: Notification) -> bool:
    """Only the person told: a notice may name a document the reader could not otherwise see."""
    return user.is_active and notice.user_id == user.id


def visible_filter(user: User) -> sa.ColumnElement[bool]:
    """The notices `user` may list (their own)."""
    return Notification.user_id == user.id


def can_change_preferences(user: User, owner_id: int) -> bool:
    """Each person chooses for themselves."""
    return user.is_active and user.id == owner_id
