"""Authentication: password login with lockout, password changes, API bearer tokens."""

import functools
import hashlib
import secrets
from dataclasses import dataclass
from datetime import timedelta

import sqlalchemy as sa
from flask import current_app
from sqlalchemy.orm import joinedload

from app.audit import services as audit
from app.audit.context import current_origin
from app.audit.models import NOT_SIGNED_IN
from app.core import clock
from app.core.db import db
from app.core.errors import AuthenticationError, NotFound, PermissionDenied, ValidationError
from app.org import queries, ratelimit
from app.org.models import ApiToken, User, UserSession
from app.org.passwords import hash_password, needs_rehash, password_problems, verify_password
from app.org.permissions import require_admin_of
from app.org.services import nfc

TOKEN_PREFIX = "qlvb_"
# The key of the server-side session token in the (signed) session cookie.
SESSION_TOKEN = "sid"


@functools.cache
def _dummy_hash(_params: tuple) -> str:
    """A hash to verify against when the username is unknown, so timing does not reveal which accounts exist."""
    return hash_password("qlvb-dummy-password-0")


# One answer for every refused sign-in — unknown name, wrong password, locked account — so that neither the words
# nor the time taken tell which accounts exist or are locked (each path verifies one argon2 hash and audits once).
REFUSED = "Tên đăng nhập hoặc mật khẩu không đúng, hoặc tài khoản đang tạm khóa do đăng nhập sai nhiều lần."
TOO_MANY = "Quá nhiều lần đăng nhập sai từ địa chỉ này. Vui lòng thử lại sau {minutes} phút."
RATE_LIMITED = "Quá nhiều lần đăng nhập trong thời gian ngắn. Vui lòng thử lại sau {seconds} giây."


@dataclass
class LoginResult:
    user: User | None
    code: str | None = None
    message: str | None = None
    status: int = 401
    retry_after: int | None = None  # seconds, for the Retry-After header of a 429

    @property
    def ok(self) -> bool:
        return self.user is not None


def _refused() -> LoginResult:
    return LoginResult(None, "invalid_credentials", REFUSED)


def _failures_from(ip: str | None, since) -> int:
    """Refused sign-ins from one address in the window, whatever the names tried (password spraying)."""
    if not ip:
        return 0
    return queries.count_login_failures(ip, since)


def _attempt_by(user: User) -> str:
    """Who a refused sign-in under a known name is audited as: not the account's owner, who may not be the one."""
    return f"{NOT_SIGNED_IN} {user.username}"


def authenticate(username: str, password: str) -> LoginResult:
    """Check a password login. Failures are recorded (and must be committed), so this returns, not raises.

    Rate limits first (app.org.ratelimit: attempts per address and per name in a short window), then the lockout:
    after LOGIN_MAX_ATTEMPTS failures in a row the account is locked for LOGIN_LOCKOUT_MINUTES; an
    address with LOGIN_IP_MAX_FAILURES refusals in that window is refused (429) before any password is checked.
    """
    now = clock.now()
    config = current_app.config
    window = timedelta(minutes=config["LOGIN_LOCKOUT_MINUTES"])
    ip = current_origin().ip
    if limited := ratelimit.check_sign_in(username, ip):
        message = RATE_LIMITED.format(seconds=limited.retry_after)
        return LoginResult(None, "rate_limited", message, 429, retry_after=limited.retry_after)
    if _failures_from(ip, now - window) >= config["LOGIN_IP_MAX_FAILURES"]:
        minutes = config["LOGIN_LOCKOUT_MINUTES"]
        return LoginResult(None, "too_many_attempts", TOO_MANY.format(minutes=minutes), 429, retry_after=minutes * 60)
    user = queries.find_user_by_username(username or "")
    if user is None:
        verify_password(_dummy_hash((config["ARGON2_TIME_COST"], config["ARGON2_MEMORY_KIB"])), password or "")
        # The name tried is not written: people type their password into the name field.
        audit.record(
            None,
            "auth.login_failed",
            None,
            object_type="user_account",
            summary="Đăng nhập sai: tên lạ",
            actor_name=NOT_SIGNED_IN,
        )
        return _refused()
    password_ok = verify_password(user.password_hash, password or "")  # checked even when locked: same timing
    if user.locked_until is not None and user.locked_until > now:
        audit.record(
            None,
            "auth.login_failed",
            user,
            summary=f"Đăng nhập khi đang tạm khóa: {user.username}",
            actor_name=_attempt_by(user),
        )
        return _refused()
    if not password_ok:
        user.failed_login_count += 1
        if user.failed_login_count >= config["LOGIN_MAX_ATTEMPTS"]:
            user.locked_until = now + window
            user.failed_login_count = 0
            audit.record(
                None,
                "auth.lockout",
                user,
                summary=f"Tạm khóa tài khoản {user.username} do đăng nhập sai",
                actor_name=_attempt_by(user),
            )
        else:
            audit.record(
                None,
                "auth.login_failed",
                user,
                summary=f"Đăng nhập sai mật khẩu: {user.username}",
                actor_name=_attempt_by(user),
            )
        db.session.flush()
        return _refused()
    if not user.is_active:
        # Checked after the password, so a wrong guess learns nothing about the account's state.
        return LoginResult(None, "account_inactive", "Tài khoản đã bị vô hiệu hóa. Vui lòng liên hệ quản trị hệ thống.")
    user.failed_login_count = 0
    user.locked_until = None
    user.last_login_at = now
    if needs_rehash(user.password_hash):
        user.password_hash = hash_password(password)
    audit.record(user, "auth.login", user, summary=f"Đăng nhập: {user.username}")
    db.session.flush()
    return LoginResult(user)


