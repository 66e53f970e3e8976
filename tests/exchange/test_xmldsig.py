"""The XML-DSig envelope of edXML messages (legal.md §4.2, §4.6): signed with the agency's exchange credential,
verified against the receiver's trust roots; a changed byte, an untrusted certificate or content outside the signed
part is refused; unsigned messages pass as unsigned. The parser refuses XML bombs and external entities quickly."""

import base64
import time

import pytest
from lxml import etree

from app.core.transaction import unit_of_work
from app.exchange.edxml import InvalidPackage, parse_package, parse_status
from app.exchange.edxml_base import NS
from app.exchange.xmldsig import DS, InvalidSignature, sign_package, verify_package
from app.signing import credentials
from tests.exchange.messages import EARLIER_ID, EXCHANGE_PASS, PDF, SUBJECT, package, status
from tests.signing.keyfiles import p12_of

KINDS = ["new", "revoke", "update", "replace"]
STATUS_CODES = ["01", "02", "03", "04", "05", "06", "13", "15", "16"]


def _signed_ok(data: bytes, agency_id: int) -> str:
    result = verify_package(data, agency_id)
    assert result.signed is True
    return result.signer


@pytest.mark.parametrize("kind", KINDS)
def test_every_package_kind_signs_verifies_and_parses(frozen_clock, sender, kind):
    signed = sign_package(package(kind), sender.agency.id)
    root = etree.fromstring(signed)
    signature = root.find(f"{{{NS}}}edXMLEnvelope/{{{NS}}}edXMLHeader/{{{DS}}}Signature")
    assert signature is not None and signature.prefix is None  # <Signature xmlns="…xmldsig#"> (legal.md §4.2)
    method = signature.find(f"{{{DS}}}SignedInfo/{{{DS}}}SignatureMethod").get("Algorithm")
    assert method.endswith("ecdsa-sha256")  # the test seal key is EC
    reference = signature.find(f"{{{DS}}}SignedInfo/{{{DS}}}Reference")
    assert reference.get("URI") == ""
    assert len(signature.findall(f".//{{{DS}}}X509Certificate")) == 3  # the certificate and its chain
    assert _signed_ok(signed, sender.agency.id) == "UBND TỈNH HÀ GIANG"
    pkg = parse_package(signed)
    assert pkg.metadata["subject"] == SUBJECT
    if kind != "new":
        assert pkg.related_key == EARLIER_ID


@pytest.mark.parametrize("code", STATUS_CODES)
def test_every_status_signs_verifies_and_parses(frozen_clock, sender, code):
    signed = sign_package(status(code), sender.agency.id)
    _signed_ok(signed, sender.agency.id)
    assert parse_status(signed).code == code


def test_an_rsa_key_signs_with_rsa_sha256(frozen_clock, sender, pki):
    with unit_of_work():
        credentials.add_exchange(
            sender.admin, sender.agency.id, p12=p12_of(pki.person, pki, EXCHANGE_PASS), passphrase=EXCHANGE_PASS
        )
    signed = sign_package(package(), sender.agency.id)
    assert b"xmldsig-more#rsa-sha256" in signed
    assert _signed_ok(signed, sender.agency.id) == "Nguyễn Văn An"


def test_a_replaced_or_deactivated_credential_no_longer_signs(frozen_clock, sender, pki):
    """The opened key is kept per process (credentials.exchange_key): a replacement signs the next message at once,
    and after deactivation nothing is signed with the old key."""
    assert b"ecdsa-sha256" in sign_package(package(), sender.agency.id)
    with unit_of_work():
        replacement = credentials.add_exchange(
            sender.admin, sender.agency.id, p12=p12_of(pki.person, pki, EXCHANGE_PASS), passphrase=EXCHANGE_PASS
        )
    assert b"xmldsig-more#rsa-sha256" in sign_package(package(), sender.agency.id)
    with unit_of_work():
        credentials.deactivate(sender.admin, replacement.id, "Thay chứng thư số")
    assert b"http://www.w3.org/2000/09/xmldsig#" not in sign_package(package(), sender.agency.id)
    assert verify_package(sign_package(package(), sender.agency.id), sender.agency.id).signed is False


