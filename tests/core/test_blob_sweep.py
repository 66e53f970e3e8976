"""The orphan-blob sweep: what no row names and nobody stored lately goes; everything named or fresh stays."""

import os
import time

from app.core.db import db
from app.core.storage import BlobStore
from app.modules import blob_columns

DAY_NS = 24 * 3600 * 10**9


def age(store: BlobStore, digest: str, days: float = 0) -> None:
    """Set the blob's file time `days` before now, as the process's clock reads it (faked in the future run)."""
    then = time.time_ns() - int(days * DAY_NS)
    os.utime(store.path_for(digest), ns=(then, then))


def test_sweep_removes_old_orphans_and_stray_temporary_files_only(tmp_path):
    store = BlobStore(tmp_path)
    named, orphan, fresh = store.put(b"named"), store.put(b"orphan"), store.put(b"fresh orphan")
    age(store, named, days=2)
    age(store, orphan, days=2)
    age(store, fresh, days=0.5)
    stray = tmp_path / ".incoming-crashed"
    stray.write_bytes(b"half")
    os.utime(stray, ns=(0, 0))

    removed = store.sweep(lambda digests: {d for d in digests if d == named}, older_than=24 * 3600)

    assert removed == 2 and not stray.exists()
    assert store.exists(named) and store.exists(fresh) and not store.exists(orphan)


def test_a_blob_stored_again_meanwhile_is_not_swept(tmp_path):
    store = BlobStore(tmp_path)
    digest = store.put(b"stored twice")
    age(store, digest, days=2)

    def referenced(digests):
        store.put(b"stored twice")  # another transaction stores the same bytes while the sweep looks
        return set()

    assert store.sweep(referenced, older_than=24 * 3600) == 0
    assert store.read(digest) == b"stored twice"


def test_every_column_holding_a_blob_digest_is_declared(app):
    declared = {(column.table.name, column.name) for column in blob_columns()}
    holding = {
        (table.name, column.name)
        for table in db.metadata.tables.values()
        for column in table.columns
        if column.name.endswith("sha256")
    }
    # Columns that name bytes destroyed on purpose (NĐ 30 Phụ lục VI III.8.c: the recall keeps the SHA-256 of the
    # files it destroyed): declaring them would keep the bytes the recall must remove.
    records_of_destroyed = {("recall_file", "sha256")}
    assert holding - records_of_destroyed == declared
