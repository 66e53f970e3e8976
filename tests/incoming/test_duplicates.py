"""Duplicate warning (NĐ 30 Phụ lục VI III.1.h): the same mã định danh, or the same số, ký hiệu and sender, however
they were typed — on the page, the task card and the REST answer of the intake."""

import io
import json
from datetime import date

import pytest

from app.core.transaction import unit_of_work
from app.documents.symbols import normalized_agency_name, normalized_code, normalized_key
from app.incoming import queries, recall
from tests.conftest import csrf_token, login
from tests.incoming.conftest import METADATA, receive

KG = {
    "sender_code": "",
    "sender_name": "UBND tỉnh Kiên Giang",
    "code_number": "05",
    "code_notation": "QĐ-UBND",
    "issued_date": "2026-11-20",
    "type_name": "Quyết định",
    "subject": "Về việc giao chỉ tiêu biên chế năm 2027",
}


@pytest.mark.parametrize(
    ("one", "other"),
    [
        (("05", "QĐ-UBND"), ("5", "QĐ-UBND")),  # leading zero
        (("05", "QĐ-UBND"), (" 005 ", "qđ-ubnd")),  # spaces, case
        (("05", "QĐ-UBND"), ("5", "QD-UBND")),  # Đ typed as D
        (("05", "QĐ-UBND"), ("5", "QĐ – UBND")),  # a dash and spaces
        (("123", "TTr-UBND"), ("123", "TTR-UBND")),
    ],
)
def test_written_variants_of_one_symbol_are_the_same(one, other):
    # NĐ 30 Phụ lục VI III.1.h
    assert normalized_code(*one) == normalized_code(*other) is not None


def test_different_symbols_and_agency_names_stay_different():
    # NĐ 30 Phụ lục VI III.1.h: variants are folded, different documents are not.
    assert normalized_code("05", "QĐ-UBND") != normalized_code("50", "QĐ-UBND")
    assert normalized_code("05", "QĐ-UBND") != normalized_code("05", "QĐ-SNV")
    assert normalized_code(None, "QĐ-UBND") is None
    same = {
        normalized_agency_name(name)
        for name in (
            "UBND tỉnh Kiên Giang",
            "Ủy ban nhân dân tỉnh Kiên Giang",
            "Uỷ ban nhân dân tỉnh Kiên Giang",  # the older accent placement
            "UỶ BAN NHÂN DÂN  TỈNH KIÊN GIANG",
            "U.B.N.D tỉnh Kiên Giang".replace(".", ""),
        )
    }
    assert same == {"uy ban nhan dan tinh kien giang"}
    assert normalized_agency_name("UBND tỉnh An Giang") not in same


def test_variants_of_symbol_and_sender_name_are_warned(incoming_office, signed_pdf):
    # NĐ 30 Phụ lục VI III.1.h: số, ký hiệu and tên cơ quan ban hành repeat (no mã định danh: no sender code).
    office = incoming_office
    first = receive(office, signed_pdf, **KG)
    second = receive(
        office,
        signed_pdf,
        **{**KG, "code_number": "5", "code_notation": "qd - ubnd", "sender_name": "Ủy ban nhân dân tỉnh Kiên Giang"},
    )
    [found] = queries.find_duplicates(second)
    assert found.document == first and found.reasons == ["symbol"]
    assert found.label == "05/QĐ-UBND — UBND tỉnh Kiên Giang, ngày 20/11/2026"
    assert queries.possible_duplicates(second) == [first] and queries.possible_duplicates(first) == [second]

    # Not the same document: another day, another number, another sender.
    assert queries.find_duplicates(receive(office, signed_pdf, **{**KG, "issued_date": "2026-11-21"})) == []
    assert queries.find_duplicates(receive(office, signed_pdf, **{**KG, "code_number": "50"})) == []
    assert queries.find_duplicates(receive(office, signed_pdf, **{**KG, "sender_name": "UBND tỉnh An Giang"})) == []


def test_the_sender_code_decides_when_both_have_one(incoming_office, signed_pdf):
    # NĐ 30 Phụ lục VI III.1.h: the mã định danh (sender code, date, số/ký hiệu) repeats, however the name is written.
    office = incoming_office
    first = receive(office, signed_pdf)  # METADATA: 000.00.01.H33, 123/SNV-TCBC, 20/11/2026
    renamed = receive(office, signed_pdf, sender_name="Sở Nội vụ", code_number="0123", code_notation="snv-tcbc")
    [found] = queries.find_duplicates(renamed)
    assert found.document == first and found.reasons == ["document_key", "symbol"]
    other_agency = receive(office, signed_pdf, sender_code="000.00.02.H33")  # same name, another agency's code
    assert queries.find_duplicates(other_agency) == []
    assert first.document_key != renamed.document_key  # as typed; equal once normalised
    assert normalized_key(first.document_key) == normalized_key(renamed.document_key)


