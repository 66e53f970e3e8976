"""E-mail of notices over SMTP: composing the Vietnamese message, and the sender that works the queue.

Queued `NotificationEmail` rows are sent by the scheduler job `notifications.send_emails` every minute and, in a
web process, by a background thread kicked after the commit that queued them — never in a request's thread, so a
slow or dead mail server never holds a page. Each row is claimed in a short unit of work of its own (PostgreSQL:
`FOR UPDATE SKIP LOCKED`, so two senders never take one row; SQLite has one writer), sent outside any
transaction, and its outcome recorded in another unit of work. The claim moves `next_attempt_at` a lease ahead:
a sender that dies mid-send leaves the row due again after the lease, never lost. Delivery is at least once (a
crash between the server's "250 OK" and the recording commit sends that one again).

A failure keeps the row pending and retries it after 1, 2, 4 … minutes (at most 6 hours apart) until
QLVB_SMTP_MAX_ATTEMPTS, then marks it failed with the reason; a permanent refusal (5xx: the address does not
exist) fails at once. The notice in the application is never touched by any of this.
"""

import logging
import smtplib
import ssl
from dataclasses import dataclass
from datetime import timedelta
from email.charset import QP, Charset
from email.header import Header
from email.mime.text import MIMEText
from email.utils import format_datetime, formataddr, make_msgid, parseaddr

import sqlalchemy as sa
from flask import current_app

from app.core import clock
from app.core.background import BackgroundSender
from app.core.db import db
from app.core.transaction import unit_of_work
from app.notifications.models import EmailStatus, NotificationEmail, NotificationPreference
from app.org.models import User

log = logging.getLogger(__name__)

# A claimed row is someone's for this long: far beyond one SMTP exchange (QLVB_SMTP_TIMEOUT_SECONDS).
CLAIM_LEASE = timedelta(minutes=10)
BACKOFF_FIRST = timedelta(minutes=1)
BACKOFF_MAX = timedelta(hours=6)
SENDER_NAME = "Hệ thống QLVB"


def backoff(attempts: int) -> timedelta:
    """The wait before the next attempt after `attempts` failed ones: 1, 2, 4 … minutes, at most 6 hours."""
    doublings = min(max(attempts - 1, 0), 16)  # 2**16 minutes is past the cap already; no overflow however many
    return min(BACKOFF_FIRST * (2**doublings), BACKOFF_MAX)


def public_link(path: str | None) -> str | None:
    """An absolute link to a page of qlvb for an e-mail (QLVB_PUBLIC_URL), None when no public address is set."""
    base = current_app.config.get("PUBLIC_URL") or ""
    return f"{base}{path}" if base and path else None


def render_text(template: str, **context) -> str:
    """A plain-text e-mail template (app/notifications/templates/notifications/email/, not HTML-escaped)."""
    return current_app.jinja_env.get_template(f"notifications/email/{template}").render(**context).strip() + "\n"


def compose_notice(person: User, *, notice_id: int, title: str, body: str) -> tuple[str, str]:
    """The subject and text of the e-mail of one notice to `person`."""
    text = render_text(
        "notice.txt",
        name=person.full_name,
        title=title,
        body=body,
        link=public_link(f"/notifications/{notice_id}"),
        settings_link=public_link("/notifications/settings"),
    )
    return f"[QLVB] {title}"[:300], text


# --- the message -------------------------------------------------------------------------------------------------


def _sender(config) -> tuple[str, str]:
    """(envelope sender, From header): QLVB_SMTP_FROM may be "addr@x" or "Tên <addr@x>"."""
    name, address = parseaddr(config["SMTP_FROM"])
    return address, formataddr((name or SENDER_NAME, address), charset="utf-8")


def _utf8_quoted_printable() -> Charset:
    charset = Charset("utf-8")
    charset.body_encoding = QP  # readable in a raw view, 7-bit clean for any relay
    return charset


def build_message(row: "Claimed", config) -> tuple[str, MIMEText]:
    """A UTF-8 plain-text message, the Vietnamese subject and sender name as RFC 2047 encoded words.

    Written with `email.header.Header` (compat32): the newer policy-based folding of Python 3.11 drops the space
    between two encoded words of a long Vietnamese subject ("cần xử" arrives as "cầnxử")."""
    envelope_from, from_header = _sender(config)
    message = MIMEText(row.body, "plain", _utf8_quoted_printable())
    message["Subject"] = Header(row.subject, "utf-8")
    message["From"] = from_header
    message["To"] = row.to_address
    message["Date"] = format_datetime(clock.to_local(clock.now()))
    message["Message-ID"] = make_msgid(f"qlvb.{row.id}", domain=envelope_from.partition("@")[2] or "qlvb.local")
    message["Auto-Submitted"] = "auto-generated"  # RFC 3834: no vacation replies to a robot
    return envelope_from, message


