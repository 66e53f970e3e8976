"""Thu hồi văn bản đến (NĐ 30/2020 Điều 18.4.b, Phụ lục VI III.8): request, accept, refuse, pages, API."""

import threading

import flask_migrate
import pytest
import sqlalchemy as sa

from app.audit.models import AuditEvent
from app.audit.services import verify_chain
from app.core.db import db
from app.core.errors import Conflict, NotFound, PermissionDenied, ValidationError
from app.core.transaction import unit_of_work
from app.exchange.models import StatusMessage
from app.incoming import recall, services
from app.incoming.models import IncomingDocument, IncomingStatus
from app.workflow import queries as inbox
from app.workflow import services as wf
from app.workflow.models import CaseFile, HumanTask, InstanceStatus
from tests.conftest import csrf_token, login
from tests.incoming.conftest import METADATA, accept_and_register, codes, instance_of, receive
from tests.workflow.conftest import open_tasks

NOTE = "Văn bản ban hành sai thẩm quyền, Sở Nội vụ thu hồi để ban hành lại."


def to_handling(office, document) -> None:
    """Check → register → direction naming the specialist: the case waits in cv.a1's inbox."""
    instance, direct = accept_and_register(office, document)
    wf.complete_task(
        office.leader,
        direct.id,
        {"y_kien_chi_dao": "Đ/c Bảo xử lý", "lead_unit_id": office.unit_a.id, "lead_user_id": office.spec_a1.id},
    )
    assert [t.assignee_id for t in open_tasks(instance)] == [office.spec_a1.id]


def everyone(office):
    return [office.clerk, office.leader, office.unit_leader, office.spec_a1, office.spec_a2, office.spec_b]


def test_accept_destroys_the_document_and_keeps_only_the_record_of_the_recall(app, incoming_office, signed_pdf):
    # NĐ 30 Phụ lục VI III.8.b (hủy văn bản đến và dữ liệu đặc tả), III.8.c (lưu dữ liệu đặc tả của quá trình thu
    # hồi); NĐ 30/2020 Điều 18.4.b (bên nhận hủy bỏ văn bản điện tử bị thu hồi, thông báo cho bên gửi).
    office = incoming_office
    store = app.extensions["qlvb.blobs"]
    with unit_of_work():
        document = receive(office, scan_pdf(b"recalled"))
        other = receive(office, scan_pdf(b"kept"), code_number="124")  # not recalled: stays in the clerk's inbox
        to_handling(office, document)
    assert codes(document) == ["01", "03", "04", "05"]
    [main] = document.files
    digest, instance_id, arrival = main.sha256, instance_of(document).id, document.arrival_number
    assert store.exists(digest) and document.assignments

    with unit_of_work():
        recall.request_recall(None, document.id, note=NOTE)
    assert document.recall_pending and codes(document) == ["01", "03", "04", "05"]  # 13 came from the sender
    assert [t.assignee_id for t in open_tasks(instance_of(document))] == [office.spec_a1.id]  # still pending

    with unit_of_work():
        recall.accept_recall(office.leader, document.id)
    db.session.expire_all()
    assert document.status == IncomingStatus.RECALLED and document.recalled_at is not None
    assert document.recall_decided_by_id == office.leader.id and not document.recall_pending
    assert codes(document) == ["01", "03", "04", "05", "15"]

    # The document, its files, assignments and case are gone; its metadata is blank.
    assert not store.exists(digest)
    assert document.files == [] and document.assignments == []
    assert instance_of(document) is None
    assert db.session.scalar(sa.select(sa.func.count()).select_from(HumanTask).filter_by(instance_id=instance_id)) == 0
    assert db.session.scalar(sa.select(sa.func.count()).select_from(CaseFile).filter_by(instance_id=instance_id)) == 0
    assert (document.subject, document.sender_name, document.type_name, document.subject_folded) == ("", "", "", "")
    for field in ("code_number", "code_notation", "issued_date", "sender_code", "document_key", "signer_name"):
        assert getattr(document, field) is None, field
    for field in ("page_count", "direction", "lead_user_id", "handling_due", "recall_note", "description"):
        assert getattr(document, field) is None, field
    assert document.arrival_number == arrival  # the số đến stays taken (gap-free register)
    for user in everyone(office):  # no one's inbox holds a task of the recalled document
        assert {t.object_id for t in inbox.inbox_page(user)} <= {str(other.id)}, user.username

    # What stays: the metadata of the recall (III.8.c).
    record = recall.record_of(document)
    assert (record.sender_code, record.sender_name) == (METADATA["sender_code"], METADATA["sender_name"])
    assert (record.symbol, record.issued_date.isoformat()) == ("123/SNV-TCBC", METADATA["issued_date"])
    assert record.document_key == "000.00.01.H33,2026/11/20,123/SNV-TCBC" and record.arrival_number == arrival
    assert (record.request_note, record.requested_by_id) == (NOTE, None)  # asked by the sender, through the exchange
    assert (record.decided_by_id, record.decided_by_name) == (office.leader.id, office.leader.full_name)
    assert record.requested_at <= record.decided_at
    assert [(f.sha256, f.origin, f.is_main, f.fate) for f in record.files] == [(digest, "document", True, "destroyed")]
    assert record.files_destroyed
    with pytest.raises(NotFound):  # nothing left to serve
        services.document_file(document, main.id)

    # The audit chain is untouched (append-only); the recall's own event names the document by its identifiers.
    event = db.session.scalar(sa.select(AuditEvent).where(AuditEvent.action == "incoming.recall_accept"))
    assert event.actor_id == office.leader.id and "123/SNV-TCBC" in event.summary
    assert METADATA["subject"] not in event.summary
    assert event.changes["files"] == [{"sha256": digest, "origin": "document"}]
    assert verify_chain().ok


