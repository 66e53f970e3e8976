"""What the System fills on a văn bản đến (NĐ 30/2020 Phụ lục VI Phần II.II: field 10 PageAmount; the mã định danh
văn bản of legal.md §4.6, compared for duplicates by III.1.h)."""

from app.core.db import db
from app.documents.uploads import Upload
from app.exchange.edxml import build_package, parse_package
from app.incoming import services
from app.workflow import services as wf
from tests.conftest import PASSWORD, login
from tests.incoming.conftest import METADATA, instance_of, upload
from tests.signing.factories import make_pdf
from tests.workflow.conftest import open_tasks

KEY = "000.00.01.H33,2026/11/20,123/SNV-TCBC"


def receive_paper(office, data: bytes, **changes):
    return services.receive_incoming(
        office.clerk, channel="paper", metadata={**METADATA, **changes}, uploads=upload(data, "ban-quet.pdf")
    )


# NĐ 30 Phụ lục VI Phần II.II field 10 (PageAmount, filled by the System)
def test_page_count_of_a_received_pdf_is_read_from_it(incoming_office, frozen_clock):
    document = receive_paper(incoming_office, make_pdf(pages=3))  # the clerk typed 2
    assert document.page_count == 3


# NĐ 30 Phụ lục VI III.1.h (mã định danh văn bản, legal.md §4.6)
def test_a_paper_document_with_its_sender_code_gets_its_document_key(incoming_office, frozen_clock, client, api_token):
    document = receive_paper(incoming_office, make_pdf())
    assert document.document_key == KEY
    body = client.get(f"/api/v1/incoming/{document.id}", headers=api_token(incoming_office.clerk)).json
    assert (body["document_key"], body["page_count"], body["file_code"], body["doc_ordinal"]) == (KEY, 1, None, None)
    login(client, incoming_office.clerk.username, PASSWORD)
    assert KEY in client.get(f"/incoming/{document.id}").get_data(as_text=True)


# NĐ 30 Phụ lục VI III.1.h
def test_the_clerk_adding_the_sender_code_at_registration_fills_the_key(incoming_office, frozen_clock):
    office = incoming_office
    document = receive_paper(office, make_pdf(), sender_code="")
    assert document.document_key is None
    instance = instance_of(document)
    [check] = open_tasks(instance)
    wf.complete_task(office.clerk, check.id, {}, outcome="tiep_nhan")
    [register] = open_tasks(instance)
    data = {k: v for k, v in services.workflow_data(document).items() if v is not None and k != "document_id"}
    wf.complete_task(office.clerk, register.id, {**data, "sender_code": "000.00.01.H33"})
    db.session.refresh(document)
    assert document.document_key == KEY and document.page_count == 1


# NĐ 30 Phụ lục VI III.1.h; QCVN 102 DocumentId (legal.md §4.6)
def test_an_electronic_arrival_keeps_the_senders_document_id(incoming_office, signed_pdf, frozen_clock):
    sender_id = "000.00.00.G22,2026/11/20,7816/VPCP-TTĐT"
    pkg = parse_package(build_package({**METADATA, "document_id": sender_id}, [("cv.pdf", signed_pdf)]))
    document = services.receive_incoming(
        incoming_office.clerk,
        channel="electronic",
        metadata=pkg.metadata,
        uploads=[Upload(name, content, is_main=(i == 0)) for i, (name, content) in enumerate(pkg.uploads)],
        message_id=pkg.message_id,
    )
    assert document.document_key == sender_id
