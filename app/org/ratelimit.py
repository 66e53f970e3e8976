"""Rate limits on signing in (the login page and POST /api/v1/tokens), per address and per account name.

Fixed windows counted in the database (rate_limit_counter): the embedded SQLite default and PostgreSQL alike, shared
by every worker and process, with no other service to run. Flask-Limiter was considered: its storages (memory,
Redis, Memcached, MongoDB) either count per process or need a server the default install does not have.
The account lockout (app.org.auth, LOGIN_MAX_ATTEMPTS) stays: this limit slows guessing before it locks anyone out.
"""

import logging
import math
from dataclasses import dataclass
from datetime import datetime, timedelta

import sqlalchemy as sa
from flask import current_app
from sqlalchemy.dialects import postgresql, sqlite

from app.audit import services as audit
from app.core import clock
from app.core.db import db
from app.org.models import RateLimitCounter

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Limited:
    """A refused attempt: which limit, and in how many seconds the next one is counted again."""

    scope: str  # "ip" or "name"
    retry_after: int


def _window_start(now: datetime, seconds: int) -> datetime:
    epoch = now.timestamp()
    return datetime.fromtimestamp(epoch - epoch % seconds, tz=now.tzinfo)


def _hit(key: str, window_start: datetime) -> int:
    """Count one attempt under `key` in the window starting at `window_start`; return the window's count."""
    dialect = db.session.get_bind().dialect.name
    insert = (postgresql if dialect == "postgresql" else sqlite).insert(RateLimitCounter)
    same_window = RateLimitCounter.window_start == window_start
    statement = insert.values(key=key, window_start=window_start, hits=1).on_conflict_do_update(
        index_elements=[RateLimitCounter.key],
        set_={
            "hits": sa.case((same_window, RateLimitCounter.hits + 1), else_=1),
            "window_start": window_start,
        },
    )
    db.session.execute(statement)
    return db.session.scalar(sa.select(RateLimitCounter.hits).where(RateLimitCounter.key == key))


def check_sign_in(username: str, ip: str | None) -> Limited | None:
    """Count a sign-in attempt against its address and its account name; a refusal says for how long.

    The name is counted whether or not such an account exists, so that the answer tells nothing about it. The
    first refusal of a window is audited (auth.rate_limited); every refusal is logged.
    """
    config = current_app.config
    seconds = config["LOGIN_RATE_WINDOW_SECONDS"]
    now = clock.now()
    start = _window_start(now, seconds)
    retry_after = max(1, math.ceil((start + timedelta(seconds=seconds) - now).total_seconds()))
    name = (username or "").strip().lower()[:150]
    limits = [("name", f"login:name:{name}", config["LOGIN_RATE_PER_ACCOUNT"])]
    if ip:
        limits.insert(0, ("ip", f"login:ip:{ip}", config["LOGIN_RATE_PER_IP"]))
    refused = None
    for scope, key, limit in limits:
        hits = _hit(key, start)
        if refused is None and hits > limit:
            refused = Limited(scope, retry_after)
            log.warning("sign-in rate limit: %s over %d attempts in %d s (ip %s)", scope, limit, seconds, ip)
            if hits == limit + 1:
                audit.record(
                    None,
                    "auth.rate_limited",
                    object_type="user_account",
                    summary=f"Chặn đăng nhập do thử quá nhiều lần ({'địa chỉ' if scope == 'ip' else 'tài khoản'})",
                    changes={"scope": scope, "limit": limit, "window_seconds": seconds},
                )
    db.session.execute(sa.delete(RateLimitCounter).where(RateLimitCounter.window_start < now - timedelta(days=1)))
    return refused
