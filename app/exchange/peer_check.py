"""The "Kiểm tra kết nối" button: ask a peer's adapter (app.exchange.adapters, the connector) to reach the other system.

Apart from app.exchange.peers because the adapters read the peers' secrets: the arrow goes adapters → peers, and
this file sits above both.
"""

from dataclasses import dataclass

from app.core.errors import DomainError
from app.exchange.peers import get_peer
from app.exchange.permissions import require_manage_exchange


@dataclass(frozen=True)
class CheckResult:
    ok: bool
    message: str


def check_peer(actor, peer_id: int) -> CheckResult:
    """Ask the peer's adapter to reach the other side (GET …/exchange/v1/ping, authenticated)."""
    require_manage_exchange(actor)
    peer = get_peer(peer_id)
    try:
        # Imported here: the connector (app.exchange.adapters) is another part of issue 14 and may be absent.
        from app.exchange.adapters import adapter_for
    except ImportError:
        return CheckResult(False, "Chưa cài đặt bộ kết nối liên thông (app.exchange.adapters).")
    try:
        outcome = adapter_for(peer).check()
    except DomainError as exc:
        return CheckResult(False, exc.message)
    except Exception as exc:  # a network failure is an answer to show, not a server error
        # The adapter's failures carry a whole Vietnamese reason ("Không kết nối được đến hệ thống …"): shown once.
        reason = getattr(exc, "reason", None)
        return CheckResult(False, str(reason) if reason else f"Không kết nối được: {exc}")
    return _as_result(outcome)


def _as_result(outcome) -> CheckResult:
    """The adapter's answer in the page's terms, whatever shape it chose (a result object, a dict, a bool)."""
    if isinstance(outcome, CheckResult):
        return outcome
    if isinstance(outcome, dict):
        ok = bool(outcome.get("ok", True))
        message = outcome.get("message") or (
            "Kết nối được; hệ thống kia có các cơ quan: " + ", ".join(outcome.get("agencies") or []) if ok else ""
        )
        return CheckResult(ok, message or "Không kết nối được.")
    ok = bool(getattr(outcome, "ok", outcome))
    message = getattr(outcome, "message", None) or ("Kết nối thành công." if ok else "Không kết nối được.")
    return CheckResult(ok, str(message))
