"""Importing an edXML package (QCVN 102:2016, legal.md §4.2–4.6) as an electronic incoming document (issue #4)."""

import io

import pytest
import sqlalchemy as sa

from app.audit.models import AuditEvent
from app.core.db import db
from app.documents.uploads import Upload
from app.exchange.edxml import InvalidPackage, build_package, parse_package
from app.incoming import services
from app.incoming.models import IncomingDocument, IncomingFile
from tests.conftest import csrf_token, login
from tests.incoming.conftest import METADATA

DOCUMENT_ID = "000.00.01.H33,2026/11/20,123/SNV-TCBC"


def package(signed_pdf, **changes) -> bytes:
    attachments = changes.pop("attachments", None)
    metadata = {**METADATA, "urgency": "thuong_khan", "due_date": "2026-12-05", **changes}
    if attachments is None:
        attachments = [("phu-luc.zip", b"PK\x03\x04zip"), ("cong-van-123.pdf", signed_pdf, "application/pdf")]
    return build_package(metadata, attachments)


def import_package(clerk, data: bytes) -> IncomingDocument:
    pkg = parse_package(data)
    return services.receive_incoming(
        clerk,
        channel="electronic",
        metadata=pkg.metadata,
        uploads=[Upload(name, content, is_main=(i == 0)) for i, (name, content) in enumerate(pkg.uploads)],
        message_id=pkg.message_id,
    )


def nothing_written() -> bool:
    documents = db.session.scalar(sa.select(sa.func.count()).select_from(IncomingDocument))
    files = db.session.scalar(sa.select(sa.func.count()).select_from(IncomingFile))
    events = db.session.scalar(
        sa.select(sa.func.count()).select_from(AuditEvent).where(AuditEvent.action.like("incoming.%"))
    )
    return documents == files == events == 0


def test_parse_maps_the_header_to_intake_fields(signed_pdf):
    pkg = parse_package(package(signed_pdf, urgency="hoa_toc", recipients="UBND tỉnh; Sở Tài chính"))
    meta = pkg.metadata
    assert pkg.message_id == DOCUMENT_ID and pkg.business_type == 0
    assert meta["sender_code"] == "000.00.01.H33" and meta["sender_name"] == "Sở Nội vụ tỉnh Kiên Giang"
    assert (meta["code_number"], meta["code_notation"]) == ("123", "SNV-TCBC")
    assert meta["issued_date"] == "2026-11-20" and meta["due_date"] == "2026-12-05"
    assert meta["type_name"] == "Công văn" and meta["subject"] == METADATA["subject"]
    assert (meta["signer_position"], meta["signer_name"], meta["page_count"]) == ("Giám đốc", "Dương Văn Hùng", "2")
    assert meta["urgency"] == "hoa_toc" and meta["recipients"] == "UBND tỉnh; Sở Tài chính"
    assert [name for name, _ in pkg.uploads] == ["cong-van-123.pdf", "phu-luc.zip"]  # the first PDF is the main file
    assert pkg.uploads[0][1] == signed_pdf


@pytest.mark.parametrize(
    ("priority", "urgency"), [(0, "thuong"), (1, "khan"), (2, "thuong_khan"), (3, "hoa_toc"), (4, "hoa_toc")]
)
def test_priority_maps_to_urgency(signed_pdf, priority, urgency):
    assert parse_package(package(signed_pdf, priority=priority)).metadata["urgency"] == urgency


def test_priority_4_is_the_most_urgent_and_says_so(signed_pdf):
    """Hỏa tốc hẹn giờ (legal.md §4.4) is imported as Hỏa tốc, never Thường; the description keeps the timing."""
    meta = parse_package(package(signed_pdf, priority=4, description="Họp lúc 14 giờ")).metadata
    assert meta["urgency"] == "hoa_toc" and meta["description"] == "Hỏa tốc hẹn giờ. Họp lúc 14 giờ"
    assert parse_package(package(signed_pdf, priority=4)).metadata["description"] == "Hỏa tốc hẹn giờ"


def test_without_document_id_the_message_id_is_the_hash(signed_pdf):
    data = package(signed_pdf, code_number=None)
    pkg = parse_package(data)
    import hashlib

    assert pkg.message_id == hashlib.sha256(data).hexdigest()


