"""Back up a deployment full of real data, lose it all, restore it with the real commands: every row of every table
and every stored file comes back identical, and the audit chain still verifies (design.md §8; seed 004 Điều 13.5)."""

import json
import shutil
import tarfile

import pytest
import sqlalchemy as sa

from app.backup.restore import code_revisions
from app.core.db import db
from tests.backup.conftest import TEST_DB, make_deployment

HEAD = code_revisions().get_current_head()  # the schema this code migrates to

pytestmark = pytest.mark.slow  # the demo loader fills the deployment first (tests/backup/conftest.py)


def only_archive(folder):
    archives = sorted(folder.glob("qlvb-backup-*.tar"))
    assert len(archives) == 1, archives
    return archives[0]


def test_backup_wipe_restore_gives_back_every_row_and_every_file(demo_deployment, tmp_path):
    deployment = demo_deployment
    before_rows, before_blobs = deployment.tables(), deployment.blob_bytes()
    assert len(before_blobs) >= 10 and len(before_rows["audit_event"]) >= 50  # the demo's PDFs and its chain
    assert before_rows["incoming_document"] and before_rows["human_task"]

    result = deployment.cli("backup", "--output", str(tmp_path))
    assert result.exit_code == 0, result.output
    archive = only_archive(tmp_path)
    with tarfile.open(archive) as tar:
        names = tar.getnames()
        manifest = json.load(tar.extractfile("manifest.json"))
    assert names[0] == "qlvb-backup.json" and names[-1] == "manifest.json"
    assert manifest["database"] == TEST_DB and manifest["schema_revision"] == HEAD and manifest["problems"] == []
    assert {f"blobs/{name}" for name in before_blobs} <= set(manifest["files"])
    assert "instance/audit-checkpoints.log" in manifest["files"]
    assert not any(name.startswith("instance/keys/") for name in names)  # keys only with --with-keys

    deployment.wipe()
    assert not deployment.blobs.exists()

    result = deployment.cli("restore", str(archive), "--yes")
    assert result.exit_code == 0, result.output

    after_rows = deployment.tables()
    assert set(after_rows) == set(before_rows)
    for table, rows in before_rows.items():
        if table == "audit_event":
            continue
        assert after_rows[table] == rows, f"table {table} differs after the restore"
    # The chain as it was, then one event: the restore itself (the backup's own event came after the dump).
    restored_chain = after_rows["audit_event"]
    assert restored_chain[:-1] == before_rows["audit_event"]
    with deployment.app.app_context():
        actions = db.session.execute(sa.text("SELECT action FROM audit_event ORDER BY seq DESC")).scalars().all()
        db.session.remove()
        db.engine.dispose()
    assert actions[0] == "backup.restore"
    assert deployment.blob_bytes() == before_blobs

    verified = deployment.cli("audit", "verify")
    assert verified.exit_code == 0 and "toàn vẹn" in verified.output, verified.output


