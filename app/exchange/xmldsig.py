"""The XML-DSig signature of edXML messages (legal.md §4.2, §4.6): sign what an agency sends, verify what arrives.

An enveloped signature (W3C XML-DSig, `<Signature xmlns="http://www.w3.org/2000/09/xmldsig#">`) is the last child of
edXMLEnvelope/edXMLHeader; rsa-sha256 (ecdsa-sha256 for an EC key), exclusive c14n, one reference with URI "" and
the enveloped-signature transform, so it covers the whole message, attachments included; KeyInfo/X509Data carries
the certificate and its chain. The key is the agency's CredentialKind.EXCHANGE credential, opened by the system
(app.signing.credentials.exchange_key: the transport envelope, not the document).

On receipt the bytes are parsed with the hardened parser before signxml ever sees them; the signature must verify
with the embedded certificate, that certificate must chain to the receiving agency's trust roots at the signing
time (app.signing.chains), and what the signature covers must be the whole message: content added outside the
signed part (another element, a second signature wrapping the first) is refused.
"""

from __future__ import annotations

import base64
import logging
from dataclasses import dataclass
from datetime import timedelta

from cryptography import x509
from cryptography.hazmat.primitives.asymmetric import ec
from lxml import etree
from signxml import (
    CanonicalizationMethod,
    DigestAlgorithm,
    SignatureConfiguration,
    SignatureMethod,
    XMLSigner,
    XMLVerifier,
)
from signxml.exceptions import InvalidInput, SignXMLException
from signxml.util import _remove_sig

from app.core import clock
from app.core.errors import DomainError, ValidationError
from app.exchange.edxml_base import E, child, children, header_of, parse_root, parse_timestamp, parser, text

log = logging.getLogger(__name__)

DS = "http://www.w3.org/2000/09/xmldsig#"
DS_SIGNATURE = f"{{{DS}}}Signature"
ENVELOPED = "http://www.w3.org/2000/09/xmldsig#enveloped-signature"
EXC_C14N = CanonicalizationMethod.EXCLUSIVE_XML_CANONICALIZATION_1_0
ACCEPTED_METHODS = frozenset(
    {
        SignatureMethod.RSA_SHA256,
        SignatureMethod.RSA_SHA384,
        SignatureMethod.RSA_SHA512,
        SignatureMethod.ECDSA_SHA256,
        SignatureMethod.ECDSA_SHA384,
        SignatureMethod.ECDSA_SHA512,
    }
)
ACCEPTED_DIGESTS = frozenset({DigestAlgorithm.SHA256, DigestAlgorithm.SHA384, DigestAlgorithm.SHA512})
CLOCK_SKEW = timedelta(minutes=5)  # a signing time this far ahead of our clock is still believed


class InvalidSignature(ValidationError):
    """A signature is present and does not hold: bad value, changed content, untrusted or unusable certificate."""

    code = "invalid_signature"
    status = 422
    message = "Chữ ký số của gói tin edXML không hợp lệ."

    def __init__(self, reason: str) -> None:
        message = f"Chữ ký số của gói tin edXML không hợp lệ: {reason}"
        super().__init__(message, details={"signature": reason})


@dataclass(frozen=True)
class Signed:
    signed: bool
    signer: str | None = None  # the signing certificate's common name


def sign_package(data: bytes, agency_id: int) -> bytes:
    """The message signed with the agency's exchange credential; the same bytes when the agency has none."""
    from app.signing.credentials import exchange_key

    opened = exchange_key(agency_id)
    if opened is None:
        return data
    key, _credential = opened
    root = parse_root(data)
    header = header_of(root)
    if header is None:
        raise InvalidSignature("gói tin thiếu edXMLEnvelope/edXMLHeader.")
    for old in header.findall(DS_SIGNATURE):  # a re-signed message carries one signature, ours
        header.remove(old)
    etree.SubElement(header, DS_SIGNATURE, nsmap={None: DS}, Id="placeholder")
    method = SignatureMethod.ECDSA_SHA256 if isinstance(key.private_key, ec.EllipticCurvePrivateKey) else None
    signer = XMLSigner(
        signature_algorithm=method or SignatureMethod.RSA_SHA256,
        digest_algorithm=DigestAlgorithm.SHA256,
        c14n_algorithm=EXC_C14N,
    )
    signer.namespaces = {None: DS}  # `<Signature xmlns="…xmldsig#">` as in legal.md §4.2
    chain = [x509.load_der_x509_certificate(cert.dump()) for cert in (key.certificate, *key.chain)]
    signed = signer.sign(root, key=key.private_key, cert=chain)
    return etree.tostring(signed, xml_declaration=True, encoding="UTF-8")


