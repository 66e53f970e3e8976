"""Update, replace, correct an issued document (NĐ 30/2020 Điều 18.3; seed 004 Điều 11.3.b; NĐ 30 Phụ lục VI III.1):
the relation is checked, carried in the edXML package (BussinessDocType 2/3, legal.md §4.2) and the recipients in
the deployment get the new document linked to the copy they received before."""

import pytest
import sqlalchemy as sa
from lxml import etree

from app.core.db import db
from app.core.errors import Conflict, PermissionDenied, ValidationError
from app.documents.uploads import Upload
from app.exchange.edxml import NS as EDXML_NS
from app.exchange.edxml import parse_package
from app.incoming import relations as incoming_relations
from app.incoming.models import IncomingDocument
from app.outgoing import services, tracking
from app.outgoing.models import Relation
from app.outgoing.recall import recall_outgoing
from app.outgoing.relations import original_key
from app.workflow import queries as wf_queries
from tests.conftest import csrf_token, login
from tests.outgoing.conftest import SNV, STC, issue, issued_document, sign, to_signing

NS = {"e": EDXML_NS}


def incoming_copies(receiver) -> list[IncomingDocument]:
    return db.session.scalars(
        sa.select(IncomingDocument)
        .where(IncomingDocument.agency_id == receiver.agency.id)
        .order_by(IncomingDocument.id)
    ).all()


def issue_related(office, original, relation, draft_bytes, **changes):
    """Draft the related document from the original's page, give it its file, take it through the procedure."""
    document = tracking.start_related(office.spec_a1, original.id, relation)
    if changes:
        services.update_draft(office.spec_a1, document.id, metadata=changes)
    services.upload_version(office.spec_a1, document.id, Upload("van-ban-moi.pdf", draft_bytes))
    to_signing(office, document)
    sign(office, document)
    issue(office, document)
    return document


def package_of(office, document):
    external = next(r for r in document.recipients if r.kind == "external")
    _name, data = tracking.external_package(office.clerk, document.id, external.id)
    return data, parse_package(data)


def test_a_replacement_reaches_the_recipients_linked_to_their_earlier_copy(outgoing_office, draft_bytes):
    # NĐ 30/2020 Điều 18.3 ("sửa đổi, thay thế bằng văn bản có hình thức tương đương"); NĐ 30 Phụ lục VI III.1.
    # End to end, at the service level: issue A, dispatch to SNV and STC in the deployment, draft "thay thế A",
    # issue and dispatch it: each agency gets an incoming document linked to the copy of A it received.
    office = outgoing_office
    original = issued_document(office, draft_bytes)
    [a_at_snv], [a_at_stc] = incoming_copies(office.snv), incoming_copies(office.stc)
    key = original_key(original)
    assert key == a_at_snv.document_key == f"{office.agency.code},{original.issued_date:%Y/%m/%d},01/UBND-TH"

    replacement = issue_related(office, original, Relation.REPLACE, draft_bytes)
    assert (replacement.relation, replacement.related_id, replacement.symbol) == ("replace", original.id, "02/UBND-TH")
    for receiver, earlier in ((office.snv, a_at_snv), (office.stc, a_at_stc)):
        [_, received] = incoming_copies(receiver)
        assert (received.relation, received.related_id, received.related_key) == ("replace", earlier.id, key)
        assert received.code_number == "02" and received.subject == replacement.subject
        shown = incoming_relations.related_of(receiver.clerk, earlier)
        assert shown.replaced and [s.document for s in shown.successors] == [received]
        assert incoming_relations.related_of(receiver.clerk, received).original == earlier
    # The handler of A at SNV, who cannot open the new arrival yet, still learns that A was replaced.
    handler_view = incoming_relations.related_of(office.snv.specialist, a_at_snv)
    assert handler_view.replaced and not handler_view.successors[0].visible

    # The outgoing pages' relation: A is replaced by B, B replaces A.
    assert tracking.related_documents(office.clerk, original.id)["successors"] == [replacement]
    # An agency outside the deployment gets the relation in its package (legal.md §4.2: ReplacementInfo).
    data, package = package_of(office, replacement)
    assert (package.business_type, package.relation, package.related_key) == (3, "replace", key)
    business = etree.fromstring(data).find(".//e:Bussiness", NS)
    assert business.findtext("e:DocumentId", namespaces=NS) == key
    assert business.findtext("e:BussinessDocReason", namespaces=NS).startswith("Thay thế văn bản điện tử số 01/UBND-TH")
    replaced = business.find("e:ReplacementInfoList/e:ReplacementInfo", NS)
    assert replaced.findtext("e:DocumentId", namespaces=NS) == key
    assert [o.text for o in replaced.findall("e:OrganIdList/e:OrganId", NS)] == [SNV[0], STC[0], "000.00.00.G22"]