def scan_pdf(marker: bytes) -> bytes:
    """A small PDF of its own bytes (its blob is shared with nothing else)."""
    from tests.signing import factories

    return factories.make_pdf(f"Công văn số 123/SNV-TCBC {marker.decode()}")


def test_refuse_sends_16_and_the_procedure_goes_on(incoming_office, signed_pdf):
    office = incoming_office
    document = receive(office, signed_pdf)
    recall.request_recall(office.clerk, document.id, note=NOTE)
    with pytest.raises(ValidationError) as err:
        recall.refuse_recall(office.clerk, document.id, "   ")
    assert "reason" in err.value.details and document.recall_pending

    recall.refuse_recall(office.clerk, document.id, "Văn bản đã được chuyển xử lý, đề nghị ban hành văn bản thay thế.")
    assert codes(document) == ["01", "16"] and document.status == IncomingStatus.RECEIVED
    message = db.session.scalar(sa.select(StatusMessage).where(StatusMessage.code == "16"))
    assert message.description.startswith("Từ chối thu hồi: Văn bản đã được chuyển xử lý")
    assert message.staff_name == office.clerk.full_name and message.to_organ_id == METADATA["sender_code"]
    assert not document.recall_pending and document.recall_requested_at is not None

    to_handling(office, document)  # the procedure continues
    db.session.refresh(document)
    assert document.status == IncomingStatus.HANDLING and codes(document) == ["01", "16", "03", "04", "05"]

    recall.request_recall(None, document.id, note="Đề nghị thu hồi lần hai.")  # the sender may insist
    assert document.recall_pending and document.recall_note == "Đề nghị thu hồi lần hai."


def test_a_returned_or_completed_document_can_still_be_recalled(incoming_office, signed_pdf):
    office = incoming_office
    document = receive(office, signed_pdf)
    instance = instance_of(document)
    [check] = open_tasks(instance)
    wf.complete_task(office.clerk, check.id, {"ly_do_tra_lai": "Gửi sai nơi nhận"}, outcome="tra_lai")
    db.session.refresh(instance)
    assert instance.status == InstanceStatus.COMPLETED

    recall.request_recall(None, document.id, note=NOTE)
    recall.accept_recall(office.clerk, document.id)
    # NĐ 30 Phụ lục VI III.8.b: its finished case and its reason for the return are destroyed with it.
    assert document.status == IncomingStatus.RECALLED and document.returned_reason is None
    assert instance_of(document) is None and recall.record_of(document).decided_by_id == office.clerk.id
    assert codes(document) == ["01", "02", "15"]


