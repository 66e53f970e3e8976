"""Who is calling the connector: protocol qlvb-peer/1 request authentication (docs: helper design of issue 14).

Each request names its peer (`X-Qlvb-Key-Id`, configured identically on both sides) and proves it holds the shared
secret with `X-Qlvb-Signature: v1=<hex HMAC-SHA256(secret, "{ts}\\n{nonce}\\n{type}\\n{key}\\n{sha256hex(body)}")>`.
A request older or newer than FRESHNESS is refused as stale; a nonce seen within that window is refused as a
replay (the `SeenNonce` row is inserted in the request's own transaction: two copies racing each other meet at the
unique constraint, and a refused request leaves no nonce behind). A peer configured for mutual TLS ("mtls") is
identified by the client certificate the reverse proxy verified: its SHA-256 fingerprint arrives in the header
named by config EXCHANGE_CLIENT_CERT_HEADER and must equal the peer's pinned `tls_fingerprint`.
"""

import hashlib
import hmac
import re
import secrets
from dataclasses import dataclass
from datetime import timedelta

import sqlalchemy as sa
from flask import current_app

from app.core import clock
from app.core.db import db
from app.core.errors import AuthenticationError, Conflict
from app.exchange.models import ExchangePeer, PeerAuth, SeenNonce
from app.exchange.peers import by_key_id, secret_of

FRESHNESS = timedelta(seconds=300)
HEADER_KEY_ID = "X-Qlvb-Key-Id"
HEADER_TIMESTAMP = "X-Qlvb-Timestamp"
HEADER_NONCE = "X-Qlvb-Nonce"
HEADER_TYPE = "X-Qlvb-Message-Type"
HEADER_IDEMPOTENCY = "X-Qlvb-Idempotency-Key"
HEADER_SIGNATURE = "X-Qlvb-Signature"
HEADER_MESSAGE_ID = "X-Qlvb-Message-Id"
MESSAGE_TYPES = frozenset({"edoc", "status", "ping"})
NONCE_PATTERN = re.compile(r"^[0-9a-f]{32}$")
KEY_LIMIT = 255


def canonical(timestamp: str, nonce: str, message_type: str, key: str, body: bytes) -> bytes:
    """What the signature covers: the body by its digest, and every header a replay or a swap would change."""
    digest = hashlib.sha256(body).hexdigest()
    return f"{timestamp}\n{nonce}\n{message_type}\n{key}\n{digest}".encode()


def signature(secret: bytes, timestamp: str, nonce: str, message_type: str, key: str, body: bytes) -> str:
    return "v1=" + hmac.new(secret, canonical(timestamp, nonce, message_type, key, body), hashlib.sha256).hexdigest()


def signed_headers(peer: ExchangePeer, *, message_type: str, key: str, body: bytes) -> dict[str, str]:
    """The headers of one request to `peer` (the sending side; a fresh nonce and the current time)."""
    timestamp, nonce = str(int(clock.now().timestamp())), secrets.token_hex(16)
    headers = {
        HEADER_KEY_ID: peer.key_id,
        HEADER_TIMESTAMP: timestamp,
        HEADER_NONCE: nonce,
        HEADER_TYPE: message_type,
        HEADER_IDEMPOTENCY: key,
    }
    if peer.auth != PeerAuth.MTLS or peer.sealed_secret is not None:
        headers[HEADER_SIGNATURE] = signature(secret_of(peer), timestamp, nonce, message_type, key, body)
    return headers


@dataclass(frozen=True)
class Caller:
    """An authenticated request: the peer, the message type and its idempotency key."""

    peer: ExchangePeer
    message_type: str
    key: str


def _unauthenticated(message: str = "Không xác thực được hệ thống gửi.") -> AuthenticationError:
    return AuthenticationError(message, code="unauthenticated_peer")


def authenticate(headers, body: bytes) -> Caller:
    """The peer that sent this request, or a refusal: 401 unauthenticated_peer / stale_request, 409
    replayed_request. Records the nonce (in the caller's unit of work)."""
    peer = by_key_id(headers.get(HEADER_KEY_ID))
    if peer is None or not peer.is_active:
        raise _unauthenticated()
    message_type = headers.get(HEADER_TYPE) or ""
    key = headers.get(HEADER_IDEMPOTENCY) or ""
    timestamp, nonce = headers.get(HEADER_TIMESTAMP) or "", (headers.get(HEADER_NONCE) or "").lower()
    if message_type not in MESSAGE_TYPES or len(key) > KEY_LIMIT or not NONCE_PATTERN.match(nonce):
        raise _unauthenticated("Thiếu hoặc sai tiêu đề xác thực của giao thức qlvb-peer/1.")
    if peer.auth == PeerAuth.MTLS:
        _check_client_certificate(peer, headers)
    else:
        expected = signature(secret_of(peer), timestamp, nonce, message_type, key, body)
        given = headers.get(HEADER_SIGNATURE) or ""
        if not peer.sealed_secret or not hmac.compare_digest(expected.encode(), given.encode()):
            raise _unauthenticated()
    _check_fresh(timestamp)
    _remember_nonce(peer, nonce)
    return Caller(peer=peer, message_type=message_type, key=key)


def _check_client_certificate(peer: ExchangePeer, headers) -> None:
    header = current_app.config.get("EXCHANGE_CLIENT_CERT_HEADER") or ""
    presented = (headers.get(header) or "").replace(":", "").strip().lower() if header else ""
    pinned = (peer.tls_fingerprint or "").replace(":", "").strip().lower()
    if not presented or not pinned or not hmac.compare_digest(presented.encode(), pinned.encode()):
        raise _unauthenticated("Chứng thư số máy khách không khớp với hệ thống liên thông đã đăng ký.")


def _check_fresh(timestamp: str) -> None:
    try:
        sent = int(timestamp)
    except ValueError:
        sent = None
    if sent is None or abs(clock.now().timestamp() - sent) > FRESHNESS.total_seconds():
        raise AuthenticationError(
            "Yêu cầu đã quá hạn (lệch thời gian quá 5 phút); kiểm tra đồng hồ của hai hệ thống.",
            code="stale_request",
        )


def _remember_nonce(peer: ExchangePeer, nonce: str) -> None:
    replayed = Conflict("Yêu cầu đã được gửi trước đó (nonce đã dùng).", code="replayed_request")
    seen = db.session.scalar(sa.select(SeenNonce.id).where(SeenNonce.peer_id == peer.id, SeenNonce.nonce == nonce))
    if seen is not None:
        raise replayed
    try:
        with db.session.begin_nested():  # a copy racing this one commits first: the constraint says so
            db.session.add(SeenNonce(peer_id=peer.id, nonce=nonce))
            db.session.flush()
    except sa.exc.IntegrityError as exc:
        raise replayed from exc


def prune_nonces(now=None) -> int:
    """Forget nonces older than the window (a request that old is refused as stale anyway)."""
    cutoff = (now or clock.now()) - 2 * FRESHNESS
    result = db.session.execute(sa.delete(SeenNonce).where(SeenNonce.seen_at < cutoff))
    return result.rowcount or 0
