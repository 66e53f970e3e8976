"""Errors → Vietnamese pages for people, `{code, message, details}` JSON for the API."""

import logging

import sqlalchemy as sa
from flask import Flask, redirect, render_template, request
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException

from app.api.schemas import field_messages, flatten_messages
from app.core.db import db
from app.core.errors import DomainError
from app.core.transaction import end_request_unit

log = logging.getLogger(__name__)

HTTP_MESSAGES = {
    400: ("bad_request", "Yêu cầu không hợp lệ."),
    401: ("authentication_required", "Cần đăng nhập."),
    403: ("permission_denied", "Bạn không có quyền truy cập trang này."),
    404: ("not_found", "Không tìm thấy trang hoặc đối tượng yêu cầu."),
    405: ("method_not_allowed", "Phương thức không được hỗ trợ."),
    409: ("conflict", "Thao tác xung đột với trạng thái hiện tại."),
    413: ("payload_too_large", "Tệp tải lên vượt quá dung lượng cho phép."),
    422: ("validation_error", "Dữ liệu không hợp lệ."),
    429: ("too_many_requests", "Quá nhiều yêu cầu, vui lòng thử lại sau."),
    500: ("internal_error", "Đã xảy ra lỗi hệ thống. Vui lòng thử lại hoặc liên hệ quản trị."),
}


def wants_json() -> bool:
    return request.path.startswith("/api/") or request.accept_mimetypes.best == "application/json"


def error_response(status: int, code: str, message: str, details=None):
    # Whatever the failed request wrote is discarded before anything is answered.
    try:
        end_request_unit(commit=False)
    except Exception:  # the connection itself may be broken
        log.exception("rollback failed")
        db.session.remove()
    if wants_json():
        if details and not (isinstance(details, dict) and all(isinstance(v, str) for v in details.values())):
            details = flatten_messages(details)  # the contract: always one flat field → message map
        return {"code": code, "message": message, "details": details or {}}, status
    return render_template("errors/error.html", status=status, code=code, message=message, details=details), status


def _page_without_slash(app: Flask) -> str | None:
    """`/reports/` typed or pasted for the page `/reports`: the page's address, when there is such a page.

    Flask's routes are strict about a trailing slash (the API's contract keeps them so); a person who adds one gets
    the page, not "Không tìm thấy". Only for reading a page: a form's POST is never redirected."""
    path = request.path
    if request.method not in ("GET", "HEAD") or len(path) < 2 or not path.endswith("/") or wants_json():
        return None
    try:
        app.url_map.bind_to_environ(request.environ).match(path.rstrip("/"), method="GET")
    except HTTPException:  # no such page either (RequestRedirect too: it is one)
        return None
    query = request.query_string.decode()
    return path.rstrip("/") + (f"?{query}" if query else "")


def register_error_handlers(app: Flask) -> None:
    @app.errorhandler(DomainError)
    def domain_error(exc: DomainError):
        return error_response(exc.status, exc.code, exc.message, exc.details)

    @app.errorhandler(CSRFError)
    def csrf_error(exc: CSRFError):
        return error_response(
            400,
            "csrf_failed",
            "Phiên làm việc đã hết hạn hoặc biểu mẫu không hợp lệ (thiếu mã chống giả mạo CSRF). "
            "Vui lòng tải lại trang và thử lại.",
        )

    @app.errorhandler(HTTPException)
    def http_error(exc: HTTPException):
        if exc.code == 404 and (page := _page_without_slash(app)):
            return redirect(page, 308)
        code, message = HTTP_MESSAGES.get(exc.code or 500, ("http_error", exc.description or ""))
        details = None
        data = getattr(exc, "data", None)
        if isinstance(data, dict) and data.get("messages"):  # webargs/flask-smorest validation
            details = field_messages(data["messages"])
        return error_response(exc.code or 500, code, message, details)

    @app.errorhandler(sa.exc.DataError)
    @app.errorhandler(OverflowError)
    def value_out_of_range(exc: Exception):
        # The last line of defence: a number or text the database cannot hold, past every schema, is the client's
        # input, not a server fault. Logged so that the missing check gets added where the value came in.
        log.warning("input the database refused on %s %s: %s", request.method, request.path, exc)
        return error_response(
            422, "value_out_of_range", "Giá trị vượt quá giới hạn cho phép.", {"_body": "Giá trị không hợp lệ."}
        )

    @app.errorhandler(Exception)
    def unexpected_error(exc: Exception):
        log.exception("unhandled error on %s %s", request.method, request.path)
        code, message = HTTP_MESSAGES[500]
        return error_response(500, code, message)