def test_a_package_imports_once(incoming_office, signed_pdf):
    data = package(signed_pdf)
    document = import_package(incoming_office.clerk, data)
    assert document.channel == "electronic" and document.urgency == "thuong_khan"
    assert document.message_id == DOCUMENT_ID and document.document_key == DOCUMENT_ID
    assert document.sender_name == "Sở Nội vụ tỉnh Kiên Giang" and document.due_date.isoformat() == "2026-12-05"
    main = [f for f in document.files if f.is_main]
    assert len(main) == 1 and main[0].filename == "cong-van-123.pdf" and main[0].signature_valid is True
    assert len(document.files) == 2
    again = import_package(incoming_office.clerk, data)
    assert again.id == document.id
    assert db.session.scalar(sa.select(sa.func.count()).select_from(IncomingDocument)) == 1


def _replace(data: bytes, old: bytes, new: bytes) -> bytes:
    assert old in data
    return data.replace(old, new)


REFUSALS = {
    "not_xml": (lambda pdf: b"%PDF-1.7 not xml", "không phải XML"),
    "empty": (lambda pdf: b"", "Chưa có gói tin"),
    "wrong_namespace": (
        lambda pdf: package(pdf).replace(b"http://www.mic.gov.vn/TBT/QCVN_102_2016", b"http://www.e-doc.vn/Schema/"),
        "không gian tên",
    ),
    "wrong_root": (
        lambda pdf: b'<Envelope xmlns="http://www.mic.gov.vn/TBT/QCVN_102_2016"/>',
        "Phần tử gốc",
    ),
    "no_organ_id": (lambda pdf: package(pdf, sender_code=None), "From/OrganId"),
    "no_organ_name": (lambda pdf: package(pdf, sender_name=None), "From/OrganId"),
    "no_subject": (lambda pdf: package(pdf, subject=None), "Subject"),
    "no_attachment": (lambda pdf: package(pdf, attachments=[]), "tệp đính kèm"),
    "bad_base64": (
        lambda pdf: _replace(package(pdf), b"<ContentTransferEncoded>", b"<ContentTransferEncoded>!!*"),
        "base64",
    ),
    "revoke_without_id": (lambda pdf: package(pdf, business_type=1), "thu hồi"),
    "replace": (lambda pdf: package(pdf, business_type=3), "thay thế"),
    "bad_priority": (lambda pdf: package(pdf, priority=9), "Priority"),
    "bad_date": (lambda pdf: _replace(package(pdf), b"2026/11/20<", b"20-11-2026<"), "yyyy/MM/dd"),
}


@pytest.mark.parametrize("case", sorted(REFUSALS))
def test_refusals_are_invalid_edxml_and_write_nothing(incoming_office, signed_pdf, case):
    make, words = REFUSALS[case]
    with pytest.raises(InvalidPackage) as refused:
        import_package(incoming_office.clerk, make(signed_pdf))
    assert refused.value.code == "invalid_edxml" and refused.value.status == 422
    assert words in refused.value.message
    details = refused.value.details  # a flat map: the element (or "package") → its message
    assert details and all(isinstance(k, str) and isinstance(v, str) for k, v in details.items())
    assert nothing_written()


BOMB = b"""<?xml version="1.0"?>
<!DOCTYPE edXML [
 <!ENTITY a "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa">
 <!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">
 <!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;">
 <!ENTITY d "&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;">
 <!ENTITY e "&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;">
]>
<edXML xmlns="http://www.mic.gov.vn/TBT/QCVN_102_2016"><edXMLEnvelope><edXMLHeader><MessageHeader>
<From><OrganId>000.00.01.H33</OrganId><OrganName>&e;</OrganName></From><Subject>&e;</Subject>
</MessageHeader></edXMLHeader></edXMLEnvelope></edXML>"""

