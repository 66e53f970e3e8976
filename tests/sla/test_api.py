import sqlalchemy as sa

from app.audit.models import AuditEvent
from app.core.db import db
from app.sla import services


def test_due_uses_the_callers_agency_and_answers_in_viet_nam_time(client, create_user, api_token):
    user = create_user(roles=("chuyen_vien",))
    services.update_hours(None, user.agency_id, sessions=[{"start": "08:00", "end": "12:00"}])
    response = client.get(
        "/api/v1/calendars/due", headers=api_token(user), query_string={"start": "2026-11-23T06:00", "spec": "pt60m"}
    )
    assert response.status_code == 200
    assert response.json == {
        "start": "2026-11-23T06:00:00+07:00",
        "spec": "PT1H",
        "agency_id": user.agency_id,
        "due": "2026-11-23T09:00:00+07:00",
        "due_utc": "2026-11-23T02:00:00+00:00",
    }


def test_due_with_another_agency_and_with_an_unknown_one(client, create_user, create_agency, api_token):
    other = create_agency()
    user = create_user(agency=other)
    services.update_hours(None, other.id, sessions=[{"start": "09:00", "end": "17:00"}])
    args = {"start": "2026-11-23T06:00", "spec": "PT1H"}
    response = client.get(
        "/api/v1/calendars/due", headers=api_token(user), query_string={**args, "agency_id": other.id}
    )
    assert response.json["due"] == "2026-11-23T10:00:00+07:00"
    unknown = client.get("/api/v1/calendars/due", headers=api_token(user), query_string={**args, "agency_id": 99999})
    assert unknown.status_code == 404 and unknown.json["code"] == "agency_not_found"


def test_bad_spec_and_bad_start_get_422_json(client, create_user, api_token):
    headers = api_token(create_user())
    bad_spec = client.get("/api/v1/calendars/due", headers=headers, query_string={"start": "2026-11-23", "spec": "2h"})
    assert bad_spec.status_code == 422
    assert set(bad_spec.json) == {"code", "message", "details"}
    assert bad_spec.json["code"] == "invalid_sla" and "không hợp lệ" in bad_spec.json["message"]
    assert bad_spec.json["details"] == {"spec": bad_spec.json["message"]}
    bad_start = client.get("/api/v1/calendars/due", headers=headers, query_string={"start": "hôm nay", "spec": "P1D"})
    assert bad_start.status_code == 422 and bad_start.json["code"] == "invalid_start"
    missing = client.get("/api/v1/calendars/due", headers=headers, query_string={"start": "2026-11-23"})
    assert missing.status_code == 422 and "spec" in missing.json["details"]


def test_non_admin_gets_403_on_overrides_and_hours(client, create_user, api_token):
    headers = api_token(create_user(roles=("van_thu",)))
    assert client.get("/api/v1/calendars/overrides", headers=headers).status_code == 403
    created = client.post("/api/v1/calendars/overrides", headers=headers, json={"day": "2027-02-03", "kind": "off"})
    assert created.status_code == 403 and created.json["code"] == "permission_denied"
    hours = client.put("/api/v1/calendars", headers=headers, json={"sessions": [{"start": "08:00", "end": "12:00"}]})
    assert hours.status_code == 403
    assert client.get("/api/v1/calendars", headers=headers).status_code == 200  # reading hours is for everyone


def test_admin_adds_lists_and_deletes_an_override(client, admin, api_token, frozen_clock):
    headers = api_token(admin)
    created = client.post(
        "/api/v1/calendars/overrides",
        headers=headers,
        json={"agency_id": admin.agency_id, "day": "2027-02-03", "kind": "off", "note": "Nghỉ Tết thêm"},
    )
    assert created.status_code == 201, created.json
    assert created.json["agency_id"] == admin.agency_id and created.json["day"] == "2027-02-03"
    listed = client.get("/api/v1/calendars/overrides", headers=headers, query_string={"agency_id": admin.agency_id})
    assert [o["id"] for o in listed.json] == [created.json["id"]]
    args = {"start": "2027-02-02T10:00", "spec": "next-working-day"}
    due = client.get("/api/v1/calendars/due", headers=headers, query_string=args)
    assert due.json["due"] == "2027-02-11T17:00:00+07:00"  # 3/2 off, then Tết 4/2–10/2
    deleted = client.delete(f"/api/v1/calendars/overrides/{created.json['id']}", headers=headers)
    assert deleted.status_code == 204
    due = client.get("/api/v1/calendars/due", headers=headers, query_string=args)
    assert due.json["due"] == "2027-02-03T17:00:00+07:00"
    actions = set(db.session.scalars(sa.select(AuditEvent.action).where(AuditEvent.actor_id == admin.id)))
    assert {"calendar.add_override", "calendar.remove_override"} <= actions


def test_duplicate_override_and_bad_hours_are_422(client, admin, api_token, frozen_clock):
    headers = api_token(admin)
    body = {"day": "2026-12-19", "kind": "work"}
    assert client.post("/api/v1/calendars/overrides", headers=headers, json=body).status_code == 201
    again = client.post("/api/v1/calendars/overrides", headers=headers, json=body)
    assert again.status_code == 422 and "day" in again.json["details"]
    hours = client.put(
        "/api/v1/calendars", headers=headers, json={"sessions": [{"start": "13:00", "end": "08:00"}], "weekdays": [1]}
    )
    assert hours.status_code == 422 and "sessions" in hours.json["details"]


def test_admin_reads_and_sets_hours(client, admin, api_token):
    headers = api_token(admin)
    inherited = client.get("/api/v1/calendars", headers=headers, query_string={"agency_id": admin.agency_id})
    assert inherited.json["has_own_hours"] is False and inherited.json["weekdays"] == [1, 2, 3, 4, 5]
    summer = {"name": "Giờ mùa hè", "start": "04-16", "end": "10-15", "sessions": [{"start": "07:00", "end": "11:00"}]}
    response = client.put(
        "/api/v1/calendars",
        headers=headers,
        json={"agency_id": admin.agency_id, "sessions": [{"start": "07:30", "end": "11:30"}], "seasons": [summer]},
    )
    assert response.status_code == 200 and response.json["has_own_hours"] is True
    assert response.json["seasons"] == [summer]


def test_another_agencys_calendar_is_not_found(client, create_agency, create_user, api_token):
    mine, theirs = create_agency(), create_agency()
    headers = api_token(create_user(agency=mine))
    for path in ("/api/v1/calendars", "/api/v1/calendars/due"):
        query = {"agency_id": theirs.id, "start": "2026-11-23T09:00:00+07:00", "spec": "PT2H"}
        response = client.get(path, headers=headers, query_string=query)
        assert response.status_code == 404 and response.json["code"] == "agency_not_found", path
        own = client.get(path, headers=headers, query_string={**query, "agency_id": mine.id})
        assert own.status_code == 200, path
