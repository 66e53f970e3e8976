from datetime import timedelta

import pytest

from app.core.errors import AuthenticationError
from app.org import auth, services


def test_token_is_stored_hashed_and_resolves_to_its_user(create_user):
    user = create_user()
    token, plain = auth.create_api_token(user, name="Phần mềm kết nối")
    assert plain.startswith("qlvb_") and plain not in token.token_hash
    assert auth.user_for_token(plain) is user


@pytest.mark.parametrize("mangle", [lambda t: t + "x", lambda t: "", lambda t: t.upper()])
def test_wrong_token_is_refused(create_user, mangle):
    _token, plain = auth.create_api_token(create_user(), name="x")
    with pytest.raises(AuthenticationError) as err:
        auth.user_for_token(mangle(plain))
    assert err.value.code == "invalid_token"


def test_revoked_expired_and_deactivated_tokens_are_refused(create_user, admin, frozen_clock):
    user = create_user(agency=admin.agency)
    token, plain = auth.create_api_token(user, name="x", days=1)
    frozen_clock.advance(days=2)
    with pytest.raises(AuthenticationError, match="hết hạn"):
        auth.user_for_token(plain)
    frozen_clock.advance(days=-2)
    services.deactivate_user(admin, user.id)
    with pytest.raises(AuthenticationError) as err:
        auth.user_for_token(plain)
    assert err.value.code == "account_inactive"
    services.reactivate_user(admin, user.id)
    auth.revoke_api_token(user, token.id)
    with pytest.raises(AuthenticationError):
        auth.user_for_token(plain)
    assert timedelta(days=1) == token.expires_at - token.created_at


@pytest.mark.parametrize("days", [-5, 0, 366])
def test_token_lifetime_outside_one_to_the_configured_maximum_is_refused(create_user, days):
    from app.core.errors import ValidationError

    with pytest.raises(ValidationError) as err:
        auth.create_api_token(create_user(), name="x", days=days)
    assert err.value.code == "invalid_token_lifetime" and "365" in err.value.details["days"]


def test_token_lifetime_maximum_is_configured(app, create_user, frozen_clock):
    app.config["API_TOKEN_MAX_DAYS"] = 30
    try:
        token, _plain = auth.create_api_token(create_user(), name="x")
        assert token.expires_at - token.created_at == timedelta(days=30)  # the default is cut to the maximum
    finally:
        app.config["API_TOKEN_MAX_DAYS"] = 365


def test_token_page_refuses_a_negative_lifetime(client, create_user):
    from tests.conftest import csrf_token, login

    create_user(username="canbo")
    login(client, "canbo")
    response = client.post(
        "/account/tokens", data={"csrf_token": csrf_token(client, "/account/tokens"), "name": "x", "days": "-5"}
    )
    assert "Từ 1 đến 365 ngày" in response.get_data(as_text=True)
    assert "qlvb_" not in response.get_data(as_text=True)
