"""Telling people: `notify` writes notices (and queues their e-mails) in the caller's unit of work; a person reads
their notices and chooses how they are told."""

import logging
from collections.abc import Iterable
from urllib.parse import urlsplit

import sqlalchemy as sa
from flask import current_app
from sqlalchemy.orm import lazyload

from app.core import clock
from app.core.db import db
from app.core.errors import NotFound, PermissionDenied
from app.core.transaction import after_commit, in_unit_of_work
from app.notifications import email
from app.notifications.models import Notification, NotificationEmail, NotificationPreference
from app.notifications.permissions import can_change_preferences, can_view, visible_filter
from app.org.models import User

log = logging.getLogger(__name__)


def email_configured() -> bool:
    return bool(current_app.config.get("SMTP_HOST"))


def local_path(url: str | None) -> str | None:
    """`url` when it is a path inside qlvb ("/tasks/12"), else None: opening a notice never leaves the site (an
    absolute URL, "//host", "/\\host" or a control character would be an open redirect)."""
    if not url or len(url) > 500 or not url.startswith("/") or url.startswith(("//", "/\\")):
        return None
    if any(ord(ch) < 32 or ord(ch) == 127 or ch == "\\" for ch in url):
        return None
    parts = urlsplit(url)
    return url if not parts.scheme and not parts.netloc else None


NOTICE_FIELDS = ("kind", "title", "body", "url", "object_type", "object_id", "dedupe_key", "created_at")


def _recipient_ids(recipients: Iterable[User | int]) -> set[int]:
    return {r.id if isinstance(r, User) else int(r) for r in recipients if r is not None}


def _active(ids: Iterable[int]):
    """The one rule of who is told: active people among the recipients, each once."""
    return sa.and_(User.id.in_(list(ids)), User.is_active.is_(True))


def _users(ids: set[int]) -> list[User]:
    """Active people among the recipients, each once, in a stable order (their roles are not needed: not read)."""
    if not ids:
        return []
    query = sa.select(User).where(_active(ids)).order_by(User.id).options(lazyload(User.role_rows))
    return list(db.session.scalars(query))


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
    safe_url = local_path(url)
    if url and safe_url is None:
        log.warning("notice %r: dropped a link that is not a local path: %r", kind, url)
    ids = _recipient_ids(recipients)
    if not ids:
        return []
    now = clock.now()
    fields = {
        "kind": kind,
        "title": title[:300],
        "body": body,
        "url": safe_url,
        "object_type": object_type,
        "object_id": None if object_id is None else str(object_id),
        "dedupe_key": dedupe_key,
        "created_at": now,
    }
    if dedupe_key:
        notices = _add_once_each(ids, fields)
        people = _users({notice.user_id for notice in notices}) if email_configured() and notices else []
    else:
        people = _users(ids)
        notices = [Notification(user_id=p.id, agency_id=p.agency_id, **fields) for p in people]
        db.session.add_all(notices)
        db.session.flush()
    if email_configured() and notices:
        _queue_emails(people, notices, now)
    return notices


# Text, not the dialects' `insert(...).on_conflict_do_nothing()`: SQLAlchemy never caches those (each call compiled
# anew, some 4 ms of CPU), and this statement runs for every deduplicated notice (the escalation scan sends one per
# level fired). PostgreSQL and SQLite (3.35+) both speak it. Who is told is `_active`'s rule: active, each once.
_ADD_ONCE_EACH = (
    sa.text(
        "INSERT INTO notification (user_id, agency_id, kind, title, body, url, object_type, object_id, dedupe_key, "
        "created_at) SELECT id, agency_id, :kind, :title, :body, :url, :object_type, :object_id, :dedupe_key, "
        ":created_at FROM user_account WHERE id IN :ids AND is_active "
        "ON CONFLICT (user_id, dedupe_key) DO NOTHING RETURNING "
        # Named, in the model's order: the columns below are matched by position, and a table's physical order
        # (columns added by later migrations come last) need not be the model's.
        + ", ".join(column.name for column in Notification.__table__.c)
    )
    .bindparams(
        sa.bindparam("ids", expanding=True),
        *(sa.bindparam(name, type_=Notification.__table__.c[name].type) for name in NOTICE_FIELDS),
    )
    .columns(*Notification.__table__.c)
)