def test_a_second_decision_is_a_conflict(incoming_office, signed_pdf):
    office = incoming_office
    document = receive(office, signed_pdf)
    with pytest.raises(Conflict) as err:
        recall.accept_recall(office.clerk, document.id)
    assert err.value.code == "no_recall_request"

    recall.request_recall(None, document.id, note=NOTE)
    with pytest.raises(Conflict) as err:
        recall.request_recall(None, document.id, note=NOTE)
    assert err.value.code == "recall_pending"
    recall.refuse_recall(office.leader, document.id, "Không đồng ý")
    for decide in (
        lambda: recall.accept_recall(office.clerk, document.id),
        lambda: recall.refuse_recall(office.clerk, document.id, "Lần nữa"),
    ):
        with pytest.raises(Conflict) as err:
            decide()
        assert err.value.code == "recall_already_decided"

    recall.request_recall(None, document.id, note=NOTE)
    recall.accept_recall(office.clerk, document.id)
    for act in (
        lambda: recall.accept_recall(office.leader, document.id),
        lambda: recall.refuse_recall(office.leader, document.id, "Muộn"),
        lambda: recall.request_recall(None, document.id, note=NOTE),
    ):
        with pytest.raises(Conflict):
            act()
    assert codes(document) == ["01", "16", "15"]


def test_another_agency_gets_404(incoming_office, signed_pdf, create_agency, create_user):
    document = receive(incoming_office, signed_pdf)
    stranger = create_user(roles=("van_thu", "lanh_dao"), agency=create_agency())
    with pytest.raises(NotFound):
        recall.request_recall(stranger, document.id, note=NOTE)
    recall.request_recall(None, document.id, note=NOTE)
    with pytest.raises(NotFound):
        recall.accept_recall(stranger, document.id)
    with pytest.raises(NotFound):
        recall.refuse_recall(stranger, document.id, "Không")
    with pytest.raises(NotFound):
        recall.request_recall(None, 987654, note=NOTE)
    assert document.recall_pending and codes(document) == ["01"]


def test_only_clerks_and_agency_leaders_decide(incoming_office, signed_pdf):
    office = incoming_office
    document = receive(office, signed_pdf)
    with pytest.raises(PermissionDenied):  # the request is entered by the clerk (or arrives by the exchange)
        recall.request_recall(office.leader, document.id, note=NOTE)
    recall.request_recall(None, document.id, note=NOTE)
    for user in (office.unit_leader, office.spec_a1):  # not involved: they do not even see it
        with pytest.raises(NotFound):
            recall.accept_recall(user, document.id)
    inform(document, office.spec_a1)
    for user in (office.spec_a1, office.admin):  # they see it, and may not decide
        with pytest.raises(PermissionDenied):
            recall.accept_recall(user, document.id)
        with pytest.raises(PermissionDenied):
            recall.refuse_recall(user, document.id, "Không")
    assert document.recall_pending and codes(document) == ["01"]
    assert recall.can_decide(office.clerk) and recall.can_decide(office.leader)


def test_pages_show_the_request_and_the_recalled_document(client, incoming_office, signed_pdf, api_token):
    office = incoming_office
    document = receive(office, signed_pdf)
    [main] = document.files
    response = client.post(
        f"/api/v1/incoming/{document.id}/recall-request", headers=api_token(office.clerk), json={"note": NOTE}
    )
    assert response.status_code == 200 and response.json["recall_pending"] is True
    assert response.json["recall_note"] == NOTE

    inform(document, office.spec_a1)
    login(client, "cv.a1")  # a specialist it concerns sees the request, not the buttons, and cannot decide
    page = client.get(f"/incoming/{document.id}").get_data(as_text=True)
    assert "Nơi gửi yêu cầu thu hồi văn bản" in page and NOTE in page and "Đồng ý thu hồi" not in page
    token = csrf_token(client, "/")
    assert client.post(f"/incoming/{document.id}/recall/accept", data={"csrf_token": token}).status_code == 403
    client.post("/logout", data={"csrf_token": token})

    login(client, "vanthu")
    page = client.get(f"/incoming/{document.id}").get_data(as_text=True)
    assert 'data-testid="recall-request"' in page and NOTE in page
    assert "Đồng ý thu hồi" in page and "Từ chối thu hồi" in page and "Lý do từ chối thu hồi" in page
    # Accepting destroys the document irreversibly (NĐ 30 Phụ lục VI III.8.b): the browser asks first.
    assert (
        'data-confirm="Đồng ý thu hồi? Văn bản đến, các tệp và lịch sử xử lý của văn bản sẽ bị hủy '
        'và không khôi phục được."' in page
    )
    assert f'action="/incoming/{document.id}/recall/accept"' in page
    assert f'action="/incoming/{document.id}/recall/refuse"' in page
    token = csrf_token(client, f"/incoming/{document.id}")
    assert client.post(f"/incoming/{document.id}/recall/accept").status_code == 400  # no CSRF token
    empty = client.post(f"/incoming/{document.id}/recall/refuse", data={"csrf_token": token, "reason": ""})
    assert empty.status_code == 422  # the page again, saying why
    assert "Nhập lý do từ chối thu hồi" in empty.get_data(as_text=True)

    done = client.post(f"/incoming/{document.id}/recall/accept", data={"csrf_token": token})
    assert done.status_code == 302 and done.location.endswith(f"/incoming/{document.id}")
    # NĐ 30 Phụ lục VI III.8.b–c: the page is now the record of the recall, nothing of the document's content.
    page = client.get(done.location).get_data(as_text=True)
    assert "Đã đồng ý thu hồi văn bản." in page
    assert 'data-testid="recall-banner"' in page and 'data-testid="recall-record"' in page and NOTE in page
    assert "123/SNV-TCBC" in page and METADATA["sender_name"] in page and main.sha256 in page
    assert "000.00.01.H33,2026/11/20,123/SNV-TCBC" in page and office.clerk.full_name in page
    assert METADATA["subject"] not in page and "cong-van-123.pdf" not in page
    assert f"/incoming/{document.id}/files/{main.id}" not in page  # no link to the bytes
    assert "Đồng ý thu hồi</button>" not in page
    assert client.get(f"/incoming/{document.id}/files/{main.id}").status_code == 404
    listing = client.get("/incoming/recalls").get_data(as_text=True)
    assert 'data-testid="recall-records"' in listing and "123/SNV-TCBC" in listing
    assert f'href="/incoming/{document.id}"' in listing
    rows = client.get("/incoming").get_data(as_text=True)
    assert "Văn bản đã thu hồi và hủy" in rows and METADATA["subject"] not in rows
    again = client.post(f"/incoming/{document.id}/recall/refuse", data={"csrf_token": token, "reason": "Muộn"})
    assert again.status_code == 409 and "Văn bản đã được thu hồi." in again.get_data(as_text=True)
    assert codes(document) == ["01", "15"]
    client.post("/logout", data={"csrf_token": token})
    login(client, "cv.a1")  # a specialist has no register of recalls
    assert client.get("/incoming/recalls").status_code == 403