EXTERNAL = b"""<?xml version="1.0"?>
<!DOCTYPE edXML [<!ENTITY secret SYSTEM "file:///etc/passwd">]>
<edXML xmlns="http://www.mic.gov.vn/TBT/QCVN_102_2016"><edXMLEnvelope><edXMLHeader><MessageHeader>
<From><OrganId>000.00.01.H33</OrganId><OrganName>So Noi vu</OrganName></From><Subject>&secret;</Subject>
</MessageHeader></edXMLHeader></edXMLEnvelope></edXML>"""


@pytest.mark.parametrize("data", [BOMB, EXTERNAL], ids=["bomb", "external_entity"])
def test_entities_are_refused_not_expanded(data):
    with pytest.raises(InvalidPackage) as refused:
        parse_package(data)
    assert refused.value.code == "invalid_edxml"  # a syntax error (entity amplification) or the DOCTYPE refusal
    assert "aaaa" not in refused.value.message and "root:" not in refused.value.message


def test_clerk_imports_a_package_on_the_page(client, incoming_office, signed_pdf):
    login(client, "vanthu")
    page = client.get("/incoming/new").get_data(as_text=True)
    assert "Gói tin edXML" in page and 'name="package"' in page
    token = csrf_token(client, "/incoming/new")
    bad = client.post(
        "/incoming/new",
        data={"csrf_token": token, "channel": "edxml", "package": (io.BytesIO(b"<not-xml"), "goi.edxml")},
        content_type="multipart/form-data",
    )
    assert bad.status_code == 422 and "Tệp không phải XML hợp lệ." in bad.get_data(as_text=True)
    assert nothing_written()
    ok = client.post(
        "/incoming/new",
        data={"csrf_token": token, "channel": "edxml", "package": (io.BytesIO(package(signed_pdf)), "goi.edxml")},
        content_type="multipart/form-data",
    )
    assert ok.status_code == 302
    document = db.session.scalar(sa.select(IncomingDocument))
    assert document.message_id == DOCUMENT_ID and document.urgency == "thuong_khan"
    assert "Đã đến" in client.get(f"/incoming/{document.id}").get_data(as_text=True)


def test_api_imports_a_package(client, incoming_office, signed_pdf, api_token):
    clerk = api_token(incoming_office.clerk)

    def post(data: bytes):
        return client.post(
            "/api/v1/incoming/edxml",
            headers=clerk,
            content_type="multipart/form-data",
            data={"package": (io.BytesIO(data), "goi.edxml")},
        )

    created = post(package(signed_pdf))
    assert created.status_code == 201, created.json
    body = created.json
    assert body["urgency"] == "thuong_khan" and [s["code"] for s in body["statuses"]] == ["01"]
    assert post(package(signed_pdf)).json["id"] == body["id"]  # the same DocumentId: one document
    revoke = post(package(signed_pdf, business_type=1, business_document_id=DOCUMENT_ID))
    assert revoke.status_code == 202, revoke.json
    assert revoke.json["result"] == "recall" and revoke.json["reference"] == DOCUMENT_ID
    assert db.session.get(IncomingDocument, body["id"]).recall_requested_at is not None
    unknown = post(package(signed_pdf, business_type=1, business_document_id="000.00.01.H33,2026/01/01,1/X"))
    assert unknown.status_code == 404 and "Không tìm thấy văn bản đến" in unknown.json["message"]
    missing = client.post("/api/v1/incoming/edxml", headers=clerk, content_type="multipart/form-data", data={})
    assert missing.status_code == 422 and missing.json["code"] == "invalid_edxml"