def test_a_recalled_document_is_no_duplicate(incoming_office, signed_pdf):
    # NĐ 30 Phụ lục VI III.1.h with III.8.b: a recalled document is destroyed — the sender's re-sent one is new.
    office = incoming_office
    with unit_of_work():
        first = receive(office, signed_pdf)
        recall.request_recall(None, first.id, note="Thu hồi để ban hành lại")
    with unit_of_work():
        recall.accept_recall(office.clerk, first.id)
        again = receive(office, signed_pdf)
    assert queries.find_duplicates(again) == []


def test_the_intake_api_and_pages_show_possible_duplicates(client, incoming_office, signed_pdf, api_token):
    # NĐ 30 Phụ lục VI III.1.h: in the REST answer of the intake, on the receive page and on the document's page.
    office = incoming_office
    first = receive(office, signed_pdf, **KG)
    answer = client.post(
        "/api/v1/incoming",
        headers=api_token(office.clerk),
        content_type="multipart/form-data",
        data={
            "metadata": json.dumps(
                {**KG, "code_number": "5", "sender_name": "Ủy ban nhân dân tỉnh Kiên Giang", "sender_code": None}
            ),
            "files": (io.BytesIO(signed_pdf), "qd-5.pdf"),
        },
    )
    assert answer.status_code == 201, answer.json
    [dup] = answer.json["possible_duplicates"]
    assert dup["id"] == first.id and dup["reasons"] == ["symbol"] and dup["symbol"] == "05/QĐ-UBND"
    assert dup["label"].startswith("05/QĐ-UBND — UBND tỉnh Kiên Giang") and dup["issued_date"] == "2026-11-20"
    detail = client.get(f"/api/v1/incoming/{first.id}", headers=api_token(office.clerk)).json
    assert [d["id"] for d in detail["possible_duplicates"]] == [answer.json["id"]]

    login(client, "vanthu")
    token = csrf_token(client, "/incoming/new")
    posted = client.post(
        "/incoming/new",
        data={
            "csrf_token": token,
            "channel": "paper",
            **{**KG, "code_notation": "QD-UBND", "sender_name": "UỶ BAN NHÂN DÂN TỈNH KIÊN GIANG"},
            "files": (io.BytesIO(signed_pdf), "qd-05.pdf"),
        },
        content_type="multipart/form-data",
    )
    assert posted.status_code == 302
    page = client.get(posted.location).get_data(as_text=True)
    assert "Có thể trùng với văn bản đã nhận: 05/QĐ-UBND — UBND tỉnh Kiên Giang" in page  # the flash
    assert 'data-testid="possible-duplicates"' in page and f'href="/incoming/{first.id}"' in page
    assert "trùng số, ký hiệu và cơ quan ban hành" in page


def test_nothing_to_compare_without_a_symbol(incoming_office, signed_pdf):
    # NĐ 30 Phụ lục VI III.1.h: without số/ký hiệu nor mã định danh there is nothing that could repeat.
    office = incoming_office
    receive(office, signed_pdf, **{**KG, "code_number": "", "code_notation": ""})
    lone = receive(office, signed_pdf, **{**KG, "code_number": "", "code_notation": ""})
    assert queries.find_duplicates(lone) == []
    assert date.fromisoformat(METADATA["issued_date"]) == date(2026, 11, 20)


def test_a_specialist_is_warned_only_of_duplicates_they_may_open(client, incoming_office, signed_pdf, api_token):
    # NĐ 30 Phụ lục VI III.1.h (the warning) with III.3.b (who sees a document): the warning never names, nor links
    # to, a document its reader may not open (app.incoming.permissions.visible_filter).
    from app.core.db import db

    office = incoming_office
    hidden = receive(office, signed_pdf, **KG)
    mine = receive(office, signed_pdf, **{**KG, "code_number": "5"})
    mine.lead_user_id = office.spec_a1.id  # directed to the specialist; `hidden` is not
    db.session.flush()
    assert queries.possible_duplicates(mine, office.clerk) == [hidden]  # the clerk sees all of the agency's
    assert queries.possible_duplicates(mine, office.spec_a1) == []

    detail = client.get(f"/api/v1/incoming/{mine.id}", headers=api_token(office.spec_a1)).json
    assert detail["possible_duplicates"] == []
    login(client, office.spec_a1.username)
    page = client.get(f"/incoming/{mine.id}").get_data(as_text=True)
    assert 'data-testid="possible-duplicates"' not in page and f'href="/incoming/{hidden.id}"' not in page
    mine.lead_user_id = None
    hidden.lead_user_id = office.spec_a1.id  # once it concerns them, they are warned of it
    db.session.flush()
    assert queries.possible_duplicates(hidden, office.spec_a1) == []
    hidden.lead_user_id, mine.lead_user_id = office.spec_a1.id, office.spec_a1.id
    db.session.flush()
    page = client.get(f"/incoming/{mine.id}").get_data(as_text=True)
    assert 'data-testid="possible-duplicates"' in page and f'href="/incoming/{hidden.id}"' in page
