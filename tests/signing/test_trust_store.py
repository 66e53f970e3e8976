"""Trust roots administrators add in the browser: who may, what is refused, and that the verifier uses them."""

import io

import pytest
import sqlalchemy as sa
from cryptography.hazmat.primitives.serialization import Encoding

from app.audit.models import AuditEvent
from app.core.db import db
from app.core.errors import Conflict, NotFound, PermissionDenied, ValidationError
from app.signing import trust_store
from app.signing.models import TrustedCertificate
from app.signing.verify import verify_pdf
from tests.conftest import csrf_token, login


def actions() -> list[str]:
    return list(db.session.scalars(sa.select(AuditEvent.action).order_by(AuditEvent.id)))


@pytest.fixture
def tree(create_agency, create_user):
    top = create_agency(name="UBND tỉnh thử")
    child = create_agency(name="Sở thử", parent_id=top.id)
    other = create_agency(name="Tỉnh khác")
    return {
        "top": top,
        "child": child,
        "other": other,
        "top_admin": create_user(roles=("quan_tri",), agency=top, username="qt.tinh"),
        "child_admin": create_user(roles=("quan_tri",), agency=child, username="qt.so"),
        "other_admin": create_user(roles=("quan_tri",), agency=other, username="qt.khac"),
    }


def test_agency_root_is_trusted_by_that_agency_only(pki, personal_pdf, tree):
    assert not verify_pdf(personal_pdf, agency_id=tree["child"].id).signatures[0].trusted
    row = trust_store.add(tree["child_admin"], data=pki.root.pem, agency_id=tree["child"].id, note="Root CA quốc gia")
    assert row.self_signed and row.is_ca and len(row.fingerprint) == 64
    assert verify_pdf(personal_pdf, agency_id=tree["child"].id).signatures[0].trusted
    assert not verify_pdf(personal_pdf, agency_id=tree["top"].id).signatures[0].trusted  # not upwards
    assert not verify_pdf(personal_pdf).signatures[0].trusted  # not deployment-wide
    assert actions()[-1] == "signing.trust_root_add"


def test_parent_and_deployment_roots_reach_the_agencies_below(pki, personal_pdf, tree):
    trust_store.add(tree["top_admin"], data=pki.root.pem, agency_id=tree["top"].id)
    assert verify_pdf(personal_pdf, agency_id=tree["child"].id).signatures[0].trusted
    assert not verify_pdf(personal_pdf, agency_id=tree["other"].id).signatures[0].trusted
    trust_store.add(tree["top_admin"], data=pki.intermediate.cert.public_bytes(Encoding.DER), agency_id=None)
    assert verify_pdf(personal_pdf, agency_id=tree["other"].id).signatures[0].trusted
    assert verify_pdf(personal_pdf).signatures[0].trusted


def test_disable_enable_remove_take_effect_at_once_and_are_audited(pki, personal_pdf, tree):
    row = trust_store.add(tree["child_admin"], data=pki.root.pem, agency_id=tree["child"].id)
    trust_store.set_active(tree["child_admin"], row.id, False)
    assert row.disabled_by_id == tree["child_admin"].id
    assert not verify_pdf(personal_pdf, agency_id=tree["child"].id).signatures[0].trusted
    with pytest.raises(Conflict) as err:
        trust_store.set_active(tree["child_admin"], row.id, False)
    assert err.value.code == "trust_root_already_disabled"
    trust_store.set_active(tree["child_admin"], row.id, True)
    assert verify_pdf(personal_pdf, agency_id=tree["child"].id).signatures[0].trusted
    trust_store.remove(tree["child_admin"], row.id)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(TrustedCertificate)) == 0
    assert actions()[-4:] == [
        "signing.trust_root_add",
        "signing.trust_root_disable",
        "signing.trust_root_enable",
        "signing.trust_root_remove",
    ]


def test_only_a_top_level_administrator_trusts_for_the_whole_deployment(pki, tree):
    with pytest.raises(PermissionDenied) as err:
        trust_store.add(tree["child_admin"], data=pki.root.pem, agency_id=None)
    assert err.value.code == "trust_root_scope_denied"
    with pytest.raises(PermissionDenied):
        trust_store.add(tree["child_admin"], data=pki.root.pem, agency_id=tree["other"].id)
    row = trust_store.add(tree["top_admin"], data=pki.root.pem, agency_id=None)
    # Visible to every administrator (it applies to them), changeable by none below the top.
    assert row in trust_store.list_visible(tree["other_admin"])
    with pytest.raises(PermissionDenied):
        trust_store.set_active(tree["child_admin"], row.id, False)
    own = trust_store.add(tree["child_admin"], data=pki.root.pem, agency_id=tree["child"].id)
    with pytest.raises(NotFound):
        trust_store.remove(tree["other_admin"], own.id)


