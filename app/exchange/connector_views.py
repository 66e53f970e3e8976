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


def _answer(status: int, code: str, message: str):
    # Whatever the refused request wrote (the receipt, the nonce) is discarded before anything is answered.
    end_request_unit(commit=False)
    caller = g.pop("exchange_caller", None)
    if caller is not None and status != 409:
        connector_receive.record_refusal(caller.peer, caller.key, code, message)
    return jsonify(code=code, message=message), status


@bp.errorhandler(DomainError)
def refused(exc: DomainError):
    return _answer(exc.status, exc.code, exc.message)


@bp.errorhandler(HTTPException)
def http_refused(exc: HTTPException):
    if exc.code == 413:
        return _answer(413, "package_too_large", "Gói tin vượt quá dung lượng cho phép.")
    return _answer(exc.code or 400, "bad_request", exc.description or "Yêu cầu không hợp lệ.")


def _body() -> bytes:
    """The request's bytes, refused on their announced length before a byte is read (413 package_too_large)."""
    limit = current_app.config.get("EXCHANGE_MAX_BYTES") or 50 * 1024 * 1024
    length = request.content_length
    if length is None:
        raise DomainError("Thiếu Content-Length.", code="length_required")
    if length > limit:
        mb = limit / (1024 * 1024)
        raise DomainError(f"Gói tin vượt quá dung lượng cho phép ({mb:g} MB).", code="package_too_large") from None
    return request.get_data(cache=False)


@bp.post("/messages")
def messages():
    try:
        body = _body()
    except DomainError as exc:
        status = 413 if exc.code == "package_too_large" else 411
        return _answer(status, exc.code, exc.message)
    caller = authenticate(request.headers, body)
    g.exchange_caller = caller
    message_id = (request.headers.get(HEADER_MESSAGE_ID) or "").strip()[:MESSAGE_ID_LIMIT] or None
    try:
        answer = connector_receive.receive_message(caller, body, message_id=message_id)
    except connector_receive.Duplicate:
        end_request_unit(commit=False)
        g.pop("exchange_caller", None)
        with unit_of_work():
            answer = connector_receive.stored_answer(caller.peer.id, caller.key) or {"result": "duplicate"}
        return jsonify(answer), 200
    g.pop("exchange_caller", None)
    return jsonify(answer), 200


@bp.get("/ping")
def ping():
    caller = authenticate(request.headers, b"")
    g.exchange_caller = caller
    codes = sorted(db.session.scalars(db.select(Agency.code).where(Agency.is_active.is_(True))))
    g.pop("exchange_caller", None)
    return jsonify(deployment=current_app.config.get("PUBLIC_URL") or request.host_url.rstrip("/"), agencies=codes)
