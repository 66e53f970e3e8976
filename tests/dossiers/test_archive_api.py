"""The archive's REST API: settings, transfers, archive list, eligible, holds, destructions; codes; tenancy."""

import io
from datetime import UTC, datetime

from pypdf import PdfReader

from app.core import clock
from app.core.db import db
from app.dossiers.models import DossierTransfer
from app.dossiers.states import DossierStatus
from tests.dossiers.helpers_archive import archived_dossier, closed_dossier, store

API = "/api/v1"
LATER = datetime(2037, 1, 5, 2, 0, tzinfo=UTC)


def test_settings_api(client, archive_office, api_token):
    office = archive_office
    leader, spec = api_token(office.leader), api_token(office.spec_a1)
    assert client.get(f"{API}/dossier-settings", headers=spec).get_json() == {
        "transfer_after": "P1Y",
        "construction_transfer_after": "P3M",
        "reminder_days": 30,
    }
    refused = client.put(f"{API}/dossier-settings", json={"transfer_after": "P60D"}, headers=spec)
    assert refused.status_code == 403
    bad = client.put(f"{API}/dossier-settings", json={"transfer_after": "P0D", "reminder_days": -1}, headers=leader)
    assert bad.status_code == 422 and bad.get_json()["code"] == "invalid_dossier_settings"
    assert set(bad.get_json()["details"]) == {"transfer_after", "reminder_days"}
    ok = client.put(f"{API}/dossier-settings", json={"transfer_after": "P60D"}, headers=leader)
    assert ok.status_code == 200 and ok.get_json()["transfer_after"] == "P60D"


def test_transfer_api_flow(client, archive_office, api_token):
    office = archive_office
    dossier = closed_dossier(office.spec_a1)
    other = closed_dossier(office.spec_a1, notation="02.TH", content=b"khac")
    creator, archivist = api_token(office.spec_a1), api_token(office.archivist)
    created = client.post(
        f"{API}/dossier-transfers", json={"name": "Khối 2026", "dossier_ids": [dossier.id, other.id]}, headers=creator
    )
    assert created.status_code == 201, created.get_json()
    body = created.get_json()
    tid = body["id"]
    first, second = body["entries"]
    assert first["dossier"]["status"] == "submitted" and first["manifest"] == {"1": [dossier.items[0].sha256]}
    again = client.post(f"{API}/dossier-transfers", json={"name": "Lại", "dossier_ids": [dossier.id]}, headers=creator)
    assert again.status_code == 409 and again.get_json()["code"] == "dossier_status"
    not_yours = client.post(f"{API}/dossier-transfers/{tid}/entries/{first['id']}/accept", headers=creator)
    assert not_yours.status_code == 403
    checked = client.post(f"{API}/dossier-transfers/{tid}/entries/{first['id']}/check", headers=archivist).get_json()
    assert checked["check_result"]["ok"] is True
    accepted = client.post(f"{API}/dossier-transfers/{tid}/entries/{first['id']}/accept", headers=archivist)
    assert accepted.status_code == 200 and accepted.get_json()["dossier"]["expires_on"] == "2036-06-30"
    no_reason = client.post(
        f"{API}/dossier-transfers/{tid}/entries/{second['id']}/return", json={"reason": ""}, headers=archivist
    )
    assert no_reason.status_code == 422 and no_reason.get_json()["code"] == "return_reason_required"
    returned = client.post(
        f"{API}/dossier-transfers/{tid}/entries/{second['id']}/return",
        json={"reason": "Thiếu tài liệu"},
        headers=archivist,
    )
    assert returned.get_json()["decision"] == "returned"
    done = client.get(f"{API}/dossier-transfers/{tid}", headers=creator).get_json()
    assert done["status"] == "done" and done["received_by_id"] == office.archivist.id
    pdf = client.get(f"{API}/dossier-transfers/{tid}/muc-luc.pdf", headers=archivist)
    assert pdf.mimetype == "application/pdf"
    assert "Mục lục này gồm: 2 hồ sơ" in PdfReader(io.BytesIO(pdf.data)).pages[0].extract_text()
    listing = client.get(f"{API}/archive/dossiers?q=01.TH", headers=archivist).get_json()
    assert listing["total"] == 1 and listing["items"][0]["id"] == dossier.id
    assert [t["id"] for t in client.get(f"{API}/dossier-transfers", headers=creator).get_json()] == [tid]
    assert client.get(f"{API}/dossier-transfers", headers=api_token(office.spec_b)).get_json() == []
    assert client.get(f"{API}/dossier-transfers/{tid}", headers=api_token(office.spec_b)).status_code == 404


