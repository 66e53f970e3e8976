"""Received PDFs with active content: shown to the clerk, disarmed or refused by the agency's policy; the policy's
page and endpoint (app.documents.upload_policy)."""

import io
import json
import re
from pathlib import Path

import pytest
import sqlalchemy as sa

from app.audit.models import AuditEvent
from app.core.db import db
from app.core.errors import PermissionDenied, ValidationError
from app.documents.pdfcheck import inspect_pdf
from app.documents.upload_policy import UploadPolicy, set_policy
from app.incoming.models import IncomingDocument
from app.maintenance import referenced_blobs
from tests.conftest import csrf_token, login
from tests.documents import pdf_corpus
from tests.incoming.conftest import METADATA, receive


def stored(app) -> set[Path]:
    return set(Path(app.config["BLOB_PATH"]).glob("??/??/*"))


def blob(app, digest):
    return app.extensions["qlvb.blobs"].read(digest)


def test_by_default_active_content_is_disarmed_and_the_original_kept(app, incoming_office):
    original = pdf_corpus.javascript()
    document = receive(incoming_office, original)
    [item] = document.files
    assert item.disarmed and item.findings == ["open_action", "javascript"]
    assert blob(app, item.original_sha256) == original
    clean = blob(app, item.sha256)
    assert clean != original and inspect_pdf(clean).active == [] and item.size == len(clean)
    assert referenced_blobs([item.sha256, item.original_sha256]) == {item.sha256, item.original_sha256}
    events = db.session.scalars(sa.select(AuditEvent.action).where(AuditEvent.object_id == str(document.id))).all()
    assert "documents.pdf_disarmed" in events


def test_without_keep_original_only_the_clean_copy_is_stored(app, incoming_office):
    set_policy(incoming_office.admin, incoming_office.agency.id, active_pdf="disarm", keep_original=False)
    [item] = receive(incoming_office, pdf_corpus.embedded_exe()).files
    assert item.disarmed and item.original_sha256 is None and item.findings == ["embedded_executable"]
    assert b"This program cannot be run" not in blob(app, item.sha256)


def test_a_signed_file_keeps_its_original_whatever_the_policy(app, incoming_office):
    set_policy(incoming_office.admin, incoming_office.agency.id, active_pdf="disarm", keep_original=False)
    original = pdf_corpus.signed_with_javascript()
    [item] = receive(incoming_office, original).files
    assert item.disarmed and "signed" in item.findings
    assert blob(app, item.original_sha256) == original  # the signature lives only in these bytes


def test_the_refuse_policy_refuses_and_stores_nothing(app, incoming_office):
    set_policy(incoming_office.admin, incoming_office.agency.id, active_pdf="refuse", keep_original=True)
    before = stored(app)
    with pytest.raises(ValidationError) as refused:
        receive(incoming_office, pdf_corpus.launch())
    assert refused.value.code == "pdf_active_content"
    assert "lệnh mở chương trình khác (Launch)" in refused.value.message
    assert stored(app) == before


def test_a_clean_file_and_a_link_are_kept_as_they_are(app, incoming_office):
    data = pdf_corpus.uri_link()
    [item] = receive(incoming_office, data).files
    assert not item.disarmed and item.findings == ["uri"] and blob(app, item.sha256) == data


def test_only_an_administrator_of_the_agency_sets_the_policy(incoming_office):
    with pytest.raises(PermissionDenied):
        set_policy(incoming_office.clerk, incoming_office.agency.id, active_pdf="refuse", keep_original=True)
    with pytest.raises(ValidationError):
        set_policy(incoming_office.admin, incoming_office.agency.id, active_pdf="allow", keep_original=True)


def test_the_document_page_says_what_the_file_carried(client, incoming_office):
    document = receive(incoming_office, pdf_corpus.embedded_exe())
    [item] = document.files
    login(client, "vanthu")
    page = client.get(f"/incoming/{document.id}").get_data(as_text=True)
    assert "Tệp đính kèm tệp thực thi" in page and "Đã gỡ bỏ nội dung chủ động" in page
    served = client.get(f"/incoming/{document.id}/files/{item.id}")
    assert served.status_code == 200 and inspect_pdf(served.data).active == []
    original = client.get(f"/incoming/{document.id}/files/{item.id}?original=1")
    assert original.data == pdf_corpus.embedded_exe() and original.mimetype == "application/octet-stream"
    assert original.headers["Content-Disposition"].startswith("attachment")


def test_the_intake_form_refuses_a_disguised_file_with_its_reason(client, incoming_office):
    login(client, "vanthu")
    token = csrf_token(client, "/incoming/new")
    answer = client.post(
        "/incoming/new",
        data={"csrf_token": token, "channel": "electronic", **METADATA, "files": (io.BytesIO(b"MZ\x90\x00"), "cv.pdf")},
        content_type="multipart/form-data",
    )
    assert answer.status_code == 422 and "là tệp chương trình (thực thi)" in answer.get_data(as_text=True)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(IncomingDocument)) == 0


