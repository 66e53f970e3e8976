"""Số/ký hiệu unique within the agency and year across registers, the shape of a typed ký hiệu, the Công văn default,
and the metadata the System fills at issue (NĐ 30/2020 Điều 15.1; Phụ lục I Phần I II.3.b; Phụ lục VI III.1.g and
Phần II)."""

import pytest
import sqlalchemy as sa

from app.core.db import db
from app.core.errors import ValidationError
from app.documents import numbering
from app.documents import services as documents
from app.documents.pages import count_pages
from app.incoming.models import IncomingDocument
from app.org import services as org
from app.outgoing import files, printing
from app.outgoing.metadata import clean_outgoing_metadata
from app.outgoing.models import OutgoingDocument, OutgoingStatus, VersionStage
from app.outgoing.packages import package_metadata
from tests.conftest import PASSWORD, login
from tests.outgoing.conftest import (
    LEADER,
    UBND,
    issue,
    issued_document,
    make_draft,
    metadata,
    new_draft,
    signed_draft,
)
from tests.signing.factories import make_pdf


def cong_van_register(office):
    """A second sổ văn bản đi beside the default one (which numbers every type): the clerk may pick either."""
    return documents.create_register(
        None, agency_id=office.agency.id, kind="outgoing", code="CV", name="Sổ công văn", document_type_codes=["CV"]
    )


# --- NĐ 30/2020 Điều 15.1: unique số/ký hiệu in the agency and year ------------------------------------------------


# NĐ 30/2020 Điều 15.1
def test_two_registers_cannot_issue_the_same_number_and_notation_in_a_year(outgoing_office, draft_bytes, frozen_clock):
    office = outgoing_office
    first = issued_document(office, draft_bytes)
    assert first.symbol == "01/UBND-TH"
    other = cong_van_register(office)
    second = signed_draft(office, draft_bytes, recipient_agency_codes=[])

    with pytest.raises(ValidationError) as err:
        issue(office, second, register_id=other.id)
    assert err.value.code == "symbol_taken"
    assert "01/UBND-TH" in err.value.details["notation"] and "Điều 15.1" in err.value.details["notation"]
    # Refused before the number was taken: the register has no gap, the document no number.
    assert numbering.last_number(other.id, first.number_year) == 0
    db.session.refresh(second)
    assert second.status == OutgoingStatus.SIGNED and second.number is None and second.symbol is None

    issue(office, second, register_id=other.id, notation="UBND-KT")
    assert second.symbol == "01/UBND-KT" and numbering.last_number(other.id, first.number_year) == 1


# NĐ 30/2020 Điều 15.1
def test_the_database_refuses_a_number_and_notation_twice_in_a_year(outgoing_office, draft_bytes, frozen_clock):
    office = outgoing_office
    first = issued_document(office, draft_bytes)
    other = cong_van_register(office)
    second = new_draft(office, draft_bytes)
    # Past every check (as a concurrent issue through another register would be): the unique index still refuses.
    second.register_id, second.number_year, second.number, second.symbol = other.id, first.number_year, 1, first.symbol
    with pytest.raises(sa.exc.IntegrityError), db.session.begin_nested():
        db.session.flush()
    # Another year is another sequence (Điều 15.1: from 01 on 1 January).
    second.register_id, second.number_year, second.number, second.symbol = (
        other.id,
        first.number_year + 1,
        1,
        first.symbol,
    )
    db.session.flush()


def test_the_issue_refusal_is_a_field_error_in_the_task_api(
    client, outgoing_office, draft_bytes, frozen_clock, api_token
):
    # NĐ 30/2020 Điều 15.1
    office = outgoing_office
    issued_document(office, draft_bytes)
    other = cong_van_register(office)
    second = signed_draft(office, draft_bytes, recipient_agency_codes=[])
    from tests.outgoing.conftest import task_named

    task = task_named(second, "issue_document")
    response = client.post(
        f"/api/v1/tasks/{task.id}/complete",
        headers=api_token(office.clerk),
        json={"data": {"register_id": other.id, "notation": "UBND-TH"}, "outcome": "issue"},
    )
    assert response.status_code == 422, response.json
    assert response.json["code"] == "symbol_taken" and "01/UBND-TH" in response.json["details"]["notation"]
    assert numbering.last_number(other.id, numbering.current_year()) == 0


# --- Phụ lục I, Phần I, II.3.b: the shape of a ký hiệu --------------------------------------------------------------


# NĐ 30/2020 Phụ lục I, Phần I, II.3.b
def test_the_default_notation_of_a_cong_van_is_agency_and_drafting_unit(outgoing_office):
    office = outgoing_office
    agency_id = office.agency.id
    assert clean_outgoing_metadata(metadata(office), agency_id)["notation"] == "UBND-TH"
    assert clean_outgoing_metadata(metadata(office, type_code="QD"), agency_id)["notation"] == "QĐ-UBND"
    with pytest.raises(ValidationError) as err:  # never the agency alone
        clean_outgoing_metadata(metadata(office, drafting_unit_id=None), agency_id)
    assert "đơn vị soạn thảo" in err.value.details["notation"] and "UBND-VP" in err.value.details["notation"]
    office.unit_a.abbreviation = ""
    db.session.flush()
    with pytest.raises(ValidationError) as err:
        clean_outgoing_metadata(metadata(office), agency_id)
    assert "“Phòng Tổng hợp” chưa có tên viết tắt" in err.value.details["notation"]


