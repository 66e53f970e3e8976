"""A client developer signs in with a password, gets a token, and the browser session behaves as a real one."""

import sqlalchemy as sa

from app.audit.models import AuditEvent
from app.core.db import db
from tests.conftest import PASSWORD, csrf_token, login


def test_password_sign_in_gives_a_token_that_works_and_is_audited(client, create_user):
    user = create_user(username="script.bot", roles=("van_thu",))
    response = client.post("/api/v1/tokens", json={"username": "script.bot", "password": PASSWORD, "name": "Đồng bộ"})
    assert response.status_code == 201, response.json
    body = response.json
    assert body["token"].startswith("qlvb_") and body["name"] == "Đồng bộ" and body["expires_at"]
    me = client.get("/api/v1/me", headers={"Authorization": f"Bearer {body['token']}"})
    assert me.status_code == 200 and me.json["username"] == "script.bot"
    actions = db.session.scalars(sa.select(AuditEvent.action).where(AuditEvent.actor_id == user.id)).all()
    assert {"auth.login", "api_token.create"} <= set(actions)
    listed = client.get("/api/v1/tokens", headers={"Authorization": f"Bearer {body['token']}"})
    assert [t["name"] for t in listed.json] == ["Đồng bộ"] and "token" not in listed.json[0]


def test_refused_sign_in_counts_towards_the_lockout_and_answers_like_an_unknown_name(client, create_user):
    user = create_user(username="script.bot")
    wrong = client.post("/api/v1/tokens", json={"username": "script.bot", "password": "sai-mat-khau"})
    unknown = client.post("/api/v1/tokens", json={"username": "khong.co", "password": "sai-mat-khau"})
    assert wrong.status_code == unknown.status_code == 401
    assert wrong.json == unknown.json and wrong.json["code"] == "invalid_credentials"
    db.session.refresh(user)
    assert user.failed_login_count == 1  # the refusal was committed, not rolled back with the answer


def test_token_lifetime_is_bounded(client, create_user):
    create_user(username="script.bot")
    response = client.post("/api/v1/tokens", json={"username": "script.bot", "password": PASSWORD, "days": 3650000})
    assert response.status_code == 422 and "days" in response.json["details"]
    assert response.json["code"] == "invalid_token_lifetime"
    negative = client.post("/api/v1/tokens", json={"username": "script.bot", "password": PASSWORD, "days": -5})
    assert negative.status_code == 422 and negative.json["code"] == "invalid_token_lifetime"


def test_logout_ends_the_session_server_side(client, create_user):
    create_user(username="canbo")
    login(client, "canbo")
    saved = client.get_cookie("qlvb_session").value
    assert client.get("/").status_code == 200
    client.post("/logout", data={"csrf_token": csrf_token(client, "/")})
    client.set_cookie("qlvb_session", saved)  # the cookie a thief copied before the logout
    replay = client.get("/")
    assert replay.status_code == 302 and "/login" in replay.headers["Location"]


def test_session_cookie_is_secure_exactly_over_https(client, create_user):
    create_user(username="canbo")
    plain = login(client, "canbo")
    assert "Secure" not in plain.headers["Set-Cookie"]
    client.post("/logout", data={"csrf_token": csrf_token(client, "/")})
    token = csrf_token(client, "/login")
    secure = client.post(
        "/login",
        data={"username": "canbo", "password": PASSWORD, "csrf_token": token},
        base_url="https://localhost",
        headers={"Referer": "https://localhost/login"},  # CSRF over HTTPS also checks the referrer
    )
    assert secure.status_code == 302 and "Secure" in secure.headers["Set-Cookie"]
