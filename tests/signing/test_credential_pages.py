"""Pages and REST API of signing credentials: administrators manage their agency's, users see their own."""

import io

import pytest
import sqlalchemy as sa

from app.audit.models import AuditEvent
from app.core.db import db
from app.core.transaction import unit_of_work
from app.signing import credentials
from app.signing.models import SigningCredential
from tests.conftest import csrf_token, login
from tests.signing.keyfiles import PIN, p12_of

ADD_PERSONAL = "/admin/signing/credentials/personal"


@pytest.fixture
def setup(create_agency, create_user):
    with unit_of_work():
        agency = create_agency(name="Ủy ban nhân dân tỉnh Hà Giang")
        other = create_agency()
        return {
            "agency": agency,
            "admin": create_user(roles=("quan_tri",), agency=agency, username="quantri"),
            "leader": create_user(roles=("lanh_dao",), agency=agency, username="lanhdao", full_name="Nguyễn Văn An"),
            "specialist": create_user(roles=("chuyen_vien",), agency=agency, username="chuyenvien"),
            "other_admin": create_user(roles=("quan_tri",), agency=other, username="quantrikhac"),
        }


def stored(setup, pki):
    with unit_of_work():
        return credentials.add_personal(
            setup["admin"], setup["leader"].id, p12=p12_of(pki.person, pki), pin=PIN, image_png=None
        )


def upload(client, setup, pki, pin):
    return client.post(
        ADD_PERSONAL,
        data={
            "csrf_token": csrf_token(client, ADD_PERSONAL),
            "user_id": str(setup["leader"].id),
            "pin": pin,
            "p12": (io.BytesIO(p12_of(pki.person, pki)), "nguyen-van-an.p12"),
        },
        content_type="multipart/form-data",
    )


# --- pages ---------------------------------------------------------------------------------------------------


def test_administrator_adds_a_personal_key_through_the_form(client, setup, pki):
    login(client, "quantri")
    assert "/admin/signing/credentials" in client.get("/admin").get_data(as_text=True)  # on the administration hub

    response = upload(client, setup, pki, PIN)

    assert response.status_code == 302 and response.headers["Location"].endswith("/admin/signing/credentials")
    page = client.get("/admin/signing/credentials").get_data(as_text=True)
    assert "Nguyễn Văn An" in page and "Đang hiệu lực" in page and "Test Government CA" in page
    credential = db.session.scalar(sa.select(SigningCredential))
    assert credential.user_id == setup["leader"].id
    assert client.get(f"/admin/signing/credentials/{credential.id}/image").mimetype == "image/png"


def test_wrong_pin_in_the_form_is_shown_next_to_the_field(client, setup, pki):
    login(client, "quantri")
    response = upload(client, setup, pki, "000000")

    assert response.status_code == 422
    assert "Mã PIN không đúng." in response.get_data(as_text=True)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(SigningCredential)) == 0
    assert db.session.scalar(sa.select(AuditEvent).where(AuditEvent.action == "signing.pin_refused")) is not None


def test_administrator_deactivates_with_a_reason(client, setup, pki):
    credential = stored(setup, pki)
    login(client, "quantri")
    token = csrf_token(client, "/admin/signing/credentials")
    url = f"/admin/signing/credentials/{credential.id}/deactivate"

    client.post(url, data={"csrf_token": token, "reason": ""})
    db.session.refresh(credential)
    assert credential.active
    client.post(url, data={"csrf_token": token, "reason": "Thôi giữ chức vụ"})
    db.session.refresh(credential)
    assert not credential.active and credential.deactivated_reason == "Thôi giữ chức vụ"
    assert "Thôi giữ chức vụ" in client.get("/admin/signing/credentials").get_data(as_text=True)


def test_pages_are_for_administrators_of_the_agency(client, setup, pki):
    credential = stored(setup, pki)
    login(client, "chuyenvien")
    assert client.get("/admin/signing/credentials").status_code == 403
    other = client.application.test_client()
    login(other, "quantrikhac")
    assert "Nguyễn Văn An" not in other.get("/admin/signing/credentials").get_data(as_text=True)
    assert other.get(f"/admin/signing/credentials/{credential.id}/image").status_code == 404


