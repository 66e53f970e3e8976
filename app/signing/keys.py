"""Signing keys: what a signer needs, PKCS#12 files opened with a PIN, and the checks before a key may sign.

`SigningKey` is the seam for other kinds of key. Today a key is a PKCS#12 file kept (encrypted) in the
database (`Pkcs12Key`). A USB token (PKCS#11: pyHanko's `pyhanko.sign.pkcs11.PKCS11Signer`) or a remote signing
service (pyHanko's interrupted signing: `PdfSigner.async_digest_doc_for_signing` → sign the digest remotely →
`PdfTBSDocument.finish_signing`, with an `ExternalSigner` carrying the certificate) provides the same two things:
the signer's certificate and a pyHanko `Signer`.

Only this package imports pyHanko (style.md); `cryptography` does the PKCS#12 parsing and the key wrapping.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any, Protocol, runtime_checkable

from asn1crypto import pkcs12 as asn1_pkcs12
from asn1crypto import x509 as asn1_x509
from cryptography import x509
from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat, pkcs12

from app.signing.errors import (
    CertificateExpired,
    CertificateNotYetValid,
    CertificateRevoked,
    CredentialUnreadable,
    KeyUsageNotAllowed,
    NotPkcs12,
    WrongPin,
)

if TYPE_CHECKING:  # pyHanko (with aiohttp) is imported on the first signature, not at start (bench/RESULTS.md)
    from pyhanko.sign import signers

    from app.signing.signer import CachedKeySigner

__all__ = [
    "CertificateExpired",
    "CertificateNotYetValid",
    "CertificateRevoked",
    "KeyUsageNotAllowed",
    "NotPkcs12",
    "Pkcs12Key",
    "SigningKey",
    "WrongPin",
    "certificate_facts",
    "check_usable",
    "load_pkcs12",
    "open_sealed",
    "seal",
]


@runtime_checkable
class SigningKey(Protocol):
    """What signing a PDF needs: the signer's certificate and a pyHanko signer that makes the raw signature."""

    certificate: asn1_x509.Certificate

    def pdf_signer(self) -> signers.Signer: ...


@dataclass(frozen=True)
class Pkcs12Key:
    """A private key and its certificate opened from a PKCS#12 file, with the CA certificates it carried."""

    certificate: asn1_x509.Certificate
    private_key: Any = field(repr=False)  # a `cryptography` private key object
    chain: tuple[asn1_x509.Certificate, ...] = ()

    def pdf_signer(self) -> CachedKeySigner:
        from app.signing.signer import cached_key_signer

        # The chain goes into the signature, so a receiver who trusts only the root can build the path.
        return cached_key_signer(self.certificate, self.private_key, self.chain)


def _looks_like_pkcs12(data: bytes) -> bool:
    try:
        pfx = asn1_pkcs12.Pfx.load(data, strict=True)
        return pfx["auth_safe"]["content_type"].native in {"data", "signed_data"}
    except (ValueError, TypeError, KeyError):
        return False


def load_pkcs12(data: bytes, pin: str) -> Pkcs12Key:
    """Open a PKCS#12 file with its PIN (passphrase).

    Raises NotPkcs12 when the bytes are not a PKCS#12 file with a private key and a matching certificate, and
    WrongPin when they are but the PIN does not open them. The PIN never appears in an error or a log.
    """
    if not isinstance(data, bytes | bytearray) or not data or not _looks_like_pkcs12(bytes(data)):
        raise NotPkcs12()
    # An empty PIN may have been written either as no password or as an empty one.
    secrets = [pin.encode("utf-8")] if pin else [None, b""]
    for secret in secrets:
        try:
            private_key, cert, others = pkcs12.load_key_and_certificates(bytes(data), secret)
            break
        except ValueError:
            continue
    else:
        raise WrongPin()
    if private_key is None or cert is None:
        raise NotPkcs12("Tệp PKCS#12 không chứa khóa bí mật cùng chứng thư số của nó.")
    public = private_key.public_key().public_bytes(Encoding.DER, PublicFormat.SubjectPublicKeyInfo)
    if public != cert.public_key().public_bytes(Encoding.DER, PublicFormat.SubjectPublicKeyInfo):
        raise NotPkcs12("Khóa bí mật trong tệp PKCS#12 không khớp với chứng thư số.", code="key_mismatch")
    return Pkcs12Key(
        certificate=_asn1(cert),
        private_key=private_key,
        chain=tuple(_asn1(other) for other in others or ()),
    )