def test_an_imported_replacement_links_to_the_earlier_document_of_its_sender(incoming_office, signed_pdf):
    # NĐ 30/2020 Điều 18.3; legal.md §4.2, §4.4: BussinessDocType 3 with ReplacementInfo names the replaced
    # document's mã định danh; the clerk's import links it to the agency's copy, which is then marked replaced.
    from app.exchange.delivery import receive_package
    from app.incoming.relations import related_of

    clerk = incoming_office.clerk
    earlier = receive_package(package(signed_pdf), actor=clerk)
    replacing = package(
        signed_pdf,
        code_number="130",
        business_type=3,
        business_document_id=DOCUMENT_ID,
        business_reason="Thay thế văn bản điện tử số 123/SNV-TCBC",
        replaced_organ_ids=["000.00.00.H33"],
    )
    parsed = parse_package(replacing)
    assert (parsed.business_type, parsed.relation, parsed.related_key) == (3, "replace", DOCUMENT_ID)
    later = receive_package(replacing, actor=clerk)
    assert (later.relation, later.related_id, later.related_key) == ("replace", earlier.id, DOCUMENT_ID)
    assert related_of(clerk, earlier).replaced and related_of(clerk, later).original == earlier

    # A correction travels as an update (2) whose reason starts with "Đính chính"; without the earlier id it is
    # refused as a whole.
    correcting = package(
        signed_pdf, code_number="131", business_type=2, business_document_id=DOCUMENT_ID, business_reason="Đính chính"
    )
    assert parse_package(correcting).relation == "correct"
    with pytest.raises(InvalidPackage, match="cập nhật"):
        parse_package(package(signed_pdf, code_number="132", business_type=2))


def _upload(client, data: bytes):
    token = csrf_token(client, "/incoming/new")
    return client.post(
        "/incoming/new",
        data={"csrf_token": token, "channel": "edxml", "package": (io.BytesIO(data), "goi.edxml")},
        content_type="multipart/form-data",
    )


def test_a_revocation_file_asks_to_recall_the_document(client, incoming_office, signed_pdf):
    """BussinessDocType 1 names the revoked document by the sender's DocumentId: the clerk's copy gets a recall
    request (answered later 15/16), no new document is registered."""
    login(client, "vanthu")
    assert _upload(client, package(signed_pdf)).status_code == 302
    document = db.session.scalar(sa.select(IncomingDocument))
    revoke = package(signed_pdf, business_type=1, business_document_id=DOCUMENT_ID, business_reason="Sai số liệu")
    answer = _upload(client, revoke)
    assert answer.status_code == 302 and answer.headers["Location"].endswith("/incoming")
    db.session.expire_all()
    document = db.session.get(IncomingDocument, document.id)
    assert document.recall_requested_at is not None and document.recall_note == "Sai số liệu"
    assert db.session.scalar(sa.select(sa.func.count()).select_from(IncomingDocument)) == 1


def test_a_revocation_of_an_unknown_document_says_so(client, incoming_office, signed_pdf):
    login(client, "vanthu")
    revoke = package(signed_pdf, business_type=1, business_document_id=DOCUMENT_ID)
    answer = _upload(client, revoke)
    assert answer.status_code == 422 and "Không tìm thấy văn bản đến" in answer.get_data(as_text=True)
    assert nothing_written()


def test_a_status_file_nobody_takes_says_so(client, incoming_office):
    from app.exchange.edxml import build_status

    login(client, "vanthu")
    data = build_status(
        from_code="000.00.01.H33",
        from_name="Sở Nội vụ tỉnh Kiên Giang",
        response_for_code=incoming_office.agency.code,
        response_for_key="000.00.00.H99,2026/11/20,1/KHONG-CO",
        code="05",
        description="Đang xử lý",
    )
    answer = _upload(client, data)
    page = answer.get_data(as_text=True)
    assert answer.status_code == 422 and "Không tìm thấy văn bản đi có mã định danh" in page


def test_a_recall_status_file_asks_to_recall_the_document(client, incoming_office, signed_pdf):
    """13 (Lấy lại) from the sender, carried as a file: the same request as a revocation package."""
    from app.exchange.edxml import build_status

    login(client, "vanthu")
    assert _upload(client, package(signed_pdf)).status_code == 302
    data = build_status(
        from_code="000.00.01.H33",
        from_name="Sở Nội vụ tỉnh Kiên Giang",
        response_for_code="000.00.01.H33",
        response_for_key=DOCUMENT_ID,
        code="13",
        description="Đề nghị trả lại văn bản",
    )
    assert _upload(client, data).status_code == 302
    db.session.expire_all()
    document = db.session.scalar(sa.select(IncomingDocument))
    assert document.recall_requested_at is not None and document.recall_note == "Đề nghị trả lại văn bản"


# --- issue 14 fixes: whom a file is for, its signature, a file imported twice ---------------------------------------


