"""Static files with their version in the address: `url_for("static", filename=…)` adds `?v=<content hash>`.

After an upgrade a browser must not run last week's script against this week's pages. With the version in the
address, a changed file has a new address, so a file asked for with `v` can be kept by browsers and the reverse
proxy for a year (docs/van-hanh.md: nginx's `expires max` when `$arg_v` is set), and one asked for without it (a
module a script imports by its own path, pdf.js's worker) is revalidated as before.
"""

import hashlib
import os
from pathlib import Path

from flask import Flask, request

ONE_YEAR = 365 * 24 * 3600
# (path, mtime, size) → hash: a file edited in development gets a new one.
_versions: dict[tuple[str, int, int], str] = {}


def file_version(path: Path) -> str | None:
    try:
        stat = path.stat()
    except OSError:
        return None  # a missing file: its address stays as it was, and it answers 404
    key = (str(path), stat.st_mtime_ns, stat.st_size)
    if (known := _versions.get(key)) is None:
        known = _versions[key] = hashlib.sha256(path.read_bytes()).hexdigest()[:12]
    return known


def install_static_versions(app: Flask) -> None:
    @app.url_defaults
    def add_version(endpoint: str, values: dict) -> None:
        if "v" not in values and (version := _version_of(app, endpoint, values)):
            values["v"] = version

    @app.after_request
    def keep_versioned(response):
        # Only for the address url_for gives: an old version's address (a page left open across an upgrade) still
        # gets the file, revalidated as before, never kept for a year under a name that is not its own.
        version = request.args.get("v") if response.status_code == 200 and request.endpoint else None
        if version and version == _version_of(app, request.endpoint, request.view_args):
            response.cache_control.no_cache = None
            response.cache_control.public, response.cache_control.max_age = True, ONE_YEAR
            response.cache_control.immutable = True
        return response


def _folder(app: Flask, endpoint: str) -> str | None:
    if endpoint == "static":
        return app.static_folder
    if endpoint.endswith(".static"):
        return app.blueprints[endpoint.rsplit(".", 1)[0]].static_folder
    return None


def _version_of(app: Flask, endpoint: str, values: dict | None) -> str | None:
    folder = _folder(app, endpoint)
    filename = (values or {}).get("filename")
    if not folder or not filename:
        return None
    return file_version(Path(folder) / os.path.normpath(filename))