def test_a_correction_is_a_cong_van_that_travels_as_an_update(outgoing_office, draft_bytes):
    # NĐ 30/2020 Điều 18.3: "đính chính bằng công văn"; seed 004 Điều 11.3.b. In edXML an update (2) whose reason
    # says "Đính chính" (legal.md §4.4 has no type of its own for a correction); the earlier copy is not replaced.
    office = outgoing_office
    original = issued_document(office, draft_bytes)
    [a_at_snv] = incoming_copies(office.snv)
    correction = issue_related(office, original, Relation.CORRECT, draft_bytes)
    _data, package = package_of(office, correction)
    assert (package.business_type, package.relation, package.related_key) == (2, "correct", original_key(original))
    [_, received] = incoming_copies(office.snv)
    assert (received.relation, received.related_id) == ("correct", a_at_snv.id)
    assert not incoming_relations.related_of(office.snv.clerk, a_at_snv).replaced

    update = issue_related(office, original, Relation.UPDATE, draft_bytes)
    _data, package = package_of(office, update)
    assert (package.business_type, package.relation) == (2, "update")
    assert [d.relation for d in incoming_copies(office.snv)] == [None, "correct", "update"]


def test_the_relation_is_checked_when_drafted_and_when_submitted(outgoing_office, draft_bytes):
    # NĐ 30/2020 Điều 18.3: the earlier document is issued by the agency; a correction is a Công văn, an update or a
    # replacement has the earlier document's form.
    office = outgoing_office
    original = issued_document(office, draft_bytes, type_code="KH", subject="Kế hoạch triển khai năm 2027")
    with pytest.raises(PermissionDenied):  # an administrator does not draft documents
        tracking.start_related(office.admin, original.id, Relation.REPLACE)

    replacement = tracking.start_related(office.spec_a1, original.id, Relation.REPLACE)
    # The notation follows the type (left empty: the type's default, NĐ 30/2020 Phụ lục I, Phần I, II.3.b).
    services.update_draft(office.spec_a1, replacement.id, metadata={"type_code": "CV", "notation": ""})
    services.upload_version(office.spec_a1, replacement.id, Upload("thay-the.pdf", draft_bytes))
    with pytest.raises(ValidationError) as mismatch:
        services.submit(office.spec_a1, replacement.id)
    assert mismatch.value.code == "related_form_mismatch" and "Kế hoạch" in mismatch.value.details["type_code"]

    correction = tracking.start_related(office.spec_a1, original.id, Relation.CORRECT)
    services.update_draft(office.spec_a1, correction.id, metadata={"type_code": "KH", "notation": ""})
    services.upload_version(office.spec_a1, correction.id, Upload("dinh-chinh.pdf", draft_bytes))
    with pytest.raises(ValidationError) as not_cong_van:
        services.submit(office.spec_a1, correction.id)
    assert "Công văn" in not_cong_van.value.details["type_code"]
    services.update_draft(office.spec_a1, correction.id, metadata={"type_code": "CV", "notation": ""})

    # Recalled meanwhile: nothing is left to change, and no new relation can be started.
    recall_outgoing(office.clerk, original.id, "Ban hành sai thẩm quyền")
    with pytest.raises(Conflict) as recalled:
        services.submit(office.spec_a1, correction.id)
    assert recalled.value.code == "outgoing_not_issued"
    with pytest.raises(Conflict):
        tracking.start_related(office.spec_a1, original.id, Relation.UPDATE)


