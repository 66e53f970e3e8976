"""An exported edXML package (issue 14): signed with the agency's exchange credential when it has one, and a reply
names the incoming document it answers (ResponseFor, legal.md §4.2 item 1.12)."""

from app.documents.uploads import Upload
from app.exchange.edxml import parse_package
from app.exchange.xmldsig import verify_package
from app.incoming import services as incoming
from app.outgoing import tracking
from app.outgoing.models import RecipientKind
from app.signing import credentials
from tests.exchange.messages import EXCHANGE_PASS
from tests.outgoing.conftest import UBND, issued_document
from tests.signing import factories
from tests.signing.factories import make_pdf
from tests.signing.keyfiles import p12_of

ASKED_KEY = "000.00.00.G09,2026/11/02,267/BNV-TCBC"


def _asked(office):
    asked = incoming.receive_incoming(
        office.clerk,
        channel="paper",
        metadata={
            "sender_code": "000.00.00.G09",
            "sender_name": "Bộ Nội vụ",
            "code_number": "267",
            "code_notation": "BNV-TCBC",
            "issued_date": "2026-11-02",
            "type_name": "Công văn",
            "subject": "Về việc báo cáo biên chế",
        },
        uploads=[Upload("scan.pdf", make_pdf("CV"), is_main=True)],
    )
    asked.lead_user_id = office.spec_a1.id  # directed to the drafter: one answers what one may see
    return asked


def _external_package(office, document) -> bytes:
    external = next(r for r in document.recipients if r.kind == RecipientKind.EXTERNAL)
    return tracking.external_package(office.clerk, document.id, external.id)[1]


def test_a_reply_names_what_it_answers_and_the_export_is_unsigned_without_credential(outgoing_office, draft_bytes):
    office = outgoing_office
    asked = _asked(office)
    assert asked.document_key == ASKED_KEY
    answer = issued_document(office, draft_bytes, reply_to_id=asked.id)
    data = _external_package(office, answer)
    assert verify_package(data, office.agency.id).signed is False
    [response] = parse_package(data).metadata["response_for"]
    assert response == {
        "organ_id": "000.00.00.G09",
        "code": "267/BNV-TCBC",
        "promulgation_date": "2026-11-02",
        "document_id": ASKED_KEY,
    }


def test_the_export_is_signed_with_the_exchange_credential(app, outgoing_office, draft_bytes, demo_pki, tmp_path):
    office = outgoing_office
    pki = factories.build_test_pki()
    bundle = tmp_path / "roots.pem"
    bundle.write_bytes(demo_pki.root_pem + pki.root.pem)  # the demo seal's root and the exchange key's
    app.config["SIGNING_TRUST_ROOTS"] = str(bundle)  # restored by the trusted_demo fixture
    credentials.add_exchange(
        office.admin,
        office.agency.id,
        p12=p12_of(pki.seal, pki, EXCHANGE_PASS),
        passphrase=EXCHANGE_PASS,
    )
    document = issued_document(office, draft_bytes)
    data = _external_package(office, document)
    assert verify_package(data, office.agency.id).signed is True
    assert parse_package(data).metadata["sender_code"] == UBND[0]


def test_an_issue_whose_header_breaks_the_edxml_limits_is_refused_naming_the_element(outgoing_office, draft_bytes):
    """legal.md §4.3: PromulgationInfo/Place ≤ 50 (the document's own field allows 100): refused before sending."""
    import pytest

    from app.exchange.edxml import InvalidPackage
    from app.outgoing.models import OutgoingStatus
    from tests.outgoing.conftest import issue, new_draft, sign, to_signing

    office = outgoing_office
    document = new_draft(office, draft_bytes, place="Thành phố " + "Rạch Giá " * 8)
    to_signing(office, document)
    sign(office, document)
    with pytest.raises(InvalidPackage) as refused:
        issue(office, document)
    assert "MessageHeader/PromulgationInfo/Place" in refused.value.details
    assert document.status == OutgoingStatus.SIGNED and document.number is None
