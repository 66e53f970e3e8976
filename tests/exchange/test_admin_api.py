"""The exchange administration API (/api/v1/exchange/…) and the `qlvb exchange` commands."""

import io

import pytest
import sqlalchemy as sa

from app.core.db import db
from app.exchange import directory, peers
from app.exchange.models import DirectoryEntry, ExchangePeer


def test_directory_endpoints(client, admin, api_token):
    headers = api_token(admin)
    created = client.post(
        "/api/v1/exchange/directory", json={"code": "000.00.00.h29", "name": "UBND TP Hồ Chí Minh"}, headers=headers
    )
    assert created.status_code == 201 and created.json["code"] == "000.00.00.H29" and created.json["state"] == "active"
    old = client.post(
        "/api/v1/exchange/directory", json={"code": "H61", "name": "UBND tỉnh Bình Dương"}, headers=headers
    )
    bad = client.post("/api/v1/exchange/directory", json={"code": "H", "name": "x"}, headers=headers)
    assert bad.status_code == 422 and bad.json["code"] == "invalid_agency_code"
    assert all(isinstance(v, str) for v in bad.json["details"].values())
    taken = client.post("/api/v1/exchange/directory", json={"code": "H61", "name": "x"}, headers=headers)
    assert taken.status_code == 409 and taken.json["code"] == "directory_code_taken"
    merged = client.post(
        f"/api/v1/exchange/directory/{old.json['id']}/merge", json={"into_code": "000.00.00.H29"}, headers=headers
    )
    assert merged.json["state"] == "merged" and merged.json["merged_into"] == "000.00.00.H29"
    cycle = client.post(
        f"/api/v1/exchange/directory/{created.json['id']}/merge", json={"into_code": "H61"}, headers=headers
    )
    assert cycle.status_code == 409 and cycle.json["code"] == "directory_merge_cycle"
    patched = client.patch(
        f"/api/v1/exchange/directory/{created.json['id']}", json={"name": "UBND Thành phố Hồ Chí Minh"}, headers=headers
    )
    assert patched.json["name"] == "UBND Thành phố Hồ Chí Minh"
    listed = client.get("/api/v1/exchange/directory?state=merged", headers=headers)
    assert [e["code"] for e in listed.json] == ["H61"]
    one = client.get(f"/api/v1/exchange/directory/{old.json['id']}", headers=headers)
    assert one.json["name"] == "UBND tỉnh Bình Dương"


def test_directory_import_endpoint_lists_line_errors(client, admin, api_token):
    headers = api_token(admin)
    data = "ma_dinh_danh,ten_co_quan\n000.00.00.G22,Văn phòng Chính phủ\nH,x\n"
    answer = client.post(
        "/api/v1/exchange/directory/import",
        data={"file": (io.BytesIO(data.encode()), "a.csv")},
        content_type="multipart/form-data",
        headers=headers,
    )
    assert answer.status_code == 422 and answer.json["code"] == "directory_import_invalid"
    assert answer.json["details"]["line_3"].startswith("Dòng 3: Mã định danh “H”")
    empty = client.post(
        "/api/v1/exchange/directory/import", data={}, content_type="multipart/form-data", headers=headers
    )
    assert empty.status_code == 422 and empty.json["message"] == "Chưa chọn tệp."
    good = "ma_dinh_danh,ten_co_quan\n000.00.00.G22,Văn phòng Chính phủ\n"
    answer = client.post(
        "/api/v1/exchange/directory/import",
        data={"file": (io.BytesIO(good.encode()), "a.csv"), "dry_run": "true"},
        content_type="multipart/form-data",
        headers=headers,
    )
    assert answer.json == {"added": 1, "updated": 0, "unchanged": 0, "applied": False}


