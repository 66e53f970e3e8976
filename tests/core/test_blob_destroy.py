"""BlobStore.destroy: bytes removed on purpose (a recalled document, NĐ 30 Phụ lục VI III.8.b), only when no row
names them any more — content addressing means one file may serve several rows."""

import pytest

from app.core.storage import BlobStore


def test_destroy_removes_bytes_nobody_names(tmp_path):
    store = BlobStore(tmp_path, referenced=lambda digests: set())
    digest = store.put(b"recalled")
    assert store.destroy(digest) is True and not store.exists(digest)
    assert store.destroy(digest) is True  # gone already: idempotent


def test_destroy_keeps_bytes_another_row_names(tmp_path):
    named = set()
    store = BlobStore(tmp_path, referenced=lambda digests: named & set(digests))
    digest = store.put(b"shared with the sender's original")
    named.add(digest)
    assert store.destroy(digest) is False and store.read(digest) == b"shared with the sender's original"


def test_destroy_spares_bytes_stored_again_while_it_looks(tmp_path):
    def referenced(digests):
        store.put(b"stored again")  # another transaction stores the same bytes at this moment: it claims the file
        return set()

    store = BlobStore(tmp_path, referenced=referenced)
    digest = store.put(b"stored again")
    assert store.destroy(digest) is False and store.read(digest) == b"stored again"


def test_destroy_needs_the_reference_check(tmp_path):
    store = BlobStore(tmp_path)
    with pytest.raises(RuntimeError):
        store.destroy(store.put(b"x"))
