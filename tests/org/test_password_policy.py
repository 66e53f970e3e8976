"""The one password rule (app.org.passwords.password_problems): what it refuses and where it is asked."""

import pytest

from app.core.errors import ValidationError
from app.org import auth, queries
from app.org.passwords import password_problems
from tests.conftest import PASSWORD, csrf_token, login


@pytest.mark.parametrize(
    ("weak", "why"),
    [
        ("aaaaaaaaa1", "khác nhau"),  # found in the review: two distinct characters
        (" " * 9 + "a1", "khoảng trắng"),  # padding to the length with spaces
        ("Matkhau-Manh-2026 ", "khoảng trắng"),
        ("x" * 4000 + "Ab1-" * 250, "tối đa 128"),  # 5,000 characters: argon2 would hash them all
        ("matkhau@2026", "phổ biến"),
        ("Admin123456", "phổ biến"),
        ("2026!anhyeuem", "phổ biến"),
        ("abcdefgh12", "phổ biến"),  # a run of the alphabet
        ("qwertyui99", "phổ biến"),
        ("nguyenvanan-1990", "họ tên"),  # the person's name without its diacritics
        ("Sonoivu#2026x", "tên cơ quan"),
        ("chiphi-hanh-z", "cả chữ và số"),
    ],
)
def test_trivial_passwords_are_refused_with_a_vietnamese_reason(app, weak, why):
    with app.test_request_context():
        problems = password_problems(weak, username="annv", full_name="Nguyễn Văn An", agency_names=("Sở Nội vụ",))
    assert problems and why in " ".join(problems)


def test_agency_name_and_username_are_refused(app):
    with app.test_request_context():
        assert password_problems("xyz-sonoivuhn-42", agency_names=("Sở Nội vụ HN",))
        assert password_problems("Q7-canbo.ha-42", username="canbo.ha")
        assert password_problems(PASSWORD, username="annv", full_name="Nguyễn Văn An") == []


def test_creation_change_and_reset_ask_the_same_rule(create_user, admin):
    with pytest.raises(ValidationError) as err:
        create_user(username="annv", full_name="Nguyễn Văn An", password="aaaaaaaaa1")
    assert "khác nhau" in err.value.details["password"]
    user = create_user(username="annv", full_name="Nguyễn Văn An", agency=admin.agency)
    with pytest.raises(ValidationError) as err:
        auth.change_password(user, current_password=PASSWORD, new_password="NguyenVanAn-2026")
    assert err.value.code == "weak_password" and "họ tên" in err.value.details["new_password"]
    with pytest.raises(ValidationError) as err:
        auth.reset_password(admin, user.id, "a" * 5000 + "1")
    assert "tối đa" in err.value.details["new_password"]


def test_password_page_shows_the_reason(client, create_user):
    create_user(username="canbo")
    login(client, "canbo")
    token = csrf_token(client, "/account/password")
    response = client.post(
        "/account/password",
        data={
            "csrf_token": token,
            "current_password": PASSWORD,
            "new_password": "         a1",
            "confirm": "         a1",
        },
    )
    assert "khoảng trắng" in response.get_data(as_text=True)
    assert queries.find_user_by_username("canbo") is not None
