import hashlib
import itertools
import json

import pytest
import sqlalchemy as sa

from app.audit import services as audit
from app.audit.context import origin
from app.audit.models import AuditEvent
from app.core.db import db
from app.core.transaction import unit_of_work
from app.org import services


def make_events(create_user, n=3):
    for _ in range(n):
        with unit_of_work():  # events take their place in the chain when their transaction commits
            create_user()


def chain():
    return db.session.scalars(sa.select(AuditEvent).order_by(AuditEvent.seq)).all()


@pytest.fixture
def checkpoints(app, tmp_path):
    """Checkpoints of the head on, in a file of this test's own (the suite keeps them off: it rolls back)."""
    path = tmp_path / "audit-checkpoints.log"
    app.config["AUDIT_CHECKPOINTS"] = str(path)
    yield path
    app.config["AUDIT_CHECKPOINTS"] = ""


# NĐ 30 Phụ lục VI III.5.a, III.5.d, III.7.d
def test_every_service_change_is_chained_and_verifies(create_user):
    make_events(create_user)
    events = chain()
    assert [e.seq for e in events] == list(range(1, len(events) + 1))
    assert events[0].prev_hash == audit.GENESIS
    assert all(b.prev_hash == a.hash for a, b in itertools.pairwise(events))
    result = audit.verify_chain()
    assert result.ok and result.checked == len(events)


def test_an_event_takes_its_place_only_when_its_transaction_commits(create_user):
    with unit_of_work():
        create_user()
        pending = db.session.scalars(sa.select(AuditEvent).order_by(AuditEvent.id)).all()
        assert {(e.seq, e.hash) for e in pending} == {(None, None)}  # nobody waits on the chain while work runs
    assert [e.seq for e in pending] == list(range(1, len(pending) + 1))
    assert pending[0].hash == audit.chain_hash(audit.GENESIS, pending[0])


def test_events_of_a_rolled_back_savepoint_leave_no_gap(create_user):
    with unit_of_work():
        create_user()
        with pytest.raises(RuntimeError), unit_of_work():
            create_user()
            raise RuntimeError("refused")
        create_user()
    actions = [e.action for e in chain()]
    assert actions.count("user.create") == 2 and [e.seq for e in chain()] == list(range(1, len(actions) + 1))
    assert audit.verify_chain().ok


def test_an_event_nobody_reads_first_is_written_once_already_sealed(create_user):
    user = create_user()
    writes = []

    def note(_conn, _cursor, statement, *_args):
        if statement.startswith(("INSERT INTO audit_event", "UPDATE audit_event")):
            writes.append(statement.split(" (")[0].split(" SET")[0])

    sa.event.listen(db.engine, "before_cursor_execute", note)
    try:
        with unit_of_work():
            audit.record(user, "agency.view", user.agency, summary="Xem")
            db.session.flush()  # other work's flushes, a savepoint: none writes the event
            with db.session.begin_nested():
                audit.record(user, "agency.view", user.agency, summary="Xem lần nữa")
    finally:
        sa.event.remove(db.engine, "before_cursor_execute", note)
    # Inserted by the seal (one statement per row on SQLite, batched on PostgreSQL), never updated after.
    assert writes and set(writes) == {"INSERT INTO audit_event"} and len(writes) <= len(chain())
    assert [e.summary for e in chain()[-2:]] == ["Xem", "Xem lần nữa"] and audit.verify_chain().ok


def test_an_event_of_a_rolled_back_savepoint_is_gone_though_never_written(create_user):
    user = create_user()
    with unit_of_work():
        audit.record(user, "agency.view", user.agency, summary="trước")
        with pytest.raises(RuntimeError), db.session.begin_nested():
            audit.record(user, "agency.view", user.agency, summary="trong điểm lưu bị hủy")
            raise RuntimeError("refused")
        audit.record(user, "agency.view", user.agency, summary="sau")
    assert [e.summary for e in chain()[-2:]] == ["trước", "sau"] and audit.verify_chain().ok


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
    event = db.session.scalars(sa.select(AuditEvent).order_by(AuditEvent.id.desc())).first()
    assert (event.action, event.actor_id, event.agency_id) == ("user.create", admin.id, admin.agency_id)
    assert (event.object_type, event.object_id) == ("user_account", str(user.id))
    assert (event.ip, event.user_agent) == ("203.0.113.7", "Mozilla/5.0 kiểm thử")
    assert event.changes["roles"] == ["van_thu"]


