import re

import sqlalchemy as sa

from app.core.db import db
from app.org.models import Agency


def test_missing_and_wrong_tokens_get_json_401(client):
    missing = client.get("/api/v1/me")
    assert missing.status_code == 401 and missing.json["code"] == "missing_token"
    wrong = client.get("/api/v1/me", headers={"Authorization": "Bearer qlvb_khongphaima"})
    assert wrong.status_code == 401
    assert wrong.json == {"code": "invalid_token", "message": "Mã truy cập không hợp lệ.", "details": {}}


def test_session_cookie_does_not_authenticate_the_api(client, create_user):
    from tests.conftest import login

    create_user(username="vanthu")
    login(client, "vanthu")
    assert client.get("/api/v1/me").status_code == 401


def test_me(client, create_user, api_token):
    user = create_user(username="vanthu", full_name="Nguyễn Thị Thu Hà", roles=("van_thu",))
    response = client.get("/api/v1/me", headers=api_token(user))
    assert response.status_code == 200
    assert response.json["full_name"] == "Nguyễn Thị Thu Hà" and response.json["roles"] == ["van_thu"]
    assert "Nguyễn" in response.get_data(as_text=True)  # UTF-8, not \\u escapes


def test_create_agency_with_bad_code_gives_field_error_and_writes_nothing(client, admin, api_token):
    response = client.post(
        "/api/v1/agencies",
        headers=api_token(admin),
        json={"code": "ABC", "name": "Sở Y tế", "abbreviation": "SYT", "parent_id": admin.agency_id},
    )
    assert response.status_code == 422
    assert response.json["code"] == "validation_error"
    assert "code" in response.json["details"]
    assert db.session.scalar(sa.select(Agency).where(Agency.name == "Sở Y tế")) is None


def test_schema_errors_use_the_same_envelope(client, admin, api_token):
    response = client.post("/api/v1/agencies", headers=api_token(admin), json={"name": 5})
    assert response.status_code == 422
    assert response.json["code"] == "validation_error"
    assert set(response.json["details"]) >= {"code", "name", "abbreviation"}


def test_admin_creates_agency_unit_and_user(client, admin, api_token):
    headers = api_token(admin)
    agency = client.post(
        "/api/v1/agencies",
        headers=headers,
        json={
            "code": "000.00.05.H33",
            "name": "Sở Y tế tỉnh Kiên Giang",
            "abbreviation": "syt",
            "parent_id": admin.agency_id,
        },
    )
    assert agency.status_code == 201, agency.json
    assert agency.json["abbreviation"] == "SYT"
    unit = client.post(
        f"/api/v1/agencies/{agency.json['id']}/units",
        headers=headers,
        json={"name": "Văn phòng Sở", "abbreviation": "VP"},
    )
    assert unit.status_code == 201
    user = client.post(
        "/api/v1/users",
        headers=headers,
        json={
            "username": "syt.vanthu",
            "full_name": "Lê Thị Mai",
            "password": "MatKhau-Moi-2026",
            "agency_id": agency.json["id"],
            "unit_id": unit.json["id"],
            "roles": ["van_thu"],
        },
    )
    assert user.status_code == 201, user.json
    duplicate = client.post(
        "/api/v1/users",
        headers=headers,
        json={
            "username": "syt.vanthu",
            "full_name": "X",
            "password": "MatKhau-Moi-2026",
            "agency_id": agency.json["id"],
            "roles": ["van_thu"],
        },
    )
    assert duplicate.status_code == 422 and "username" in duplicate.json["details"]
    off = client.post(f"/api/v1/users/{user.json['id']}/deactivate", headers=headers)
    assert off.status_code == 200 and off.json["is_active"] is False
    again = client.post(f"/api/v1/users/{user.json['id']}/deactivate", headers=headers)
    assert again.status_code == 409 and again.json["code"] == "already_inactive"


def test_tenancy_other_agencys_objects_are_not_found(client, admin, create_user, create_agency, api_token):
    stranger = create_user(agency=create_agency())
    headers = api_token(admin)
    assert client.get(f"/api/v1/users/{stranger.id}", headers=headers).status_code == 404
    assert client.get(f"/api/v1/agencies/{stranger.agency_id}", headers=headers).status_code == 404
    plain = create_user(agency=admin.agency)
    assert client.get("/api/v1/users", headers=api_token(plain)).status_code == 403


def test_openapi_document_and_local_docs_page(client):
    spec = client.get("/api/v1/openapi.json")
    assert spec.status_code == 200
    assert "/api/v1/agencies" in spec.json["paths"]
    assert spec.json["components"]["schemas"]["Error"]["properties"]["code"]["type"] == "string"
    docs = client.get("/api/v1/docs").get_data(as_text=True)
    assert "/static/vendor/swagger-ui/swagger-ui-bundle.js" in docs
    assert "cdn" not in docs.lower()


