"""The REST API of hồ sơ công việc: open, list, read, describe, file (document or upload), remove, download, grants;
stable refusal codes; another agency's dossier is a 404."""

import io

from app.core.db import db
from app.dossiers.models import Dossier
from tests.dossiers.conftest import make_dossier
from tests.dossiers.helpers_dossier import MP4, issued_plan


def test_open_list_read_and_describe(client, archive_office, api_token, frozen_clock):
    office = archive_office
    plan = issued_plan(office, entries=[("01.TH", "Hồ sơ báo cáo tổng hợp", "04", 30, office.spec_a1, None)])
    me = api_token(office.spec_a1)
    opened = client.post("/api/v1/dossiers", json={"entry_id": plan.entries[0].id}, headers=me)
    assert opened.status_code == 201, opened.json
    body = opened.json
    assert (body["file_code"], body["retention"], body["status"], body["items"]) == (
        "000.00.00.H33.2026.01.TH",
        "30 năm",
        "open",
        [],
    )
    again = client.post("/api/v1/dossiers", json={"entry_id": plan.entries[0].id}, headers=me)
    assert (again.status_code, again.json["code"]) == (409, "dossier_exists")
    adhoc = client.post(
        "/api/v1/dossiers",
        json={"title": "Hồ sơ phòng chống dịch", "notation": "16.TH", "maintenance": "06", "start_date": "2026-03-02"},
        headers=me,
    )
    assert adhoc.status_code == 201 and adhoc.json["file_code"] == "000.00.00.H33.2026.16.TH"
    clash = client.post(
        "/api/v1/dossiers", json={"title": "Trùng", "notation": "01.TH", "maintenance": "06"}, headers=me
    )
    assert (clash.status_code, clash.json["code"]) == (409, "notation_taken")
    listed = client.get("/api/v1/dossiers?q=phong+chong&limit=1", headers=me).json
    assert [d["notation"] for d in listed["items"]] == ["16.TH"] and listed["next_cursor"] is None
    page = client.get("/api/v1/dossiers?limit=1", headers=me).json
    assert len(page["items"]) == 1 and page["next_cursor"]
    patched = client.patch(
        f"/api/v1/dossiers/{body['id']}", json={"description": "Báo cáo quý", "version": body["version"]}, headers=me
    )
    assert patched.status_code == 200 and patched.json["description"] == "Báo cáo quý"
    bad = client.patch(f"/api/v1/dossiers/{body['id']}", json={"language": "99"}, headers=me)
    assert (bad.status_code, bad.json["code"]) == (422, "dossier_invalid")
    db.session.expire_all()
    assert db.session.get(Dossier, body["id"]).language == "01"  # the refused change left nothing


def test_items_upload_download_remove_and_the_closed_dossier(client, archive_office, api_token, frozen_clock):
    office = archive_office
    dossier = make_dossier(office.spec_a1)
    me = api_token(office.spec_a1)
    sent = client.post(
        f"/api/v1/dossiers/{dossier.id}/items",
        data={"file": (io.BytesIO(MP4), "hop.mp4"), "subject": "Video cuộc họp", "pages": "0"},
        headers=me,
        content_type="multipart/form-data",
    )
    assert sent.status_code == 201, sent.json
    item = sent.json
    assert (item["ordinal"], item["kind"], item["content_type"]) == (1, "file", "video/mp4")
    got = client.get(f"/api/v1/dossiers/{dossier.id}/items/{item['id']}/file", headers=me)
    assert got.status_code == 200 and got.data == MP4
    missing = client.post(
        f"/api/v1/dossiers/{dossier.id}/items", json={"kind": "incoming", "object_id": 999}, headers=me
    )
    assert (missing.status_code, missing.json["code"]) == (404, "document_not_found")
    assert client.delete(f"/api/v1/dossiers/{dossier.id}/items/{item['id']}", headers=me).status_code == 204
    assert client.get(f"/api/v1/dossiers/{dossier.id}", headers=me).json["doc_total"] == 0
    dossier.status = "closed"
    db.session.flush()
    closed = client.post(
        f"/api/v1/dossiers/{dossier.id}/items",
        data={"file": (io.BytesIO(MP4), "hop.mp4")},
        headers=me,
        content_type="multipart/form-data",
    )
    assert (closed.status_code, closed.json["code"]) == (409, "dossier_not_open")


def test_grants_through_the_api(client, archive_office, api_token, frozen_clock):
    office = archive_office
    dossier = make_dossier(office.spec_a1)
    head, other = api_token(office.leader), api_token(office.spec_b)
    assert client.get(f"/api/v1/dossiers/{dossier.id}", headers=other).status_code == 404
    refused = client.post(f"/api/v1/dossiers/{dossier.id}/grants", json={"user_id": office.spec_b.id}, headers=other)
    assert refused.status_code == 404
    granted = client.post(
        f"/api/v1/dossiers/{dossier.id}/grants", json={"user_id": office.spec_b.id, "until": "2026-12-31"}, headers=head
    )
    assert granted.status_code == 201 and granted.json["until"] == "2026-12-31"
    assert client.get(f"/api/v1/dossiers/{dossier.id}", headers=other).status_code == 200
    [listed] = client.get(f"/api/v1/dossiers/{dossier.id}/grants", headers=head).json
    assert listed["user_id"] == office.spec_b.id
    revoked = client.delete(f"/api/v1/dossiers/{dossier.id}/grants/{listed['id']}", headers=head)
    assert revoked.status_code == 200 and revoked.json["revoked_at"]
    assert client.get(f"/api/v1/dossiers/{dossier.id}", headers=other).status_code == 404


def test_another_agency_gets_not_found(client, archive_office, api_token, create_user, create_agency):
    dossier = make_dossier(archive_office.spec_a1)
    stranger = api_token(create_user(roles=("lanh_dao",), agency=create_agency(), username="lanhdao.khac"))
    for method, path in (
        ("get", f"/api/v1/dossiers/{dossier.id}"),
        ("patch", f"/api/v1/dossiers/{dossier.id}"),
        ("get", f"/api/v1/dossiers/{dossier.id}/grants"),
        ("get", f"/api/v1/dossiers/{dossier.id}/items/1/file"),
    ):
        answer = getattr(client, method)(path, json={} if method == "patch" else None, headers=stranger)
        assert (answer.status_code, answer.json["code"]) == (404, "dossier_not_found"), path
    assert client.get("/api/v1/dossiers", headers=stranger).json["items"] == []
