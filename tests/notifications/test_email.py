"""Sending queued e-mails against a fake SMTP server: the Vietnamese message, retries with backoff when the server
fails (the e-mail stays pending, then goes once), permanent refusals, people no longer to be written to."""

from datetime import timedelta

import sqlalchemy as sa

from app.core.db import db
from app.core.transaction import unit_of_work
from app.notifications import services
from app.notifications.email import backoff, send_due_emails
from app.notifications.models import EmailStatus, NotificationEmail
from app.org import services as org


def queue(person, title="Văn bản đến số 15/UBND cần xử lý gấp") -> NotificationEmail:
    with unit_of_work():
        [notice] = services.notify([person], kind="task_overdue", title=title, body="Hạn: hôm nay.", url="/tasks/9")
    return db.session.scalars(sa.select(NotificationEmail).where(NotificationEmail.notification_id == notice.id)).one()


def reload(row: NotificationEmail) -> NotificationEmail:
    db.session.expire_all()
    return db.session.get(NotificationEmail, row.id)


def test_a_due_email_is_sent_once_as_a_vietnamese_plain_text_message(create_user, smtp, frozen_clock):
    person = create_user(email="an@example.gov.vn", full_name="Nguyễn Văn An")
    row = queue(person)
    report = send_due_emails()
    assert (report.sent, report.retried, report.failed) == (1, 0, 0)
    [(mail_from, recipients, raw)] = smtp.received
    assert mail_from == "qlvb@snv.example.gov.vn" and recipients == ["an@example.gov.vn"]
    assert b"Subject: =?utf-8?" in raw and raw.isascii()  # RFC 2047 and quoted-printable: ASCII on the wire
    [message] = smtp.messages()
    assert message["Subject"] == "[QLVB] Văn bản đến số 15/UBND cần xử lý gấp"
    assert message["From"].addresses[0].display_name == "Văn phòng Sở Nội vụ"
    assert message.get_content_type() == "text/plain" and message.get_content_charset() == "utf-8"
    assert message["Auto-Submitted"] == "auto-generated"
    assert "Kính gửi Nguyễn Văn An," in message.get_content()
    sent = reload(row)
    assert sent.status == EmailStatus.SENT and sent.sent_at == frozen_clock() and sent.attempts == 1
    assert send_due_emails().sent == 0 and len(smtp.received) == 1


def test_a_failing_server_keeps_the_email_pending_and_retries_with_backoff(create_user, smtp, frozen_clock):
    person = create_user(email="an@example.gov.vn")
    row = queue(person)
    smtp.data_failure = "451 4.3.0 Hệ thống bận, thử lại sau"
    assert send_due_emails().retried == 1
    failed_once = reload(row)
    assert failed_once.status == EmailStatus.PENDING and failed_once.attempts == 1
    assert failed_once.next_attempt_at == frozen_clock() + timedelta(minutes=1) and "451" in failed_once.last_error

    assert send_due_emails().retried == 0  # not due yet: nothing is attempted before the backoff ends
    frozen_clock.advance(minutes=1)
    smtp.greeting_failure = "421 4.3.2 Dịch vụ tạm ngừng"  # now the server is down altogether
    assert send_due_emails().retried == 1
    assert reload(row).next_attempt_at == frozen_clock() + timedelta(minutes=2) and reload(row).attempts == 2

    smtp.greeting_failure = smtp.data_failure = None  # the server is back
    frozen_clock.advance(minutes=1)
    assert send_due_emails().sent == 0
    frozen_clock.advance(minutes=1)
    assert send_due_emails().sent == 1
    assert send_due_emails().sent == 0
    assert len(smtp.received) == 1 and reload(row).status == EmailStatus.SENT and reload(row).attempts == 3


def test_no_server_listening_keeps_everything_pending(create_user, app, smtp, monkeypatch, frozen_clock):
    person = create_user(email="an@example.gov.vn")
    rows = [queue(person, f"Thông báo {n}") for n in range(3)]
    smtp.stop()
    report = send_due_emails()
    assert report.retried == 1  # the batch stops at the first server failure: the others wait for the next run
    assert {reload(r).status for r in rows} == {EmailStatus.PENDING}


def test_after_the_last_attempt_the_email_fails_with_its_reason(create_user, app, smtp, monkeypatch, frozen_clock):
    monkeypatch.setitem(app.config, "SMTP_MAX_ATTEMPTS", 3)
    row = queue(create_user(email="an@example.gov.vn"))
    smtp.data_failure = "451 4.3.0 Thử lại sau"
    for _ in range(3):
        send_due_emails()
        frozen_clock.advance(hours=7)
    failed = reload(row)
    assert failed.status == EmailStatus.FAILED and failed.attempts == 3 and "451" in failed.last_error
    assert smtp.received == []


def test_a_permanent_refusal_fails_at_once_and_the_batch_goes_on(create_user, smtp, frozen_clock):
    nobody = queue(create_user(email="khongco@example.gov.vn"))
    somebody = queue(create_user(email="an@example.gov.vn"))
    smtp.rejected.add("khongco@example.gov.vn")
    report = send_due_emails()
    assert (report.sent, report.failed) == (1, 1)
    assert reload(nobody).status == EmailStatus.FAILED and "550" in reload(nobody).last_error
    assert reload(somebody).status == EmailStatus.SENT


def test_people_deactivated_or_opted_out_since_are_not_written_to(create_user, admin, smtp, frozen_clock):
    gone = create_user(email="gone@example.gov.vn", agency=admin.agency)
    quiet = create_user(email="quiet@example.gov.vn")
    gone_row, quiet_row = queue(gone), queue(quiet)
    org.deactivate_user(admin, gone.id)
    services.update_preferences(quiet, quiet.id, email_enabled=False)
    assert send_due_emails().failed == 2
    assert smtp.received == []
    assert "vô hiệu hóa" in reload(gone_row).last_error and "tắt" in reload(quiet_row).last_error


def test_backoff_doubles_up_to_six_hours():
    assert [backoff(n) for n in (1, 2, 3, 4)] == [timedelta(minutes=m) for m in (1, 2, 4, 8)]
    assert backoff(30) == backoff(10_000) == timedelta(hours=6)


def test_nothing_is_sent_without_smtp(create_user, frozen_clock):
    assert send_due_emails().sent == 0
