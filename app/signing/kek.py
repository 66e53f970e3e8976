"""The key-encryption key (KEK) that wraps every stored signing key and exchange secret (AES-256-GCM, app.signing.keys).

`QLVB_KEY_ENCRYPTION_KEY` (base64 of 32 bytes) or, when unset, a key generated once into `<instance>/signing.key`
(mode 0600), as the app's secret key is: the database alone therefore opens nothing. Backups leave this file out
unless asked (`qlvb backup --with-keys`), and say whether a backup's keys match (app.backup).
"""

import base64
import binascii
import os
import secrets
from pathlib import Path

from flask import Flask, current_app

KEK_ENV = "QLVB_KEY_ENCRYPTION_KEY"
KEK_FILE = "signing.key"
_KEK_CACHE = "qlvb.signing_kek"


def key_encryption_key(app: Flask | None = None) -> bytes:
    """The 32-byte KEK: config `SIGNING_KEY_ENCRYPTION_KEY`, else `QLVB_KEY_ENCRYPTION_KEY`, else the instance file."""
    app = app or current_app._get_current_object()
    configured = app.config.get("SIGNING_KEY_ENCRYPTION_KEY") or os.environ.get(KEK_ENV) or ""
    path = Path(app.instance_path) / KEK_FILE
    source = ("config", configured) if configured else ("file", str(path))
    cached = app.extensions.get(_KEK_CACHE)
    if cached is not None and cached[0] == source:
        return cached[1]
    kek = _decode_kek(configured) if configured else _kek_from_file(path)
    app.extensions[_KEK_CACHE] = (source, kek)
    return kek


def _decode_kek(text: str) -> bytes:
    try:
        kek = base64.b64decode(text.strip(), altchars=b"-_" if ("-" in text or "_" in text) else None, validate=True)
    except (binascii.Error, ValueError):
        kek = b""
    if len(kek) != 32:
        raise RuntimeError(f"{KEK_ENV} must be the base64 encoding of 32 random bytes")
    return kek


def _kek_from_file(path: Path) -> bytes:
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        try:
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:  # another process created it first: use theirs
            pass
        else:
            with os.fdopen(fd, "w") as file:
                file.write(base64.b64encode(secrets.token_bytes(32)).decode() + "\n")
    return _decode_kek(path.read_text())
