"""The outbox of status messages (trạng thái xử lý) owed to the senders of documents, and the connector's peers,
directory, outbox and inbox (issue 14)."""

from datetime import datetime
from enum import StrEnum

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.core import clock
from app.core.db import UTCDateTime, db


class StatusCode(StrEnum):
    """QCVN 102 / QĐ 28/2018 status codes (legal.md §4.5)."""

    ARRIVED = "01"
    REFUSED = "02"
    ACCEPTED = "03"
    ASSIGNED = "04"
    HANDLING = "05"
    COMPLETED = "06"
    RECALL_REQUESTED = "13"
    RECALL_AGREED = "15"
    RECALL_REFUSED = "16"


STATUS_LABELS = {
    StatusCode.ARRIVED: "Đã đến",
    StatusCode.REFUSED: "Từ chối tiếp nhận",
    StatusCode.ACCEPTED: "Đã tiếp nhận",
    StatusCode.ASSIGNED: "Phân công",
    StatusCode.HANDLING: "Đang xử lý",
    StatusCode.COMPLETED: "Hoàn thành",
    StatusCode.RECALL_REQUESTED: "Lấy lại",
    StatusCode.RECALL_AGREED: "Đồng ý lấy lại",
    StatusCode.RECALL_REFUSED: "Từ chối lấy lại",
}

# A refusal's description says what it is before the reason ("Từ chối tiếp nhận: Gửi nhầm cơ quan"), so that another
# system showing only the description is understood; a page that shows the status's label beside it shows the
# reason alone (`reason_of`).
REFUSAL_PREFIXES = {"02": "Từ chối tiếp nhận: ", "16": "Từ chối thu hồi: "}


def refusal_description(code: str, reason: str) -> str:
    return f"{REFUSAL_PREFIXES[str(code)]}{reason}"[:500]


def reason_of(code: str | None, description: str | None) -> str | None:
    """The description without the words the status's own label already says."""
    prefix = REFUSAL_PREFIXES.get(str(code or ""))
    if description and prefix and description.startswith(prefix):
        return description[len(prefix) :]
    return description


class StatusMessage(db.Model):
    """One status the recipient owes the sender, kept until delivered (and after, as the tracking record)."""

    __tablename__ = "status_message"
    __table_args__ = (
        sa.Index("ix_status_message_undelivered", "delivered_at", "id"),
        sa.Index("ix_status_message_document", "document_key"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    from_agency_id: Mapped[int] = mapped_column(sa.ForeignKey("agency.id"), index=True)
    to_organ_id: Mapped[str | None] = mapped_column(sa.String(35))  # the sender's mã định danh
    to_organ_name: Mapped[str] = mapped_column(sa.String(200))
    document_key: Mapped[str | None] = mapped_column(sa.String(100))  # mã định danh văn bản (legal.md §4.6)
    object_type: Mapped[str] = mapped_column(sa.String(64))
    object_id: Mapped[str] = mapped_column(sa.String(64))
    code: Mapped[str] = mapped_column(sa.String(2))
    description: Mapped[str] = mapped_column(sa.String(500))
    staff_name: Mapped[str | None] = mapped_column(sa.String(255))
    staff_unit: Mapped[str | None] = mapped_column(sa.String(255))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=clock.now)
    delivered_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


# --- the connector between deployments (issue 14) ----------------------------------------------------------------


class PeerAuth(StrEnum):
    HMAC = "hmac"  # a shared secret: HMAC-SHA256 over timestamp, nonce, type, key and the body's digest
    MTLS = "mtls"  # the reverse proxy verified the peer's client certificate (fingerprint pinned per peer)


class ExchangePeer(db.Model):
    """Another system we exchange with: a qlvb deployment reached over HTTP (adapter "peer"), later an axis/LGSP.

    Both sides configure the same `key_id` and secret: the key id names the sender in each request's headers, the
    secret (sealed under the signing key-encryption key, never stored in clear) authenticates it.
    """

    __tablename__ = "exchange_peer"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(200))
    key_id: Mapped[str] = mapped_column(sa.String(64), unique=True)
    adapter: Mapped[str] = mapped_column(sa.String(32), default="peer", server_default="peer")
    base_url: Mapped[str] = mapped_column(sa.String(500))  # e.g. https://qlvb.tinh-b.gov.vn
    auth: Mapped[str] = mapped_column(sa.String(8), default=PeerAuth.HMAC, server_default=PeerAuth.HMAC.value)
    sealed_secret: Mapped[bytes | None] = mapped_column(sa.LargeBinary)
    tls_fingerprint: Mapped[str | None] = mapped_column(sa.String(100))  # SHA-256 hex of the peer's client cert
    require_signature: Mapped[bool] = mapped_column(default=True, server_default=sa.true())
    is_active: Mapped[bool] = mapped_column(default=True, server_default=sa.true())
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=clock.now)
    last_success_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    last_error: Mapped[str | None] = mapped_column(sa.String(1000))

    def __repr__(self) -> str:
        return f"<ExchangePeer {self.key_id} {self.base_url}>"