# NĐ 30 Phụ lục VI III.5.d
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
    forged.hash = audit.chain_hash(forged.prev_hash, forged)  # even a forger with the key…
    db.session.flush()
    result = audit.verify_chain()
    assert result.broken_seq == 3  # …leaves the next row pointing at the original


def test_rewriting_the_newest_row_without_the_key_is_detected(create_user):
    make_events(create_user, 4)
    last = chain()[-1]
    last.summary = "giả mạo"
    # What a forger with database access can compute: the link without the key (the old, unkeyed SHA-256).
    last.hash = hashlib.sha256((last.prev_hash + audit.canonical_json(last)).encode()).hexdigest()
    db.session.flush()
    result = audit.verify_chain()
    assert not result.ok and result.broken_seq == last.seq and "sửa đổi" in result.reason


def test_deleting_the_newest_rows_is_detected_against_the_checkpoint(create_user, checkpoints):
    make_events(create_user, 4)
    assert audit.verify_chain().ok
    head = chain()[-1]
    recorded = json.loads(checkpoints.read_text())
    assert recorded["seq"] == head.seq and recorded["hash"] == head.hash
    db.session.execute(sa.delete(AuditEvent).where(AuditEvent.seq >= head.seq - 1))
    result = audit.verify_chain()
    assert not result.ok and result.broken_seq == head.seq - 1
    assert f"từ số {head.seq - 1} đến {head.seq}" in result.reason


def test_rewriting_the_newest_row_with_the_key_is_detected_against_the_checkpoint(create_user, checkpoints):
    make_events(create_user, 3)
    last = chain()[-1]
    last.summary = "giả mạo"
    last.hash = audit.chain_hash(last.prev_hash, last)
    db.session.flush()
    result = audit.verify_chain()
    assert not result.ok and result.broken_seq == last.seq and "điểm kiểm tra" in result.reason


def test_a_forged_or_missing_checkpoint_is_reported(create_user, checkpoints):
    make_events(create_user, 2)
    recorded = json.loads(checkpoints.read_text())
    checkpoints.write_text(json.dumps({**recorded, "seq": 1}))  # moved back to hide a deletion, without the key
    assert "chữ ký" in audit.verify_chain().reason
    checkpoints.unlink()
    assert "không tìm thấy điểm kiểm tra" in audit.verify_chain().reason


def test_verify_command_reports_first_broken_link(app, create_user):
    make_events(create_user, 3)
    runner = app.test_cli_runner()
    ok = runner.invoke(args=["audit", "verify"])
    assert ok.exit_code == 0 and "toàn vẹn" in ok.output
    db.session.execute(sa.update(AuditEvent).where(AuditEvent.seq == 2).values(actor_name="kẻ gian"))
    broken = runner.invoke(args=["audit", "verify"])
    assert broken.exit_code == 1 and "số 2" in broken.output


# NĐ 30 Phụ lục VI III.6.l
def test_one_look_at_a_document_is_one_event_and_a_later_look_another(create_user, frozen_clock):
    reader = create_user()
    document = reader.agency  # any audited object with an id and a table
    assert audit.record_view(reader, "agency.view", document, summary="Xem") is not None
    assert audit.record_view(reader, "agency.view", document, summary="Xem lại ngay") is None
    other = create_user(agency=reader.agency)
    assert audit.record_view(other, "agency.view", document, summary="Người khác xem") is not None
    frozen_clock.advance(minutes=11)
    assert audit.record_view(reader, "agency.view", document, summary="Xem lần sau") is not None


def test_the_checkpoint_is_one_record_written_over_the_last_even_over_a_longer_file(create_user, checkpoints):
    checkpoints.write_text("x" * 1000)
    make_events(create_user, 2)
    make_events(create_user, 1)
    assert len(checkpoints.read_text().splitlines()) == 1
    assert json.loads(checkpoints.read_text())["seq"] == chain()[-1].seq
    assert audit.verify_chain().ok
