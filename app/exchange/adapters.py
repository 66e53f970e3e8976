"""Adapters: how one queued message reaches another system (issue 14 §5).

An adapter takes one `Outbound` (the signed edXML and its addressing) and either delivers it (`SendResult`) or
raises `TransientFailure` (try again later: down, timeout, 5xx) or `PermanentFailure` (refused: retrying the same
bytes will not help). Both carry a Vietnamese reason the clerk reads. `check()` asks the other side whether it is
reachable and who it speaks for (the admin page's "Kiểm tra kết nối").

`PeerAdapter` is the first implementation: protocol qlvb-peer/1 to another qlvb deployment
(POST {base_url}/exchange/v1/messages, GET /exchange/v1/ping; HMAC headers from `connector_auth`).

What other adapters would map (legal.md §4.6; not implemented):
- National axis (VDXP/VXP, X-Road): send → POST /sendEdoc (multipart .edxml, header JSON from/servicetype "eDoc"/
  messagetype "edoc"|"status"); receive → a poll job calling /getReceivedEdocList then /getEdoc per id, handing
  each to the same receiving path as the connector view, then /updateStatus {docid, status "done"|"fail"}; status
  messages are edXML sent with messagetype "status"; directory sync → /getAgenciesList into DirectoryEntry.
  Auth: systemid + secret with the XroadVnpt-* HMAC-SHA256 headers.
- A provincial LGSP: the same four roles (send, poll received, update status — e.g. POST /v1/updateStatus
  {docId, status} with X-SystemId/X-SecretKey — and the directory), with its own error codes mapped onto
  Transient/PermanentFailure.
"""

from dataclasses import dataclass, field
from typing import Protocol

from flask import current_app

from app.exchange.connector_auth import HEADER_MESSAGE_ID, signed_headers
from app.exchange.models import ExchangePeer

CONNECT_TIMEOUT = 5
READ_TIMEOUT = 60
MESSAGES_PATH = "/exchange/v1/messages"
PING_PATH = "/exchange/v1/ping"


@dataclass(frozen=True)
class Outbound:
    """One message to send: what the outbox row holds, with the body read from the blob store."""

    kind: str  # edoc | status
    key: str  # the idempotency key
    body: bytes
    to_code: str
    message_id: str | None = None  # an edoc's message id at the receiver (the recipient's message_id)


@dataclass(frozen=True)
class SendResult:
    result: str  # accepted | duplicate
    reference: str | None = None
    answer: dict = field(default_factory=dict)


class AdapterFailure(Exception):
    def __init__(self, reason: str) -> None:
        self.reason = reason
        super().__init__(reason)


class TransientFailure(AdapterFailure):
    """Not delivered this time: the other side is down, slow or failing. Retried with backoff."""


class PermanentFailure(AdapterFailure):
    """Refused: the same message will be refused again. The clerk sees the reason and may try again."""


class Adapter(Protocol):
    def send(self, message: Outbound) -> SendResult: ...

    def check(self) -> dict: ...


class PeerAdapter:
    """qlvb-peer/1 over HTTPS with requests: TLS verified (config EXCHANGE_CA_BUNDLE, else the system's), an
    optional client certificate for mutual TLS (EXCHANGE_CLIENT_CERT / EXCHANGE_CLIENT_KEY paths)."""

    def __init__(self, peer: ExchangePeer) -> None:
        self.peer = peer
        self.base_url = peer.base_url.rstrip("/")

    def _options(self) -> dict:
        config = current_app.config
        options: dict = {"timeout": (CONNECT_TIMEOUT, READ_TIMEOUT), "verify": config.get("EXCHANGE_CA_BUNDLE") or True}
        cert, key = config.get("EXCHANGE_CLIENT_CERT"), config.get("EXCHANGE_CLIENT_KEY")
        if cert:
            options["cert"] = (cert, key) if key else cert
        return options

    def _request(self, method: str, path: str, *, message_type: str, key: str, body: bytes, extra: dict):
        import requests  # only a deployment with peers sends: a server that never does stays without it

        headers = signed_headers(self.peer, message_type=message_type, key=key, body=body)
        headers.update(extra)
        try:
            return requests.request(method, self.base_url + path, data=body or None, headers=headers, **self._options())
        except requests.exceptions.SSLError as exc:
            raise TransientFailure(f"Lỗi kết nối bảo mật (TLS) đến {self.peer.name}: {exc}"[:900]) from exc
        except requests.exceptions.Timeout as exc:
            raise TransientFailure(f"Hệ thống {self.peer.name} không trả lời kịp (hết thời gian chờ).") from exc
        except requests.exceptions.RequestException as exc:
            raise TransientFailure(f"Không kết nối được đến hệ thống {self.peer.name}.") from exc

    def send(self, message: Outbound) -> SendResult:
        extra = {"Content-Type": "application/xml"}
        if message.message_id:
            extra[HEADER_MESSAGE_ID] = message.message_id
        response = self._request(
            "POST", MESSAGES_PATH, message_type=message.kind, key=message.key, body=message.body, extra=extra
        )
        answer = _json(response)
        if 200 <= response.status_code < 300:
            return SendResult(
                result=str(answer.get("result") or "accepted"), reference=answer.get("reference"), answer=answer
            )
        reason = _reason(self.peer, response, answer)
        if response.status_code >= 500 or response.status_code in (408, 429):
            raise TransientFailure(reason)
        raise PermanentFailure(reason)

    def check(self) -> dict:
        response = self._request("GET", PING_PATH, message_type="ping", key="", body=b"", extra={})
        answer = _json(response)
        if response.status_code != 200:
            raise PermanentFailure(_reason(self.peer, response, answer))
        return answer


def _json(response) -> dict:
    try:
        answer = response.json()
    except ValueError:
        return {}
    return answer if isinstance(answer, dict) else {}


def _status_words(status: int) -> str:
    """An HTTP status said in Vietnamese, with its likely cause (the server's own reason phrase is English)."""
    if status == 404:
        return f"máy chủ trả lời {status} — địa chỉ không đúng?"
    if status in (401, 403):
        return f"máy chủ trả lời {status} — không chấp nhận xác thực (mã khóa, khóa bí mật?)"
    if status in (408, 429):
        return f"máy chủ trả lời {status} — đang bận, sẽ thử lại"
    if status >= 500:
        return f"máy chủ trả lời {status} — lỗi phía máy chủ bên kia"
    return f"máy chủ trả lời {status}"


def _reason(peer: ExchangePeer, response, answer: dict) -> str:
    message = answer.get("message") or ""
    if not message:
        # Not a qlvb-peer/1 answer (a proxy, a wrong address): no Vietnamese message to pass on.
        return f"{peer.name}: {_status_words(response.status_code)}"
    code = answer.get("code")
    label = f"{peer.name} từ chối (HTTP {response.status_code}{', ' + code if code else ''})"
    return f"{label}: {message}"[:900] if message else label


ADAPTERS: dict[str, type] = {"peer": PeerAdapter}


def adapter_for(peer: ExchangePeer) -> Adapter:
    """The adapter the peer's `adapter` names; an unknown name is a permanent failure (a configuration error)."""
    factory = ADAPTERS.get(peer.adapter or "peer")
    if factory is None:
        raise PermanentFailure(f"Chưa hỗ trợ kiểu kết nối “{peer.adapter}” của hệ thống {peer.name}.")
    return factory(peer)
