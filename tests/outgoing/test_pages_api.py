"""Outgoing pages and REST endpoints: drafting on the page, the document page, tenancy, the API round trip."""

import io
import json

import pytest
import sqlalchemy as sa

from app.core.db import db
from app.outgoing import services
from app.outgoing.models import OutgoingDocument
from app.signing.sample import example_draft
from app.workflow.definitions import sync_processes
from app.workflow.models import HumanTask
from tests.conftest import csrf_token, login

SUBJECT = "V/v triển khai hệ thống quản lý văn bản và điều hành"
LEADER_NAME = "Trần Văn Minh"  # the office's leader (tests/workflow/conftest.py), printed in the signer block


@pytest.fixture(scope="module")
def draft_pdf():
    return example_draft(signer_name=LEADER_NAME)


@pytest.fixture
def sending(office, create_agency, frozen_clock):
    """The office (UBND tỉnh) and one more agency of the deployment to send to; the clock frozen (the reply dates
    typed, 15/12/2026, are deadlines a person sets: not past on any day the suite runs)."""
    office.department = create_agency(code="000.00.01.H33", name="Sở Nội vụ tỉnh Kiên Giang", abbreviation="SNV")
    return office


def form_data(office, **extra) -> dict:
    """What a specialist types into "Soạn văn bản đi"."""
    data = {
        "type_code": "CV",
        "subject": SUBJECT,
        "urgency": "khan",
        "secrecy": "none",
        "place": "Rạch Giá",  # NĐ 30/2020 Phụ lục I, Phần I, II.4.a: required at Trình
        "drafting_unit_id": str(office.unit_a.id),
        "signer_id": str(office.leader.id),
        "signer_authority": "KT.",
        "signer_title": "PHÓ CHỦ TỊCH",
        "recipient_agency_codes": [office.department.code],
        "recipient_unit_ids": [str(office.unit_b.id)],
        "recipients_external": "000.00.00.G22 | Văn phòng Chính phủ",
        "reply_requested": "1",
        "reply_due": "2026-12-15",
    }
    data.update(extra)
    return data


def draft(office, **metadata):
    """A draft made by the office's specialist cv.a1 through the service (one unit of work, as a page would)."""
    from app.documents.uploads import Upload

    values = {
        "type_code": "CV",
        "subject": SUBJECT,
        "place": "Rạch Giá",
        "drafting_unit_id": office.unit_a.id,
        "signer_id": office.leader.id,
        "recipient_agency_codes": [office.department.code],
        **metadata,
    }
    return services.create_draft(
        office.spec_a1,
        metadata=values,
        upload=Upload("du-thao.pdf", example_draft(signer_name=LEADER_NAME)),
        attachments=[],
    )


def test_every_role_finds_the_outgoing_pages(client, sending):
    for username in ("vanthu", "lanhdao", "truongphong", "cv.a1", "quantri"):
        login(client, username)
        home = client.get("/").get_data(as_text=True)
        assert 'href="/outgoing"' in home and "Văn bản đi" in home
        listing = client.get("/outgoing")
        assert listing.status_code == 200 and "Của tôi" in listing.get_data(as_text=True)
        assert "Toàn cơ quan" in listing.get_data(as_text=True)
        assert client.get("/outgoing/new").status_code == 200
        register = client.get("/outgoing/register")
        assert register.status_code == (200 if username in ("vanthu", "lanhdao", "quantri") else 403), username
        client.post("/logout", data={"csrf_token": csrf_token(client, "/")})


