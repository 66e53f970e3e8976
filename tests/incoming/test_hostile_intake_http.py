"""The hostile PDF corpus and disguised files through the intake of a running `qlvb serve` (gunicorn), over HTTP
with a bearer token as any client would: each answer is a clear 4xx refusal with a stable code, or an accepted
(possibly disarmed) document — never a 5xx; the worker that took them is the same process afterwards, each answer
comes in bounded time, and the worker's peak memory stays bounded (a 1 GiB bomb is never inflated in memory)."""

import io
import json
import time
import zipfile
from pathlib import Path

import pytest
import requests

from bench.server import _SERVERS, running_server
from tests.conftest import PASSWORD, TEST_DB
from tests.documents import pdf_corpus
from tests.incoming.conftest import METADATA

# name → the answer expected: a refusal's code, or "accepted" / "disarmed"
EXPECTED = {
    "truncated": "not_a_pdf",  # no xref, no trailer: pyHanko cannot verify it
    "encrypted_with_password": "pdf_password",
    "encrypted_without_password": "accepted",
    "javascript": "disarmed",
    "launch": "disarmed",
    "embedded_exe": "disarmed",
    "many_pages": "pdf_too_many_pages",
    "bomb": "pdf_decompression_bomb",
    "looping_pages": "pdf_page_tree_loop",
    "garbage_xref": "not_a_pdf",  # qpdf recovers it, pyHanko cannot read it to verify signatures: refused
    "zero_bytes": "empty_file",
}
SECONDS = 60  # per request, on a loaded 2-core machine
PEAK_MB = 600  # the worker's peak resident memory (a gunicorn worker with the app loaded is about 200 MB)


def disguised() -> dict[str, tuple[str, bytes, str]]:
    archive = io.BytesIO()
    with zipfile.ZipFile(archive, "w") as package:
        package.writestr("a.txt", "x")
    return {
        "zip_named_pdf": ("cong-van.pdf", archive.getvalue(), "file_type_mismatch"),
        "exe_named_pdf": ("cong-van.pdf", b"MZ\x90\x00\x03" + b"\x00" * 500, "executable_file"),
        "zip_named_docx": ("du-thao.docx", archive.getvalue(), "invalid_ooxml"),
    }


def setup() -> None:
    from app.core.transaction import unit_of_work
    from app.org import services as org
    from app.workflow.definitions import sync_processes

    with unit_of_work():
        sync_processes()
        agency = org.create_agency(None, code="000.00.00.H33", name="UBND tỉnh Kiên Giang", abbreviation="UBND")
        org.create_user(
            None, username="vanthu", full_name="Văn thư", password=PASSWORD, agency_id=agency.id, roles=["van_thu"]
        )


def workers_of(master: int) -> set[int]:
    found = set()
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            if int(stat.read_text().rsplit(")", 1)[1].split()[1]) == master:
                found.add(int(stat.parent.name))
        except (OSError, ValueError):
            continue
    return found


def peak_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return 0.0


@pytest.mark.slow
@pytest.mark.skipif(TEST_DB != "sqlite", reason="one real server is enough; the service tests run on both databases")
def test_the_corpus_through_a_running_server_never_breaks_a_worker():
    files = {name: (f"{name}.pdf", maker(), EXPECTED[name]) for name, maker in pdf_corpus.HOSTILE.items()}
    files.update(disguised())
    with running_server("sqlite", setup, workers=1) as (base, _):
        api = f"{base}/api/v1"
        token = requests.post(f"{api}/tokens", json={"username": "vanthu", "password": PASSWORD}, timeout=30)
        http = requests.Session()
        http.headers["Authorization"] = f"Bearer {token.json()['token']}"
        master = _SERVERS[base]
        before = workers_of(master)
        assert len(before) == 1
        answers = {}
        for number, (name, (filename, data, _expected)) in enumerate(sorted(files.items())):
            metadata = {**METADATA, "code_number": str(100 + number)}
            started = time.monotonic()
            answer = http.post(
                f"{api}/incoming",
                data={"metadata": json.dumps(metadata, ensure_ascii=False)},
                files={"files": (filename, io.BytesIO(data), "application/pdf")},
                timeout=SECONDS * 2,
            )
            elapsed = time.monotonic() - started
            answers[name] = (answer.status_code, answer.json(), elapsed)
        after = workers_of(master)
        worker_peak = max(peak_mb(pid) for pid in after)
        assert requests.get(f"{base}/healthz", timeout=10).status_code == 200
    for name, (status, body, elapsed) in answers.items():
        expected = files[name][2]
        assert status < 500, (name, status, body)
        assert elapsed < SECONDS, (name, elapsed)
        if expected in ("accepted", "disarmed"):
            assert status == 201, (name, status, body)
            assert body["files"][0]["disarmed"] is (expected == "disarmed"), (name, body["files"][0])
        else:
            assert 400 <= status < 500 and body["code"] == expected, (name, status, body)
            assert body["message"] and all(isinstance(v, str) for v in body["details"].values())
    assert after == before, "a worker died and was replaced"
    assert worker_peak < PEAK_MB, worker_peak
