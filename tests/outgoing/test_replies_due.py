"""Reply requested by (seed 001 QĐ 278 Điều 7.2–4): the sender's reply date becomes the recipient's handling
deadline, and the sender sees which replies are answered, due and overdue — service, page and API."""

from datetime import UTC, date, datetime

from app.core.db import db
from app.outgoing.models import OutgoingDocument, OutgoingStatus
from app.outgoing.replies_due import ReplyState, replies_due
from app.workflow import services as wf
from tests.conftest import login
from tests.outgoing.conftest import SNV, STC, issued_document
from tests.outgoing.test_dispatch import incoming_task, received_by


def answer(receiver, incoming, symbol: str) -> OutgoingDocument:
    """The receiving agency's issued reply to its incoming document (its own procedure is tested elsewhere)."""
    reply = OutgoingDocument(
        agency_id=receiver.agency.id,
        status=OutgoingStatus.ISSUED,
        type_code="CV",
        type_name="Công văn",
        subject="Báo cáo theo đề nghị",
        drafter_id=receiver.specialist.id,
        reply_to_id=incoming.id,
        number=int(symbol.split("/")[0]),
        symbol=symbol,
        issued_date=date(2026, 11, 25),
    )
    db.session.add(reply)
    db.session.flush()
    return reply


def test_the_reply_date_is_the_recipients_default_handling_deadline(outgoing_office, draft_bytes, frozen_clock):
    # NĐ 30 Phụ lục VI III.1.m; seed 001 QĐ 278 Điều 7.2: DueDate (field 18) becomes the recipient's deadline
    office = outgoing_office
    issued_document(office, draft_bytes, reply_requested=True, reply_due="2026-12-10")
    [incoming] = received_by(office.snv)
    assert incoming.due_date == date(2026, 12, 10)
    snv = office.snv
    wf.complete_task(snv.clerk, incoming_task(incoming).id, {}, outcome="tiep_nhan")
    wf.complete_task(
        snv.clerk,
        incoming_task(incoming).id,
        {"sender_name": incoming.sender_name, "type_name": "Công văn", "subject": incoming.subject},
    )
    direct = incoming_task(incoming)
    assert wf.form_values(snv.leader, direct)["han_xu_ly"] == "2026-12-10"
    wf.complete_task(snv.leader, direct.id, {"y_kien_chi_dao": "Đ/c xử lý", "lead_user_id": snv.specialist.id})
    db.session.refresh(incoming)
    assert incoming.handling_due == date(2026, 12, 10)
    handle = incoming_task(incoming)
    assert handle.due_at == datetime(2026, 12, 10, 10, 0, tzinfo=UTC)  # 17:00 +07:00: in the handler's inbox


def test_sender_sees_answered_due_and_overdue_replies(
    app, client, outgoing_office, draft_bytes, frozen_clock, api_token
):
    # NĐ 30 Phụ lục VI III.1.o; seed 001 QĐ 278 Điều 7.2–4: the sender follows the replies it asked for
    office = outgoing_office
    document = issued_document(office, draft_bytes, reply_requested=True, reply_due="2026-12-10")
    issued_document(office, draft_bytes)  # no reply asked: never listed
    at_snv = received_by(office.snv)[0]  # the first, which asked for a reply
    answer(office.snv, at_snv, "05/SNV-VP")
    rows = {row.recipient.code or row.recipient.name: row for row in replies_due(office.clerk)}
    assert set(rows) == {SNV[0], STC[0], "000.00.00.G22"}  # the agencies and the external one; not the unit
    assert rows[SNV[0]].state == ReplyState.ANSWERED and rows[SNV[0]].replies[0]["symbol"] == "05/SNV-VP"
    assert rows[STC[0]].state == ReplyState.DUE and rows[STC[0]].due == date(2026, 12, 10)

    frozen_clock.set(datetime(2026, 12, 11, 2, 0, tzinfo=UTC))  # the day after the reply date
    overdue = replies_due(office.clerk, "overdue")
    assert {r.recipient.code for r in overdue} == {STC[0], "000.00.00.G22"}
    assert [r.recipient.code for r in replies_due(office.clerk, "answered")] == [SNV[0]]
    assert replies_due(office.clerk, "due") == []
    assert replies_due(office.snv.clerk) == []  # another agency sees none of ours

    login(client, "vanthu")
    page = client.get("/outgoing/replies-due?state=overdue").get_data(as_text=True)
    assert "Quá hạn trả lời" in page and "Sở Tài chính" in page and "05/SNV-VP" not in page
    page = client.get("/outgoing/replies-due?state=answered").get_data(as_text=True)
    assert "05/SNV-VP" in page and f"/outgoing/{document.id}" in page

    response = client.get("/api/v1/outgoing/replies-due?state=overdue", headers=api_token(office.clerk))
    assert response.status_code == 200
    assert {(i["recipient_code"], i["state"], i["reply_due"]) for i in response.json["items"]} == {
        (STC[0], "overdue", "2026-12-10"),
        ("000.00.00.G22", "overdue", "2026-12-10"),
    }
    assert client.get("/api/v1/outgoing/replies-due?state=late", headers=api_token(office.clerk)).status_code == 422
