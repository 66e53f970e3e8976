"""Thu hồi (NĐ 30/2020 Điều 18.4): the recall freezes the document; recipients answer 15 or 16; related documents."""

import pytest
import sqlalchemy as sa

from app.core.db import db
from app.core.errors import Conflict, PermissionDenied, ValidationError
from app.core.transaction import unit_of_work
from app.documents.uploads import Upload
from app.incoming import permissions as incoming_permissions
from app.incoming import recall as incoming_recall
from app.incoming.models import IncomingDocument, IncomingStatus
from app.notifications.models import Notification
from app.outgoing import permissions, services, tracking
from app.outgoing.models import OutgoingStatus, Relation
from app.outgoing.recall import recall_outgoing
from tests.conftest import login
from tests.outgoing.conftest import SNV, STC, issue, issued_document, new_draft, sign, to_signing

REASON = "Văn bản ban hành sai thẩm quyền, thu hồi để ban hành lại."


def incoming_at(receiver) -> IncomingDocument:
    return db.session.scalar(sa.select(IncomingDocument).where(IncomingDocument.agency_id == receiver.agency.id))


def recipient(document, code):
    return next(r for r in document.recipients if r.code == code)


def test_recall_asks_every_agency_and_their_answers_come_back(outgoing_office, draft_bytes):
    office = outgoing_office
    document = issued_document(office, draft_bytes)
    with pytest.raises(PermissionDenied):
        recall_outgoing(office.spec_a1, document.id, REASON)
    with pytest.raises(ValidationError):
        recall_outgoing(office.clerk, document.id, "  ")

    from app.dossiers import unfiled

    assert [u.id for u in unfiled.unfiled(office.spec_a1)] == [document.id]  # issued, to be filed
    with unit_of_work():
        recall_outgoing(office.clerk, document.id, REASON)
    # The log reads in order: the recall, then the requests it sent (each receiving agency's own event)
    from app.audit.models import AuditEvent

    actions = db.session.execute(
        sa.select(AuditEvent.action, AuditEvent.changes)
        .where(AuditEvent.action.in_(["outgoing.recall", "incoming.recall_request"]))
        .order_by(AuditEvent.seq)
    ).all()
    assert [a.action for a in actions] == ["outgoing.recall", "incoming.recall_request", "incoming.recall_request"]
    assert sorted(actions[0].changes["asked"]) == sorted(
        r.name for r in document.recipients if r.code in (SNV[0], STC[0])
    )
    assert document.status == OutgoingStatus.RECALLED and document.recall_reason == REASON
    assert unfiled.unfiled(office.spec_a1) == []  # recalled: never filed, so never asked for
    [told] = db.session.scalars(sa.select(Notification).where(Notification.kind == "outgoing_recalled")).all()
    assert (told.user_id, told.body) == (document.drafter_id, REASON)  # the drafter hears of it, with the reason
    at_snv, at_stc = incoming_at(office.snv), incoming_at(office.stc)
    assert at_snv.recall_pending and at_stc.recall_pending and at_snv.recall_note == REASON
    assert {recipient(document, code).status_code for code in (SNV[0], STC[0])} == {"13"}
    # Those who decide at each receiving agency (its văn thư and leader) are told at once
    asked = db.session.scalars(sa.select(Notification).where(Notification.kind == "incoming_recall_requested")).all()
    deciders = {office.snv.clerk.id, office.snv.leader.id, office.stc.clerk.id, office.stc.leader.id}
    assert {n.user_id for n in asked} >= deciders and office.snv.specialist.id not in {n.user_id for n in asked}
    told_snv = next(n for n in asked if n.user_id == office.snv.clerk.id)
    assert told_snv.url == f"/incoming/{at_snv.id}#xu-ly" and told_snv.body == REASON
    assert told_snv.title == f"{at_snv.sender_name} yêu cầu thu hồi văn bản {at_snv.symbol}", told_snv.title

    incoming_recall.accept_recall(office.snv.leader, at_snv.id)  # 15: SNV cancels its copy
    incoming_recall.refuse_recall(office.stc.clerk, at_stc.id, "Đã triển khai thực hiện")  # 16
    assert at_snv.status == IncomingStatus.RECALLED and at_stc.status != IncomingStatus.RECALLED
    agreed, refused = recipient(document, SNV[0]), recipient(document, STC[0])
    assert agreed.status_code == "15"
    assert refused.status_code == "16" and "Đã triển khai thực hiện" in refused.status_note
    # The refusal (16) leaves the document out there: the drafter and the sending agency's văn thư hear of it
    refusals = db.session.scalars(sa.select(Notification).where(Notification.kind == "outgoing_recall_refused")).all()
    assert {n.user_id for n in refusals} == {document.drafter_id, office.clerk.id}
    assert refusals[0].title.startswith(f"{refused.name} từ chối thu hồi văn bản {document.symbol}")
    assert "Đã triển khai thực hiện" in refusals[0].body and refusals[0].url == f"/outgoing/{document.id}"
    rows = {r["code"]: r for r in tracking.recipient_statuses(office.clerk, document.id)}
    assert [h["code"] for h in rows[SNV[0]]["history"]] == ["01", "13", "15"]
    assert [h["code"] for h in rows[STC[0]]["history"]] == ["01", "13", "16"]
    assert rows[STC[0]]["status_label"] == "Từ chối lấy lại" and not rows[STC[0]]["can_resend"]


