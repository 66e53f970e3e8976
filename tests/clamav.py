"""A clamd of the test's own: a temporary configuration, its socket in /tmp, in the foreground, with a signature
database the test writes itself (no freshclam, no network): one .ndb line matching the EICAR test string.
Tests that use it are skipped only where the clamd binary is absent (`apt-get install clamav-daemon`)."""

import contextlib
import shutil
import subprocess
import tempfile
import time
from pathlib import Path

import pytest

CLAMD = shutil.which("clamd") or "/usr/sbin/clamd"
# The EICAR anti-virus test file (eicar.org), put together here so that this source file is not itself "infected".
EICAR = ("X5O!P%@AP[4\\PZX54(P^)7CC)7}$" + "EICAR-STANDARD-ANTIVIRUS-" + "TEST-FILE!$H+H*").encode()
SIGNATURE = "Qlvb.Test.EICAR"


@contextlib.contextmanager
def running_clamd():
    """Yield the socket path of a clamd that knows only the EICAR signature; stopped at the end."""
    if not Path(CLAMD).exists():
        pytest.skip("clamd is not installed (apt-get install clamav-daemon)")
    folder = Path(tempfile.mkdtemp(prefix="qlvb-clamd-", dir="/tmp"))  # a Unix socket path has 108 bytes at most
    try:
        (folder / "db").mkdir()
        # ndb: name, target type 0 (any file), offset * (anywhere), the bytes in hex — found inside PDFs and ZIPs too.
        (folder / "db" / "qlvb-test.ndb").write_text(f"{SIGNATURE}:0:*:{EICAR[:48].hex()}\n")
        socket = folder / "clamd.sock"
        (folder / "clamd.conf").write_text(
            f"Foreground yes\nLocalSocket {socket}\nDatabaseDirectory {folder / 'db'}\n"
            f"TemporaryDirectory {folder}\nLogFile {folder / 'clamd.log'}\nStreamMaxLength 120M\n"
        )
        server = subprocess.Popen(
            [CLAMD, f"--config-file={folder / 'clamd.conf'}"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
        )
        try:
            from app.core.clamd import ping

            deadline = time.monotonic() + 120
            while not (socket.exists() and ping(str(socket))):
                if server.poll() is not None or time.monotonic() > deadline:
                    log = (folder / "clamd.log").read_text() if (folder / "clamd.log").exists() else ""
                    raise RuntimeError(f"clamd did not start: {log[-2000:]}")
                time.sleep(0.2)
            yield str(socket)
        finally:
            server.terminate()
            server.wait(timeout=30)
    finally:
        shutil.rmtree(folder, ignore_errors=True)


@pytest.fixture(scope="session")
def clamd_socket():
    with running_clamd() as socket:
        yield socket


@pytest.fixture
def scanning(app, clamd_socket):
    """The application scans uploads with the test's clamd (QLVB_CLAMD_SOCKET), fail-closed."""
    saved = app.config["CLAMD_SOCKET"], app.config["CLAMD_FAIL_OPEN"]
    app.config["CLAMD_SOCKET"], app.config["CLAMD_FAIL_OPEN"] = clamd_socket, False
    yield clamd_socket
    app.config["CLAMD_SOCKET"], app.config["CLAMD_FAIL_OPEN"] = saved