@pytest.mark.parametrize(
    ("type_code", "notation", "expected"),
    [
        ("QD", "UBND-TH", "QĐ-UBND"),  # a Quyết định starts with QĐ
        ("QD", "QĐ-SNV", "QĐ-UBND"),  # … then the issuing agency
        ("CV", "QĐ-UBND", "UBND-<đơn vị soạn thảo>"),  # a Công văn: agency + drafting unit
        ("CV", "UBND", "UBND-<đơn vị soạn thảo>"),  # never the agency alone
        ("TB", "TB-UBND/VP", "TB-UBND"),  # groups of letters joined by "-" only
        ("ND", "CP", "NĐ-<cơ quan ban hành>"),  # a Nghị định (quy phạm pháp luật): NĐ-…
    ],
)
def test_a_typed_notation_must_fit_its_type(outgoing_office, type_code, notation, expected):
    # NĐ 30/2020 Phụ lục I, Phần I, II.3.b; legal.md §1.3 (văn bản quy phạm pháp luật)
    with pytest.raises(ValidationError) as err:
        clean_outgoing_metadata(
            metadata(outgoing_office, type_code=type_code, notation=notation), outgoing_office.agency.id
        )
    assert expected in err.value.details["notation"]


@pytest.mark.parametrize(
    ("type_code", "notation"),
    [("QD", "QĐ-UBND"), ("TTR", "TTr-UBND"), ("QYD", "QyĐ-UBND"), ("CV", "UBND-KT"), ("ND", "NĐ-CP"), ("LUAT", "QH15")],
)
def test_notations_of_the_right_shape_pass(outgoing_office, type_code, notation):
    # NĐ 30/2020 Phụ lục I, Phần I, II.3.b; Phụ lục III (mixed-case abbreviations)
    meta = clean_outgoing_metadata(
        metadata(outgoing_office, type_code=type_code, notation=notation), outgoing_office.agency.id
    )
    assert meta["notation"] == notation


# NĐ 30/2020 Phụ lục I, Phần I, II.3.b
def test_the_clerk_notation_is_checked_before_the_number(outgoing_office, draft_bytes, frozen_clock):
    office = outgoing_office
    document = signed_draft(office, draft_bytes, recipient_agency_codes=[])
    with pytest.raises(ValidationError) as err:
        issue(office, document, notation="QĐ-UBND")  # a Công văn typed as if it were a Quyết định
    assert "UBND-<đơn vị soạn thảo>" in err.value.details["notation"]
    register = documents.default_register(office.agency.id, "outgoing")
    assert numbering.last_number(register.id, numbering.current_year()) == 0


# --- Phụ lục VI III.1.g: what the System fills at issue -----------------------------------------------------------


# NĐ 30 Phụ lục VI III.1.g
def test_page_count_is_read_from_the_pdf(outgoing_office, frozen_clock):
    assert count_pages(make_pdf(pages=3)) == 3
    assert count_pages(b"not a pdf") is None and count_pages(b"%PDF-1.7 broken") is None
    document = issued_document(outgoing_office, make_draft(pages=3), page_count=7)  # the drafter's guess is replaced
    assert document.page_count == 3
    assert count_pages(files.read(files.newest(document, VersionStage.ISSUED).sha256)) == 3


# NĐ 30 Phụ lục VI III.1.c, III.1.g
def test_issue_stores_the_document_key_shown_on_the_page_and_in_the_api(
    client, outgoing_office, draft_bytes, frozen_clock, api_token
):
    office = outgoing_office
    document = issued_document(office, draft_bytes)
    key = f"{UBND[0]},{document.issued_date:%Y/%m/%d},01/UBND-TH"
    assert document.document_key == key
    # The recipient in the deployment receives it under the same mã định danh (legal.md §4.6).
    received = db.session.scalar(sa.select(IncomingDocument).where(IncomingDocument.agency_id == office.snv.agency.id))
    assert received.document_key == key and received.page_count == document.page_count == 1

    body = client.get(f"/api/v1/outgoing/{document.id}", headers=api_token(office.clerk)).json
    assert (body["document_key"], body["organ_name"], body["signer_name"], body["page_count"]) == (
        key,
        UBND[1],
        LEADER[1],
        1,
    )
    login(client, office.clerk.username, PASSWORD)
    page = client.get(f"/outgoing/{document.id}").get_data(as_text=True)
    assert key in page and UBND[1] in page