@pytest.mark.parametrize(
    ("data", "code"),
    [
        (b"", "trust_root_missing"),
        (b"khong phai chung thu", "trust_root_unreadable"),
        (b"-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n", "trust_root_unreadable"),
        (b"x" * (65 * 1024), "trust_root_too_large"),
    ],
)
def test_unreadable_uploads_are_refused_whole(tree, data, code):
    with pytest.raises(ValidationError) as err:
        trust_store.add(tree["child_admin"], data=data, agency_id=tree["child"].id)
    assert err.value.code == code and "file" in err.value.details
    assert db.session.scalar(sa.select(sa.func.count()).select_from(TrustedCertificate)) == 0
    assert "signing.trust_root_add" not in actions()


def test_end_entity_bundle_and_duplicate_are_refused(pki, tree):
    agency_id = tree["child"].id
    with pytest.raises(ValidationError) as err:
        trust_store.add(tree["child_admin"], data=pki.person.pem, agency_id=agency_id)
    assert err.value.code == "trust_root_not_ca"
    with pytest.raises(ValidationError) as err:
        trust_store.add(tree["child_admin"], data=pki.root.pem + pki.intermediate.pem, agency_id=agency_id)
    assert err.value.code == "trust_root_many"
    trust_store.add(tree["child_admin"], data=pki.root.pem, agency_id=agency_id)
    with pytest.raises(Conflict) as err:
        trust_store.add(tree["child_admin"], data=pki.root.pem, agency_id=agency_id)
    assert err.value.code == "trust_root_duplicate"


def test_page_adds_lists_and_disables(client, pki, tree):
    login(client, "qt.so")
    page = client.get("/admin/signing/trust-roots").get_data(as_text=True)
    assert "Chứng thư gốc tin cậy" in page and "Toàn hệ thống (mọi cơ quan)" not in page
    token = csrf_token(client, "/admin/signing/trust-roots")
    data = {
        "csrf_token": token,
        "scope": str(tree["child"].id),
        "note": "Thử",
        "file": (io.BytesIO(pki.root.pem), "root.pem"),
    }
    response = client.post("/admin/signing/trust-roots", data=data, content_type="multipart/form-data")
    assert response.status_code == 302
    row = db.session.scalar(sa.select(TrustedCertificate))
    html = client.get("/admin/signing/trust-roots").get_data(as_text=True)
    assert "Test Root CA (throwaway)" in html and row.fingerprint in html and "Đang tin cậy" in html
    bad = {"csrf_token": token, "scope": str(tree["child"].id), "file": (io.BytesIO(b"rac"), "rac.pem")}
    response = client.post("/admin/signing/trust-roots", data=bad, content_type="multipart/form-data")
    assert response.status_code == 422 and "Không đọc được chứng thư số" in response.get_data(as_text=True)
    response = client.post(f"/admin/signing/trust-roots/{row.id}/disable", data={"csrf_token": token})
    db.session.refresh(row)
    assert response.status_code == 302 and not row.active


def test_api_lists_adds_disables_and_removes(client, pki, tree, api_token):
    headers = api_token(tree["child_admin"])
    body = {"file": (io.BytesIO(pki.root.pem), "root.pem"), "agency_id": str(tree["child"].id)}
    created = client.post("/api/v1/signing/trust-roots", data=body, headers=headers, content_type="multipart/form-data")
    assert created.status_code == 201, created.json
    assert created.json["state"] in {"active", "not_yet_valid"} and created.json["agency_id"] == tree["child"].id
    root_id = created.json["id"]
    assert [r["id"] for r in client.get("/api/v1/signing/trust-roots", headers=headers).json] == [root_id]
    assert client.post(f"/api/v1/signing/trust-roots/{root_id}/disable", headers=headers).json["active"] is False
    denied = client.post(
        "/api/v1/signing/trust-roots",
        data={"file": (io.BytesIO(pki.root.pem), "root.pem")},
        headers=headers,
        content_type="multipart/form-data",
    )
    assert denied.status_code == 403 and denied.json["code"] == "trust_root_scope_denied"
    bad = client.post(
        "/api/v1/signing/trust-roots", data={"agency_id": "x"}, headers=headers, content_type="multipart/form-data"
    )
    assert bad.status_code == 422
    assert client.delete(f"/api/v1/signing/trust-roots/{root_id}", headers=headers).status_code == 204
    assert client.get(f"/api/v1/signing/trust-roots/{root_id}", headers=headers).json["code"] == "trust_root_not_found"
    plain = api_token(tree["other_admin"])
    assert client.get("/api/v1/signing/trust-roots", headers=plain).status_code == 200