def test_peer_endpoints_return_the_secret_once(client, admin, api_token, create_user, create_agency):
    headers = api_token(admin)
    body = {"name": "Tỉnh B", "key_id": "tinh-b", "base_url": "https://b.test"}
    created = client.post("/api/v1/exchange/peers", json=body, headers=headers)
    assert created.status_code == 201 and len(created.json["secret"]) >= 32
    peer = db.session.get(ExchangePeer, created.json["id"])
    assert peers.secret_of(peer).decode() == created.json["secret"]
    listed = client.get("/api/v1/exchange/peers", headers=headers)
    assert "secret" not in listed.json[0] and "sealed_secret" not in listed.json[0]
    patched = client.patch(
        f"/api/v1/exchange/peers/{peer.id}", json={**body, "key_id": "tinh-b-2", "auth": "mtls"}, headers=headers
    )
    assert patched.status_code == 422 and patched.json["details"] == {
        "tls_fingerprint": "Xác thực mTLS cần vân tay SHA-256 của chứng thư máy khách của hệ thống kia."
    }
    renamed = client.patch(f"/api/v1/exchange/peers/{peer.id}", json={**body, "key_id": "tinh-b-2"}, headers=headers)
    assert renamed.json["key_id"] == "tinh-b-2"
    db.session.refresh(peer)
    assert peers.secret_of(peer).decode() == created.json["secret"]  # re-sealed under the new key id
    rotated = client.post(
        f"/api/v1/exchange/peers/{peer.id}/rotate-secret",
        json={"secret": "a-secret-agreed-by-phone-123"},
        headers=headers,
    )
    assert rotated.json["secret"] == "a-secret-agreed-by-phone-123"
    short = client.post(f"/api/v1/exchange/peers/{peer.id}/rotate-secret", json={"secret": "ngắn"}, headers=headers)
    assert short.status_code == 422 and "secret" in short.json["details"]
    clerk = create_user(roles=("van_thu",), agency=create_agency())
    denied = client.get("/api/v1/exchange/peers", headers=api_token(clerk))
    assert denied.status_code == 403 and denied.json["code"] == "exchange_admin_only"


def test_outbox_endpoint_is_scoped(client, admin, api_token, create_user, create_agency):
    from tests.exchange.test_admin_pages import _outbox_row

    peer, _ = peers.add_peer(admin, name="Tỉnh B", key_id="tinh-b", base_url="https://b.test")
    mine, other = create_agency(), create_agency()
    _outbox_row(peer, mine, "failed", "HTTP 422 invalid_edxml", key="a")
    _outbox_row(peer, other, key="b")
    clerk = create_user(roles=("van_thu",), agency=mine)
    rows = client.get("/api/v1/exchange/outbox", headers=api_token(clerk)).json
    assert [(r["state"], r["last_error"]) for r in rows] == [("failed", "HTTP 422 invalid_edxml")]
    assert len(client.get("/api/v1/exchange/outbox", headers=api_token(admin)).json) == 2
    hidden = next(
        r for r in client.get("/api/v1/exchange/outbox", headers=api_token(admin)).json if r["state"] == "pending"
    )
    assert client.get(f"/api/v1/exchange/outbox/{hidden['id']}", headers=api_token(clerk)).status_code == 404
    specialist = create_user(roles=("chuyen_vien",), agency=mine)
    assert client.get("/api/v1/exchange/outbox", headers=api_token(specialist)).status_code == 403


def test_cli_pairs_two_deployments(app, db_session):
    runner = app.test_cli_runner()
    added = runner.invoke(
        args=["exchange", "peer", "add", "--name", "Tỉnh B", "--key-id", "a-b", "--url", "https://b.test"]
    )
    assert added.exit_code == 0, added.output
    secret = added.output.strip().splitlines()[-1]
    peer = peers.by_key_id("a-b")
    assert peers.secret_of(peer).decode() == secret
    other = runner.invoke(
        args=[
            "exchange",
            "peer",
            "add",
            "--name",
            "Tỉnh C",
            "--key-id",
            "a-c",
            "--url",
            "http://c.test",
            "--secret",
            "s" * 20,
            "--no-require-signature",
        ]
    )
    assert other.exit_code == 0 and "s" * 20 not in other.output
    assert peers.by_key_id("a-c").require_signature is False
    entry = runner.invoke(args=["exchange", "directory", "add", "H29.15", "Sở Nội vụ tỉnh B", "--peer", "a-b"])
    assert entry.exit_code == 0, entry.output
    assert directory.peer_route("H29.15").peer_id == peer.id
    unknown = runner.invoke(args=["exchange", "directory", "add", "H29.16", "Sở khác", "--peer", "khong-co"])
    assert unknown.exit_code == 1 and "khong-co" in unknown.output
    listed = runner.invoke(args=["exchange", "peer", "list"])
    assert "a-b\tTỉnh B\thttps://b.test" in listed.output and "H29.15" in listed.output


