"""Trust roots: the certificates a signature's chain must end in for the signature to be trusted.

The deployment names them explicitly in `QLVB_TRUST_ROOTS` (config `SIGNING_TRUST_ROOTS`): a PEM bundle file or a
folder of .pem/.crt/.cer files, PEM or DER — typically the national root CA and the Government CA (Ban Cơ yếu)
roots. Certificates in `<instance>/trust/` are trusted as well (`qlvb demo` writes its throwaway root there).
The operating system's TLS store is never used: it holds web CAs, not the CAs that issue signing
certificates to Vietnamese agencies, and what it holds changes with the host.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import Any

from asn1crypto import x509 as asn1_x509
from cryptography import x509
from cryptography.hazmat.primitives.serialization import Encoding
from flask import Flask, current_app

from app.signing.errors import TrustRootsUnavailable

CERT_SUFFIXES = {".pem", ".crt", ".cer"}
TRUST_FOLDER = "trust"
_CACHE_KEY = "qlvb_signing_trust_roots"

TrustRoot = x509.Certificate | asn1_x509.Certificate | bytes


def load_certificates(data: bytes, source: str = "dữ liệu") -> list[asn1_x509.Certificate]:
    """Parse every certificate in `data`: one or more PEM blocks, or a single DER certificate.

    `cryptography` parses first because it is strict: asn1crypto parses lazily and would accept garbage
    until the validator touches it.
    """
    try:
        if b"-----BEGIN" in data:
            parsed = x509.load_pem_x509_certificates(data)
        else:
            parsed = [x509.load_der_x509_certificate(data)]
    except ValueError as exc:
        raise TrustRootsUnavailable(
            f"Không đọc được chứng thư số trong {source}.", details={"source": source, "error": str(exc)}
        ) from exc
    return [asn1_x509.Certificate.load(cert.public_bytes(Encoding.DER)) for cert in parsed]


def as_trust_roots(items: Iterable[TrustRoot]) -> list[asn1_x509.Certificate]:
    """Normalise certificates given as `cryptography` or asn1crypto objects, or PEM/DER bytes, for pyHanko."""
    roots: list[asn1_x509.Certificate] = []
    for item in items:
        if isinstance(item, asn1_x509.Certificate):
            roots.append(item)
        elif isinstance(item, x509.Certificate):
            roots.append(asn1_x509.Certificate.load(item.public_bytes(Encoding.DER)))
        elif isinstance(item, bytes | bytearray):
            roots.extend(load_certificates(bytes(item)))
        else:
            raise TypeError(f"not a certificate: {type(item).__name__}")
    return roots


def _files(path: Path) -> list[Path]:
    if path.is_dir():
        return sorted(p for p in path.iterdir() if p.is_file() and p.suffix.lower() in CERT_SUFFIXES)
    if path.is_file():
        return [path]
    raise TrustRootsUnavailable(
        f"Không tìm thấy tệp hoặc thư mục chứng thư gốc tin cậy: {path}.", details={"path": str(path)}
    )


def load_trust_roots(path: str | Path) -> list[asn1_x509.Certificate]:
    """Read a PEM bundle file, or every .pem/.crt/.cer file in a folder.

    A configured location that yields no certificate is an error, not an empty trust list (see
    `TrustRootsUnavailable`).
    """
    path = Path(path)
    roots: list[asn1_x509.Certificate] = []
    for file in _files(path):
        try:
            data = file.read_bytes()
        except OSError as exc:
            raise TrustRootsUnavailable(
                f"Không đọc được tệp chứng thư gốc {file}.", details={"path": str(file)}
            ) from exc
        roots.extend(load_certificates(data, str(file)))
    if not roots:
        raise TrustRootsUnavailable(f"Không có chứng thư số nào trong {path}.", details={"path": str(path)})
    return roots


def _fingerprint(path: Path) -> tuple[Any, ...]:
    """What the cached list depends on: each file's name, size and modification time."""
    files = _files(path)
    return tuple((str(f), f.stat().st_mtime_ns, f.stat().st_size) for f in files)


def instance_trust_folder(app: Flask) -> Path:
    """`<instance>/trust/`: certificates the deployment itself added (the demo writes its root CA here)."""
    return Path(app.instance_path) / TRUST_FOLDER


def trust_roots_from_config(app: Flask | None = None) -> list[asn1_x509.Certificate]:
    """Return the deployment's trust roots: `SIGNING_TRUST_ROOTS` plus every certificate in `<instance>/trust/`;
    [] when there are none.

    The parsed list is cached on the app and re-read only when a file changes, so replacing the bundle
    (a new CA generation, a revoked intermediate taken out) needs no restart. With [] every signature is
    reported untrusted, and the report says no root is configured. The instance folder may be absent or empty;
    the configured location may not (see `TrustRootsUnavailable`).
    """
    app = app or current_app._get_current_object()
    configured = (app.config.get("SIGNING_TRUST_ROOTS") or "").strip()
    sources = [Path(configured)] if configured else []
    local = instance_trust_folder(app)
    if local.is_dir() and _files(local) and local.resolve() not in {p.resolve() for p in sources}:
        sources.append(local)
    if not sources:
        return []
    key = tuple((str(path), _fingerprint(path)) for path in sources)
    cached = app.extensions.get(_CACHE_KEY)
    if cached is not None and cached[0] == key:
        # A fresh object per caller: asn1crypto parses a certificate's fields lazily and not thread-safely, so two
        # threads validating at once against one shared object can corrupt it ("No field numbered 2", seen in the
        # concurrent numbering test). Loading from DER is lazy and cheap; the files are still read once.
        return [asn1_x509.Certificate.load(der) for der in cached[1]]
    roots, seen = [], set()
    for path in sources:
        for root in load_trust_roots(path):
            if root.dump() not in seen:  # the same root in both places is trusted once
                seen.add(root.dump())
                roots.append(root)
    app.extensions[_CACHE_KEY] = (key, tuple(root.dump() for root in roots))
    return roots


def trust_roots_for(agency_id: int | None = None, app: Flask | None = None) -> list[asn1_x509.Certificate]:
    """The configured roots plus those administrators added (app.signing.trust_store): the deployment-wide ones,
    and, when `agency_id` is given, that agency's and its parents'. A stored root already configured counts once."""
    from app.signing import trust_store  # the database half; this module stays importable without models

    roots = trust_roots_from_config(app)
    seen = {root.dump() for root in roots}
    for der in trust_store.active_der_for(agency_id):
        if der not in seen:
            seen.add(der)
            roots.append(asn1_x509.Certificate.load(der))
    return roots
