"""Bearer-token authentication for the REST API. Browser sessions are not accepted here."""

from flask import g, request

from app.core.errors import AuthenticationError
from app.org.auth import user_for_token


def require_token() -> None:
    header = request.headers.get("Authorization", "")
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise AuthenticationError("Thiếu mã truy cập (Authorization: Bearer …).", code="missing_token")
    g.api_user = user_for_token(token.strip())


def api_user():
    """The user the current API request acts for."""
    return g.api_user