def _api(client, headers, data: bytes):
    return client.post(
        "/api/v1/incoming/edxml",
        headers=headers,
        content_type="multipart/form-data",
        data={"package": (io.BytesIO(data), "goi.edxml")},
    )


def test_a_package_for_another_agency_or_from_this_one_is_refused(client, incoming_office, signed_pdf, api_token):
    clerk = api_token(incoming_office.clerk)
    own = incoming_office.agency.code
    elsewhere = _api(client, clerk, package(signed_pdf, organ_id_to="H26.15", organ_name_to="Sở Nội vụ Hà Nội"))
    assert elsewhere.status_code == 422 and elsewhere.json["code"] == "not_addressed_to_agency"
    assert elsewhere.json["message"] == "Gói tin không gửi cho cơ quan này (gửi H26.15)."
    mine = _api(client, clerk, package(signed_pdf, sender_code=own, document_id=f"{own},2026/11/20,1/UB"))
    assert mine.status_code == 422 and mine.json["code"] == "own_package"
    assert mine.json["message"] == "Gói tin do chính cơ quan này gửi."
    assert nothing_written()
    # Addressed to this agency (or naming no code at all): taken in.
    addressed = _api(client, clerk, package(signed_pdf, organ_id_to=own, organ_name_to="Cơ quan nhận"))
    assert addressed.status_code == 201, addressed.json


def test_a_package_addressed_to_a_code_merged_into_this_agency_is_taken(client, incoming_office, signed_pdf, api_token):
    from app.exchange.models import DirectoryEntry

    db.session.add(DirectoryEntry(code="G12", name="Sở cũ", merged_into=incoming_office.agency.code))
    db.session.flush()
    answer = _api(client, api_token(incoming_office.clerk), package(signed_pdf, organ_id_to="G12", organ_name_to="X"))
    assert answer.status_code == 201, answer.json


def test_the_signature_state_is_told_and_audited(client, incoming_office, signed_pdf, api_token):
    clerk = api_token(incoming_office.clerk)
    created = _api(client, clerk, package(signed_pdf))
    assert created.status_code == 201 and created.json["package_signed"] is False
    assert created.json["package_signer"] is None and created.json["duplicate"] is False
    event = db.session.scalar(sa.select(AuditEvent).where(AuditEvent.action == "exchange.import_file"))
    assert event.changes["signed"] is False and event.changes["signer"] is None
    assert event.object_id == str(created.json["id"])


def test_unsigned_files_are_refused_when_the_deployment_requires_signatures(client, app, incoming_office, signed_pdf):
    app.config["EXCHANGE_FILE_REQUIRE_SIGNATURE"] = True
    try:
        login(client, "vanthu")
        answer = _upload(client, package(signed_pdf))
    finally:
        app.config["EXCHANGE_FILE_REQUIRE_SIGNATURE"] = False
    assert answer.status_code == 422 and "Gói tin chưa được ký số" in answer.get_data(as_text=True)
    assert nothing_written()


def test_the_page_warns_of_an_unsigned_file_and_of_a_file_imported_twice(client, incoming_office, signed_pdf):
    login(client, "vanthu")
    first = _upload(client, package(signed_pdf))
    assert first.status_code == 302
    page = client.get(first.headers["Location"]).get_data(as_text=True)
    assert "Gói tin không có chữ ký số của hệ thống gửi: hãy kiểm tra nguồn trước khi xử lý." in page
    again = _upload(client, package(signed_pdf, subject="Nội dung khác"))
    assert again.status_code == 302 and again.headers["Location"] == first.headers["Location"]
    page = client.get(again.headers["Location"]).get_data(as_text=True)
    assert "Văn bản này đã được tiếp nhận trước đó (số đến chưa vào sổ); gói tin không được nhập lại." in page
    assert db.session.scalar(sa.select(sa.func.count()).select_from(IncomingDocument)) == 1


def test_the_api_answers_a_file_imported_twice_with_200_duplicate(client, incoming_office, signed_pdf, api_token):
    clerk = api_token(incoming_office.clerk)
    created = _api(client, clerk, package(signed_pdf))
    again = _api(client, clerk, package(signed_pdf))
    assert again.status_code == 200 and again.json["duplicate"] is True and again.json["id"] == created.json["id"]