def test_api_decisions_and_files(client, incoming_office, signed_pdf, api_token, create_user, create_agency):
    office = incoming_office
    first, second = receive(office, signed_pdf), receive(office, signed_pdf, code_number="124")
    clerk, leader = api_token(office.clerk), api_token(office.leader)
    inform(first, office.spec_a1)
    specialist = api_token(office.spec_a1)
    stranger = api_token(create_user(roles=("van_thu", "lanh_dao"), agency=create_agency()))
    for document in (first, second):
        assert client.post(f"/api/v1/incoming/{document.id}/recall-request", headers=clerk, json={}).status_code == 200
    url = f"/api/v1/incoming/{first.id}/recall"
    assert client.post(f"{url}/accept", headers=stranger).status_code == 404
    assert client.post(f"{url}/accept", headers=specialist).status_code == 403
    assert client.post(f"{url}/refuse", headers=leader, json={}).json["code"] == "reason_required"

    digest = first.files[0].sha256
    accepted = client.post(f"{url}/accept", headers=leader)
    assert accepted.status_code == 200, accepted.json
    body = accepted.json
    # NĐ 30 Phụ lục VI III.8.b–c through the API: the content is gone, the record of the recall is there.
    assert body["status"] == "recalled" and body["recalled_at"] and body["recall_pending"] is False
    assert [s["code"] for s in body["statuses"]] == ["01", "15"]
    assert body["tasks"] == [] and body["files"] == [] and body["assignments"] == []
    assert body["subject"] == "" and body["sender_name"] == "" and body["code_number"] is None
    record = body["recall_record"]
    assert record["symbol"] == "123/SNV-TCBC" and record["sender_code"] == METADATA["sender_code"]
    assert record["document_key"] == "000.00.01.H33,2026/11/20,123/SNV-TCBC"
    assert record["requested_by_id"] == office.clerk.id and record["decided_by_id"] == office.leader.id
    assert record["decided_by_name"] == office.leader.full_name and record["requested_at"] and record["decided_at"]
    # The answer is written before the commit: the bytes go right after it (here they stay: `second` shares them).
    assert [(f["sha256"], f["size"], f["is_main"], f["origin"], f["fate"]) for f in record["files"]] == [
        (digest, len(signed_pdf), True, "document", "pending")
    ]
    after = client.get(f"/api/v1/incoming/{first.id}/recall-record", headers=clerk).json
    assert [(f["sha256"], f["fate"]) for f in after["files"]] == [(digest, "shared")] and after["files_destroyed"]
    assert {k: v for k, v in after.items() if k not in ("files", "files_destroyed")} == {
        k: v for k, v in record.items() if k not in ("files", "files_destroyed")
    }
    assert client.get(f"/api/v1/incoming/{second.id}/recall-record", headers=clerk).status_code == 404
    listing = client.get("/api/v1/incoming/recall-records", headers=leader)
    assert [r["incoming_document_id"] for r in listing.json["items"]] == [first.id]
    assert client.get("/api/v1/incoming/recall-records", headers=specialist).status_code == 403
    file_url = f"/api/v1/incoming/{first.id}/files/{first.files[0].id if first.files else 1}"
    assert client.get(file_url, headers=clerk).status_code == 404
    again = client.post(f"{url}/refuse", headers=clerk, json={"reason": "Muộn"})
    assert again.status_code == 409 and again.json["code"] == "recall_already_decided"

    refused = client.post(
        f"/api/v1/incoming/{second.id}/recall/refuse", headers=clerk, json={"reason": "Đã xử lý xong một phần"}
    )
    assert refused.status_code == 200 and refused.json["status"] == "received"
    assert [s["code"] for s in refused.json["statuses"]] == ["01", "16"]
    assert client.get(f"/api/v1/incoming/{second.id}/files/{second.files[0].id}", headers=clerk).data == signed_pdf