def test_holds_and_destruction_api(client, archive_office, api_token):
    office = archive_office
    dossier = archived_dossier(office, content=b"qua api")
    digest = dossier.items[0].sha256
    with clock.frozen(LATER):  # ten years on (tokens issued then)
        archivist, leader = api_token(office.archivist), api_token(office.leader)
        page = client.get(f"{API}/archive/eligible?limit=1", headers=archivist).get_json()
        assert ([d["id"] for d in page["items"]], page["total"]) == ([dossier.id], 1)
        assert client.get(f"{API}/archive/eligible", headers=api_token(office.spec_a1)).status_code == 403
        hold = client.post(
            f"{API}/dossier-holds",
            json={"name": "Thanh tra", "reason": "Đoàn thanh tra", "dossier_ids": [dossier.id]},
            headers=archivist,
        ).get_json()
        assert hold["dossier_ids"] == [dossier.id]
        assert client.get(f"{API}/archive/eligible", headers=archivist).get_json() == {"items": [], "total": 0}
        draft = client.post(
            f"{API}/dossier-destructions", json={"title": "DM 2037", "dossier_ids": [dossier.id]}, headers=archivist
        )
        assert draft.status_code == 409 and draft.get_json()["code"] == "dossier_on_hold"
        empty = client.post(f"{API}/dossier-destructions", json={"title": "DM 2037"}, headers=archivist).get_json()
        did = empty["id"]
        added = client.post(
            f"{API}/dossier-destructions/{did}/dossiers", json={"dossier_id": dossier.id}, headers=archivist
        )
        assert added.status_code == 409 and added.get_json()["code"] == "dossier_on_hold"
        released = client.post(f"{API}/dossier-holds/{hold['id']}/release", json={"note": "Xong"}, headers=leader)
        assert released.get_json()["released_at"] is not None
        client.post(f"{API}/dossier-destructions/{did}/dossiers", json={"dossier_id": dossier.id}, headers=archivist)
        early = client.post(f"{API}/dossier-destructions/{did}/execute", headers=archivist)
        assert early.status_code == 409 and early.get_json()["code"] == "destruction_not_approved"
        client.post(f"{API}/dossier-destructions/{did}/propose", json={"council_opinion": "Đồng ý"}, headers=archivist)
        approve = client.post(
            f"{API}/dossier-destructions/{did}/approve",
            json={"decision_number": "3/QĐ", "decision_date": "2037-01-04"},
            headers=leader,
        )
        assert approve.status_code == 200 and approve.get_json()["status"] == "approved"
        executed = client.post(f"{API}/dossier-destructions/{did}/execute", headers=archivist)
        assert executed.status_code == 200 and executed.get_json()["status"] == "executed"
        record = client.get(f"{API}/dossier-destructions/{did}", headers=leader).get_json()
    [entry] = record["entries"]
    assert entry["file_code"] == dossier.file_code and entry["files"][0]["sha256"] == digest
    assert entry["files"][0]["fate"] == "destroyed" and not store().path_for(digest).exists()
    db.session.expire_all()
    assert dossier.status == DossierStatus.DESTROYED
    with clock.frozen(LATER):
        stranger = api_token(_stranger())
        assert client.get(f"{API}/dossier-destructions/{did}", headers=stranger).status_code == 404
        assert client.get(f"{API}/dossier-holds/{hold['id']}", headers=stranger).status_code == 404
        assert client.get(f"{API}/dossier-destructions/{did}/bien-ban.pdf", headers=stranger).status_code == 404
        pdf = client.get(f"{API}/dossier-destructions/{did}/bien-ban.pdf", headers=leader)
    assert "3/QĐ" in PdfReader(io.BytesIO(pdf.data)).pages[0].extract_text()


def _stranger():
    """An archivist and head of another agency."""
    from app.org import services
    from app.org.models import Agency

    agency = services.create_agency(None, code="000.00.99.H99", name="Cơ quan khác", abbreviation="CQK")
    assert isinstance(agency, Agency)
    return services.create_user(
        None,
        username="luutru.khac",
        full_name="Lưu Trữ Khác",
        password="Matkhau-Manh-2026",
        agency_id=agency.id,
        roles=["luu_tru", "lanh_dao"],
    )


def test_a_refused_submission_submits_nothing(client, archive_office, api_token):
    office = archive_office
    closed = closed_dossier(office.spec_a1, notation="01.TH")
    still_open = closed_dossier(office.spec_a1, notation="02.TH", content=b"mo")
    still_open.status = DossierStatus.OPEN
    db.session.flush()
    response = client.post(
        f"{API}/dossier-transfers",
        json={"name": "Khối", "dossier_ids": [closed.id, still_open.id]},
        headers=api_token(office.spec_a1),
    )
    assert response.status_code == 409 and response.get_json()["code"] == "dossier_status"
    db.session.expire_all()
    assert closed.status == DossierStatus.CLOSED and closed.transfer_id is None
    assert db.session.query(DossierTransfer).count() == 0
    empty = client.post(
        f"{API}/dossier-transfers", json={"name": "Khối", "dossier_ids": []}, headers=api_token(office.spec_a1)
    )
    assert empty.status_code == 422 and empty.get_json()["code"] == "transfer_empty"


def test_a_list_being_prepared_can_be_dropped_not_once_proposed(client, archive_office, api_token):
    from app.dossiers.models import DossierDestruction

    archivist = api_token(archive_office.archivist)
    empty = client.post(f"{API}/dossier-destructions", json={"title": "Nhầm"}, headers=archivist).get_json()
    assert client.post(f"{API}/dossier-destructions/{empty['id']}/discard", headers=archivist).status_code == 204
    assert db.session.get(DossierDestruction, empty["id"]).status == "discarded"
    again = client.post(f"{API}/dossier-destructions/{empty['id']}/discard", headers=archivist)
    assert again.status_code == 409 and again.get_json()["code"] == "destruction_not_draft"
    following = client.post(f"{API}/dossier-destructions", json={"title": "Sau"}, headers=archivist).get_json()
    assert following["id"] != empty["id"]  # a number is never given twice
    clerk = api_token(archive_office.clerk)
    kept = client.post(f"{API}/dossier-destructions", json={"title": "Giữ"}, headers=archivist).get_json()
    assert client.post(f"{API}/dossier-destructions/{kept['id']}/discard", headers=clerk).status_code in (403, 404)
    assert db.session.get(DossierDestruction, kept["id"]).status == "draft"