def change_password(actor: User, *, current_password: str, new_password: str) -> User:
    """The user changes their own password; every other session of theirs ends."""
    if not verify_password(actor.password_hash, current_password or ""):
        raise ValidationError("Mật khẩu hiện tại không đúng.", details={"current_password": "Mật khẩu không đúng."})
    if new_password == current_password:
        message = "Mật khẩu mới phải khác mật khẩu hiện tại."
        raise ValidationError(message, code="same_password", details={"new_password": message})
    _set_password(actor, new_password)
    audit.record(actor, "auth.password_change", actor, summary=f"Đổi mật khẩu: {actor.username}")
    return actor


def reset_password(actor: User | None, user_id: int, new_password: str) -> User:
    """An administrator sets a new password for an account (and unlocks it)."""
    user = queries.get_user(user_id)
    require_admin_of(actor, user.agency_id)
    _set_password(user, new_password)
    user.failed_login_count, user.locked_until = 0, None
    audit.record(actor, "auth.password_reset", user, summary=f"Đặt lại mật khẩu: {user.username}")
    return user


def _set_password(user: User, new_password: str) -> None:
    names = (user.agency.name, user.agency.abbreviation)
    if problems := password_problems(
        new_password or "", username=user.username, full_name=user.full_name, agency_names=names
    ):
        raise ValidationError(
            "Mật khẩu mới chưa đủ mạnh.", code="weak_password", details={"new_password": " ".join(problems)}
        )
    user.password_hash = hash_password(new_password)
    user.password_changed_at = clock.now()
    user.session_version += 1
    db.session.flush()


def load_session_user(session_id: str, session_token: str | None = None) -> User | None:
    """Flask-Login's loader: `id:version` plus the session's own token (the cookie's `sid`).

    Stale versions (a password change, a deactivation), deactivated accounts and sessions ended server-side
    (logout, expiry) get no user. Without a token only the version is checked (tests of the version rule).
    """
    try:
        user_id, version = (int(part) for part in session_id.split(":", 1))
    except ValueError:
        return None
    user = db.session.get(User, user_id)
    if user is None or not user.is_active or user.session_version != version:
        return None
    if session_token is not None and find_live_session(user, session_token) is None:
        return None
    return user


def start_session(user: User, *, ip: str | None, user_agent: str | None) -> str:
    """Open a server-side session for a user who just signed in; the plain token goes into the cookie only."""
    plain = secrets.token_urlsafe(32)
    now = clock.now()
    lifetime = current_app.config["PERMANENT_SESSION_LIFETIME"]
    db.session.add(
        UserSession(
            token_hash=_digest(plain),
            user_id=user.id,
            created_at=now,
            expires_at=now + lifetime,
            ip=(ip or "")[:64] or None,
            user_agent=(user_agent or "")[:500] or None,
        )
    )
    db.session.flush()
    return plain


def find_live_session(user: User, session_token: str) -> UserSession | None:
    row = db.session.scalar(sa.select(UserSession).where(UserSession.token_hash == _digest(session_token)))
    if row is None or row.user_id != user.id or row.revoked_at is not None or row.expires_at <= clock.now():
        return None
    return row