def test_ids_beyond_the_database_range_are_not_found(client, admin, api_token):
    headers = api_token(admin)
    for path in ("tasks", "incoming", "outgoing", "instances"):
        response = client.get(f"/api/v1/{path}/99999999999999999999", headers=headers)
        assert response.status_code == 404 and response.json["code"] == "not_found", path


def test_numbers_beyond_range_in_a_query_are_a_field_error_in_vietnamese(client, admin, api_token):
    response = client.get("/api/v1/incoming", headers=api_token(admin), query_string={"number": "1" + "0" * 30})
    assert response.status_code == 422
    assert response.json["details"] == {"number": "Số quá lớn (tối đa 2147483647)."}
    words = client.get("/api/v1/incoming", headers=api_token(admin), query_string={"year": "năm nay"})
    assert words.status_code == 422 and words.json["details"] == {"year": "Phải là một số nguyên."}


def test_malformed_json_gets_the_envelope_with_a_field_map(client, admin, api_token):
    response = client.post(
        "/api/v1/agencies", headers={**api_token(admin), "Content-Type": "application/json"}, data=b'{"name": '
    )
    assert response.status_code == 400 and response.json["code"] == "bad_request"
    assert response.json["details"] == {"_body": "Nội dung JSON không hợp lệ."}


def test_nul_characters_are_refused_before_anything_runs(client, admin, api_token):
    response = client.get("/api/v1/users", headers=api_token(admin), query_string={"q": "a\x00b"})
    assert response.status_code == 422 and response.json["code"] == "invalid_characters"


def test_the_agency_setting_for_incoming_visibility_is_in_the_api(client, admin, api_token):
    headers = api_token(admin)
    response = client.patch(
        f"/api/v1/agencies/{admin.agency_id}", headers=headers, json={"open_incoming_to_staff": True}
    )
    assert response.status_code == 200 and response.json["open_incoming_to_staff"] is True


def test_every_list_pages_with_one_shape(client, admin, create_user, api_token):
    for n in range(5):
        create_user(agency=admin.agency, full_name=f"Cán bộ {n}")
    headers = api_token(admin)
    seen, cursor = [], None
    while True:
        page = client.get("/api/v1/users", headers=headers, query_string={"limit": 2, "after": cursor or ""}).json
        assert set(page) == {"items", "next_cursor"} and len(page["items"]) <= 2
        seen += [u["id"] for u in page["items"]]
        cursor = page["next_cursor"]
        if cursor is None:
            break
    assert len(seen) == len(set(seen)) == 6  # the five and the administrator, each once
    for path in ("/api/v1/incoming", "/api/v1/outgoing", "/api/v1/copies", "/api/v1/tasks"):
        page = client.get(path, headers=headers, query_string={"limit": 1}).json
        assert {"items", "next_cursor"} <= set(page), path
        bad = client.get(path, headers=headers, query_string={"after": "không-phải-con-trỏ"})
        assert bad.status_code == 422 and "after" in bad.json["details"], path


def test_openapi_documents_each_operations_success_and_errors(client):
    spec = client.get("/api/v1/openapi.json").json
    for path, operations in spec["paths"].items():
        for method, operation in operations.items():
            if method == "parameters":
                continue
            codes = set(operation["responses"])
            assert any(c.startswith("2") for c in codes), f"{method} {path}: no success response"
            assert {"403", "422"} <= codes, f"{method} {path}"
            if "{" in path:
                assert "404" in codes, f"{method} {path}"
            if method != "get":
                assert "409" in codes, f"{method} {path}"
    assert spec["components"]["responses"]["ERROR_404"]["content"]["application/json"]["schema"] == {
        "$ref": "#/components/schemas/Error"
    }


def test_the_openapi_document_is_valid_openapi(client):
    from openapi_spec_validator import validate

    validate(client.get("/api/v1/openapi.json").json)  # raises on any violation of the OpenAPI 3.0 schema


def test_every_openapi_tag_has_a_human_name_and_a_description(client):
    spec = client.get("/api/v1/openapi.json").json
    tags = {tag["name"]: tag.get("description") or "" for tag in spec["tags"]}
    for name, description in tags.items():
        assert not re.fullmatch(r"[a-z_]+", name), f"tag {name!r} is an identifier, not a name people read"
        assert description and description != name, f"tag {name!r} says nothing more than its name"
    operations = [op for ops in spec["paths"].values() for op in ops.values() if isinstance(op, dict)]
    used = {tag for op in operations for tag in op.get("tags", [])}
    assert used == set(tags)  # every operation sits under a declared tag, and no tag is empty
    tokens = {m for m, op in spec["paths"]["/api/v1/tokens"].items() if op.get("tags") == ["Mã truy cập API"]}
    assert tokens == {"get", "post"}  # signing in, listing and revoking one's tokens are one group
    assert spec["paths"]["/api/v1/tokens/{token_id}"]["delete"]["tags"] == ["Mã truy cập API"]