def test_specialist_drafts_with_a_pdf_on_the_page(client, sending, draft_pdf):
    login(client, "cv.a1")
    page = client.get("/outgoing/new").get_data(as_text=True)
    for label in ("Loại văn bản", "Trích yếu nội dung", "Độ khẩn", "Đơn vị soạn thảo", "Người ký", "Thẩm quyền ký"):
        assert f">{label}<" in page or f">{label}<span" in page, label
    assert "Sở Nội vụ tỉnh Kiên Giang" in page and "Trần Văn Minh" in page  # recipients and signers offered
    response = client.post(
        "/outgoing/new",
        data={
            "csrf_token": csrf_token(client, "/outgoing/new"),
            **form_data(sending),
            "file": (io.BytesIO(draft_pdf), "du-thao-cong-van.pdf"),
            "attachments": [(io.BytesIO(draft_pdf), "phu-luc.pdf")],
        },
        content_type="multipart/form-data",
    )
    assert response.status_code == 302, response.get_data(as_text=True)
    document = db.session.scalar(sa.select(OutgoingDocument))
    assert response.headers["Location"].endswith(f"/outgoing/{document.id}")
    assert document.drafter_id == sending.spec_a1.id and document.urgency == "khan"
    names = {r.name for r in document.recipients}
    assert names == {"Sở Nội vụ tỉnh Kiên Giang", "Phòng Kinh tế", "Văn phòng Chính phủ"}

    html = client.get(f"/outgoing/{document.id}").get_data(as_text=True)
    assert SUBJECT in html and "Dự thảo" in html and "Chưa ký số" in html
    assert 'data-testid="pdf-viewer"' in html and "du-thao-cong-van.pdf" in html and "phu-luc.pdf" in html
    assert "Văn phòng Chính phủ" in html and "000.00.00.G22" in html  # the recipients table
    assert "Trình duyệt" in html and "Sửa dự thảo" in html and "Tải lên phiên bản mới" in html
    [version] = document.versions
    pdf = client.get(f"/outgoing/{document.id}/versions/{version.id}")
    assert pdf.status_code == 200 and pdf.data == draft_pdf and pdf.mimetype == "application/pdf"

    mine = client.get("/outgoing?tab=mine&q=quan ly van ban").get_data(as_text=True)  # no diacritics
    assert SUBJECT in mine
    assert SUBJECT not in client.get("/outgoing?q=khen thuong").get_data(as_text=True)

    # A new version (lần 2) from the document page.
    token = csrf_token(client, f"/outgoing/{document.id}")
    again = client.post(
        f"/outgoing/{document.id}/versions",
        data={"csrf_token": token, "note": "Sửa theo góp ý", "file": (io.BytesIO(draft_pdf), "du-thao-lan-2.pdf")},
        content_type="multipart/form-data",
    )
    assert again.status_code == 302
    db.session.expire_all()
    assert [v.number for v in document.versions] == [1, 2]
    assert "Sửa theo góp ý" in client.get(f"/outgoing/{document.id}").get_data(as_text=True)


def test_bad_input_keeps_everything_typed(client, sending, draft_pdf):
    login(client, "cv.a1")
    token = csrf_token(client, "/outgoing/new")
    bad = client.post(
        "/outgoing/new",
        data={"csrf_token": token, **form_data(sending, type_code="", subject="abc")},
        content_type="multipart/form-data",
    )
    assert bad.status_code == 422
    html = bad.get_data(as_text=True)
    assert "Chọn loại văn bản." in html and "Nhập trích yếu nội dung" in html  # next to their fields
    assert "PHÓ CHỦ TỊCH" in html and "000.00.00.G22 | Văn phòng Chính phủ" in html and "2026-12-15" in html
    assert f'value="{sending.department.code}" checked' in html  # the ticked recipient stays ticked
    assert f'<option value="{sending.leader.id}" selected' in html
    assert db.session.scalar(sa.select(sa.func.count()).select_from(OutgoingDocument)) == 0

    secret = client.post(
        "/outgoing/new",
        data={"csrf_token": token, **form_data(sending, secrecy="toi_mat")},
        content_type="multipart/form-data",
    )
    assert secret.status_code == 422 and "bí mật nhà nước" in secret.get_data(as_text=True)
    not_pdf = client.post(
        "/outgoing/new",
        data={"csrf_token": token, **form_data(sending), "file": (io.BytesIO(b"just text"), "du-thao.pdf")},
        content_type="multipart/form-data",
    )
    assert not_pdf.status_code == 422 and 'id="err-file"' in not_pdf.get_data(as_text=True)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(OutgoingDocument)) == 0


def test_another_agency_cannot_reach_a_draft(client, sending, create_user, create_agency):
    document = draft(sending)
    version = document.versions[0]
    create_user(roles=("van_thu", "lanh_dao"), agency=create_agency(), username="khac")
    login(client, "khac")
    for path in (
        f"/outgoing/{document.id}",
        f"/outgoing/{document.id}/edit",
        f"/outgoing/{document.id}/versions/{version.id}",
    ):
        assert client.get(path).status_code == 404, path
    token = csrf_token(client, "/outgoing")
    comment = client.post(f"/outgoing/{document.id}/comment", data={"csrf_token": token, "comment": "x"})
    assert comment.status_code == 404
    assert SUBJECT not in client.get("/outgoing?tab=all").get_data(as_text=True)