def test_signer_sees_their_certificate_and_signature_image(client, setup, pki):
    credential = stored(setup, pki)
    login(client, "lanhdao")

    page = client.get("/account/signature").get_data(as_text=True)
    assert "Chữ ký số của tôi" in page and "Nguyễn Văn An" in page and "Test Government CA" in page
    assert "Chữ ký số của tôi" in client.get("/account").get_data(as_text=True)
    image = client.get(f"/account/signature/{credential.id}/image")
    assert image.status_code == 200 and image.data.startswith(b"\x89PNG")

    other = client.application.test_client()
    login(other, "chuyenvien")
    assert "chưa có chứng thư số" in other.get("/account/signature").get_data(as_text=True)
    assert other.get(f"/account/signature/{credential.id}/image").status_code == 404


# --- REST API ----------------------------------------------------------------------------------------------


def test_api_adds_lists_shows_and_deactivates(client, setup, pki, api_token):
    headers = api_token(setup["admin"])
    response = client.post(
        "/api/v1/signing/credentials",
        headers=headers,
        data={
            "kind": "organization",
            "agency_id": str(setup["agency"].id),
            "passphrase": "mat-khau",
            "p12": (io.BytesIO(p12_of(pki.seal, pki, "mat-khau")), "con-dau.p12"),
        },
        content_type="multipart/form-data",
    )
    assert response.status_code == 201, response.json
    created = response.json
    assert created["kind"] == "organization" and created["user_id"] is None and created["state"] == "active"
    assert not {"encrypted_p12", "encrypted_passphrase", "passphrase"} & set(created)

    assert [c["id"] for c in client.get("/api/v1/signing/credentials", headers=headers).json] == [created["id"]]
    assert client.get(f"/api/v1/signing/credentials/{created['id']}", headers=headers).json == created
    image = client.get(f"/api/v1/signing/credentials/{created['id']}/image", headers=headers)
    assert image.mimetype == "image/png"

    done = client.post(
        f"/api/v1/signing/credentials/{created['id']}/deactivate", headers=headers, json={"reason": "Khắc dấu mới"}
    )
    assert done.status_code == 200 and done.json["state"] == "deactivated"


def test_api_refusals_use_the_error_envelope(client, setup, pki, api_token):
    headers = api_token(setup["admin"])
    wrong = client.post(
        "/api/v1/signing/credentials",
        headers=headers,
        data={
            "kind": "personal",
            "user_id": str(setup["leader"].id),
            "pin": "1",
            "p12": (io.BytesIO(p12_of(pki.person, pki)), "a.p12"),
        },
        content_type="multipart/form-data",
    )
    assert wrong.status_code == 422 and wrong.json["code"] == "wrong_pin"
    missing = client.post(
        "/api/v1/signing/credentials",
        headers=headers,
        data={"kind": "personal", "pin": PIN, "p12": (io.BytesIO(p12_of(pki.person, pki)), "a.p12")},
        content_type="multipart/form-data",
    )
    assert missing.status_code == 422 and "user_id" in missing.json["details"]


def test_api_users_see_only_their_own_and_other_agencies_see_nothing(client, setup, pki, api_token):
    credential = stored(setup, pki)

    own = client.get("/api/v1/signing/credentials", headers=api_token(setup["leader"]))
    assert [c["id"] for c in own.json] == [credential.id]
    assert client.get("/api/v1/signing/credentials", headers=api_token(setup["specialist"])).json == []
    other = api_token(setup["other_admin"])
    assert client.get(f"/api/v1/signing/credentials/{credential.id}", headers=other).status_code == 404
    assert (
        client.post(
            f"/api/v1/signing/credentials/{credential.id}/deactivate", headers=other, json={"reason": "x"}
        ).status_code
        == 404
    )