def test_cli_import_reports_lines(app, db_session, tmp_path):
    path = tmp_path / "danh-ba.csv"
    path.write_text("ma_dinh_danh;ten_co_quan\n000.00.00.G22;Văn phòng Chính phủ\nSAI;x\n", encoding="utf-8-sig")
    runner = app.test_cli_runner()
    bad = runner.invoke(args=["exchange", "directory", "import", str(path)])
    assert bad.exit_code == 1 and "Dòng 3: Mã định danh “SAI”" in bad.output
    path.write_text("ma_dinh_danh;ten_co_quan\n000.00.00.G22;Văn phòng Chính phủ\n", encoding="utf-8-sig")
    good = runner.invoke(args=["exchange", "directory", "import", str(path)])
    assert good.exit_code == 0 and "thêm 1" in good.output
    assert db.session.scalar(sa.select(DirectoryEntry.name)) == "Văn phòng Chính phủ"


def test_outbox_retry_endpoint(client, admin, api_token, create_user, create_agency):
    pytest.importorskip("app.exchange.outbox")  # the connector's outbox, another part of issue 14
    from tests.exchange.test_admin_pages import _outbox_row

    peer, _ = peers.add_peer(admin, name="Tỉnh B", key_id="tinh-b", base_url="https://b.test")
    mine = create_agency()
    row = _outbox_row(peer, mine, "failed", "HTTP 422 invalid_edxml", key="a")
    clerk = create_user(roles=("van_thu",), agency=mine)
    answer = client.post(f"/api/v1/exchange/outbox/{row.id}/retry", headers=api_token(clerk))
    assert answer.status_code == 200 and answer.json["state"] == "pending"
    again = client.post(f"/api/v1/exchange/outbox/{row.id}/retry", headers=api_token(clerk))
    assert again.status_code == 200  # still waiting: due now again


def test_every_user_reads_the_directory_and_only_admins_write(client, admin, api_token, create_user):
    entry = directory.add_entry(admin, code="000.00.00.G22", name="Văn phòng Chính phủ")
    drafter = api_token(create_user(roles=("chuyen_vien",)))
    listed = client.get("/api/v1/exchange/directory", headers=drafter)
    assert listed.status_code == 200 and [e["code"] for e in listed.json] == ["000.00.00.G22"]
    assert client.get(f"/api/v1/exchange/directory/{entry.id}", headers=drafter).status_code == 200
    refused = client.post("/api/v1/exchange/directory", json={"code": "G09", "name": "Bộ Nội vụ"}, headers=drafter)
    assert refused.status_code == 403
    bad = client.get("/api/v1/exchange/directory?state=xyz", headers=drafter)
    assert bad.status_code == 422 and "Must be" not in str(bad.json) and "Chọn một trong" in str(bad.json)


def test_cli_sets_the_secret_of_a_known_peer(app, db_session):
    peer, _ = peers.add_peer(None, name="Tỉnh B", key_id="a-b", base_url="https://b.test")
    runner = app.test_cli_runner()
    done = runner.invoke(args=["exchange", "peer", "set-secret", "a-b", "--secret", "n" * 24])
    assert done.exit_code == 0, done.output
    assert peers.secret_of(peer).decode() == "n" * 24 and "n" * 24 not in done.output
    unknown = runner.invoke(args=["exchange", "peer", "set-secret", "khong-co", "--secret", "n" * 24])
    assert unknown.exit_code == 1 and "khong-co" in unknown.output
