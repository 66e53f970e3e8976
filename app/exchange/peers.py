"""Peers of the connector: the other systems we exchange with, and their shared secrets (sealed at rest)."""

import re
import secrets
import unicodedata
from urllib.parse import urlsplit

import sqlalchemy as sa

from app.audit import services as audit
from app.core.db import db
from app.core.errors import Conflict, NotFound, ValidationError
from app.exchange.models import ExchangePeer, PeerAuth
from app.exchange.permissions import require_manage_exchange
from app.signing.kek import key_encryption_key
from app.signing.keys import open_sealed, seal


def _context(peer: ExchangePeer) -> bytes:
    # Bound to the peer's key id: a secret copied into another row does not open there.
    return f"qlvb:exchange_peer:secret:{peer.key_id}".encode()


def set_secret(peer: ExchangePeer, secret: str) -> None:
    peer.sealed_secret = seal(secret.encode("utf-8"), key_encryption_key(), context=_context(peer))


def secret_of(peer: ExchangePeer) -> bytes:
    if peer.sealed_secret is None:
        return b""
    return open_sealed(peer.sealed_secret, key_encryption_key(), context=_context(peer))


def new_secret() -> str:
    return secrets.token_urlsafe(32)


def by_key_id(key_id: str | None) -> ExchangePeer | None:
    if not key_id:
        return None
    return db.session.scalar(sa.select(ExchangePeer).where(ExchangePeer.key_id == key_id))


def get_peer(peer_id: int) -> ExchangePeer:
    peer = db.session.get(ExchangePeer, peer_id)
    if peer is None:
        raise NotFound("Không tìm thấy hệ thống liên thông.", code="peer_not_found")
    return peer


# --- administering the peers (deployment-wide: app.exchange.permissions) -------------------------------------------

KEY_ID_FORM = re.compile(r"^[A-Za-z0-9._-]{1,64}$")
FINGERPRINT_FORM = re.compile(r"^[0-9a-f]{64}$")
MIN_SECRET = 16


def list_peers() -> list[ExchangePeer]:
    return list(db.session.scalars(sa.select(ExchangePeer).order_by(ExchangePeer.name, ExchangePeer.id)))


def _facts(peer: ExchangePeer) -> dict:
    # Never the secret: the audit chain is read by auditors, the secret only by the two systems.
    return {
        "name": peer.name,
        "key_id": peer.key_id,
        "base_url": peer.base_url,
        "auth": peer.auth,
        "tls_fingerprint": peer.tls_fingerprint,
        "require_signature": peer.require_signature,
        "is_active": peer.is_active,
    }


def _invalid(field: str, message: str) -> ValidationError:
    return ValidationError(message, code="peer_invalid", details={field: message})


def _clean(values: dict, *, peer: ExchangePeer | None) -> dict:
    name = unicodedata.normalize("NFC", (values.get("name") or "").strip())
    if not name or len(name) > 200:
        raise _invalid("name", "Nhập tên hệ thống (tối đa 200 ký tự).")
    key_id = (values.get("key_id") or "").strip()
    if not KEY_ID_FORM.match(key_id):
        raise _invalid("key_id", "Mã khóa gồm 1–64 chữ cái không dấu, chữ số, dấu chấm, gạch ngang, gạch dưới.")
    other = by_key_id(key_id)
    if other is not None and other is not peer:
        raise Conflict(
            f"Đã có hệ thống liên thông dùng mã khóa {key_id}.",
            code="peer_key_id_taken",
            details={"key_id": "Đã được dùng."},
        )
    base_url = (values.get("base_url") or "").strip().rstrip("/")
    parts = urlsplit(base_url)
    if parts.scheme not in ("http", "https") or not parts.hostname or parts.query or parts.fragment:
        raise _invalid("base_url", "Địa chỉ phải có dạng http(s)://tên-máy[:cổng][/đường-dẫn].")
    if len(base_url) > 500:
        raise _invalid("base_url", "Địa chỉ dài tối đa 500 ký tự.")
    auth = (values.get("auth") or PeerAuth.HMAC.value).strip().lower()
    if auth not in {a.value for a in PeerAuth}:
        raise _invalid("auth", "Cách xác thực là hmac (khóa bí mật dùng chung) hoặc mtls (chứng thư máy khách).")
    fingerprint = (values.get("tls_fingerprint") or "").strip().lower().replace(":", "") or None
    if fingerprint and not FINGERPRINT_FORM.match(fingerprint):
        raise _invalid("tls_fingerprint", "Vân tay SHA-256 gồm 64 chữ số hex (có thể có dấu “:”).")
    if auth == PeerAuth.MTLS and not fingerprint:
        raise _invalid("tls_fingerprint", "Xác thực mTLS cần vân tay SHA-256 của chứng thư máy khách của hệ thống kia.")
    return {
        "name": name,
        "key_id": key_id,
        "base_url": base_url,
        "auth": auth,
        "tls_fingerprint": fingerprint,
        "require_signature": bool(values.get("require_signature", True)),
        "is_active": bool(values.get("is_active", True)),
    }


def _checked_secret(secret: str | None) -> str:
    secret = (secret or "").strip()
    if len(secret) < MIN_SECRET or len(secret) > 256:
        raise _invalid("secret", f"Khóa bí mật dài {MIN_SECRET}–256 ký tự.")
    return secret


def add_peer(actor, *, secret: str | None = None, **values) -> tuple[ExchangePeer, str]:
    """Add a system to exchange with; returns the peer and its shared secret (`secret`, or a new random one) — to
    be shown once and configured on the other side, never shown again."""
    require_manage_exchange(actor)
    cleaned = _clean(values, peer=None)
    plain = _checked_secret(secret) if secret else new_secret()
    peer = ExchangePeer(**cleaned)
    set_secret(peer, plain)
    db.session.add(peer)
    db.session.flush()
    audit.record(
        actor,
        "exchange.peer_add",
        peer,
        agency_id=None,
        summary=f"Thêm hệ thống liên thông {peer.name} ({peer.key_id})",
        changes=_facts(peer),
    )
    return peer, plain


def update_peer(actor, peer_id: int, **values) -> ExchangePeer:
    """Change a peer's settings; the secret stays (re-sealed when the key id changes, as the seal is bound to it)."""
    require_manage_exchange(actor)
    peer = get_peer(peer_id)
    before = _facts(peer)
    cleaned = _clean(values, peer=peer)
    secret = secret_of(peer) if cleaned["key_id"] != peer.key_id else None
    for key, value in cleaned.items():
        setattr(peer, key, value)
    if secret is not None:
        set_secret(peer, secret.decode("utf-8"))
    db.session.flush()
    after = _facts(peer)
    changed = {k: [before[k], after[k]] for k in after if before[k] != after[k]}
    if changed:
        audit.record(
            actor,
            "exchange.peer_update",
            peer,
            agency_id=None,
            summary=f"Sửa hệ thống liên thông {peer.name} ({peer.key_id})",
            changes=changed,
        )
    return peer


def rotate_secret(actor, peer_id: int, secret: str | None = None) -> tuple[ExchangePeer, str]:
    """A new shared secret (given, or random): returned once; the other side must be given it too."""
    require_manage_exchange(actor)
    peer = get_peer(peer_id)
    plain = _checked_secret(secret) if secret else new_secret()
    set_secret(peer, plain)
    db.session.flush()
    audit.record(
        actor,
        "exchange.peer_rotate_secret",
        peer,
        agency_id=None,
        summary=f"Đổi khóa bí mật của hệ thống liên thông {peer.name} ({peer.key_id})",
    )
    return peer, plain
