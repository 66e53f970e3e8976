"""REST: the types catalogue for everyone, an agency's registers, changes by administrators only."""

from app.documents import numbering, services


def test_document_types_for_everyone_with_diacritics_free_search(client, create_user, api_token):
    headers = api_token(create_user())
    response = client.get("/api/v1/document-types", headers=headers)
    assert response.status_code == 200
    by_code = {t["code"]: t for t in response.json}
    assert by_code["QD"] == {
        "id": by_code["QD"]["id"],
        "code": "QD",
        "name": "Quyết định (cá biệt)",
        "abbreviation": "QĐ",
        "category": "administrative",
        "agency_id": None,
        "is_active": True,
    }
    found = client.get("/api/v1/document-types", headers=headers, query_string={"q": "to trinh"})
    assert [t["code"] for t in found.json] == ["TTR"]
    copies = client.get("/api/v1/document-types", headers=headers, query_string={"category": "copy"})
    assert [t["abbreviation"] for t in copies.json] == ["SY", "TrS", "SL"]


def test_registers_of_the_own_agency_with_numbers(client, create_user, create_agency, api_token, frozen_clock):
    user = create_user()
    register = services.default_register(user.agency_id, "incoming")
    numbering.take_number(register.id)
    services.default_register(create_agency().id, "incoming")  # another agency's: not listed
    response = client.get("/api/v1/registers", headers=api_token(user))
    assert response.status_code == 200
    assert response.json == [
        {
            "id": register.id,
            "agency_id": user.agency_id,
            "kind": "incoming",
            "code": "DEN",
            "name": "Sổ văn bản đến",
            "document_type_codes": [],
            "is_default": True,
            "is_active": True,
            "year": 2026,
            "last_number": 1,
            "next_number": 2,
        }
    ]
    assert client.get("/api/v1/registers", headers=api_token(user), query_string={"kind": "outgoing"}).json == []


def test_admin_creates_and_changes_a_register(client, admin, api_token):
    headers = api_token(admin)
    body = {"kind": "outgoing", "code": "DI-QD", "name": "Sổ quyết định", "document_type_codes": ["QD"]}
    created = client.post("/api/v1/registers", headers=headers, json=body)
    assert created.status_code == 201
    assert created.json["code"] == "DI-QD" and created.json["next_number"] == 1
    changed = client.patch(f"/api/v1/registers/{created.json['id']}", headers=headers, json={"name": "Sổ QĐ"})
    assert changed.status_code == 200 and changed.json["name"] == "Sổ QĐ"
    typed = client.post(
        "/api/v1/document-types", headers=headers, json={"code": "QDKT", "name": "Quyết định khen thưởng"}
    )
    assert typed.status_code == 201 and typed.json["agency_id"] == admin.agency_id


def test_non_admin_gets_403(client, create_user, api_token):
    clerk = create_user(roles=("van_thu",))
    headers = api_token(clerk)
    body = {"kind": "incoming", "code": "DEN", "name": "Sổ văn bản đến"}
    refused = client.post("/api/v1/registers", headers=headers, json=body)
    assert refused.status_code == 403 and refused.json["code"] == "permission_denied"
    register = services.default_register(clerk.agency_id, "incoming")
    assert client.patch(f"/api/v1/registers/{register.id}", headers=headers, json={"name": "X"}).status_code == 403
    typed = client.post("/api/v1/document-types", headers=headers, json={"code": "X", "name": "Loại X"})
    assert typed.status_code == 403


def test_validation_errors_are_422_json(client, admin, create_agency, api_token):
    headers = api_token(admin)
    missing = client.post("/api/v1/registers", headers=headers, json={"kind": "sideways"})
    assert missing.status_code == 422 and set(missing.json) == {"code", "message", "details"}
    assert {"kind", "code", "name"} <= set(missing.json["details"])
    bad = client.post("/api/v1/registers", headers=headers, json={"kind": "outgoing", "code": "di qd", "name": "Sổ"})
    assert bad.status_code == 422 and bad.json["code"] == "validation_error"
    assert "code" in bad.json["details"]
    clash = client.post("/api/v1/document-types", headers=headers, json={"code": "QD", "name": "Quyết định"})
    assert clash.status_code == 422 and "danh mục dùng chung" in clash.json["details"]["code"]
    elsewhere = client.get("/api/v1/registers", headers=headers, query_string={"agency_id": create_agency().id})
    assert elsewhere.status_code == 404
