"""A lean HTTP/1.1 client for the throughput benchmarks: keep-alive connections, the standard library only.

With one client calling in turn, the client's own CPU time adds to every case: `requests` spent 3.3 ms of it on a
qlvb one_step case of four calls and 4.2 ms on PostgreSQL (2026-12-07, `bench.http`), a fifth of the case's time,
so the benchmark measured the client almost as much as the server. Load tools (wrk, locust's FastHttpUser) use lean
clients for that reason. This one is http.client on one connection per host, with the part of `requests.Session`
the benchmarks use (`headers`, `request(method, url, params=, json=, data=, files=)`, an answer with `status_code`,
`text` and `json()`). Standard library only: bench/spiffarena/bench_spiff.py runs it in SpiffArena's environment.
"""

import http.client
import json as jsonlib
import urllib.parse
import uuid


class Answer:
    def __init__(self, status: int, body: bytes) -> None:
        self.status_code, self.content = status, body

    @property
    def text(self) -> str:
        return self.content.decode("utf-8", "replace")

    def json(self):
        return jsonlib.loads(self.content)


class Session:
    def __init__(self) -> None:
        self.headers: dict[str, str] = {}
        self._connections: dict[tuple[str, int | None], http.client.HTTPConnection] = {}

    def request(self, method, url, *, timeout=30, params=None, json=None, data=None, files=None) -> Answer:
        parts = urllib.parse.urlsplit(url)
        target = parts.path or "/"
        query = "&".join(q for q in (parts.query, urllib.parse.urlencode(params or {})) if q)
        if query:
            target += "?" + query
        headers, body = dict(self.headers), None
        if json is not None:
            body, headers["Content-Type"] = jsonlib.dumps(json).encode(), "application/json"
        elif data or files:
            body, headers["Content-Type"] = _multipart(data or {}, files or {})
        key = (parts.hostname, parts.port)
        for attempt in (1, 2):  # the server may have closed an idle keep-alive connection: one new one
            connection = self._connections.get(key)
            if connection is None:
                connection = self._connections[key] = http.client.HTTPConnection(*key, timeout=timeout)
            try:
                connection.request(method, target, body=body, headers=headers)
                response = connection.getresponse()
                return Answer(response.status, response.read())
            except (http.client.RemoteDisconnected, ConnectionResetError, BrokenPipeError):
                connection.close()
                del self._connections[key]
                if attempt == 2:
                    raise
        raise AssertionError("unreachable")

    def close(self) -> None:
        for connection in self._connections.values():
            connection.close()
        self._connections.clear()


def _multipart(data: dict, files: dict) -> tuple[bytes, str]:
    """multipart/form-data of text fields and (filename, file-like or bytes, content type) files."""
    boundary = uuid.uuid4().hex
    chunks = []
    for name, value in data.items():
        chunks.append(f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'.encode())
    for name, (filename, stream, content_type, *_rest) in files.items():
        content = stream if isinstance(stream, bytes) else stream.read()
        head = (
            f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"; filename="{filename}"\r\n'
            f"Content-Type: {content_type}\r\n\r\n"
        )
        chunks.append(head.encode() + content + b"\r\n")
    chunks.append(f"--{boundary}--\r\n".encode())
    return b"".join(chunks), f"multipart/form-data; boundary={boundary}"