class Mailer:
    """One SMTP connection, opened on first use and reused for a batch; closed on any error."""

    def __init__(self, config) -> None:
        self.config = config
        self._smtp: smtplib.SMTP | None = None

    def _connect(self) -> smtplib.SMTP:
        c = self.config
        timeout = c.get("SMTP_TIMEOUT_SECONDS", 30)
        if c["SMTP_SECURITY"] == "ssl":
            context = ssl.create_default_context()
            smtp = smtplib.SMTP_SSL(c["SMTP_HOST"], c["SMTP_PORT"], timeout=timeout, context=context)
        else:
            smtp = smtplib.SMTP(c["SMTP_HOST"], c["SMTP_PORT"], timeout=timeout)
            if c["SMTP_SECURITY"] == "starttls":
                smtp.starttls(context=ssl.create_default_context())
        if c.get("SMTP_USER"):
            smtp.login(c["SMTP_USER"], c.get("SMTP_PASSWORD") or "")
        return smtp

    def send(self, envelope_from: str, to_address: str, message: MIMEText) -> None:
        if self._smtp is None:
            self._smtp = self._connect()
        try:
            self._smtp.send_message(message, from_addr=envelope_from, to_addrs=[to_address])
        except Exception:
            self.close()
            raise

    def close(self) -> None:
        smtp, self._smtp = self._smtp, None
        if smtp is not None:
            try:
                smtp.quit()
            except (smtplib.SMTPException, OSError):
                smtp.close()


# --- the queue ---------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Claimed:
    id: int
    to_address: str
    subject: str
    body: str
    attempts: int


@dataclass
class SendReport:
    sent: int = 0
    retried: int = 0
    failed: int = 0


def _undeliverable(row: NotificationEmail) -> str | None:
    """Why a queued e-mail must not go out any more, checked when it is sent, not only when it was queued."""
    person = db.session.get(User, row.user_id)
    if person is None or not person.is_active:
        return "Người nhận đã bị vô hiệu hóa."
    preference = db.session.get(NotificationPreference, row.user_id)
    if preference is not None and not preference.email_enabled:
        return "Người nhận đã tắt nhận thông báo qua thư điện tử."
    return None


def _claim_next(report: SendReport) -> Claimed | None:
    """Take the next due pending row for this sender (one short unit of work); None when nothing is due."""
    while True:
        with unit_of_work():
            now = clock.now()
            row = db.session.scalars(
                sa.select(NotificationEmail)
                .where(NotificationEmail.status == EmailStatus.PENDING, NotificationEmail.next_attempt_at <= now)
                .order_by(NotificationEmail.next_attempt_at, NotificationEmail.id)
                .limit(1)
                .with_for_update(skip_locked=True)
            ).first()
            if row is None:
                return None
            reason = _undeliverable(row)
            if reason is None:
                row.attempts += 1
                row.next_attempt_at = now + CLAIM_LEASE
                return Claimed(row.id, row.to_address, row.subject, row.body, row.attempts)
            row.status, row.last_error = EmailStatus.FAILED, reason
            report.failed += 1


def _permanent(exc: Exception) -> bool:
    """A 5xx refusal of this message or address (not of our login), or a message that cannot be written: retrying
    will not help."""
    if isinstance(exc, ValueError):
        return True
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        return all(code >= 500 for code, _text in exc.recipients.values())
    if isinstance(exc, smtplib.SMTPAuthenticationError):
        return False
    return isinstance(exc, smtplib.SMTPResponseException) and exc.smtp_code >= 500


SERVER_FAILURES = (
    smtplib.SMTPConnectError,
    smtplib.SMTPHeloError,
    smtplib.SMTPAuthenticationError,
    smtplib.SMTPServerDisconnected,
    smtplib.SMTPNotSupportedError,
)


def _server_failure(exc: Exception) -> bool:
    """The server failed us (down, refused login, closing: 421), not this one message."""
    if isinstance(exc, ValueError):  # this message could not be written (a malformed address)
        return False
    if isinstance(exc, SERVER_FAILURES) or not isinstance(exc, smtplib.SMTPException):
        return True
    return isinstance(exc, smtplib.SMTPResponseException) and exc.smtp_code == 421


def _record(claimed: Claimed, error: Exception | None, report: SendReport) -> None:
    with unit_of_work():
        row = db.session.get(NotificationEmail, claimed.id, with_for_update=True)
        now = clock.now()
        if error is None:
            row.status, row.sent_at, row.last_error = EmailStatus.SENT, now, None
            report.sent += 1
            return
        row.last_error = f"{type(error).__name__}: {error}"[:1000]
        if _permanent(error) or row.attempts >= current_app.config["SMTP_MAX_ATTEMPTS"]:
            row.status = EmailStatus.FAILED
            report.failed += 1
        else:
            row.next_attempt_at = now + backoff(row.attempts)
            report.retried += 1


def send_due_emails(limit: int = 500) -> SendReport:
    """Send up to `limit` due e-mails, each claimed and recorded in its own unit of work.

    A failure of the server itself (cannot connect, refused login, a broken connection) ends the batch after
    that row is rescheduled: the others wait for the next run instead of each waiting for a timeout.
    """
    report = SendReport()
    config = current_app.config
    if not config.get("SMTP_HOST"):
        return report
    mailer = Mailer(config)
    try:
        for _ in range(limit):
            claimed = _claim_next(report)
            if claimed is None:
                break
            try:
                envelope_from, message = build_message(claimed, config)
                mailer.send(envelope_from, claimed.to_address, message)
            except (smtplib.SMTPException, OSError, ValueError) as exc:
                log.warning("e-mail %s to %s not sent: %s", claimed.id, claimed.to_address, exc)
                _record(claimed, exc, report)
                if _server_failure(exc):
                    break  # the server, not this message: try again next run
                continue
            _record(claimed, None, report)
    finally:
        mailer.close()
    return report


# --- after the commit, in the background -------------------------------------------------------------------------

_background = BackgroundSender("qlvb-mail", send_due_emails)


def kick_sender() -> None:
    """Send what is due now in a background thread of this process (after a commit that queued e-mails)."""
    _background.kick()