# NĐ 30 Phụ lục VI III.8.a
def test_a_recalled_document_is_frozen(outgoing_office, draft_bytes):
    # NĐ 30 Phụ lục VI III.8.a: đóng băng văn bản đi và dữ liệu đặc tả khi có lệnh thu hồi — every change is refused
    # with one stable code, whoever asks (the drafter, the clerk), and the record stays as issued.
    office = outgoing_office
    document = issued_document(office, draft_bytes)
    recall_outgoing(office.leader, document.id, REASON)
    with pytest.raises(Conflict):
        recall_outgoing(office.clerk, document.id, REASON)
    drafter = office.spec_a1
    external = next(r for r in document.recipients if r.kind == "external")
    attempts = {
        "upload_version": lambda: services.upload_version(drafter, document.id, Upload("moi.pdf", draft_bytes)),
        "update_draft": lambda: services.update_draft(drafter, document.id, metadata={"subject": "Về việc khác"}),
        "update_by_clerk": lambda: services.update_draft(office.clerk, document.id, metadata={"subject": "Khác"}),
        "add_attachment": lambda: services.add_attachment(drafter, document.id, Upload("pl.pdf", draft_bytes)),
        "remove_attachment": lambda: services.remove_attachment(drafter, document.id, 1),
        "submit": lambda: services.submit(drafter, document.id),
        "comment": lambda: services.add_comment(office.leader, document.id, "Góp ý"),
        "cancel": lambda: services.cancel(office.clerk, document.id, "Hủy"),
        "resend": lambda: tracking.resend(office.clerk, document.id, recipient(document, SNV[0]).id),
        "export": lambda: tracking.external_package(office.clerk, document.id, external.id),
    }
    for name, attempt in attempts.items():
        with pytest.raises(Conflict) as err:
            attempt()
        assert err.value.code == "outgoing_recalled", name
    assert not permissions.can_edit(drafter, document) and permissions.is_frozen(document)
    assert [v.stage for v in document.versions][-1] == "issued"  # the original stays as the record
    assert document.status == OutgoingStatus.RECALLED and document.subject != "Về việc khác"


def test_a_recalled_document_is_shown_frozen_in_the_api_and_the_page(client, outgoing_office, draft_bytes, api_token):
    # NĐ 30 Phụ lục VI III.8.a through the REST API and the page.
    office = outgoing_office
    document = issued_document(office, draft_bytes)
    assert client.get(f"/api/v1/outgoing/{document.id}", headers=api_token(office.clerk)).json["is_frozen"] is False
    login(client, "vanthu")
    page = client.get(f"/outgoing/{document.id}").get_data(as_text=True)
    assert 'data-confirm="Thu hồi văn bản đã ban hành?' in page  # the recall is asked for once more
    with unit_of_work():  # as the page's request does: committed, with its audit event
        recall_outgoing(office.clerk, document.id, REASON)
    headers = api_token(office.spec_a1)
    detail = client.get(f"/api/v1/outgoing/{document.id}", headers=headers).json
    assert detail["status"] == "recalled" and detail["is_frozen"] is True
    changed = client.patch(f"/api/v1/outgoing/{document.id}", headers=headers, json={"subject": "Về việc khác"})
    assert changed.status_code == 409 and changed.json["code"] == "outgoing_recalled"
    commented = client.post(
        f"/api/v1/outgoing/{document.id}/comments", headers=api_token(office.leader), json={"comment": "Góp ý"}
    )
    assert commented.status_code == 409 and commented.json["code"] == "outgoing_recalled"
    page = client.get(f"/outgoing/{document.id}").get_data(as_text=True)
    assert 'data-testid="recall-banner"' in page and 'data-testid="frozen-note"' in page
    assert f"{office.clerk.full_name} thu hồi văn bản ngày" in page  # who did it, from the audit chain
    assert 'class="badge text-bg-dark" data-testid="outgoing-status">Đã thu hồi<' in page  # its own colour
    assert "trả lời đồng ý hoặc từ chối thu hồi" in page and "đồng ý (15)" not in page  # words, not codes