def test_two_deciders_at_once_exactly_one_wins(tmp_path):
    """The clerk accepts while the leader refuses, at the same moment: one decision, one status message."""
    from app import create_app
    from app.config import TestConfig
    from app.core.transaction import unit_of_work
    from app.documents.uploads import Upload
    from app.org import services as org
    from app.org.models import User
    from app.workflow.definitions import sync_processes
    from tests.conftest import PASSWORD, fresh_database_url
    from tests.signing import factories

    app = create_app(TestConfig(fresh_database_url(tmp_path, "recall"), tmp_path))
    with app.app_context():
        flask_migrate.upgrade()
        with unit_of_work():
            agency = org.create_agency(None, code="000.00.00.H33", name="UBND tỉnh", abbreviation="UBND")
            ids = [
                org.create_user(
                    None, username=name, full_name=name, password=PASSWORD, agency_id=agency.id, roles=[role]
                ).id
                for name, role in (("vanthu", "van_thu"), ("lanhdao", "lanh_dao"))
            ]
            sync_processes()
            pdf = factories.make_pdf("Công văn số 123/SNV-TCBC")  # electronic (its sender gets 15 or 16), unsigned
            document = services.receive_incoming(
                db.session.get(User, ids[0]),
                channel="electronic",
                metadata=METADATA,
                uploads=[Upload("cong-van.pdf", pdf, is_main=True)],
            )
            recall.request_recall(None, document.id, note=NOTE)
            document_id = document.id

    barrier, results = threading.Barrier(2), {}

    def decide(user_id: int) -> None:
        with app.app_context():
            try:
                user = db.session.get(User, user_id)
                barrier.wait(timeout=10)
                with unit_of_work():
                    if user_id == ids[0]:
                        recall.accept_recall(user, document_id)
                    else:
                        recall.refuse_recall(user, document_id, "Không đồng ý")
                results[user_id] = "won"
            except Conflict as exc:
                results[user_id] = exc.code
            finally:
                db.session.remove()

    threads = [threading.Thread(target=decide, args=(uid,)) for uid in ids]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    assert list(results.values()).count("won") == 1, results
    # The loser finds the decision taken, or the document (or, for an acceptance, its case) busy: 409 either way.
    busy = {"recall_already_decided", "incoming_busy", "instance_busy"}
    assert next(code for code in results.values() if code != "won") in busy
    with app.app_context():
        document = db.session.get(IncomingDocument, document_id)
        sent = db.session.scalars(sa.select(StatusMessage.code).where(StatusMessage.code.in_(["15", "16"]))).all()
        winner = next(uid for uid, r in results.items() if r == "won")
        assert document.recall_decided_by_id == winner
        assert sent == (["15"] if winner == ids[0] else ["16"])
        assert (document.status == IncomingStatus.RECALLED) == (winner == ids[0])
        db.session.remove()
        db.engine.dispose()


def inform(document, user):
    """Direct the document to `user` for information (để biết): from then on they see it."""
    from app.incoming.models import AssignmentKind, IncomingAssignment

    db.session.add(IncomingAssignment(document_id=document.id, kind=AssignmentKind.INFORM, user_id=user.id))
    db.session.flush()