def verify_package(data: bytes, agency_id: int | None) -> Signed:
    """Check the message's signature against `agency_id`'s trust roots: Signed(False) when it has none,
    Signed(True, signer) when it holds; InvalidSignature otherwise. Parse errors raise InvalidPackage first."""
    root = parse_root(data)
    signatures = list(root.iter(DS_SIGNATURE))
    if not signatures:
        return Signed(False, None)
    header = header_of(root)
    if len(signatures) > 1 or signatures[0].getparent() is not header:
        raise InvalidSignature("gói tin phải có đúng một chữ ký, đặt trong edXMLEnvelope/edXMLHeader.")
    signature = signatures[0]
    _check_reference(signature)
    certificates = _certificates(signature)
    at = _signing_time(root)
    try:
        result = XMLVerifier().verify(
            data,
            x509_cert=x509.load_der_x509_certificate(certificates[0]),
            parser=parser(),
            expect_config=SignatureConfiguration(
                location=f"./{E}edXMLEnvelope/{E}edXMLHeader/",
                expect_references=1,
                signature_methods=ACCEPTED_METHODS,
                digest_algorithms=ACCEPTED_DIGESTS,
                verification_time=at,
            ),
        )
    except (SignXMLException, ValueError) as exc:
        log.info("edXML signature refused: %s", exc)
        raise InvalidSignature("nội dung gói tin đã bị sửa sau khi ký hoặc giá trị chữ ký không khớp.") from exc
    _check_covers_all(result.signed_xml, root, signature)
    return Signed(True, _trusted_signer(certificates, agency_id=agency_id, at=at))


def _check_reference(signature) -> None:
    """One reference, URI "" (the whole document), enveloped transform then at most a c14n: nothing narrower."""
    references = signature.findall(f"{{{DS}}}SignedInfo/{{{DS}}}Reference")
    if len(references) != 1 or references[0].get("URI") != "":
        raise InvalidSignature('chữ ký phải ký toàn bộ gói tin (một Reference URI="").')
    transforms = [t.get("Algorithm") for t in references[0].iterfind(f"{{{DS}}}Transforms/{{{DS}}}Transform")]
    if not transforms or transforms[0] != ENVELOPED or any(t == ENVELOPED for t in transforms[1:]):
        raise InvalidSignature("chữ ký phải là chữ ký bao (enveloped-signature).")
    allowed = {ENVELOPED, *(method.value for method in CanonicalizationMethod)}
    if any(t not in allowed for t in transforms):
        raise InvalidSignature("chữ ký dùng phép biến đổi không được chấp nhận.")


def _certificates(signature) -> list[bytes]:
    """The DER certificates of KeyInfo/X509Data, the signer's first."""
    values = signature.findall(f"{{{DS}}}KeyInfo/{{{DS}}}X509Data/{{{DS}}}X509Certificate")
    try:
        certificates = [base64.b64decode("".join((v.text or "").split()), validate=True) for v in values]
        for der in certificates:
            x509.load_der_x509_certificate(der)
    except ValueError as exc:
        raise InvalidSignature("không đọc được chứng thư số trong KeyInfo/X509Data.") from exc
    if not certificates:
        raise InvalidSignature("chữ ký thiếu chứng thư số (KeyInfo/X509Data/X509Certificate).")
    return certificates


def _signing_time(root):
    """When the message says it was signed: the status Timestamp, else the first TraceHeader's (the sender's hop);
    now when it says nothing. The certificate must be valid then. A time ahead of our clock is not believed."""
    message = child(header_of(root), "MessageHeader")
    hops = children(child(header_of(root), "TraceHeaderList"), "TraceHeader")
    stamp = text(message, "Timestamp") or (text(hops[0], "Timestamp") if hops else None)
    now = clock.now()
    try:
        at = parse_timestamp(stamp, "Timestamp")
    except DomainError:
        at = None
    if at is None or at > now + CLOCK_SKEW:
        return now
    return at


def _check_covers_all(signed_xml, root, signature) -> None:
    """What the signature covers (signxml's answer) must be the whole message without the signature itself."""
    whole = etree.fromstring(etree.tostring(root), parser=parser())
    _remove_sig(next(whole.iter(DS_SIGNATURE)))  # as signxml's enveloped transform does (keeps the tail text)
    expected = etree.tostring(whole, method="c14n", exclusive=True)
    try:
        covered = etree.tostring(signed_xml, method="c14n", exclusive=True)
    except (TypeError, InvalidInput) as exc:
        raise InvalidSignature("phần được ký không phải là toàn bộ gói tin.") from exc
    if covered != expected:
        raise InvalidSignature("gói tin có nội dung nằm ngoài phần được ký.")


def _trusted_signer(certificates: list[bytes], *, agency_id: int | None, at) -> str:
    from app.signing.chains import UntrustedCertificate, validate_chain

    try:
        return validate_chain(certificates[0], certificates[1:], agency_id=agency_id, at=at)
    except UntrustedCertificate as exc:
        raise InvalidSignature(exc.message[0].lower() + exc.message[1:]) from exc
