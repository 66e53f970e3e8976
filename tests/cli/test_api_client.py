"""A client program that knows only HTTP (the `requests` package) runs an incoming document through the whole
procedure over the REST API of a real `qlvb serve`: sign in for tokens, arrival, check, registration, direction,
assignment, handling — reading each form's initial values and choices from the API, as the pages do."""

import io
import json

import pytest
import requests

from bench.server import running_server
from tests.conftest import PASSWORD, TEST_DB
from tests.signing.factories import make_pdf


def setup() -> dict:
    from app.core.transaction import unit_of_work
    from app.org import services as org
    from app.workflow.definitions import sync_processes

    with unit_of_work():
        sync_processes()
        agency = org.create_agency(None, code="000.00.00.H33", name="UBND tỉnh Kiên Giang", abbreviation="UBND")
        unit = org.create_unit(None, agency_id=agency.id, name="Phòng Tổng hợp", abbreviation="TH")
        people = {
            "vanthu": ["van_thu"],
            "lanhdao": ["lanh_dao"],
            "truongphong": ["lanh_dao_don_vi"],
            "chuyenvien": ["chuyen_vien"],
        }
        for username, roles in people.items():
            org.create_user(
                None,
                username=username,
                full_name=username.title(),
                password=PASSWORD,
                agency_id=agency.id,
                roles=roles,
                unit_id=None if username in ("vanthu", "lanhdao") else unit.id,
            )
        return {"unit_id": unit.id}


@pytest.mark.skipif(TEST_DB != "sqlite", reason="one real server is enough; the suite's PostgreSQL run covers the API")
def test_a_requests_script_runs_an_incoming_document_to_completion():
    with running_server("sqlite", setup, workers=2) as (base, ids):
        api = f"{base}/api/v1"

        def session_of(username: str) -> requests.Session:
            answer = requests.post(f"{api}/tokens", json={"username": username, "password": PASSWORD}, timeout=30)
            assert answer.status_code == 201, answer.text
            http = requests.Session()
            http.headers["Authorization"] = f"Bearer {answer.json()['token']}"
            return http

        clerk, leader, unit_leader, specialist = map(session_of, ("vanthu", "lanhdao", "truongphong", "chuyenvien"))
        metadata = {
            "channel": "paper",
            "sender_name": "Sở Tài chính tỉnh Kiên Giang",
            "code_number": "567",
            "code_notation": "STC-NS",
            "issued_date": "2026-11-20",
            "type_name": "Công văn",
            "subject": "Về việc bổ sung dự toán năm 2026",
        }
        pdf = make_pdf("Cong van 567/STC-NS")
        arrived = clerk.post(
            f"{api}/incoming",
            data={"metadata": json.dumps(metadata, ensure_ascii=False)},
            files={"files": ("cong-van.pdf", io.BytesIO(pdf), "application/pdf")},
            timeout=30,
        )
        assert arrived.status_code == 201, arrived.text
        document_id = str(arrived.json()["id"])

        def my_task(http: requests.Session, name: str) -> dict:
            page = http.get(f"{api}/tasks", params={"process_id": "incoming"}, timeout=30).json()
            [task] = [t for t in page["items"] if t["object_id"] == document_id and t["task_name"] == name]
            detail = http.get(f"{api}/tasks/{task['id']}", timeout=30).json()
            assert detail["can_act"] is True
            return detail

        def complete(http, task, data, outcome=None):
            done = http.post(f"{api}/tasks/{task['id']}/complete", json={"data": data, "outcome": outcome}, timeout=30)
            assert done.status_code == 200, done.text

        complete(clerk, my_task(clerk, "check_document"), {}, "tiep_nhan")
        register = my_task(clerk, "register_document")
        assert register["values"]["subject"] == metadata["subject"]  # what the case knows comes pre-filled
        complete(clerk, register, register["values"])
        direction = my_task(leader, "direct_handling")
        units = leader.get(f"{api}/tasks/{direction['id']}/choices/lead_unit_id", timeout=30).json()
        assert ids["unit_id"] in {u["value"] for u in units}
        complete(leader, direction, {"y_kien_chi_dao": "Phòng Tổng hợp tham mưu.", "lead_unit_id": ids["unit_id"]})
        assignment = my_task(unit_leader, "assign_specialist")
        [person] = unit_leader.get(f"{api}/tasks/{assignment['id']}/choices/lead_user_id", timeout=30).json()
        complete(unit_leader, assignment, {"lead_user_id": person["value"]})
        handling = my_task(specialist, "handle_document")
        complete(specialist, handling, {"ket_qua": "Đã tham mưu văn bản trả lời."}, "hoan_thanh")

        finished = clerk.get(f"{api}/incoming/{document_id}", timeout=30).json()
        assert finished["status"] == "completed", finished["status"]
        # The sender was told each step (NĐ 30/2020 Điều 21–24: 03 registered, 04 assigned, 05 handling, 06 done).
        assert finished["statuses"] == []  # a paper document came by post: its sender takes no status message
