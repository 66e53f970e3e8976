"""Sign-in rate limits (app.org.ratelimit): per address and per account name, counted in the database, answered
with 429, Retry-After and a Vietnamese message; the first refusal of a window is audited."""

import sqlalchemy as sa

from app.audit.models import AuditEvent
from app.core.db import db
from tests.conftest import PASSWORD, csrf_token


def _attempt_page(client, username, password="sai-mat-khau-1", ip="198.51.100.7"):
    token = csrf_token(client, "/login")
    return client.post(
        "/login",
        data={"username": username, "password": password, "csrf_token": token},
        environ_base={"REMOTE_ADDR": ip},
    )


def _attempt_api(client, username, password="sai-mat-khau-1", ip="198.51.100.7"):
    return client.post(
        "/api/v1/tokens", json={"username": username, "password": password}, environ_base={"REMOTE_ADDR": ip}
    )


def test_an_account_name_tried_too_often_is_refused_from_any_address(app, client, create_user, frozen_clock):
    create_user(username="canbo")
    app.config.update(LOGIN_RATE_PER_ACCOUNT=3, LOGIN_MAX_ATTEMPTS=100)
    try:
        for n in range(3):
            assert _attempt_page(client, "canbo", ip=f"198.51.100.{n}").status_code == 401
        refused = _attempt_page(client, "CanBo", password=PASSWORD, ip="198.51.100.50")  # even the right password
        assert refused.status_code == 429
        assert 1 <= int(refused.headers["Retry-After"]) <= 60
        assert "Quá nhiều lần đăng nhập trong thời gian ngắn" in refused.get_data(as_text=True)
        api = _attempt_api(client, "canbo", password=PASSWORD, ip="198.51.100.51")
        assert api.status_code == 429 and api.json["code"] == "rate_limited" and "Retry-After" in api.headers
        # The next window counts afresh.
        frozen_clock.advance(seconds=61)
        assert _attempt_page(client, "canbo", password=PASSWORD).status_code == 302
    finally:
        app.config.update(LOGIN_RATE_PER_ACCOUNT=10, LOGIN_MAX_ATTEMPTS=5)
    audited = db.session.scalars(sa.select(AuditEvent).where(AuditEvent.action == "auth.rate_limited")).all()
    assert len(audited) == 1 and audited[0].changes["scope"] == "name"  # once per window, not per refusal


def test_one_address_trying_many_names_is_refused(app, client, frozen_clock):
    app.config["LOGIN_RATE_PER_IP"] = 4
    try:
        answers = [_attempt_api(client, f"khong.co.{n}").status_code for n in range(6)]
        other_address = _attempt_api(client, "khong.co.9", ip="198.51.100.99")
    finally:
        app.config["LOGIN_RATE_PER_IP"] = 120
    assert answers == [401] * 4 + [429] * 2
    assert other_address.status_code == 401


def test_counters_live_in_the_database(app, client, frozen_clock):
    from app.org.models import RateLimitCounter

    _attempt_api(client, "canbo.a")
    keys = set(db.session.scalars(sa.select(RateLimitCounter.key)))
    assert {"login:ip:198.51.100.7", "login:name:canbo.a"} <= keys
    hits = db.session.scalar(sa.select(RateLimitCounter.hits).where(RateLimitCounter.key == "login:name:canbo.a"))
    assert hits == 1
