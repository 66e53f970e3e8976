"""Incoming pages and REST endpoints."""

import io
import json

import sqlalchemy as sa

from app.audit.models import AuditEvent
from app.core.db import db
from app.core.folding import fold_vietnamese
from app.incoming.models import IncomingDocument
from app.workflow.models import HumanTask
from tests.conftest import csrf_token, login
from tests.incoming.conftest import METADATA


def test_clerk_receives_a_paper_document_on_the_page(client, incoming_office, signed_pdf):
    login(client, "vanthu")
    token = csrf_token(client, "/incoming/new")
    bad = client.post(
        "/incoming/new",
        data={
            "csrf_token": token,
            "channel": "electronic",
            **METADATA,
            "subject": "",
            "files": (io.BytesIO(b"\xff\xd8\xff\xe0 jpeg"), "anh.jpg"),
        },
        content_type="multipart/form-data",
    )
    assert bad.status_code == 422
    html = bad.get_data(as_text=True)
    assert "Trích yếu nội dung: trường này là bắt buộc." in html and "Sở Nội vụ tỉnh Kiên Giang" in html  # kept
    # The file is faulted in the same answer as the fields, not on the next try
    assert "phải là tệp PDF" in html and 'id="err-files"' in html
    no_file = client.post(
        "/incoming/new",
        data={"csrf_token": token, "channel": "paper", **METADATA, "subject": ""},
        content_type="multipart/form-data",
    ).get_data(as_text=True)
    assert "Chưa có tệp văn bản." in no_file and "Trích yếu nội dung: trường này" in no_file
    only_fields = client.post(
        "/incoming/new",
        data={
            "csrf_token": token,
            "channel": "paper",
            **METADATA,
            "subject": "",
            "files": (io.BytesIO(signed_pdf), "a.pdf"),
        },
        content_type="multipart/form-data",
    ).get_data(as_text=True)
    assert 'data-testid="choose-files-again"' in only_fields  # the browser dropped the file: said so
    secret = client.post(
        "/incoming/new",
        data={"csrf_token": token, "channel": "paper", **METADATA, "secrecy": "mat"},
        content_type="multipart/form-data",
    )
    # The secrecy chosen stays chosen: sent again as it stands, a secret document is refused again, never
    # registered as "Không mật".
    assert secret.status_code == 422 and '<option value="mat" selected>Mật</option>' in secret.get_data(as_text=True)
    ok = client.post(
        "/incoming/new",
        data={
            "csrf_token": token,
            "channel": "electronic",
            **METADATA,
            "files": (io.BytesIO(signed_pdf), "cong-van-123.pdf"),
        },
        content_type="multipart/form-data",
    )
    assert ok.status_code == 302
    document = db.session.scalar(sa.select(IncomingDocument))
    page = client.get(f"/incoming/{document.id}").get_data(as_text=True)
    assert "Chữ ký số hợp lệ" in page and "Về việc báo cáo số lượng biên chế" in page and "Chờ tiếp nhận" in page
    assert "Số trang lấy theo tệp văn bản: 1 (đã nhập 2)" in page  # the count the file gives, said
    assert "Đã đến" in page  # status 01 recorded for the sender
    pdf = client.get(f"/incoming/{document.id}/files/{document.files[0].id}")
    assert pdf.status_code == 200 and pdf.data == signed_pdf and pdf.mimetype == "application/pdf"
    views = db.session.scalar(
        sa.select(sa.func.count()).select_from(AuditEvent).where(AuditEvent.action == "incoming.view")
    )
    assert views == 1  # the page and the file its viewer fetched: one reading, audited once
    task = db.session.scalar(sa.select(HumanTask))
    task_page = client.get(f"/tasks/{task.id}").get_data(as_text=True)
    assert 'data-testid="incoming-summary"' in task_page and "Tiếp nhận" in task_page


