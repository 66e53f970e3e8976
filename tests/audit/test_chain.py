import itertools

import sqlalchemy as sa

from app.audit import services as audit
from app.audit.context import origin
from app.audit.models import AuditEvent
from app.core.db import db
from app.org import services


def make_events(create_user, n=3):
    for _ in range(n):
        create_user()


def test_every_service_change_is_chained_and_verifies(create_user):
    make_events(create_user)
    events = db.session.scalars(sa.select(AuditEvent).order_by(AuditEvent.seq)).all()
    assert [e.seq for e in events] == list(range(1, len(events) + 1))
    assert events[0].prev_hash == audit.GENESIS
    assert all(b.prev_hash == a.hash for a, b in itertools.pairwise(events))
    result = audit.verify_chain()
    assert result.ok and result.checked == len(events)


def test_event_records_actor_origin_and_changes(admin, create_user):
    with origin("203.0.113.7", "Mozilla/5.0 kiểm thử"):
        user = services.create_user(
            admin,
            username="moi.tao",
            full_name="Người Mới",
            password="MatKhau-2026x",
            agency_id=admin.agency_id,
            roles=["van_thu"],
        )
    event = db.session.scalars(sa.select(AuditEvent).order_by(AuditEvent.seq.desc())).first()
    assert (event.action, event.actor_id, event.agency_id) == ("user.create", admin.id, admin.agency_id)
    assert (event.object_type, event.object_id) == ("user_account", str(user.id))
    assert (event.ip, event.user_agent) == ("203.0.113.7", "Mozilla/5.0 kiểm thử")
    assert event.changes["roles"] == ["van_thu"]


def test_edited_row_is_detected(create_user):
    make_events(create_user, 4)
    db.session.execute(sa.update(AuditEvent).where(AuditEvent.seq == 3).values(summary="đã bị sửa lén"))
    db.session.expire_all()
    result = audit.verify_chain()
    assert not result.ok and result.broken_seq == 3 and result.checked == 2


def test_deleted_row_is_detected(create_user):
    make_events(create_user, 4)
    db.session.execute(sa.delete(AuditEvent).where(AuditEvent.seq == 2))
    result = audit.verify_chain()
    assert not result.ok and result.broken_seq == 2


def test_rehashed_forgery_breaks_the_next_link(create_user):
    make_events(create_user, 4)
    forged = db.session.scalar(sa.select(AuditEvent).where(AuditEvent.seq == 2))
    forged.summary = "giả mạo"
    forged.hash = audit.chain_hash(forged.prev_hash, forged)  # the forger recomputes this row's hash…
    db.session.flush()
    result = audit.verify_chain()
    assert result.broken_seq == 3  # …but the next row still points at the original


def test_verify_command_reports_first_broken_link(app, create_user):
    make_events(create_user, 3)
    runner = app.test_cli_runner()
    ok = runner.invoke(args=["audit", "verify"])
    assert ok.exit_code == 0 and "toàn vẹn" in ok.output
    db.session.execute(sa.update(AuditEvent).where(AuditEvent.seq == 2).values(actor_name="kẻ gian"))
    broken = runner.invoke(args=["audit", "verify"])
    assert broken.exit_code == 1 and "số 2" in broken.output
