"""The backups page and endpoint: who sees them, "Sao lưu ngay", the listing; the daily job and its failure notice."""

import sqlalchemy as sa

from app.audit.models import AuditEvent
from app.backup import jobs, services
from app.backup.restore import code_revisions
from app.notifications.models import Notification
from tests.conftest import csrf_token, login

HEAD = code_revisions().get_current_head()  # the schema this code migrates to


def top_admin(create_user, create_agency):
    return create_user(roles=("quan_tri",), agency=create_agency(), username="qt_tinh")


def test_the_page_lists_archives_and_backs_up_now(
    app, client, db_session, create_user, create_agency, tmp_path, monkeypatch, frozen_clock
):
    monkeypatch.setitem(app.config, "BACKUP_PATH", str(tmp_path))
    top_admin(create_user, create_agency)
    login(client, "qt_tinh")
    hub = client.get("/admin").get_data(as_text=True)
    assert "/admin/backups" in hub and "Sao lưu dữ liệu" in hub
    page = client.get("/admin/backups").get_data(as_text=True)
    assert "Chưa có bản sao lưu nào" in page and "qlvb restore" in page and "Chưa sao lưu lần nào" in page

    response = client.post("/admin/backups", data={"csrf_token": csrf_token(client, "/admin/backups")})
    assert response.status_code == 302
    page = client.get("/admin/backups").get_data(as_text=True)
    name = "qlvb-backup-20261123T020000Z.tar"
    assert f'data-testid="backup-{name}"' in page and "Toàn vẹn" in page and "Thành công" in page
    assert (tmp_path / name).is_file()
    event = db_session.scalars(sa.select(AuditEvent).where(AuditEvent.action == "backup.create")).one()
    assert event.object_id == name and event.actor_name == "qt_tinh"


def test_the_api_lists_and_starts_backups_for_deployment_admins_only(
    app, client, db_session, create_user, create_agency, api_token, tmp_path, monkeypatch, frozen_clock
):
    monkeypatch.setitem(app.config, "BACKUP_PATH", str(tmp_path))
    admin = top_admin(create_user, create_agency)
    parent = create_agency()
    unit_admin = create_user(roles=("quan_tri",), agency=create_agency(parent_id=parent.id))
    assert client.get("/api/v1/admin/backups", headers=api_token(unit_admin)).status_code == 403
    assert client.post("/api/v1/admin/backups", headers=api_token(unit_admin)).status_code == 403

    started = client.post("/api/v1/admin/backups", headers=api_token(admin))
    assert started.status_code == 202 and started.json["status"] == "done"
    listing = client.get("/api/v1/admin/backups", headers=api_token(admin)).json
    assert listing["daily"] is True and listing["last_run"]["ok"] is True
    [archive] = listing["archives"]
    assert archive["name"] == started.json["archive"] and archive["schema_revision"] == HEAD
    assert archive["verified"]["ok"] is True and archive["size"] > 0


def test_a_damaged_archive_shows_as_damaged_after_a_check(
    app, client, db_session, create_user, create_agency, tmp_path, monkeypatch, frozen_clock
):
    monkeypatch.setitem(app.config, "BACKUP_PATH", str(tmp_path))
    top_admin(create_user, create_agency)
    result = services.create_backup()
    with open(result.path, "r+b") as handle:
        handle.seek(result.size // 2)
        byte = handle.read(1)
        handle.seek(result.size // 2)
        handle.write(bytes([byte[0] ^ 0xFF]))
    login(client, "qt_tinh")
    client.post(f"/admin/backups/{result.path.name}/verify", data={"csrf_token": csrf_token(client, "/admin/backups")})
    page = client.get("/admin/backups").get_data(as_text=True)
    assert "Hỏng" in page and "không khớp" in page
    event = db_session.scalars(sa.select(AuditEvent).where(AuditEvent.action == "backup.verify")).one()
    assert result.path.name in event.summary and "hỏng" in event.summary


def test_the_daily_job_runs_once_a_day_after_its_hour(app, db_session, tmp_path, monkeypatch, frozen_clock):
    monkeypatch.setitem(app.config, "BACKUP_PATH", str(tmp_path))
    monkeypatch.setitem(app.config, "BACKUP_HOUR", 10)  # FROZEN_AT is 09:00 in Hà Nội
    assert jobs.make_daily_backup() is False
    frozen_clock.advance(hours=2)
    assert jobs.make_daily_backup() is True
    assert jobs.make_daily_backup() is False  # done for today
    assert len(services.list_backups(tmp_path)) == 1
    frozen_clock.advance(days=1)
    assert jobs.make_daily_backup() is True
    assert len(services.list_backups(tmp_path)) == 2
    monkeypatch.setitem(app.config, "BACKUP_KEEP", 1)
    frozen_clock.advance(days=1)
    jobs.make_daily_backup()
    assert [a.name for a in services.list_backups(tmp_path)] == ["qlvb-backup-20261125T040000Z.tar"]  # retention
    assert services.read_status(tmp_path)["last"]["trigger"] == "scheduled"


def test_a_failed_daily_backup_is_audited_and_told_to_the_admins(
    app, db_session, create_user, create_agency, tmp_path, monkeypatch, frozen_clock
):
    monkeypatch.setitem(app.config, "BACKUP_PATH", str(tmp_path / "out"))
    admin = top_admin(create_user, create_agency)
    store = app.extensions["qlvb.blobs"].root
    broken = store / "ab" / "cd" / ("abcd" + "0" * 60)
    broken.mkdir(parents=True)  # an unreadable entry where a stored file should be
    try:
        assert jobs.make_daily_backup() is True
    finally:
        broken.rmdir()
    assert list((tmp_path / "out").glob("*.tar")) == [] and list((tmp_path / "out").glob(".*partial*")) == []
    event = db_session.scalars(sa.select(AuditEvent).where(AuditEvent.action == "backup.fail")).one()
    assert "IsADirectoryError" in event.summary
    notice = db_session.scalars(sa.select(Notification).where(Notification.user_id == admin.id)).one()
    assert notice.kind == "backup_failed" and notice.url == "/admin/backups"
    assert services.read_status(tmp_path / "out")["last"]["ok"] is False
