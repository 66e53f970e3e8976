"""The HTTP benchmark's cases without HTTP: CPU time per call in one process, through Flask's test client.

    .venv/bin/python -m bench.inprocess [--db sqlite|postgresql] [--scenario one_step] [--cases 300]
                                        [--profile FILE]

The same calls as bench/http.py (same setup, same loops, one client), each timed by the process's CPU time
(time.process_time: the database server's work is not in it, SQLite's is), so that two versions compare on a
machine other programs load. --profile writes a cProfile of the measured cases to FILE and prints its top
functions by cumulative and own time. No server, no socket.
"""

import argparse
import cProfile
import io
import os
import pstats
import statistics
import sys
import time
from datetime import UTC, datetime

from bench import http as bench_http
from bench.common import bench_app
from bench.server import PG_URL


class _Answer:
    def __init__(self, response) -> None:
        self.status_code, self._response = response.status_code, response

    @property
    def text(self) -> str:
        return self._response.get_data(as_text=True)

    def json(self):
        return self._response.json


class _TestSession:
    """What bench/http.py's loops use of a requests.Session, over the Flask test client."""

    def __init__(self, client, token: str) -> None:
        self.client, self.headers = client, {"Authorization": f"Bearer {token}"}

    def request(self, method, url, *, timeout=None, params=None, json=None, data=None, files=None):
        body = dict(data or {})
        for name, (filename, stream, content_type) in (files or {}).items():
            body[name] = (stream, filename, content_type)
        kwargs = {"json": json} if json is not None else {"data": body} if body else {}
        response = self.client.open(url, method=method, headers=self.headers, query_string=params, **kwargs)
        return _Answer(response)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--db", choices=["sqlite", "postgresql"], default="sqlite")
    parser.add_argument("--scenario", choices=list(bench_http.SCENARIOS), default="one_step")
    parser.add_argument("--cases", type=int, default=300)
    parser.add_argument("--profile", default=None)
    args = parser.parse_args()
    os.environ.setdefault("QLVB_LOG_LEVEL", "WARNING")
    app, _folder = bench_app(args.db, os.environ.get("QLVB_BENCH_HTTP_DATABASE_URL", PG_URL), "qlvb-inprocess-")
    import flask_migrate

    from app.core.db import db

    setup, loop = bench_http.SCENARIOS[args.scenario]
    calls = bench_http.CALLS[args.scenario]
    with app.app_context():
        flask_migrate.upgrade()
        [who] = setup(1)
        db.session.remove()
    client = app.test_client()
    bench_http.SESSION = lambda token: _TestSession(client, token)
    bench_http.CLOCK = time.process_time
    warm, errors = {c: [] for c in calls}, []
    loop("", who, 10, warm, errors)
    timings = {c: [] for c in calls}
    profiler = cProfile.Profile() if args.profile else None
    cpu = time.process_time()
    if profiler:
        profiler.enable()
    loop("", who, args.cases, timings, errors)
    if profiler:
        profiler.disable()
    cpu = time.process_time() - cpu
    load = " / ".join(f"{x:.1f}" for x in os.getloadavg())
    print(f"qlvb in-process — {datetime.now(UTC):%Y-%m-%d %H:%M} UTC, load {load}, {args.db}, {args.scenario}")
    print(f"{args.cases} cases, {len(errors)} errors, CPU {cpu * 1000 / args.cases:.2f} ms per case")
    for line in errors[:3]:
        print(f"    error: {line}", file=sys.stderr)
    for call in calls:
        values = timings[call]
        print(f"  {call:<9} median {statistics.median(values):6.2f} ms CPU, mean {statistics.mean(values):6.2f}")
    if profiler:
        profiler.dump_stats(args.profile)
        for key in ("cumulative", "tottime"):
            out = io.StringIO()
            pstats.Stats(profiler, stream=out).sort_stats(key).print_stats(45)
            print(out.getvalue()[-9000:])


if __name__ == "__main__":
    main()