@pytest.fixture
def small_bounds(app):
    """A 32 MB bound per stream: a 64 MB bomb (67 KB on the wire) is past it (the test client spools bigger bodies
    to a temporary file it never closes)."""
    saved = app.config["PDF_MAX_STREAM_BYTES"]
    app.config["PDF_MAX_STREAM_BYTES"] = 32 * 2**20
    yield
    app.config["PDF_MAX_STREAM_BYTES"] = saved


def test_the_api_answers_a_stable_code(client, incoming_office, api_token, small_bounds):
    clerk = api_token(incoming_office.clerk)
    answer = client.post(
        "/api/v1/incoming",
        headers=clerk,
        data={"metadata": json.dumps(METADATA), "files": (io.BytesIO(pdf_corpus.bomb(64 * 2**20)), "cv.pdf")},
        content_type="multipart/form-data",
    )
    assert answer.status_code == 422 and answer.json["code"] == "pdf_decompression_bomb"
    assert "bom giải nén" in answer.json["message"] and isinstance(answer.json["details"]["files"], str)
    ok = client.post(
        "/api/v1/incoming",
        headers=clerk,
        data={"metadata": json.dumps(METADATA), "files": (io.BytesIO(pdf_corpus.javascript()), "cv.pdf")},
        content_type="multipart/form-data",
    )
    assert ok.status_code == 201
    assert ok.json["files"][0]["findings"] == ["open_action", "javascript"] and ok.json["files"][0]["disarmed"]


def test_the_policy_page_and_endpoint(client, incoming_office, api_token):
    agency_id = incoming_office.agency.id
    login(client, "quantri")
    page = client.get("/admin/upload-policy")
    assert page.status_code == 200 and "Gỡ bỏ nội dung chủ động" in page.get_data(as_text=True)
    token = csrf_token(client, "/admin/upload-policy")
    saved = client.post(
        "/admin/upload-policy", data={"csrf_token": token, "agency": str(agency_id), "active_pdf": "refuse"}
    )
    assert saved.status_code == 302
    row = db.session.get(UploadPolicy, agency_id)
    assert (row.active_pdf, row.keep_original) == ("refuse", False)
    # The page shows the chosen agency's saved policy, and saves it for that agency only (a hidden field).
    shown = client.get(f"/admin/upload-policy?agency={agency_id}").get_data(as_text=True)
    assert re.search(r'<input checked[^>]*value="refuse"', shown) and not re.search(
        r'<input checked[^>]*"disarm"', shown
    )
    assert f'<input type="hidden" name="agency" value="{agency_id}">' in shown
    admin = api_token(incoming_office.admin)
    url = f"/api/v1/agencies/{agency_id}/upload-policy"
    assert client.get(url, headers=admin).json == {
        "agency_id": agency_id,
        "active_pdf": "refuse",
        "keep_original": False,
    }
    put = client.put(url, headers=admin, json={"active_pdf": "disarm", "keep_original": True})
    assert put.status_code == 200 and put.json["active_pdf"] == "disarm"
    clerk = api_token(incoming_office.clerk)
    assert client.get(url, headers=clerk).status_code == 404
    assert client.put(url, headers=admin, json={"active_pdf": "allow"}).status_code == 422
    actions = db.session.scalars(sa.select(AuditEvent.action).where(AuditEvent.action == "documents.upload_policy"))
    assert len(actions.all()) == 2


def test_the_api_says_an_original_is_kept_and_serves_it_only_as_a_download(client, incoming_office, api_token):
    document = receive(incoming_office, pdf_corpus.embedded_exe())
    [item] = document.files
    headers = api_token(incoming_office.clerk)
    [shown] = client.get(f"/api/v1/incoming/{document.id}", headers=headers).json["files"]
    assert shown["has_original"] is True and shown["disarmed"] is True
    stored_copy = client.get(f"/api/v1/incoming/{document.id}/files/{item.id}", headers=headers)
    assert stored_copy.status_code == 200 and inspect_pdf(stored_copy.data).active == []
    original = client.get(f"/api/v1/incoming/{document.id}/files/{item.id}?original=true", headers=headers)
    assert original.status_code == 200 and original.data == pdf_corpus.embedded_exe()
    assert original.mimetype == "application/octet-stream"
    assert original.headers["Content-Disposition"].startswith("attachment; filename=ban-goc-")


def test_a_file_kept_as_received_has_no_separate_original(client, incoming_office, api_token):
    document = receive(incoming_office, pdf_corpus.uri_link())
    [item] = document.files
    headers = api_token(incoming_office.clerk)
    assert client.get(f"/api/v1/incoming/{document.id}", headers=headers).json["files"][0]["has_original"] is False
    answer = client.get(f"/api/v1/incoming/{document.id}/files/{item.id}?original=true", headers=headers)
    assert answer.status_code == 404 and answer.json["code"] == "no_original"
    login(client, "vanthu")
    assert client.get(f"/incoming/{document.id}/files/{item.id}?original=1").status_code == 404