# NĐ 30 Phụ lục VI III.6.d
def test_list_search_ignores_diacritics(client, incoming_office, signed_pdf):
    from app.incoming import services
    from tests.incoming.conftest import upload

    services.receive_incoming(
        incoming_office.clerk, channel="electronic", metadata=METADATA, uploads=upload(signed_pdf)
    )
    services.receive_incoming(
        incoming_office.clerk,
        channel="electronic",
        metadata={**METADATA, "code_number": "7", "subject": "Quyết định khen thưởng năm 2026"},
        uploads=upload(signed_pdf),
    )
    login(client, "vanthu")
    found = client.get("/incoming?q=quyet+dinh").get_data(as_text=True)
    assert "Quyết định khen thưởng" in found and "biên chế" not in found
    assert "biên chế" in client.get("/incoming?q=bien che").get_data(as_text=True)
    assert "Quyết định khen thưởng" in client.get("/incoming?symbol=7/SNV-TCBC").get_data(as_text=True)
    assert "Quyết định khen thưởng" not in client.get("/incoming?symbol=17/SNV").get_data(as_text=True)
    for part in ("TCBC", "7/SNV", "snv-tc"):  # part of the số/ký hiệu, in the symbol field or the search box
        assert "Quyết định khen thưởng" in client.get(f"/incoming?symbol={part}").get_data(as_text=True), part
        assert "Quyết định khen thưởng" in client.get(f"/incoming?q={part}").get_data(as_text=True), part
    sender = fold_vietnamese(METADATA["sender_name"])  # typed without diacritics
    assert "Quyết định khen thưởng" in client.get("/incoming", query_string={"sender": sender}).get_data(as_text=True)
    assert "Quyết định khen thưởng" in client.get("/incoming", query_string={"q": sender}).get_data(as_text=True)
    # Dates the wrong way round find nothing, and the page says why
    backwards = client.get("/incoming?date_from=2026-12-10&date_to=2026-12-01").get_data(as_text=True)
    assert 'data-testid="date-range-problem">“Đến ngày” phải sau hoặc bằng “Từ ngày”.' in backwards
    book = client.get("/incoming/register.pdf?date_from=2026-12-10&date_to=2026-12-01")
    assert book.status_code == 422 and "“Đến ngày” phải sau hoặc bằng “Từ ngày”." in book.get_data(as_text=True)
    assert "date-range-problem" not in client.get("/incoming?date_from=2026-12-01&date_to=2026-12-10").get_data(
        as_text=True
    )


def test_api_intake_detail_search_and_tenancy(
    client, incoming_office, signed_pdf, api_token, create_user, create_agency
):
    clerk = api_token(incoming_office.clerk)
    response = client.post(
        "/api/v1/incoming",
        headers=clerk,
        content_type="multipart/form-data",
        data={
            "metadata": json.dumps({**METADATA, "message_id": "lgsp-2026-0001"}, ensure_ascii=False),
            "files": (io.BytesIO(signed_pdf), "cong-van-123.pdf"),
        },
    )
    assert response.status_code == 201, response.json
    body = response.json
    assert body["status"] == "received" and body["files"][0]["signature_valid"] is True
    assert [s["code"] for s in body["statuses"]] == ["01"] and body["tasks"][0]["task_name"] == "check_document"
    again = client.post(
        "/api/v1/incoming",
        headers=clerk,
        content_type="multipart/form-data",
        data={
            "metadata": json.dumps({**METADATA, "message_id": "lgsp-2026-0001"}),
            "files": (io.BytesIO(signed_pdf), "cong-van-123.pdf"),
        },
    )
    assert again.json["id"] == body["id"]  # delivered once
    bad = client.post(
        "/api/v1/incoming",
        headers=clerk,
        content_type="multipart/form-data",
        data={"metadata": "{not json", "files": (io.BytesIO(signed_pdf), "a.pdf")},
    )
    assert bad.status_code == 422 and bad.json["code"] == "validation_error"
    secret = client.post(
        "/api/v1/incoming",
        headers=clerk,
        content_type="multipart/form-data",
        data={"metadata": json.dumps({**METADATA, "secrecy": "toi_mat"}), "files": (io.BytesIO(signed_pdf), "a.pdf")},
    )
    assert secret.status_code == 422 and secret.json["code"] == "secret_document_refused"

    listing = client.get("/api/v1/incoming?q=bien che", headers=clerk).json["items"]
    assert [d["id"] for d in listing] == [body["id"]]
    download = client.get(f"/api/v1/incoming/{body['id']}/files/{body['files'][0]['id']}", headers=clerk)
    assert download.data == signed_pdf
    stranger = api_token(create_user(roles=("van_thu",), agency=create_agency()))
    assert client.get(f"/api/v1/incoming/{body['id']}", headers=stranger).status_code == 404
    assert client.get("/api/v1/incoming", headers=stranger).json == {"items": [], "next_cursor": None}


