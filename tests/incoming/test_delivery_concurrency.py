"""Retries of one delivery arriving at the same moment give one document, and every retry is answered with it.

Real threads and commits through HTTP, on a database of its own (a per-test savepoint cannot be shared).
"""

import io
import json
import threading

import flask_migrate
import sqlalchemy as sa

from app import create_app
from app.config import TestConfig
from app.core.db import db
from app.core.transaction import unit_of_work
from app.incoming.models import IncomingDocument
from app.org import services as org
from app.org.auth import create_api_token
from app.workflow.definitions import sync_processes
from tests.conftest import PASSWORD, IsolatedClient, fresh_database_url
from tests.signing.factories import make_pdf

PARALLEL = 12
METADATA = {
    "channel": "paper",
    "message_id": "msg-2026-000123",
    "sender_name": "Sở Tài chính tỉnh Kiên Giang",
    "sender_code": "000.00.12.H33",
    "code_number": "123",
    "code_notation": "STC-NS",
    "issued_date": "2026-11-20",
    "type_name": "Công văn",
    "subject": "Về việc bổ sung dự toán năm 2026",
}


def test_parallel_retries_of_one_message_give_one_document(tmp_path):
    app = create_app(TestConfig(fresh_database_url(tmp_path, "delivery"), tmp_path))
    app.test_client_class = IsolatedClient
    with app.app_context():
        flask_migrate.upgrade()
        with unit_of_work():
            sync_processes()
            agency = org.create_agency(None, code="000.00.00.H33", name="UBND tỉnh Kiên Giang", abbreviation="UBND")
            clerk = org.create_user(
                None, username="vanthu", full_name="Văn thư", password=PASSWORD, agency_id=agency.id, roles=["van_thu"]
            )
            # A token each, as separate connector processes would have (one token's use is itself serialized).
            plains = [create_api_token(clerk, name=f"liên thông {i}")[1] for i in range(PARALLEL)]
        db.session.remove()

    pdf = make_pdf("Cong van 123/STC-NS")
    barrier = threading.Barrier(PARALLEL)
    answers: list[tuple[int, int | None]] = []

    def deliver(plain: str) -> None:
        client = app.test_client()
        barrier.wait(timeout=30)
        response = client.post(
            "/api/v1/incoming",
            headers={"Authorization": f"Bearer {plain}"},
            data={"metadata": json.dumps(METADATA), "files": (io.BytesIO(pdf), "cong-van.pdf")},
            content_type="multipart/form-data",
        )
        answers.append((response.status_code, (response.json or {}).get("id")))

    threads = [threading.Thread(target=deliver, args=(plain,)) for plain in plains]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)

    assert len(answers) == PARALLEL
    assert {status for status, _ in answers} == {201}, answers
    assert len({document_id for _, document_id in answers}) == 1, answers
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(IncomingDocument)) == 1
        db.session.remove()
        db.engine.dispose()