def end_session(user: User | None, session_token: str | None) -> None:
    """Logout: the session is dead server-side, whatever copy of its cookie survives."""
    if not session_token:
        return
    row = db.session.scalar(sa.select(UserSession).where(UserSession.token_hash == _digest(session_token)))
    if row is None or row.revoked_at is not None:
        return
    row.revoked_at = clock.now()
    db.session.flush()
    if user is not None:
        audit.record(user, "auth.logout", user, summary=f"Đăng xuất: {user.username}")


# --- API tokens ---------------------------------------------------------------------------------------


def _digest(token: str) -> str:
    # Tokens carry 256 random bits, so a fast hash is enough: nothing to brute-force.
    return hashlib.sha256(token.encode()).hexdigest()


def token_lifetime(days: int | None) -> int:
    """The days a new token lives: the configured default when none is asked, else 1 … API_TOKEN_MAX_DAYS.

    The one rule for the page, POST /api/v1/tokens and the tokens an administrator issues: zero or a negative
    lifetime is refused, never silently replaced by the default.
    """
    config = current_app.config
    maximum = config["API_TOKEN_MAX_DAYS"]
    if days is None:
        return min(config["API_TOKEN_DAYS"], maximum)
    if not 1 <= days <= maximum:
        raise ValidationError(
            f"Thời hạn của mã truy cập phải từ 1 đến {maximum} ngày.",
            code="invalid_token_lifetime",
            details={"days": f"Từ 1 đến {maximum} ngày."},
        )
    return days


def create_api_token(
    actor: User, *, name: str, user_id: int | None = None, days: int | None = None
) -> tuple[ApiToken, str]:
    """Issue a bearer token; the plain token is returned once and never stored."""
    owner = actor if user_id in (None, actor.id) else queries.get_user(user_id)
    if owner is not actor:
        require_admin_of(actor, owner.agency_id)
    if not owner.is_active:
        raise ValidationError("Tài khoản đã bị vô hiệu hóa.", code="account_inactive")
    name = nfc(name)
    if not name:
        raise ValidationError("Nhập tên gợi nhớ cho mã truy cập.", details={"name": "Trường này là bắt buộc."})
    days = token_lifetime(days)
    plain = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken(
        user_id=owner.id,
        name=name[:100],
        token_hash=_digest(plain),
        prefix=plain[:12],
        expires_at=clock.now() + timedelta(days=days),
    )
    db.session.add(token)
    db.session.flush()
    audit.record(
        actor,
        "api_token.create",
        token,
        agency_id=owner.agency_id,
        summary=f"Cấp mã truy cập API “{token.name}” cho {owner.username}",
    )
    return token, plain


def revoke_api_token(actor: User, token_id: int) -> ApiToken:
    token = db.session.get(ApiToken, token_id)
    if token is None:
        raise NotFound("Không tìm thấy mã truy cập.", code="token_not_found")
    if token.user_id != actor.id:
        try:
            require_admin_of(actor, token.user.agency_id)
        except PermissionDenied:
            raise NotFound("Không tìm thấy mã truy cập.", code="token_not_found") from None
    if token.revoked_at is None:
        token.revoked_at = clock.now()
        db.session.flush()
        audit.record(
            actor,
            "api_token.revoke",
            token,
            agency_id=token.user.agency_id,
            summary=f"Thu hồi mã truy cập API “{token.name}”",
        )
    return token


@functools.cache
def _token_query() -> sa.Select:
    # The user and their roles in the same query: lazy loads were two more round trips on every API call. Built
    # once (the hash a bound parameter): building and keying it again was half the cost of every API call's check.
    return (
        sa.select(ApiToken)
        .options(joinedload(ApiToken.user).joinedload(User.role_rows))
        .where(ApiToken.token_hash == sa.bindparam("token_hash"))
    )


def user_for_token(plain: str) -> User:
    """Resolve a bearer token to its active user, or refuse with a stable code."""
    now = clock.now()
    token = db.session.execute(_token_query(), {"token_hash": _digest(plain or "")}).unique().scalar_one_or_none()
    if token is None or token.revoked_at is not None:
        raise AuthenticationError("Mã truy cập không hợp lệ.", code="invalid_token")
    if token.expires_at is not None and token.expires_at <= now:
        raise AuthenticationError("Mã truy cập đã hết hạn.", code="token_expired")
    if not token.user.is_active:
        raise AuthenticationError("Tài khoản đã bị vô hiệu hóa.", code="account_inactive")
    # Written at most every five minutes: one write per API call would be a needless cost.
    if token.last_used_at is None or now - token.last_used_at > timedelta(minutes=5):
        token.last_used_at = now
    return token.user