class DirectoryEntry(db.Model):
    """An agency outside this deployment known to the exchange (danh bạ liên thông): its mã định danh, its name
    and, when reachable directly, the peer that delivers to it. When agencies merge (QĐ 09/2025) the closed code
    stays, pointing at the code that replaced it, so old packages and statuses still find their way."""

    __tablename__ = "exchange_directory"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(sa.String(35), unique=True)
    name: Mapped[str] = mapped_column(sa.String(255))
    peer_id: Mapped[int | None] = mapped_column(sa.ForeignKey("exchange_peer.id"), index=True)
    merged_into: Mapped[str | None] = mapped_column(sa.String(35))
    is_active: Mapped[bool] = mapped_column(default=True, server_default=sa.true())
    note: Mapped[str | None] = mapped_column(sa.String(500))
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=clock.now, onupdate=clock.now)

    peer = relationship("ExchangePeer")

    def __repr__(self) -> str:
        return f"<DirectoryEntry {self.code} {self.name}>"


class OutboxState(StrEnum):
    PENDING = "pending"  # waiting for its first try or its next retry
    SENT = "sent"  # the peer answered 2xx: delivered (or it already had it)
    FAILED = "failed"  # refused for good (401/403/422…): the clerk sees the reason and may try again


class OutboxMessage(db.Model):
    """One package or status message to send to a peer, kept until sent (and after, as the record).

    `idempotency_key` (document id + message type) is unique: a message is queued once however often the step that
    queues it is retried, and the receiver answers a repeat with what it answered the first time.
    """

    __tablename__ = "exchange_outbox"
    __table_args__ = (
        # The send job reads only what is due (design.md §4: touch only what is due).
        sa.Index("ix_exchange_outbox_due", "state", "next_attempt_at"),
        sa.Index("ix_exchange_outbox_object", "object_type", "object_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    peer_id: Mapped[int] = mapped_column(sa.ForeignKey("exchange_peer.id"), index=True)
    agency_id: Mapped[int] = mapped_column(sa.ForeignKey("agency.id"), index=True)  # the sending agency
    to_code: Mapped[str] = mapped_column(sa.String(35))
    kind: Mapped[str] = mapped_column(sa.String(16))  # edoc | status
    idempotency_key: Mapped[str] = mapped_column(sa.String(255), unique=True)
    body_sha256: Mapped[str] = mapped_column(sa.String(64))  # the signed edXML, in the blob store
    body_size: Mapped[int] = mapped_column(default=0)
    object_type: Mapped[str | None] = mapped_column(sa.String(64))  # what the outcome is reported to
    object_id: Mapped[str | None] = mapped_column(sa.String(64))
    state: Mapped[str] = mapped_column(sa.String(16), default=OutboxState.PENDING)
    attempts: Mapped[int] = mapped_column(default=0)
    next_attempt_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    last_error: Mapped[str | None] = mapped_column(sa.String(1000))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=clock.now)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    response: Mapped[str | None] = mapped_column(sa.String(1000))

    peer = relationship("ExchangePeer")


class InboxReceipt(db.Model):
    """A message a peer delivered here, by its idempotency key: a repeat gets the first answer, nothing twice."""

    __tablename__ = "exchange_inbox"
    __table_args__ = (sa.UniqueConstraint("peer_id", "idempotency_key", name="uq_exchange_inbox_key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    peer_id: Mapped[int] = mapped_column(sa.ForeignKey("exchange_peer.id"), index=True)
    idempotency_key: Mapped[str] = mapped_column(sa.String(255))
    kind: Mapped[str] = mapped_column(sa.String(16))
    from_code: Mapped[str | None] = mapped_column(sa.String(35))
    to_code: Mapped[str | None] = mapped_column(sa.String(35))
    document_key: Mapped[str | None] = mapped_column(sa.String(100))
    result: Mapped[str] = mapped_column(sa.String(1000))  # the JSON answered
    signer: Mapped[str | None] = mapped_column(sa.String(255))  # who signed the envelope (XML-DSig), when signed
    received_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=clock.now)


class SeenNonce(db.Model):
    """Request nonces seen within the freshness window: a replayed request is refused (pruned after the window)."""

    __tablename__ = "exchange_nonce"
    __table_args__ = (sa.UniqueConstraint("peer_id", "nonce", name="uq_exchange_nonce"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    peer_id: Mapped[int] = mapped_column(sa.ForeignKey("exchange_peer.id"))
    nonce: Mapped[str] = mapped_column(sa.String(64))
    seen_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=clock.now, index=True)