def test_editing_a_draft_and_submitting_it_shows_the_task_card(client, sending):
    sync_processes()
    document = draft(sending)
    login(client, "cv.a1")
    form = client.get(f"/outgoing/{document.id}/edit").get_data(as_text=True)
    assert SUBJECT in form and f'value="{sending.department.code}" checked' in form
    token = csrf_token(client, f"/outgoing/{document.id}/edit")
    saved = client.post(
        f"/outgoing/{document.id}/edit",
        data={"csrf_token": token, **form_data(sending, subject="V/v báo cáo tình hình ứng dụng công nghệ thông tin")},
    )
    assert saved.status_code == 302
    db.session.expire_all()
    assert document.subject.startswith("V/v báo cáo") and document.reply_requested is True

    submitted = client.post(f"/outgoing/{document.id}/submit", data={"csrf_token": token})
    assert submitted.status_code == 302
    db.session.expire_all()
    assert document.status != "draft"
    task = db.session.scalar(sa.select(HumanTask).where(HumanTask.object_id == str(document.id)))
    client.post("/logout", data={"csrf_token": csrf_token(client, "/")})
    login(client, "truongphong")
    page = client.get(f"/tasks/{task.id}").get_data(as_text=True)
    assert 'data-testid="outgoing-summary"' in page and "V/v báo cáo tình hình" in page
    assert "Xử lý bước" in client.get(f"/outgoing/{document.id}").get_data(as_text=True)


def test_incoming_document_offers_a_reply(client, sending, draft_pdf):
    from app.documents.uploads import Upload
    from app.incoming import services as incoming

    sync_processes()
    received = incoming.receive_incoming(
        sending.clerk,
        channel="paper",
        metadata={
            "sender_name": "Sở Nội vụ tỉnh Kiên Giang",
            "code_number": "123",
            "code_notation": "SNV-TCBC",
            "issued_date": "2026-11-20",
            "type_name": "Công văn",
            "subject": "Về việc báo cáo số lượng biên chế công chức năm 2027",
        },
        uploads=[Upload("cong-van-123.pdf", draft_pdf, is_main=True)],
    )
    login(client, "vanthu")
    page = client.get(f"/incoming/{received.id}").get_data(as_text=True)
    assert f'href="/outgoing/new?reply_to={received.id}"' in page and "Soạn văn bản trả lời" in page
    form = client.get(f"/outgoing/new?reply_to={received.id}").get_data(as_text=True)
    assert f'<option value="{received.id}" selected' in form

    from app.outgoing import services

    received.lead_user_id = sending.spec_a1.id  # directed to the drafter: a reply answers what one may see
    db.session.flush()
    reply = services.create_draft(
        sending.spec_a1,
        metadata={
            "type_code": "CV",
            "subject": "Về việc báo cáo số lượng biên chế năm 2027",
            "signer_id": sending.leader.id,
            "reply_to_id": received.id,
        },
    )
    page = client.get(f"/incoming/{received.id}").get_data(as_text=True)
    assert "Văn bản trả lời" in page and f'href="/outgoing/{reply.id}"' in page  # the reply is listed with its draft


