"""A throwaway demo PKI for `qlvb demo`: never for real documents.

Shaped like the Vietnamese hierarchy (a national root → the Government CA of Ban Cơ yếu Chính phủ → subscribers,
spec/signing.md §1), every name marked DEMO so that no one mistakes a demo signature for a real one:

- root CA and intermediate "Government CA" (keyCertSign, cRLSign);
- one organization (seal) certificate per agency: ECDSA P-256, digitalSignature, as seal certificates usually are;
- one personal certificate per signer: RSA-2048 (most issued tokens), digitalSignature + nonRepudiation.

Each end-entity key is exported as a PKCS#12 file protected by a passphrase, carrying the intermediate and the root,
so a signature embeds the whole chain and a receiver needs only to trust the root (written out as PEM).
The certificates name no CRL location: the demo publishes no CRL, and a location nobody serves would only make
revocation checking fail.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from cryptography.hazmat.primitives.serialization import pkcs12
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID, ObjectIdentifier

from app.core import clock

DEMO_PASSPHRASE = "QlvbDemo@2026"
DEMO_ORG = "qlvb DEMO PKI - KHÔNG DÙNG CHO VĂN BẢN THẬT"
# RFC 9336 id-kp-documentSigning; e-mail protection too, as Vietnamese subscriber certificates carry it.
EKU_DOCUMENT_SIGNING = ObjectIdentifier("1.3.6.1.5.5.7.3.36")

_NO_USAGE = dict.fromkeys(
    (
        "digital_signature",
        "content_commitment",
        "key_encipherment",
        "data_encipherment",
        "key_agreement",
        "key_cert_sign",
        "crl_sign",
        "encipher_only",
        "decipher_only",
    ),
    False,
)


@dataclass(frozen=True)
class DemoPKI:
    """The demo CA certificates and one PKCS#12 file per agency seal and per signer, all under `passphrase`."""

    root: x509.Certificate
    intermediate: x509.Certificate
    passphrase: str
    seals: dict[str, bytes] = field(default_factory=dict)  # agency code → PKCS#12
    personal: dict[str, bytes] = field(default_factory=dict)  # username → PKCS#12

    @property
    def root_pem(self) -> bytes:
        return self.root.public_bytes(serialization.Encoding.PEM)


@dataclass(frozen=True)
class _Issued:
    key: object
    cert: x509.Certificate


def _name(common_name: str, *, organization: str | None = None, uid: str | None = None) -> x509.Name:
    attributes = [x509.NameAttribute(NameOID.COUNTRY_NAME, "VN")]
    if organization:
        attributes.append(x509.NameAttribute(NameOID.ORGANIZATION_NAME, organization))
    if uid:
        attributes.append(x509.NameAttribute(NameOID.USER_ID, uid))
    attributes.append(x509.NameAttribute(NameOID.COMMON_NAME, common_name))
    return x509.Name(attributes)


def _issue(
    subject: x509.Name,
    issuer: _Issued | None,
    key,
    *,
    start: dt.datetime,
    days: int,
    usage: tuple[str, ...],
    ca: bool = False,
) -> _Issued:
    issuer_key = issuer.key if issuer else key
    builder = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(issuer.cert.subject if issuer else subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(start)
        .not_valid_after(start + dt.timedelta(days=days))
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
        .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(issuer_key.public_key()), critical=False)
        .add_extension(x509.BasicConstraints(ca=ca, path_length=None), critical=True)
        .add_extension(x509.KeyUsage(**{**_NO_USAGE, **dict.fromkeys(usage, True)}), critical=True)
    )
    if not ca:
        eku = x509.ExtendedKeyUsage([EKU_DOCUMENT_SIGNING, ExtendedKeyUsageOID.EMAIL_PROTECTION])
        builder = builder.add_extension(eku, critical=False)
    return _Issued(key, builder.sign(issuer_key, hashes.SHA256()))


def _export(issued: _Issued, chain: list[x509.Certificate], friendly_name: str, passphrase: str) -> bytes:
    return pkcs12.serialize_key_and_certificates(
        friendly_name.encode("utf-8"),
        issued.key,
        issued.cert,
        chain,
        serialization.BestAvailableEncryption(passphrase.encode("utf-8")),
    )


def build_demo_pki(
    agencies: list[tuple[str, str]],
    people: list[tuple[str, str, str]],
    *,
    valid_days: int = 3650,
    passphrase: str = DEMO_PASSPHRASE,
) -> DemoPKI:
    """Create a fresh demo CA and issue a seal certificate per agency and a personal certificate per person.

    `agencies`: (mã định danh, name); `people`: (username, full name, agency name). Valid from five minutes ago
    (clock skew between hosts) for `valid_days`; the CAs outlive the certificates they issue by a year.
    """
    start = clock.now() - dt.timedelta(minutes=5)
    ca_usage = ("key_cert_sign", "crl_sign")
    root = _issue(
        _name("qlvb DEMO Root CA", organization=DEMO_ORG),
        None,
        ec.generate_private_key(ec.SECP256R1()),
        start=start,
        days=valid_days + 365,
        usage=ca_usage,
        ca=True,
    )
    government = _issue(
        _name("qlvb DEMO Government CA", organization=DEMO_ORG),
        root,
        ec.generate_private_key(ec.SECP256R1()),
        start=start,
        days=valid_days + 365,
        usage=ca_usage,
        ca=True,
    )
    chain = [government.cert, root.cert]
    seals = {}
    for code, name in agencies:
        issued = _issue(
            _name(name, organization=name, uid=code),
            government,
            ec.generate_private_key(ec.SECP256R1()),
            start=start,
            days=valid_days,
            usage=("digital_signature",),
        )
        seals[code] = _export(issued, chain, f"{name} (DEMO)", passphrase)
    personal = {}
    for username, full_name, agency_name in people:
        issued = _issue(
            _name(full_name, organization=agency_name, uid=username),
            government,
            rsa.generate_private_key(public_exponent=65537, key_size=2048),
            start=start,
            days=valid_days,
            usage=("digital_signature", "content_commitment"),
        )
        personal[username] = _export(issued, chain, f"{full_name} (DEMO)", passphrase)
    return DemoPKI(root.cert, government.cert, passphrase, seals, personal)