def test_another_sender_cannot_link_to_a_document_it_did_not_send(outgoing_office, draft_bytes):
    # The mã định danh names the sender (legal.md §4.6): a package from STC naming UBND's document links nothing.
    office = outgoing_office
    original = issued_document(office, draft_bytes)
    [a_at_snv] = incoming_copies(office.snv)
    key = original_key(original)
    assert incoming_relations.find_earlier(office.snv.agency.id, office.agency.code, key) == a_at_snv.id
    assert incoming_relations.find_earlier(office.snv.agency.id, STC[0], key) is None
    unknown = f"{office.agency.code},2026/01/01,09/UBND-TH"
    assert incoming_relations.find_earlier(office.stc.agency.id, office.agency.code, unknown) is None


def test_the_api_and_the_pages_show_the_relation(client, outgoing_office, draft_bytes, api_token):
    # NĐ 30/2020 Điều 18.3 through the REST API and on both documents' pages, at the sender and the recipient.
    office = outgoing_office
    original = issued_document(office, draft_bytes)
    headers = api_token(office.spec_a1)
    refused = client.post(f"/api/v1/outgoing/{original.id}/related", headers=headers, json={"relation": "merge"})
    assert refused.status_code == 422 and refused.json["code"] == "invalid_relation"
    created = client.post(f"/api/v1/outgoing/{original.id}/related", headers=headers, json={"relation": "replace"})
    assert created.status_code == 201, created.json
    body = created.json
    assert (body["relation"], body["related_id"], body["status"]) == ("replace", original.id, "draft")
    assert body["related_document"]["symbol"] == original.symbol == "01/UBND-TH"

    replacement = services.get_document(office.spec_a1, body["id"])
    services.upload_version(office.spec_a1, replacement.id, Upload("thay-the.pdf", draft_bytes))
    to_signing(office, replacement)
    sign(office, replacement)
    issue(office, replacement)
    earlier = client.get(f"/api/v1/outgoing/{original.id}", headers=headers).json
    assert [(r["id"], r["relation"], r["symbol"]) for r in earlier["related_by"]] == [
        (replacement.id, "replace", "02/UBND-TH")
    ]
    login(client, "cv.a1")
    page = client.get(f"/outgoing/{original.id}").get_data(as_text=True)
    assert 'data-testid="outgoing-replaced"' in page and "Đã được thay thế bởi văn bản" in page
    assert "Thay thế văn bản" in client.get(f"/outgoing/{replacement.id}").get_data(as_text=True)
    client.post("/logout", data={"csrf_token": csrf_token(client, "/")})

    [a_at_snv, b_at_snv] = incoming_copies(office.snv)
    snv_headers = api_token(office.snv.clerk)
    new = client.get(f"/api/v1/incoming/{b_at_snv.id}", headers=snv_headers).json
    assert (new["relation"], new["related_id"], new["related_key"]) == ("replace", a_at_snv.id, original_key(original))
    old = client.get(f"/api/v1/incoming/{a_at_snv.id}", headers=snv_headers).json
    assert old["replaced"] is True and [r["id"] for r in old["related_by"]] == [b_at_snv.id]
    login(client, "vanthu.snv")
    html = client.get(f"/incoming/{a_at_snv.id}").get_data(as_text=True)
    assert 'data-testid="incoming-replaced"' in html and "Được thay thế bởi văn bản" in html and "02/UBND-TH" in html
    html = client.get(f"/incoming/{b_at_snv.id}").get_data(as_text=True)
    assert "Thay thế văn bản" in html and f"/incoming/{a_at_snv.id}" in html
    # The clerk checking the new arrival sees on the task page what it replaces.
    [task] = wf_queries.object_tasks("incoming", b_at_snv.id)
    html = client.get(f"/tasks/{task.id}").get_data(as_text=True)
    assert 'data-testid="incoming-related"' in html and "Thay thế văn bản" in html
