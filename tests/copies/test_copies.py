"""Electronic copies: numbered in their own shared sequence, signed by the agency at the top right, verifiable."""

import io

import pytest
import sqlalchemy as sa

from app.audit.models import AuditEvent
from app.copies import services
from app.copies.models import ElectronicCopy
from app.core.db import db
from app.core.errors import NotFound, PermissionDenied, ValidationError
from app.documents.models import RegisterCounter
from app.documents.uploads import Upload
from app.signing import credentials, placement
from app.signing.errors import UnsafePdf
from app.signing.verify import verify_pdf
from tests.conftest import csrf_token, login
from tests.outgoing.conftest import make_draft
from tests.signing.test_sign_safety import _open_action_js, _update


def top_right_text(data: bytes) -> str:
    """The text shown in the top margin of page 1, appearances included (where the copy's signature sits)."""
    return " ".join(run.text for run in placement.text_runs(data, 0, with_fields=True) if run.baseline > 841.89 - 60)


def scan(org, **kwargs):
    return services.make_copy(
        org.clerk,
        form=kwargs.pop("form", "SY"),
        source_kind="upload",
        upload=Upload("ban-giay-so-hoa.pdf", kwargs.pop("data", None) or make_draft("Về việc sao văn bản giấy")),
        source_symbol="12/QĐ-UBND",
        subject="Quyết định về việc thành lập tổ công tác",
        **kwargs,
    )


def test_a_digitised_paper_document_becomes_a_signed_numbered_copy(outgoing_office, app):
    org = outgoing_office
    copy = scan(org)
    assert (copy.number, copy.symbol, copy.form_label) == (1, "01/SY", "Sao y")
    assert copy.register.code == "BS" and set(copy.register.document_type_codes) == {"SY", "SL", "TRS"}
    data = app.extensions["qlvb.blobs"].read(copy.sha256)
    report = verify_pdf(data)
    assert report.valid, report.reason
    [check] = report.signatures
    assert check.signer.startswith(org.agency.name) or org.agency.name in check.signer
    box_text = " ".join(top_right_text(data).split())
    assert "SAO Y" in box_text and org.agency.name in box_text and "+07:00" in box_text


def test_copies_share_one_sequence_and_sao_luc_comes_from_a_sao_y(outgoing_office):
    org = outgoing_office
    first = scan(org)
    second = services.make_copy(org.clerk, form="SL", source_kind="copy", source_id=first.id)
    third = scan(org, form="TrS")
    assert [c.symbol for c in (first, second, third)] == ["01/SY", "02/SL", "03/TrS"]
    assert second.source_symbol == "12/QĐ-UBND"
    with pytest.raises(ValidationError) as err:
        services.make_copy(org.clerk, form="SL", source_kind="copy", source_id=third.id)
    assert err.value.code == "copy_source_not_sao_y"
    with pytest.raises(ValidationError) as err:
        services.make_copy(org.clerk, form="SL", source_kind="upload", upload=Upload("x.pdf", make_draft()))
    assert err.value.code == "copy_source_not_sao_y"


def test_refusals_consume_no_number_and_write_nothing(outgoing_office):
    org = outgoing_office
    with pytest.raises(PermissionDenied):
        services.make_copy(org.spec_a1, form="SY", source_kind="upload", upload=Upload("x.pdf", make_draft()))
    with pytest.raises(UnsafePdf):
        scan(org, data=_update(make_draft(), _open_action_js))
    with pytest.raises(ValidationError) as err:
        scan(org, data=b"khong phai pdf")
    assert err.value.code == "file_type_mismatch"  # named .pdf, bytes of no accepted format (app.documents.uploads)
    with pytest.raises(ValidationError) as err:
        scan(org, data=b"%PDF-1.3" + make_draft()[8:])
    assert err.value.code == "pdf_version_too_old"
    # Without the agency's seal key nothing is signed, and the number is not taken.
    active = credentials.active_credential(credentials.CredentialKind.ORGANIZATION, agency_id=org.agency.id)
    credentials.deactivate(None, active.id, "Thử thu hồi chứng thư")
    with pytest.raises(Exception) as err:
        scan(org)
    assert getattr(err.value, "code", "") in {"no_signing_credential", "certificate_revoked"}
    assert db.session.scalar(sa.select(sa.func.count()).select_from(ElectronicCopy)) == 0
    assert all(c.last_number == 0 for c in db.session.scalars(sa.select(RegisterCounter)))


