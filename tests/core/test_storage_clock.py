import hashlib
import io
import os
from datetime import UTC, datetime

import pytest

from app.core import clock
from app.core.errors import NotFound
from app.core.storage import BlobCorrupted, BlobStore


def test_blob_is_named_by_its_sha256_and_read_back(tmp_path):
    store = BlobStore(tmp_path)
    data = "Văn bản đến số 123".encode() * 1000
    digest = store.put(io.BytesIO(data))
    assert digest == hashlib.sha256(data).hexdigest()
    assert store.read(digest) == data
    assert store.put(data) == digest  # same bytes, same name: idempotent
    assert not [p for p in tmp_path.rglob(".incoming-*")], "no temp files left behind"


def test_corrupted_blob_is_reported_not_served(tmp_path):
    store = BlobStore(tmp_path)
    digest = store.put(b"original content")
    store.path_for(digest).write_bytes(b"tampered content")
    with pytest.raises(BlobCorrupted):
        store.read(digest)


def test_missing_or_malformed_blob_name_is_not_found(tmp_path):
    store = BlobStore(tmp_path)
    with pytest.raises(NotFound):
        store.read("0" * 64)
    with pytest.raises(NotFound):
        store.read("../../etc/passwd")


def test_failed_write_leaves_nothing(tmp_path):
    store = BlobStore(tmp_path)

    def broken():
        yield b"part one"
        raise OSError("disk full")

    with pytest.raises(OSError):
        store.put(broken())
    assert [p for p in tmp_path.rglob("*") if p.is_file()] == []


def test_clock_can_be_frozen_and_moved():
    start = datetime(2026, 11, 23, 1, 0, tzinfo=UTC)
    with clock.frozen(start) as frozen:
        assert clock.now() == start
        frozen.advance(hours=2)
        assert clock.now() == datetime(2026, 11, 23, 3, 0, tzinfo=UTC)
    assert clock.now() != start
    assert clock.to_local(start).isoformat() == "2026-11-23T08:00:00+07:00"


def blob_files(store):
    return sorted(p.name for p in store.root.rglob("*") if p.is_file())


def test_a_rolled_back_transaction_leaves_no_blob(app, db_session):
    from app.core.transaction import unit_of_work

    store = app.extensions["qlvb.blobs"]
    before = blob_files(store)
    with pytest.raises(RuntimeError), unit_of_work():
        digest = store.put(b"tep bi tu choi " + os.urandom(8))
        assert store.exists(digest)
        raise RuntimeError("refused")
    assert not store.exists(digest) and blob_files(store) == before


def test_a_rollback_keeps_blobs_that_were_committed_or_claimed_by_others(app, db_session):
    from app.core.transaction import unit_of_work

    store = app.extensions["qlvb.blobs"]
    data = b"tep dung chung " + os.urandom(8)
    with unit_of_work():
        kept = store.put(data)  # committed
    with pytest.raises(RuntimeError), unit_of_work():
        assert store.put(data) == kept  # the same bytes again, in a transaction that fails
        raise RuntimeError("refused")
    assert store.read(kept) == data

    shared = b"tep tranh chap " + os.urandom(8)
    with pytest.raises(RuntimeError), unit_of_work():
        digest = store.put(shared)  # created here…
        store.put(shared)  # …and claimed meanwhile by another writer of the same bytes (the same call path)
        raise RuntimeError("refused")
    assert store.read(digest) == shared