def test_a_correction_is_a_linked_cong_van_shown_on_both_pages(outgoing_office, draft_bytes):
    office = outgoing_office
    original = issued_document(office, draft_bytes, type_code="KH", subject="Kế hoạch triển khai phần mềm năm 2027")
    with pytest.raises(ValidationError):
        tracking.start_related(office.spec_a1, original.id, "merge")
    correction = tracking.start_related(office.spec_a1, original.id, Relation.CORRECT)
    assert (correction.type_code, correction.relation, correction.related_id) == ("CV", "correct", original.id)
    assert correction.subject.startswith(f"Đính chính Kế hoạch số {original.symbol}")
    assert correction.status == OutgoingStatus.DRAFT and correction.versions == []
    with pytest.raises(Conflict):  # only an issued document can be changed this way
        tracking.start_related(office.spec_a1, correction.id, Relation.UPDATE)
    assert tracking.related_documents(office.clerk, original.id)["successors"] == []  # a draft is not shown yet

    services.upload_version(office.spec_a1, correction.id, Upload("dinh-chinh.pdf", draft_bytes))
    to_signing(office, correction)
    sign(office, correction)
    issue(office, correction)
    assert correction.symbol == "02/UBND-TH"  # one register for every type here: the next number
    assert tracking.related_documents(office.clerk, original.id)["successors"] == [correction]
    shown = tracking.related_documents(office.spec_b, correction.id)
    assert (shown["original"], shown["relation"]) == (original, "correct")

    replacement = tracking.start_related(office.spec_a1, original.id, "replace")
    assert replacement.type_code == "KH" and f"thay thế văn bản số {original.symbol}" in replacement.subject
    assert [r.code for r in replacement.recipients] == [r.code for r in original.recipients]
    assert STC[0] in [r.code for r in replacement.recipients]


def test_comments_end_with_the_signature_for_the_page_and_the_service_alike(outgoing_office, draft_bytes):
    from app.outgoing import permissions
    from app.outgoing.views import actions_for

    office = outgoing_office
    document = new_draft(office, draft_bytes)
    to_signing(office, document)
    assert permissions.can_comment(document) and actions_for(office.clerk, document, [])["comment"]
    sign(office, document)
    assert not actions_for(office.clerk, document, [])["comment"]
    with pytest.raises(Conflict) as refused:
        services.add_comment(office.clerk, document.id, "Góp ý sau khi ký")
    assert refused.value.code == "outgoing_not_commentable"


def test_the_recipient_destroying_its_copy_keeps_the_senders_original(app, outgoing_office, draft_bytes):
    # NĐ 30 Phụ lục VI III.8.a–b in one deployment: the recipient destroys its incoming copy (b) while the sender's
    # recalled original stays frozen (a) — the same bytes in the content-addressed store stay for the sender.
    from app.core.transaction import unit_of_work

    office = outgoing_office
    store = app.extensions["qlvb.blobs"]
    with unit_of_work():
        document = issued_document(office, draft_bytes)
        recall_outgoing(office.clerk, document.id, REASON)
    at_snv = incoming_at(office.snv)
    digests = [f.sha256 for f in at_snv.files]
    with unit_of_work():
        incoming_recall.accept_recall(office.snv.leader, at_snv.id)
    record = incoming_recall.record_of(at_snv)
    assert [f.sha256 for f in record.files] == digests and at_snv.files == []
    issued = [v for v in document.versions if v.stage == "issued"][-1]
    assert issued.sha256 in digests  # the copy was the very file the sender issued…
    assert {f.sha256: f.fate for f in record.files}[issued.sha256] == "shared"
    assert store.read(issued.sha256)  # …and the sender keeps it
    assert recipient(document, SNV[0]).status_code == "15"


def test_a_recipient_that_sent_the_document_back_may_only_agree_to_its_recall(client, outgoing_office, draft_bytes):
    """A copy the recipient returned (02) still sits in its System as the record of the return: the recall cancels
    it (III.8.b), but a refusal (16) would tell the sender it keeps a document it never took."""
    from tests.outgoing.test_pages_api import refuse_at

    office = outgoing_office
    document = issued_document(office, draft_bytes)
    refuse_at(office.stc, "Gửi nhầm cơ quan")
    with unit_of_work():
        recall_outgoing(office.clerk, document.id, REASON)
    returned = incoming_at(office.stc)
    assert returned.recall_pending and not incoming_recall.may_refuse(returned)
    with pytest.raises(Conflict) as err:
        incoming_recall.refuse_recall(office.stc.clerk, returned.id, "Không đồng ý")
    assert err.value.code == "recall_of_returned" and recipient(document, STC[0]).status_code == "13"
    login(client, "vanthu.stc")
    page = client.get(f"/incoming/{returned.id}").get_data(as_text=True)
    assert 'data-testid="recall-returned"' in page and "Từ chối thu hồi</button>" not in page
    assert "Đồng ý thu hồi</button>" in page
    # A copy sent back is no document to answer or to print the handling slip of
    assert 'data-testid="draft-reply"' not in page and "Soạn văn bản trả lời</a>" not in page
    assert "In phiếu giải quyết</a>" not in page
    assert not incoming_permissions.can_answer(office.stc.clerk, returned.id)
    listed = client.get("/incoming").get_data(as_text=True)  # the list marks what waits for a decision
    assert listed.count('data-testid="recall-pending"') == 1
    incoming_recall.accept_recall(office.stc.clerk, returned.id)
    assert recipient(document, STC[0]).status_code == "15"