def test_an_agency_without_exchange_credential_sends_unsigned(frozen_clock, create_agency):
    agency = create_agency()
    data = package()
    assert sign_package(data, agency.id) == data
    result = verify_package(data, agency.id)
    assert result.signed is False and result.signer is None


def test_resigning_keeps_one_signature(frozen_clock, sender):
    twice = sign_package(sign_package(package(), sender.agency.id), sender.agency.id)
    assert twice.count(b"<SignatureValue>") == 1
    _signed_ok(twice, sender.agency.id)


def _refused(data: bytes, agency_id: int) -> InvalidSignature:
    with pytest.raises(InvalidSignature) as refused:
        verify_package(data, agency_id)
    assert refused.value.code == "invalid_signature" and refused.value.status == 422
    assert refused.value.message.startswith("Chữ ký số của gói tin edXML không hợp lệ")
    assert set(refused.value.details) == {"signature"}
    return refused.value


def test_a_changed_subject_is_refused(frozen_clock, sender):
    signed = sign_package(package(), sender.agency.id)
    _refused(signed.replace(b"SUBJECT-MARK", b"SUBJECT-MARX"), sender.agency.id)


def test_a_changed_attachment_is_refused(frozen_clock, sender):
    signed = sign_package(package(), sender.agency.id)
    encoded = base64.b64encode(PDF)
    tampered = base64.b64encode(PDF.replace(b"ATTACHMENT-MARK", b"ATTACHMENT-MARX"))
    assert encoded in signed
    _refused(signed.replace(encoded, tampered), sender.agency.id)


def test_a_changed_status_code_is_refused(frozen_clock, sender):
    signed = sign_package(status("02"), sender.agency.id)
    assert b">02</edXML:StatusCode>" in signed
    _refused(signed.replace(b">02</edXML:StatusCode>", b">06</edXML:StatusCode>"), sender.agency.id)


def test_content_added_outside_the_signature_is_refused(frozen_clock, sender):
    root = etree.fromstring(sign_package(package(), sender.agency.id))
    extra = etree.SubElement(root, f"{{{NS}}}AttachmentEncoded")
    etree.SubElement(extra, f"{{{NS}}}Attachment").text = "smuggled"
    _refused(etree.tostring(root), sender.agency.id)


def test_a_signature_elsewhere_or_twice_is_refused(frozen_clock, sender):
    root = etree.fromstring(sign_package(package(), sender.agency.id))
    signature = root.find(f".//{{{DS}}}Signature")
    root.append(signature)  # moved out of edXMLHeader
    assert "edXMLHeader" in _refused(etree.tostring(root), sender.agency.id).message


def test_an_untrusted_certificate_is_refused(frozen_clock, sender, pki):
    with unit_of_work():
        credentials.add_exchange(
            sender.admin, sender.agency.id, p12=p12_of(pki.rogue_seal, pki, EXCHANGE_PASS), passphrase=EXCHANGE_PASS
        )
    signed = sign_package(package(), sender.agency.id)
    assert "tin cậy" in _refused(signed, sender.agency.id).message


def test_without_trust_roots_nothing_signed_is_trusted(frozen_clock, sender, app):
    signed = sign_package(package(), sender.agency.id)
    app.config["SIGNING_TRUST_ROOTS"] = None  # restored by the trusted_root fixture
    assert "chứng thư gốc" in _refused(signed, sender.agency.id).message


def test_an_exchange_credential_appears_on_the_admin_page_without_an_image(frozen_clock, sender, client):
    from tests.conftest import login

    login(client, sender.admin.username)
    page = client.get("/admin/signing/credentials").get_data(as_text=True)
    assert "Hệ thống liên thông (ký gói tin edXML)" in page and "Không có ảnh" in page
    assert client.get(f"/admin/signing/credentials/{sender.credential.id}/image").status_code == 404