def _asn1(cert: x509.Certificate) -> asn1_x509.Certificate:
    return asn1_x509.Certificate.load(cert.public_bytes(Encoding.DER))


def _crypto(cert: x509.Certificate | asn1_x509.Certificate | bytes) -> x509.Certificate:
    if isinstance(cert, x509.Certificate):
        return cert
    if isinstance(cert, asn1_x509.Certificate):
        return x509.load_der_x509_certificate(cert.dump())
    return x509.load_der_x509_certificate(bytes(cert))


def serial_hex(serial: int | str) -> str:
    """A certificate serial number as lower-case hex without leading zeros (how it is stored and compared)."""
    return format(int(serial, 16) if isinstance(serial, str) else serial, "x")


def check_usable(
    cert: x509.Certificate | asn1_x509.Certificate | bytes,
    *,
    at: datetime,
    revoked_serials: Iterable[int | str] = (),
) -> None:
    """Refuse a certificate that may not sign at `at`: revoked, outside its validity, or without a signing usage.

    Key usage: digitalSignature or nonRepudiation, the same rule the receiving check applies (verify.KEY_USAGE),
    so qlvb never makes a signature its own verifier would reject. A certificate without the extension is refused,
    as pyHanko's validator refuses it.
    """
    if at.tzinfo is None:
        raise ValueError("check_usable needs a timezone-aware instant")
    certificate = _crypto(cert)
    if serial_hex(certificate.serial_number) in {serial_hex(s) for s in revoked_serials}:
        raise CertificateRevoked(details={"serial": serial_hex(certificate.serial_number)})
    if at < certificate.not_valid_before_utc:
        raise CertificateNotYetValid(
            f"Chứng thư số chỉ có hiệu lực từ {_local(certificate.not_valid_before_utc)}.",
            details={"not_before": certificate.not_valid_before_utc.isoformat()},
        )
    if at > certificate.not_valid_after_utc:
        raise CertificateExpired(
            f"Chứng thư số đã hết hạn từ {_local(certificate.not_valid_after_utc)}.",
            details={"not_after": certificate.not_valid_after_utc.isoformat()},
        )
    try:
        usage = certificate.extensions.get_extension_for_class(x509.KeyUsage).value
    except x509.ExtensionNotFound:
        raise KeyUsageNotAllowed() from None
    if not (usage.digital_signature or usage.content_commitment):
        raise KeyUsageNotAllowed()


def _local(instant: datetime) -> str:
    from app.core.clock import to_local

    return to_local(instant).strftime("%d/%m/%Y %H:%M")


@dataclass(frozen=True)
class CertificateFacts:
    """What qlvb shows and stores about a certificate."""

    subject_name: str
    issuer_name: str
    serial: str
    fingerprint: str  # SHA-256 of the DER certificate, hex
    not_before: datetime
    not_after: datetime
    der: bytes


def certificate_facts(cert: x509.Certificate | asn1_x509.Certificate | bytes) -> CertificateFacts:
    certificate = _crypto(cert)
    der = certificate.public_bytes(Encoding.DER)
    return CertificateFacts(
        subject_name=certificate.subject.rfc4514_string(),
        issuer_name=certificate.issuer.rfc4514_string(),
        serial=serial_hex(certificate.serial_number),
        fingerprint=hashlib.sha256(der).hexdigest(),
        not_before=certificate.not_valid_before_utc,
        not_after=certificate.not_valid_after_utc,
        der=der,
    )


# --- storage encryption ------------------------------------------------------------------------------------

_FORMAT = b"\x01"  # AES-256-GCM, 96-bit random nonce; the byte lets a later format be told apart
_NONCE = 12


def seal(data: bytes, kek: bytes, *, context: bytes) -> bytes:
    """Encrypt `data` under the key-encryption key; `context` (what the bytes are, for which row) is authenticated
    too, so a blob copied into another row or column does not decrypt."""
    nonce = os.urandom(_NONCE)
    return _FORMAT + nonce + AESGCM(kek).encrypt(nonce, data, context)


def open_sealed(blob: bytes, kek: bytes, *, context: bytes) -> bytes:
    """Decrypt what `seal` made; CredentialUnreadable when the key or the context is not the one used."""
    blob = bytes(blob)
    if blob[:1] != _FORMAT or len(blob) < 1 + _NONCE + 16:
        raise CredentialUnreadable("Dữ liệu khóa đã lưu bị hỏng hoặc không đúng định dạng.")
    try:
        return AESGCM(kek).decrypt(blob[1 : 1 + _NONCE], blob[1 + _NONCE :], context)
    except InvalidTag:
        raise CredentialUnreadable() from None
