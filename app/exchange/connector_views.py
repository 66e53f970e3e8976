"""The connector's HTTP endpoint (protocol qlvb-peer/1): other deployments deliver packages and statuses here.

No session, no login, no CSRF token: each request authenticates itself (app.exchange.connector_auth). Answers are
JSON with stable codes — {"result": "accepted"|"duplicate", …} or {"code", "message"} — so the sending side can
tell a permanent refusal (4xx) from a failure worth retrying (5xx). The request is one unit of work (opened by
app.web before the view): returning commits, a refusal rolls everything back, the nonce included.
"""

import logging

from flask import Blueprint, current_app, g, jsonify, request
from werkzeug.exceptions import HTTPException

from app.core.db import db
from app.core.errors import DomainError
from app.core.transaction import end_request_unit, unit_of_work
from app.exchange import connector_receive
from app.exchange.connector_auth import HEADER_MESSAGE_ID, authenticate
from app.extensions import csrf
from app.org.models import Agency

log = logging.getLogger(__name__)

bp = Blueprint("exchange_connector", __name__, url_prefix="/exchange/v1")
csrf.exempt(bp)

MESSAGE_ID_LIMIT = 100


def _answer(status: int, code: str, message: str, details=None):
    # Whatever the refused request wrote (the receipt, the nonce) is discarded before anything is answered.
    end_request_unit(commit=False)
    caller = g.pop("exchange_caller", None)
    if caller is not None and status != 409:
        connector_receive.record_refusal(caller.peer, caller.key, code, message)
    answer = {"code": code, "message": message}
    if isinstance(details, dict) and details and all(isinstance(v, str) for v in details.values()):
        answer["details"] = details  # which element or file is wrong, when the refusal says
    return jsonify(answer), status


@bp.errorhandler(DomainError)
def refused(exc: DomainError):
    return _answer(exc.status, exc.code, exc.message, exc.details)


@bp.errorhandler(HTTPException)
def http_refused(exc: HTTPException):
    if exc.code == 413:
        return _answer(413, "package_too_large", "Gói tin vượt quá dung lượng cho phép.")
    return _answer(exc.code or 400, "bad_request", exc.description or "Yêu cầu không hợp lệ.")


def _refused_length() -> tuple | None:
    """A refusal when the announced length is missing or over EXCHANGE_MAX_BYTES: nothing of the body is read."""
    limit = current_app.config.get("EXCHANGE_MAX_BYTES") or 50 * 1024 * 1024
    if request.content_length is None:
        return _answer(411, "length_required", "Thiếu Content-Length.")
    if request.content_length > limit:
        mb = f"{limit / (1024 * 1024):g}"
        return _answer(413, "package_too_large", f"Gói tin vượt quá dung lượng cho phép ({mb} MB).")
    return None


@bp.post("/messages")
def messages():
    if (refusal := _refused_length()) is not None:
        return refusal
    body = request.get_data(cache=False)
    caller = authenticate(request.headers, body)
    g.exchange_caller = caller  # a refusal from here on is audited as this peer's (see _answer)
    message_id = (request.headers.get(HEADER_MESSAGE_ID) or "").strip()[:MESSAGE_ID_LIMIT] or None
    try:
        answer = connector_receive.receive_message(caller, body, message_id=message_id)
    except connector_receive.Duplicate:
        # Received before (or by a copy that committed first): what this request wrote goes, the first answer stays.
        end_request_unit(commit=False)
        with unit_of_work():
            answer = connector_receive.stored_answer(caller.peer.id, caller.key) or {"result": "duplicate"}
    g.pop("exchange_caller", None)  # taken in: nothing to audit as a refusal (a refusal raised, see _answer)
    return jsonify(answer), 200


@bp.get("/ping")
def ping():
    authenticate(request.headers, b"")
    codes = sorted(db.session.scalars(db.select(Agency.code).where(Agency.is_active.is_(True))))
    return jsonify(deployment=current_app.config.get("PUBLIC_URL") or request.host_url.rstrip("/"), agencies=codes)