def _add_once_each(ids: set[int], fields: dict) -> list[Notification]:
    """Insert the deduplicated notices of the active recipients in one statement that reads who is active and skips
    whoever was already told under the key — before, or by a concurrent transaction a moment ago (the unique key;
    the caller's action goes on instead of failing) — and returns the notices it wrote, in person id order."""
    query = sa.select(Notification).from_statement(_ADD_ONCE_EACH)
    written = db.session.scalars(query, {"ids": sorted(ids), **fields}).all()
    return sorted(written, key=lambda notice: notice.user_id)


def _queue_emails(people: list[User], notices: list[Notification], now) -> None:
    """Queue the e-mail of each notice whose person has an address and wants e-mail; kick the sender after the
    commit (in the background: app.notifications.email)."""
    wanted = _email_wanted([p.id for p in people])
    by_id = {person.id: person for person in people}
    queued = False
    for notice in notices:
        person = by_id.get(notice.user_id)
        if person is not None and person.email and person.id in wanted:
            subject, text = email.compose_notice(person, notice_id=notice.id, title=notice.title, body=notice.body)
            db.session.add(
                NotificationEmail(
                    notification_id=notice.id,
                    user_id=person.id,
                    to_address=person.email,
                    subject=subject,
                    body=text,
                    next_attempt_at=now,
                )
            )
            queued = True
    if not queued:
        return
    db.session.flush()
    if current_app.config.get("SMTP_SEND_AFTER_COMMIT") and in_unit_of_work():
        after_commit(email.kick_sender)


# --- a person's own notices --------------------------------------------------------------------------------------


def get_notice(actor: User, notice_id: int) -> Notification:
    """One of `actor`'s notices; someone else's is not found (not forbidden: its existence is not told)."""
    notice = db.session.get(Notification, notice_id)
    if notice is None or not can_view(actor, notice):
        raise NotFound("Không tìm thấy thông báo.", code="notification_not_found")
    return notice


def mark_read(actor: User, notice_id: int) -> Notification:
    """Mark one of `actor`'s notices read (again: a no-op)."""
    notice = get_notice(actor, notice_id)
    if notice.read_at is None:
        notice.read_at = clock.now()
        db.session.flush()
    return notice


def mark_all_read(actor: User) -> int:
    """Mark every unread notice of `actor` read; return how many."""
    result = db.session.execute(
        sa.update(Notification)
        .where(visible_filter(actor), Notification.read_at.is_(None))
        .values(read_at=clock.now())
        .execution_options(synchronize_session=False)
    )
    return result.rowcount or 0


def open_notice(actor: User, notice_id: int) -> str | None:
    """Mark the notice read and return where it leads: its local path, or None (the list shows it)."""
    return local_path(mark_read(actor, notice_id).url)


def update_preferences(
    actor: User, user_id: int, *, email_enabled: bool | None = None, digest_enabled: bool | None = None
) -> NotificationPreference:
    """Change a person's choices: e-mail of notices on/off, the daily digest on/off (opt-in)."""
    if not can_change_preferences(actor, user_id):
        raise PermissionDenied("Chỉ người dùng tự thay đổi cài đặt thông báo của mình.")
    preference = db.session.get(NotificationPreference, user_id, with_for_update=True)
    if preference is None:
        preference = NotificationPreference(user_id=user_id, email_enabled=True, digest_enabled=False)
        db.session.add(preference)
    if email_enabled is not None:
        preference.email_enabled = bool(email_enabled)
    if digest_enabled is not None:
        preference.digest_enabled = bool(digest_enabled)
    preference.updated_at = clock.now()
    db.session.flush()
    return preference
