"""A small client of ClamAV's daemon, clamd: the documented INSTREAM command over a Unix or TCP socket.

The Python clients on the registry are GPL (clamav-client, python-clamd, pyclamd) or asynchronous only; the
protocol is three lines of clamd(8): send `zINSTREAM\\0`, then chunks each prefixed by its length as a 4-byte
big-endian integer, then a zero length; clamd answers `stream: OK`, `stream: <signature> FOUND` or `… ERROR`.
clamd refuses a stream longer than its StreamMaxLength (25 MB by default): set it at least to QLVB_MAX_UPLOAD_MB.
"""

from __future__ import annotations

import socket
import struct
from dataclasses import dataclass

CHUNK = 256 * 1024


class ScannerUnavailable(Exception):
    """clamd could not be reached or did not give a verdict."""


@dataclass(frozen=True)
class Verdict:
    infected: bool
    signature: str | None = None


def _connect(address: str, timeout: float) -> socket.socket:
    """`address` is a Unix socket path (starts with / or unix:) or host:port."""
    try:
        if address.startswith("unix:") or address.startswith("/"):
            sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
            try:
                sock.settimeout(timeout)
                sock.connect(address.removeprefix("unix:"))
            except OSError:
                sock.close()
                raise
        else:
            host, _, port = address.rpartition(":")
            sock = socket.create_connection((host.strip("[]") or "127.0.0.1", int(port)), timeout=timeout)
            sock.settimeout(timeout)
        return sock
    except (OSError, ValueError) as exc:
        raise ScannerUnavailable(f"cannot reach clamd at {address}: {exc}") from exc


def _reply(sock: socket.socket) -> str:
    data = b""
    while not data.endswith(b"\0"):
        part = sock.recv(4096)
        if not part:
            break
        data += part
    return data.rstrip(b"\0").decode("utf-8", "replace").strip()


def ping(address: str, *, timeout: float = 5.0) -> bool:
    try:
        with _connect(address, timeout) as sock:
            sock.sendall(b"zPING\0")
            return _reply(sock) == "PONG"
    except (OSError, ScannerUnavailable):
        return False


def scan_bytes(address: str, data: bytes, *, timeout: float = 60.0) -> Verdict:
    """clamd's verdict on `data`; raises ScannerUnavailable when there is none (unreachable, timeout, ERROR)."""
    try:
        with _connect(address, timeout) as sock:
            sock.sendall(b"zINSTREAM\0")
            view = memoryview(data)
            for start in range(0, len(view), CHUNK):
                piece = view[start : start + CHUNK]
                sock.sendall(struct.pack("!L", len(piece)) + piece.tobytes())
            sock.sendall(struct.pack("!L", 0))
            answer = _reply(sock)
    except OSError as exc:  # a timeout, or clamd closed the connection (e.g. a stream over StreamMaxLength)
        raise ScannerUnavailable(f"clamd gave no verdict: {exc}") from exc
    if answer.endswith("FOUND"):
        signature = answer.removeprefix("stream:").strip().removesuffix("FOUND").strip()
        return Verdict(True, signature or None)
    if answer.endswith("OK"):
        return Verdict(False)
    raise ScannerUnavailable(f"clamd answered {answer!r}")