def test_api_round_trip(client, sending, draft_pdf, api_token, create_user, create_agency):
    sync_processes()
    headers = api_token(sending.spec_a1)
    metadata = {
        "type_code": "CV",
        "subject": SUBJECT,
        "drafting_unit_id": sending.unit_a.id,
        "signer_id": sending.leader.id,
        "signer_authority": "KT.",
        "recipient_agency_codes": [sending.department.code],
        "recipients_external": [{"code": "000.00.00.G22", "name": "Văn phòng Chính phủ"}],
        "reply_due": "2026-12-15",
    }
    created = client.post("/api/v1/outgoing", headers=headers, json=metadata)
    assert created.status_code == 201, created.json
    body = created.json
    assert body["status"] == "draft" and body["versions"] == [] and len(body["recipients"]) == 2
    document_id = body["id"]

    changed = client.patch(f"/api/v1/outgoing/{document_id}", headers=headers, json={"urgency": "hoa_toc"})
    assert changed.status_code == 200 and changed.json["urgency"] == "hoa_toc" and changed.json["subject"] == SUBJECT
    version = client.post(
        f"/api/v1/outgoing/{document_id}/versions",
        headers=headers,
        data={"file": (io.BytesIO(draft_pdf), "du-thao.pdf"), "note": "lần đầu"},
        content_type="multipart/form-data",
    )
    assert version.status_code == 201 and version.json["number"] == 1 and version.json["stage"] == "draft"
    attachment = client.post(
        f"/api/v1/outgoing/{document_id}/attachments",
        headers=headers,
        data={"file": (io.BytesIO(draft_pdf), "phu-luc.pdf")},
        content_type="multipart/form-data",
    )
    assert attachment.status_code == 201 and attachment.json["signed"] is False
    download = client.get(f"/api/v1/outgoing/{document_id}/versions/{version.json['id']}", headers=headers)
    assert download.data == draft_pdf

    multipart = client.post(
        "/api/v1/outgoing",
        headers=headers,
        data={
            "metadata": json.dumps({**metadata, "subject": "V/v góp ý dự thảo quy chế"}, ensure_ascii=False),
            "file": (io.BytesIO(draft_pdf), "du-thao-2.pdf"),
        },
        content_type="multipart/form-data",
    )
    assert multipart.status_code == 201 and [v["number"] for v in multipart.json["versions"]] == [1]

    # NĐ 30/2020 Phụ lục I, Phần I, II.4.a: no Trình without the place of "Địa danh, ngày … tháng … năm …".
    refused = client.post(f"/api/v1/outgoing/{document_id}/submit", headers=headers)
    assert refused.status_code == 422 and refused.json["code"] == "outgoing_incomplete"
    assert "place" in refused.json["details"]
    client.patch(f"/api/v1/outgoing/{document_id}", headers=headers, json={"place": "Rạch Giá"})
    submitted = client.post(f"/api/v1/outgoing/{document_id}/submit", headers=headers)
    assert submitted.status_code == 200, submitted.json
    assert submitted.json["status"] != "draft" and submitted.json["tasks"]
    listing = client.get("/api/v1/outgoing?q=quan ly van ban", headers=headers).json["items"]
    assert [d["id"] for d in listing] == [document_id]
    statuses = client.get(f"/api/v1/outgoing/{document_id}/recipients", headers=headers).json
    assert {s["name"] for s in statuses} == {"Sở Nội vụ tỉnh Kiên Giang", "Văn phòng Chính phủ"}
    assert all(s["status_code"] is None and s["history"] == [] for s in statuses)  # nothing sent yet

    # Refusals carry stable codes.
    early = client.post(f"/api/v1/outgoing/{document_id}/recall", headers=headers, json={"reason": "sai sót"})
    assert early.status_code == 403 and early.json["code"] == "cannot_recall"  # a specialist does not recall
    secret = client.post("/api/v1/outgoing", headers=headers, json={**metadata, "secrecy": "mat"})
    assert secret.status_code == 422 and secret.json["code"] == "secret_document_refused"
    invalid = client.post("/api/v1/outgoing", headers=headers, json={**metadata, "type_code": "", "copies": "many"})
    assert invalid.status_code == 422 and invalid.json["code"] == "validation_error"
    assert "copies" in invalid.json["details"]
    again = client.patch(f"/api/v1/outgoing/{document_id}", headers=headers, json={"subject": "V/v sửa sau khi trình"})
    assert again.status_code == 409 and again.json["code"] == "outgoing_not_editable"
    stranger = api_token(create_user(roles=("van_thu",), agency=create_agency()))
    hidden = client.get(f"/api/v1/outgoing/{document_id}", headers=stranger)
    assert hidden.status_code == 404 and hidden.json["code"] == "outgoing_not_found"
    assert client.get("/api/v1/outgoing", headers=stranger).json == {"items": [], "next_cursor": None}
    assert client.get("/api/v1/outgoing").status_code == 401


def test_openapi_lists_the_outgoing_paths_and_their_error_codes(client):
    spec = client.get("/api/v1/openapi.json").json
    paths = spec["paths"]
    for path in (
        "/api/v1/outgoing",
        "/api/v1/outgoing/{document_id}",
        "/api/v1/outgoing/{document_id}/versions",
        "/api/v1/outgoing/{document_id}/attachments",
        "/api/v1/outgoing/{document_id}/submit",
        "/api/v1/outgoing/{document_id}/recipients",
        "/api/v1/outgoing/{document_id}/recall",
        "/api/v1/outgoing/register.pdf",
    ):
        assert path in paths, path
    create = paths["/api/v1/outgoing"]["post"]
    assert "secret_document_refused" in create["responses"]["422"]["description"]
    assert set(create["requestBody"]["content"]) == {"application/json", "multipart/form-data"}
    recall = paths["/api/v1/outgoing/{document_id}/recall"]["post"]["responses"]
    assert "outgoing_not_issued" in recall["409"]["description"]