def test_copy_of_an_incoming_document_and_tenancy(outgoing_office, app):
    from app.incoming import services as incoming

    org = outgoing_office
    document = incoming.receive_incoming(
        org.clerk,
        channel="paper",
        metadata={
            "sender_name": "Sở Nội vụ tỉnh Kiên Giang",
            "code_number": "45",
            "code_notation": "SNV-VP",
            "issued_date": "2026-11-20",
            "type_name": "Công văn",
            "subject": "Về việc cử cán bộ tham gia tập huấn",
        },
        uploads=[Upload("cong-van-45.pdf", make_draft("Về việc cử cán bộ tham gia tập huấn"), is_main=True)],
    )
    copy = services.make_copy(org.clerk, form="SY", source_kind="incoming", source_id=document.id)
    assert (copy.source_symbol, copy.subject) == ("45/SNV-VP", "Về việc cử cán bộ tham gia tập huấn")
    assert services.list_copies(org.clerk, source_kind="incoming", source_id=document.id) == [copy]
    with pytest.raises(NotFound):
        services.get_copy(org.snv.clerk, copy.id)
    with pytest.raises(NotFound):
        services.make_copy(org.snv.clerk, form="SY", source_kind="incoming", source_id=document.id)


def test_pages_and_api(outgoing_office, client, api_token):
    org = outgoing_office
    login(client, org.clerk.username)
    token = csrf_token(client, "/copies/new")
    response = client.post(
        "/copies/new",
        data={
            "csrf_token": token,
            "form": "SY",
            "source_kind": "upload",
            "source_symbol": "12/QĐ-UBND",
            "subject": "",
            "file": (io.BytesIO(make_draft()), "ban-so-hoa.pdf"),
        },
        content_type="multipart/form-data",
    )
    assert response.status_code == 422 and "Nhập trích yếu" in response.get_data(as_text=True)
    response = client.post(
        "/copies/new",
        data={
            "csrf_token": token,
            "form": "SY",
            "source_kind": "upload",
            "source_symbol": "12/QĐ-UBND",
            "subject": "Quyết định thành lập tổ công tác",
            "file": (io.BytesIO(make_draft()), "ban-so-hoa.pdf"),
        },
        content_type="multipart/form-data",
        follow_redirects=True,
    )
    html = response.get_data(as_text=True)
    assert "Đã tạo bản sao điện tử số 01/SY." in html and "Quyết định thành lập tổ công tác" in html
    copy = db.session.scalars(sa.select(ElectronicCopy)).one()
    download = client.get(f"/copies/{copy.id}/file")
    assert download.status_code == 200 and download.data.startswith(b"%PDF")
    assert db.session.scalar(sa.select(AuditEvent).where(AuditEvent.action == "copy.view")) is not None

    headers = api_token(org.clerk)
    made = client.post(
        "/api/v1/copies",
        data={"form": "SL", "source_kind": "copy", "source_id": str(copy.id)},
        headers=headers,
        content_type="multipart/form-data",
    )
    assert made.status_code == 201, made.get_json()
    assert made.get_json()["symbol"] == "02/SL"
    refused = client.post(
        "/api/v1/copies",
        data={"form": "XX", "source_kind": "upload"},
        headers=headers,
        content_type="multipart/form-data",
    )
    assert refused.status_code == 422 and refused.get_json()["code"] == "copy_form_invalid"
    listed = client.get("/api/v1/copies", headers=headers).get_json()["items"]
    assert [c["symbol"] for c in listed] == ["02/SL", "01/SY"]


def test_a_signed_electronic_original_is_not_copied_electronically(outgoing_office):
    from tests.outgoing.conftest import issued_document

    org = outgoing_office
    document = issued_document(org, make_draft())
    signed = document.main_version
    with pytest.raises(ValidationError) as err:
        scan(org, data=outgoing_blob(signed.sha256))
    assert err.value.code == "already_signed_original"
    assert db.session.scalar(sa.select(sa.func.count()).select_from(ElectronicCopy)) == 0


def outgoing_blob(digest: str) -> bytes:
    from flask import current_app

    return current_app.extensions["qlvb.blobs"].read(digest)
