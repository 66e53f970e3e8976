"""`qlvb notifications send-emails` and `qlvb notifications digest --now ISO`."""

import pytest
import sqlalchemy as sa

from app.core.db import db
from app.core.transaction import unit_of_work
from app.notifications import services
from app.notifications.models import Notification


@pytest.fixture
def run(app, db_session):
    runner = app.test_cli_runner()
    return lambda *args: runner.invoke(args=["notifications", *args])


def test_send_emails_says_when_no_mail_server_is_configured(run):
    result = run("send-emails")
    assert result.exit_code == 0 and "QLVB_SMTP_HOST" in result.output


def test_send_emails_sends_what_is_due(run, create_user, smtp, frozen_clock):
    with unit_of_work():
        services.notify([create_user(email="an@example.gov.vn")], kind="task_reminder", title="Nhắc việc")
    result = run("send-emails")
    assert result.exit_code == 0 and result.output == "Đã gửi 1, chờ gửi lại 0, thất bại 0.\n"
    assert len(smtp.received) == 1


def test_digest_at_a_given_instant(run, deploy_process, office, frozen_clock):
    from app.workflow import services as wf

    deploy_process("doc_review")
    services.update_preferences(office.clerk, office.clerk.id, digest_enabled=True)
    wf.start_process(office.clerk, "doc_review", title="Công văn số 45/SNV")
    assert run("digest", "--now", "2026-11-23T06:00").output == "Đã gửi 0 bản tổng hợp.\n"
    assert run("digest", "--now", "2026-11-23T07:00").output == "Đã gửi 1 bản tổng hợp.\n"
    assert run("digest", "--now", "2026-11-23T08:00").output == "Đã gửi 0 bản tổng hợp.\n"
    kinds = db.session.scalars(sa.select(Notification.kind).where(Notification.user_id == office.clerk.id)).all()
    assert kinds == ["daily_digest"]
    bad = run("digest", "--now", "hôm nay")
    assert bad.exit_code == 2 and "không hợp lệ" in bad.output
