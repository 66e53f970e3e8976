"""Peers of the connector: the other systems we exchange with, and their shared secrets (sealed at rest)."""

import secrets

import sqlalchemy as sa

from app.core.db import db
from app.core.errors import NotFound
from app.exchange.models import ExchangePeer
from app.signing.credentials import key_encryption_key
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
