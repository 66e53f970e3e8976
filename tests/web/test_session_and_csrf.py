"""Sessions renewed at sign-in and cleared at sign-out; every mutating page route refuses a request without its
CSRF token, whatever session it carries."""

import pytest
from werkzeug.routing import AnyConverter, IntegerConverter

from tests.conftest import PASSWORD, csrf_token, login

MUTATING = {"POST", "PUT", "PATCH", "DELETE"}
# Routes that take no CSRF token, each with its own authentication instead. /api/v1 takes bearer tokens only (a
# browser's cookie opens nothing there); /exchange/v1 is the connector between deployments (HMAC-signed requests
# or mutual TLS, app/exchange/connector_views.py).
EXEMPT_PREFIXES = ("/api/v1/", "/exchange/v1/")


def _example_url(rule) -> str:
    values = {}
    for name, converter in rule._converters.items():
        if isinstance(converter, AnyConverter):
            values[name] = next(iter(converter.items))
        elif isinstance(converter, IntegerConverter):
            values[name] = 1
        else:
            values[name] = "x"
    return rule.build(values, append_unknown=False)[1]


def mutating_page_routes(app):
    return [
        rule
        for rule in app.url_map.iter_rules()
        if set(rule.methods or ()) & MUTATING and not rule.rule.startswith(EXEMPT_PREFIXES)
    ]


def test_the_exempt_routes_are_the_documented_ones(app):
    from app.extensions import csrf

    exempt = {bp for bp in csrf._exempt_blueprints}
    assert exempt, "CSRF exemptions are declared by blueprint"
    for rule in app.url_map.iter_rules():
        if rule.endpoint.split(".")[0] in exempt and set(rule.methods or ()) & MUTATING:
            assert rule.rule.startswith(EXEMPT_PREFIXES), rule.rule
    assert not csrf._exempt_views


def test_every_mutating_page_route_refuses_a_request_without_csrf_token(app, client, admin):
    login(client, admin.username)
    assert client.get("/").status_code == 200  # a valid session
    routes = mutating_page_routes(app)
    assert len(routes) > 100
    accepted = []
    for rule in routes:
        url = _example_url(rule)
        for method in sorted(set(rule.methods) & MUTATING):
            response = client.open(url, method=method, data={"x": "1"}, headers={"Accept": "text/html"})
            if response.status_code != 400 or "csrf_failed" not in response.get_data(as_text=True):
                accepted.append(f"{method} {rule.rule} → {response.status_code}")
    assert accepted == []
    assert client.get("/").status_code == 200  # refused requests left the session usable


def test_a_wrong_csrf_token_is_refused_too(client, admin):
    login(client, admin.username)
    response = client.post("/account/tokens", data={"csrf_token": "gia-mao", "name": "x", "days": "5"})
    assert response.status_code == 400


def test_a_cookie_from_before_sign_in_is_not_a_signed_in_session(client, create_user):
    create_user(username="canbo")
    csrf_token(client, "/login")  # the visitor's session, as an attacker could have planted it
    before = client.get_cookie("qlvb_session").value
    login(client, "canbo")
    after = client.get_cookie("qlvb_session").value
    assert after != before
    assert client.get("/").status_code == 200
    client.set_cookie("qlvb_session", before)
    replay = client.get("/")
    assert replay.status_code == 302 and "/login" in replay.headers["Location"]


def test_sign_in_renews_the_csrf_secret_and_sign_out_clears_the_session(app, client, create_user):
    create_user(username="canbo")
    anonymous_token = csrf_token(client, "/login")
    login(client, "canbo")
    # The CSRF token of the pre-sign-in session no longer validates: its secret was dropped with that session.
    stale = client.post("/account/tokens", data={"csrf_token": anonymous_token, "name": "x", "days": "5"})
    assert stale.status_code == 400
    client.post("/logout", data={"csrf_token": csrf_token(client, "/")})
    with client.session_transaction() as session:
        assert not {"_user_id", "sid", "csrf_token"} & set(session)


@pytest.mark.parametrize("base_url", ["http://localhost", "https://localhost"])
def test_session_cookie_flags(client, create_user, base_url):
    create_user(username="canbo")
    token = csrf_token(client, "/login")
    response = client.post(
        "/login", data={"username": "canbo", "password": PASSWORD, "csrf_token": token}, base_url=base_url
    )
    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie
    assert ("Secure" in cookie) == base_url.startswith("https")
