"""A pyHanko signer that signs fast: the parsed key and the certificate-derived CMS parts are kept.

pyHanko re-parses the PKCS#8 key on every signature: for RSA-2048 (OpenSSL's key consistency check) ~29 ms,
a hundred times the signature itself (spec/signing.md §0.5, §5). Every key kind (PKCS#12 today; a token or a
remote service would bring its own `Signer`) that holds the key in memory signs through `CachedKeySigner`.
"""

from __future__ import annotations

from asn1crypto import algos, cms, tsp
from asn1crypto import keys as asn1_keys
from asn1crypto import x509 as asn1_x509
from cryptography import x509 as crypto_x509
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ec import ECDSA
from cryptography.hazmat.primitives.asymmetric.padding import PKCS1v15
from pyhanko.sign import signers
from pyhanko.sign.attributes import CMSAttributeProvider, SigningCertificateV2Provider
from pyhanko.sign.general import as_signing_certificate_v2
from pyhanko_certvalidator.registry import SimpleCertificateStore
from pyhanko_certvalidator.util import get_pyca_cryptography_hash, process_pss_params


class _FixedAttribute(CMSAttributeProvider):
    def __init__(self, attribute_type: str, value) -> None:
        self.attribute_type = attribute_type
        self._value = value

    async def build_attr_value(self, dry_run=False):
        return self._value


class CachedKeySigner(signers.SimpleSigner):
    """SimpleSigner that keeps the parsed key and the CMS parts that depend only on the certificate.

    pyHanko re-parses the PKCS#8 key on every signature: for RSA-2048 (OpenSSL's key consistency check) ~29 ms,
    a hundred times the signature itself (spec/signing.md §5). And asn1crypto re-encodes, node by node, any
    freshly built structure holding parts of a parsed certificate: ~5 ms for the signing-certificate-v2
    attribute and ~1.5 ms for the signer identifier, every time. Built once and re-loaded from their DER
    encoding, they are copied as bytes.
    """

    def __init__(self, *args, crypto_key, **kwargs):
        super().__init__(*args, **kwargs)
        self._crypto_key = crypto_key
        cert = self.signing_cert
        self._signing_certificate_v2 = tsp.SigningCertificateV2.load(as_signing_certificate_v2(cert).dump())
        issuer_and_serial = cms.IssuerAndSerialNumber({"issuer": cert.issuer, "serial_number": cert.serial_number})
        self._sid = cms.SignerIdentifier.load(
            cms.SignerIdentifier({"issuer_and_serial_number": issuer_and_serial}).dump()
        )

    def sign_raw(self, data: bytes, digest_algorithm: str) -> bytes:
        mechanism = self.get_signature_mechanism_for_digest(digest_algorithm)
        algorithm = mechanism.signature_algo
        if algorithm == "rsassa_pkcs1v15":
            return self._crypto_key.sign(data, PKCS1v15(), get_pyca_cryptography_hash(digest_algorithm))
        if algorithm == "ecdsa":
            return self._crypto_key.sign(data, ECDSA(get_pyca_cryptography_hash(digest_algorithm)))
        if algorithm == "rsassa_pss":
            padding, hash_algorithm = process_pss_params(mechanism["parameters"])
            return self._crypto_key.sign(data, padding, hash_algorithm)
        return super().sign_raw(data, digest_algorithm)  # EdDSA, DSA, ML-DSA: rare, let pyHanko parse

    def _signed_attr_providers(self, *args, **kwargs):
        for provider in super()._signed_attr_providers(*args, **kwargs):
            if isinstance(provider, SigningCertificateV2Provider):
                provider = _FixedAttribute(provider.attribute_type, self._signing_certificate_v2)
            yield provider

    def signer_info(self, digest_algorithm: str, signed_attrs, signature):
        if digest_algorithm == "shake256":  # Ed448's special digest parameters: pyHanko's own code
            return super().signer_info(digest_algorithm, signed_attrs, signature)
        return cms.SignerInfo(
            {
                "version": "v1",
                "sid": self._sid,
                "digest_algorithm": algos.DigestAlgorithm({"algorithm": digest_algorithm}),
                "signature_algorithm": self.get_signature_mechanism_for_digest(digest_algorithm),
                "signed_attrs": signed_attrs,
                "signature": signature,
            }
        )


def cached_key_signer(cert, key, chain=()) -> CachedKeySigner:
    """A signer for `cert` and its private `key`, embedding `chain` (intermediates, root) in each signature.

    Certificates may be `cryptography` or asn1crypto objects, or DER/PEM bytes; the key a `cryptography` private
    key, an asn1crypto PrivateKeyInfo or unencrypted PKCS#8 DER/PEM bytes.
    """
    crypto_key = _crypto_key(key)
    key_info = asn1_keys.PrivateKeyInfo.load(
        crypto_key.private_bytes(
            serialization.Encoding.DER, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
        )
    )
    return CachedKeySigner(
        signing_cert=_asn1_cert(cert),
        signing_key=key_info,
        cert_registry=SimpleCertificateStore.from_certs([_asn1_cert(c) for c in chain]),
        crypto_key=crypto_key,
    )


def _asn1_cert(cert) -> asn1_x509.Certificate:
    if isinstance(cert, asn1_x509.Certificate):
        return cert
    if isinstance(cert, crypto_x509.Certificate):
        return asn1_x509.Certificate.load(cert.public_bytes(serialization.Encoding.DER))
    if isinstance(cert, bytes | bytearray):
        data = bytes(cert)
        if data.lstrip().startswith(b"-----"):
            data = crypto_x509.load_pem_x509_certificate(data).public_bytes(serialization.Encoding.DER)
        return asn1_x509.Certificate.load(data)
    raise TypeError(f"not a certificate: {type(cert).__name__}")


def _crypto_key(key):
    if isinstance(key, asn1_keys.PrivateKeyInfo):
        return serialization.load_der_private_key(key.dump(), password=None)
    if isinstance(key, bytes | bytearray):
        data = bytes(key)
        if data.lstrip().startswith(b"-----"):
            return serialization.load_pem_private_key(data, password=None)
        return serialization.load_der_private_key(data, password=None)
    if hasattr(key, "sign") and hasattr(key, "private_bytes"):
        return key
    raise TypeError(f"not a private key: {type(key).__name__}")