# --- hostile XML ---------------------------------------------------------------------------------------------

LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE edXML [
 <!ENTITY a "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa">
 <!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">
 <!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;">
 <!ENTITY d "&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;">
 <!ENTITY e "&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;">
 <!ENTITY f "&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;">
 <!ENTITY g "&f;&f;&f;&f;&f;&f;&f;&f;&f;&f;">
 <!ENTITY h "&g;&g;&g;&g;&g;&g;&g;&g;&g;&g;">
 <!ENTITY i "&h;&h;&h;&h;&h;&h;&h;&h;&h;&h;">
]>
<edXML xmlns="http://www.mic.gov.vn/TBT/QCVN_102_2016"><edXMLEnvelope><edXMLHeader><MessageHeader>
<From><OrganId>000.00.01.H33</OrganId><OrganName>&i;</OrganName></From><Subject>&i;</Subject>
</MessageHeader></edXMLHeader></edXMLEnvelope></edXML>"""

EXTERNAL = b"""<?xml version="1.0"?>
<!DOCTYPE edXML [<!ENTITY secret SYSTEM "file:///etc/passwd">]>
<edXML xmlns="http://www.mic.gov.vn/TBT/QCVN_102_2016"><edXMLEnvelope><edXMLHeader><MessageHeader>
<From><OrganId>000.00.01.H33</OrganId><OrganName>So Noi vu</OrganName></From><Subject>&secret;</Subject>
<StatusCode>05</StatusCode></MessageHeader></edXMLHeader></edXMLEnvelope></edXML>"""


def _deep(depth: int) -> bytes:
    return b'<edXML xmlns="http://www.mic.gov.vn/TBT/QCVN_102_2016">' + b"<a>" * depth + b"</a>" * depth + b"</edXML>"


def _huge_attribute() -> bytes:
    return b'<edXML xmlns="http://www.mic.gov.vn/TBT/QCVN_102_2016" x="' + b"A" * (12 * 1024 * 1024) + b'"/>'


HOSTILE = {
    "billion_laughs": LAUGHS,
    "external_entity": EXTERNAL,
    # The DOCTYPE hidden behind 8 kB of comment, past the quick prefix check: the parser still neither loads nor
    # expands it, and the tree is refused for having one.
    "late_doctype": b"<!--" + b"x" * 8192 + b"-->" + EXTERNAL.split(b"\n", 1)[1],
    "deep_nesting": _deep(100_000),
    "huge_attribute": _huge_attribute(),
}
READERS = {"parse_package": parse_package, "parse_status": parse_status, "verify": lambda d: verify_package(d, None)}


@pytest.mark.parametrize("reader", sorted(READERS))
@pytest.mark.parametrize("case", sorted(HOSTILE))
def test_hostile_xml_is_refused_quickly(case, reader):
    started = time.perf_counter()
    with pytest.raises(InvalidPackage) as refused:
        READERS[reader](HOSTILE[case])
    elapsed = time.perf_counter() - started
    assert elapsed < 1.0  # a safety bound, not a timing test: an expanding bomb takes minutes and gigabytes
    assert refused.value.code == "invalid_edxml"
    text = refused.value.message + repr(refused.value.details)
    assert "aaaa" not in text and "root:" not in text


def test_an_external_entity_is_never_read(tmp_path):
    secret = tmp_path / "secret.txt"
    secret.write_text("TOP-SECRET-CONTENT")
    data = EXTERNAL.replace(b"file:///etc/passwd", secret.as_uri().encode())
    for reader in READERS.values():
        with pytest.raises(InvalidPackage) as refused:
            reader(data)
        assert "TOP-SECRET" not in refused.value.message + repr(refused.value.details)
    late = b"<!--" + b"x" * 8192 + b"-->" + data.split(b"\n", 1)[1]
    with pytest.raises(InvalidPackage) as refused:
        parse_status(late)
    assert "DOCTYPE" in refused.value.message