def test_a_damaged_archive_is_refused_and_nothing_is_touched(demo_deployment, tmp_path):
    deployment = demo_deployment
    assert deployment.cli("backup", "--output", str(tmp_path)).exit_code == 0
    archive = only_archive(tmp_path)
    with tarfile.open(archive) as tar:
        blob = next(m for m in tar.getmembers() if m.name.startswith("blobs/"))
    data = bytearray(archive.read_bytes())
    data[blob.offset_data + blob.size // 2] ^= 0xFF  # one flipped bit inside one stored PDF
    damaged = tmp_path / "damaged" / archive.name
    damaged.parent.mkdir()
    damaged.write_bytes(bytes(data))
    before_rows, before_blobs = deployment.tables(), deployment.blob_bytes()

    result = deployment.cli("restore", str(damaged), "--yes")
    assert result.exit_code == 1
    assert "Tệp sao lưu bị hỏng" in result.output and blob.name in result.output
    assert deployment.tables() == before_rows and deployment.blob_bytes() == before_blobs

    truncated = tmp_path / "damaged" / "qlvb-backup-20000101T000000Z.tar"
    shutil.copyfile(archive, truncated)
    with open(truncated, "r+b") as handle:
        handle.truncate(archive.stat().st_size // 2)
    result = deployment.cli("restore", str(truncated), "--yes")
    assert result.exit_code == 1 and "Tệp sao lưu bị hỏng" in result.output
    assert deployment.tables() == before_rows


def test_an_archive_of_a_newer_schema_is_refused(demo_deployment, tmp_path):
    deployment = demo_deployment
    with deployment.app.app_context():
        with db.engine.begin() as connection:
            connection.execute(sa.text("UPDATE alembic_version SET version_num = '9999'"))
        try:
            assert deployment.cli("backup", "--output", str(tmp_path)).exit_code == 0
        finally:
            with db.engine.begin() as connection:
                connection.execute(sa.text("UPDATE alembic_version SET version_num = :head"), {"head": HEAD})
            db.engine.dispose()
    before = deployment.tables()
    result = deployment.cli("restore", str(only_archive(tmp_path)), "--yes")
    assert result.exit_code == 1
    assert "mới hơn phiên bản mã nguồn này biết" in result.output
    assert deployment.tables() == before


def test_restore_refuses_while_a_server_holds_the_instance(demo_deployment, tmp_path):
    import fcntl
    import os

    from app.core.instance_lock import LOCK_FILE

    deployment = demo_deployment
    assert deployment.cli("backup", "--output", str(tmp_path)).exit_code == 0
    fd = os.open(deployment.instance / LOCK_FILE, os.O_RDWR | os.O_CREAT)
    fcntl.flock(fd, fcntl.LOCK_SH)  # what `qlvb serve` and `qlvb scheduler` hold while they run
    try:
        result = deployment.cli("restore", str(only_archive(tmp_path)), "--yes")
    finally:
        os.close(fd)
    assert result.exit_code == 1 and "hãy dừng chúng trước" in result.output


def test_restore_refuses_an_instance_whose_audit_key_differs(demo_deployment, tmp_path):
    deployment = demo_deployment
    assert deployment.cli("backup", "--output", str(tmp_path)).exit_code == 0
    original = deployment.app.config["AUDIT_KEY"]
    deployment.app.config["AUDIT_KEY"] = "another-key"
    try:
        result = deployment.cli("restore", str(only_archive(tmp_path)), "--yes")
    finally:
        deployment.app.config["AUDIT_KEY"] = original
    assert result.exit_code == 1 and "audit.key" in result.output


def test_an_archive_of_an_older_schema_is_restored_and_upgraded(tmp_path):
    from app.core import clock
    from app.core.db import UTCDateTime

    deployment = make_deployment(tmp_path, "old", revision="0029")
    # A row written as that schema holds it: today's services would write today's columns (the audit event's too).
    agency = sa.table(
        "agency",
        *(sa.column(name) for name in ("code", "name", "abbreviation", "is_active")),
        sa.column("created_at", UTCDateTime()),
    )
    with deployment.app.app_context():
        with db.engine.begin() as connection:
            connection.execute(
                sa.insert(agency).values(
                    code="000.00.00.H99",
                    name="UBND tỉnh thử",
                    abbreviation="UBT",
                    is_active=True,
                    created_at=clock.now(),
                )
            )
        db.engine.dispose()
    result = deployment.cli("backup", "--output", str(tmp_path / "out"))
    assert result.exit_code == 0, result.output
    before = deployment.tables()
    assert before["alembic_version"] == [("0029",)]
    deployment.wipe()

    result = deployment.cli("restore", str(only_archive(tmp_path / "out")), "--yes")
    assert result.exit_code == 0, result.output
    assert "Đã nâng cấp lược đồ từ 0029" in result.output
    after = deployment.tables()
    assert after["alembic_version"] == [(HEAD,)]
    assert after["agency"] == before["agency"]
    with deployment.app.app_context():
        index = {i["name"] for i in sa.inspect(db.engine).get_indexes("outgoing_recipient")}
        db.engine.dispose()
    assert "ix_outgoing_recipient_unacknowledged" in index  # 0030's change, made by the upgrade
    deployment.close()


def test_an_archive_with_keys_brings_them_back_to_a_machine_that_has_others(demo_deployment, tmp_path):
    deployment = demo_deployment
    key_file = deployment.instance / "audit.key"
    original = key_file.read_text()
    assert deployment.cli("backup", "--with-keys", "--output", str(tmp_path)).exit_code == 0
    with tarfile.open(only_archive(tmp_path)) as tar:
        assert tar.extractfile("instance/keys/audit.key").read().decode() == original
    key_file.write_text("a-new-machine-with-another-key")  # a fresh install generated its own key
    deployment.app.config["AUDIT_KEY"] = "a-new-machine-with-another-key"

    result = deployment.cli("restore", str(only_archive(tmp_path)), "--yes")
    assert result.exit_code == 0, result.output
    assert key_file.read_text() == original and deployment.app.config["AUDIT_KEY"] == original.strip()
    assert oct(key_file.stat().st_mode & 0o777) == "0o600"
    verified = deployment.cli("audit", "verify")
    assert verified.exit_code == 0, verified.output