# NĐ 30 Phụ lục VI III.1.g; Phần II.I fields 7 (OrganName) and 12.2 (FullName)
def test_renaming_the_agency_or_the_signer_leaves_the_issued_document_unchanged(
    client, outgoing_office, draft_bytes, frozen_clock, api_token
):
    office = outgoing_office
    document = issued_document(office, draft_bytes)
    draft = new_draft(office, draft_bytes)  # not issued: it names the signer as he is now
    org.update_agency(None, office.agency.id, name="Ủy ban nhân dân tỉnh An Giang")
    org.update_user(None, office.leader.id, full_name="Trần Minh", roles=["lanh_dao"])
    db.session.expire_all()

    document = db.session.get(OutgoingDocument, document.id)
    assert (document.organ_name, document.signer_name) == (UBND[1], LEADER[1])
    assert printing.signer_text(document)[-1] == LEADER[1]  # the register book prints the stored name
    sent = package_metadata(document, None)
    assert (sent["sender_name"], sent["signer_name"]) == (UBND[1], LEADER[1])
    body = client.get(f"/api/v1/outgoing/{document.id}", headers=api_token(office.clerk)).json
    assert (body["organ_name"], body["signer_name"]) == (UBND[1], LEADER[1])
    assert db.session.get(OutgoingDocument, draft.id).signer_name == "Trần Minh"


# --- Phụ lục VI Phần II: field lengths ------------------------------------------------------------------------------


# NĐ 30 Phụ lục VI Phần II (FullName 50, Position 100, OrganName 200, Description 500, CodeNotation 30)
def test_field_lengths_are_those_of_phu_luc_vi(client, outgoing_office, api_token):
    office = outgoing_office
    with pytest.raises(ValidationError) as err:
        org.create_user(
            None,
            username="ten.rat.dai",
            full_name="Nguyễn " * 9,  # 62 characters
            password=PASSWORD,
            agency_id=office.agency.id,
            roles=["chuyen_vien"],
            position="P" * 101,
        )
    assert set(err.value.details) >= {"full_name", "position"} and "50" in err.value.details["full_name"]
    with pytest.raises(ValidationError) as err:
        org.update_agency(None, office.agency.id, name="Ủy ban " * 30)
    assert "200" in err.value.details["name"]

    headers = api_token(office.spec_a1)
    values = {k: v for k, v in metadata(office).items() if k != "recipients_external"}
    long_note = client.post("/api/v1/outgoing", headers=headers, json={**values, "description": "x" * 501})
    assert long_note.status_code == 422 and "description" in long_note.json["details"]
    long_notation = client.post("/api/v1/outgoing", headers=headers, json={**values, "notation": "UBND-" + "T" * 26})
    assert long_notation.status_code == 422 and "notation" in long_notation.json["details"]
    noted = client.post("/api/v1/outgoing", headers=headers, json={**values, "description": "Gửi kèm bản giấy"})
    assert noted.status_code == 201 and noted.json["description"] == "Gửi kèm bản giấy"
    assert noted.json["file_code"] is None and noted.json["doc_ordinal"] is None  # filled when filed (hồ sơ)


# NĐ 30/2020 Điều 15.1
def test_the_clerk_sees_the_refusal_at_the_notation_field(client, outgoing_office, draft_bytes, frozen_clock):
    from tests.conftest import csrf_token
    from tests.outgoing.conftest import task_named

    office = outgoing_office
    issued_document(office, draft_bytes)
    other = cong_van_register(office)
    second = signed_draft(office, draft_bytes, recipient_agency_codes=[])
    task = task_named(second, "issue_document")
    login(client, office.clerk.username, PASSWORD)
    response = client.post(
        f"/tasks/{task.id}/complete",
        data={
            "csrf_token": csrf_token(client, f"/tasks/{task.id}"),
            "register_id": str(other.id),
            "notation": "UBND-TH",
            "outcome": "issue",
        },
    )
    page = response.get_data(as_text=True)
    assert response.status_code == 422 and "Số, ký hiệu 01/UBND-TH đã được cấp" in page
    assert 'id="err-notation"' in page  # shown at the notation field
    assert numbering.last_number(other.id, numbering.current_year()) == 0


def test_a_recipient_typed_with_a_merged_code_is_sent_the_code_it_merged_into(outgoing_office, draft_bytes):
    """QĐ 09/2025: the directory follows merges, so To/OrganId names the agency that exists now."""
    from app.exchange.models import DirectoryEntry
    from app.outgoing.models import OutgoingRecipient

    db.session.add(DirectoryEntry(code="000.00.00.H29", name="UBND TP Hồ Chí Minh"))
    db.session.add(DirectoryEntry(code="G12", name="Sở cũ", merged_into="000.00.00.H29"))
    db.session.flush()
    document = issued_document(outgoing_office, draft_bytes)
    sent = package_metadata(document, OutgoingRecipient(code="G12", name="Sở cũ (đã sáp nhập)"))
    assert (sent["organ_id_to"], sent["organ_name_to"]) == ("000.00.00.H29", "Sở cũ (đã sáp nhập)")
    unknown = package_metadata(document, OutgoingRecipient(code="G99", name="Không có trong danh bạ"))
    assert unknown["organ_id_to"] == "G99"