def test_printed_register_has_the_ten_columns_and_vietnamese_text(client, incoming_office, signed_pdf, frozen_clock):
    from pypdf import PdfReader

    from app.incoming import services
    from app.workflow import services as wf
    from tests.incoming.conftest import upload
    from tests.workflow.conftest import open_tasks

    document = services.receive_incoming(
        incoming_office.clerk, channel="electronic", metadata=METADATA, uploads=upload(signed_pdf)
    )
    from app.workflow.models import WorkflowInstance

    instance = db.session.scalar(sa.select(WorkflowInstance))
    [check] = open_tasks(instance)
    wf.complete_task(incoming_office.clerk, check.id, {}, outcome="tiep_nhan")
    [register] = open_tasks(instance)
    wf.complete_task(
        incoming_office.clerk,
        register.id,
        {"sender_name": METADATA["sender_name"], "type_name": "Công văn", "subject": METADATA["subject"]},
    )
    login(client, "vanthu")
    response = client.get(f"/incoming/register.pdf?year={document.arrival_year}")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    reader = PdfReader(io.BytesIO(response.data))
    cover, table = (page.extract_text() for page in reader.pages[:2])
    assert "SỔ ĐĂNG KÝ VĂN BẢN ĐẾN" in cover and "Năm: 2026" in cover and "Từ số 01 đến số 01" in cover
    assert "ỦY BAN NHÂN DÂN TỈNH KIÊN GIANG" in cover
    for heading in ("Ngày đến", "Số đến", "Tác giả", "Tên loại và trích yếu nội dung văn bản", "Ký nhận", "(10)"):
        assert heading in table
    assert "Sở Nội vụ tỉnh Kiên" in table and "123/SNV-TCBC" in table
    assert "biên chế công" in table and "chức năm 2027" in table
    client.post("/logout", data={"csrf_token": csrf_token(client, "/")})
    login(client, "cv.a1")
    assert client.get("/incoming/register.pdf").status_code == 403


def test_api_metadata_is_checked_for_types_and_lengths(client, incoming_office, api_token, signed_pdf):
    import io
    import json

    headers = api_token(incoming_office.clerk)
    for metadata, field in (
        ({"subject": ["a", "b"], "sender_name": "Sở Tài chính", "type_name": "Công văn"}, "subject"),
        ({"subject": "Về việc", "sender_name": "STC", "type_name": "Công văn", "message_id": "m" * 101}, "message_id"),
        ({"subject": "Về việc", "sender_name": "STC", "type_name": "Công văn", "sender_code": "x" * 36}, "sender_code"),
        ({"subject": "Về việc", "sender_name": "STC", "type_name": "Công văn", "page_count": "mười"}, "page_count"),
    ):
        response = client.post(
            "/api/v1/incoming",
            headers=headers,
            data={"metadata": json.dumps(metadata), "files": (io.BytesIO(signed_pdf), "cv.pdf")},
            content_type="multipart/form-data",
        )
        assert response.status_code == 422 and field in response.json["details"], (field, response.json)


def test_openapi_describes_the_multipart_bodies(client):
    spec = client.get("/api/v1/openapi.json").json
    receive = spec["paths"]["/api/v1/incoming"]["post"]
    schema = receive["requestBody"]["content"]["multipart/form-data"]["schema"]
    assert set(schema["required"]) == {"files", "metadata"} and {"403", "422"} <= set(receive["responses"])
    edxml = spec["paths"]["/api/v1/incoming/edxml"]["post"]["requestBody"]["content"]["multipart/form-data"]
    assert "package" in edxml["schema"]["properties"]


def test_an_unsigned_pdf_received_as_electronic_is_flagged_at_once(client, incoming_office):
    from tests.signing.factories import make_pdf

    login(client, "vanthu")
    token = csrf_token(client, "/incoming/new")
    response = client.post(
        "/incoming/new",
        data={
            "csrf_token": token,
            "channel": "electronic",
            "sender_name": "Sở Nội vụ tỉnh Kiên Giang",
            "type_name": "Công văn",
            "subject": "Văn bản không ký số",
            "files": (io.BytesIO(make_pdf("Khong ky so")), "khong-ky.pdf"),
        },
        content_type="multipart/form-data",
        follow_redirects=True,
    )
    page = response.get_data(as_text=True)
    assert response.status_code == 200 and "không có chữ ký số hợp lệ" in page
    # … and stays flagged beside the file while the document waits, with what to do (NĐ 30/2020 Điều 21.2)
    assert 'data-testid="unsigned-electronic"' in page and "trả lại nơi gửi kèm lý do" in page


def test_the_receive_form_shows_each_part_for_its_channel_only(client, incoming_office):
    login(client, "vanthu")
    page = client.get("/incoming/new").get_data(as_text=True)
    assert 'data-show-for="channel=edxml"' in page and 'data-show-for="channel=paper,electronic"' in page
    assert page.count('for="description"') == 1  # one "Ghi chú"


def test_the_document_page_shows_the_signer_without_a_stray_dash(client, incoming_office, signed_pdf):
    from tests.incoming.conftest import receive

    position_only = receive(incoming_office, signed_pdf, signer_name="", message_id="signer-position-only")
    neither = receive(incoming_office, signed_pdf, signer_position="", signer_name="", message_id="signer-none")
    db.session.commit()
    login(client, "vanthu")

    def signer(document) -> str:
        page = client.get(f"/incoming/{document.id}").get_data(as_text=True)
        return page.split(">Người ký</dt>", 1)[1].split("</dd>", 1)[0].split(">", 1)[1].strip()

    assert signer(position_only) == "Giám đốc"
    assert signer(neither) == "—"