def test_issued_document_page_shows_signatures_recipients_and_after_issue_actions(
    client, outgoing_office, frozen_clock, draft_bytes, attachment_bytes
):
    from tests.outgoing.conftest import issued_document

    org = outgoing_office
    document = issued_document(org, draft_bytes, attachments=[("ke-hoach.pdf", attachment_bytes)])
    login(client, "vanthu")
    html = client.get(f"/outgoing/{document.id}").get_data(as_text=True)
    assert "Đã phát hành" in html and document.symbol == "01/UBND-TH" and "01/UBND-TH" in html
    # verify_pdf of the issued original: the leader's signature then the seal, only form filling after the first.
    assert "Chữ ký số hợp lệ" in html and "Trần Văn Minh" in html
    assert "sau khi ký chỉ điền biểu mẫu (số, ngày) hoặc ký tiếp" in html
    assert "Bản phát hành" in html and "Đã ký số cá nhân" in html  # the versions list
    assert "đã ký số của cơ quan" in html  # the attachment's organization signature
    # The recipients in the deployment received it (01), the external one has a package to download.
    assert html.count(">01</span>") == 2 and "Đã đến" in html
    external = next(r for r in document.recipients if r.kind == "external")
    package = client.get(f"/outgoing/{document.id}/recipients/{external.id}/package")
    assert package.status_code == 200 and ".edxml" in package.headers["Content-Disposition"]
    assert b"000.00.00.G22" in package.data
    assert "Thu hồi văn bản" in html and "Tạo văn bản thay thế" in html and "Sửa dự thảo" not in html

    # STC's clerk refuses it with a reason (02): the page shows the reason and offers "Gửi lại".
    refuse_at(org.stc, "Gửi nhầm cơ quan")
    html = client.get(f"/outgoing/{document.id}").get_data(as_text=True)
    assert ">02</span>" in html and "Từ chối tiếp nhận" in html and "Lý do: Gửi nhầm cơ quan" in html
    stc = next(r for r in document.recipients if r.agency_id == org.stc.agency.id)
    token = csrf_token(client, f"/outgoing/{document.id}")
    resent = client.post(f"/outgoing/{document.id}/recipients/{stc.id}/resend", data={"csrf_token": token})
    assert resent.status_code == 302
    db.session.expire_all()
    assert stc.status_code == "01"
    assert "Đã gửi lại văn bản." in client.get(f"/outgoing/{document.id}").get_data(as_text=True)

    replaced = client.post(f"/outgoing/{document.id}/related", data={"csrf_token": token, "relation": "replace"})
    assert replaced.status_code == 302 and "/edit" in replaced.headers["Location"]
    successor = db.session.scalar(sa.select(OutgoingDocument).where(OutgoingDocument.related_id == document.id))
    assert successor.relation == "replace"
    assert "Thay thế văn bản" in client.get(f"/outgoing/{successor.id}").get_data(as_text=True)

    refused = client.post(f"/outgoing/{document.id}/recall", data={"csrf_token": token, "reason": ""})
    assert refused.status_code == 302 and refused.headers["Location"].endswith("#recall")  # the panel opens again
    assert "Nhập lý do thu hồi" in client.get(f"/outgoing/{document.id}").get_data(as_text=True)
    recalled = client.post(f"/outgoing/{document.id}/recall", data={"csrf_token": token, "reason": "Sai thể thức"})
    assert recalled.status_code == 302
    page = client.get(f"/outgoing/{document.id}").get_data(as_text=True)
    assert 'data-testid="recall-banner"' in page and "Sai thể thức" in page and "Đã yêu cầu thu hồi" in page


def refuse_at(receiver, reason: str) -> None:
    """The receiving agency's clerk sends the delivered document back (trả lại), which tells the sender 02."""
    from app.incoming.models import IncomingDocument
    from app.workflow import services as wf

    incoming = db.session.scalar(sa.select(IncomingDocument).where(IncomingDocument.agency_id == receiver.agency.id))
    task = db.session.scalar(
        sa.select(HumanTask).where(
            HumanTask.object_type == "incoming", HumanTask.object_id == str(incoming.id), HumanTask.state == "ready"
        )
    )
    wf.complete_task(receiver.clerk, task.id, {"ly_do_tra_lai": reason}, outcome="tra_lai")
