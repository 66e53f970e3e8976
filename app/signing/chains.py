"""Does a certificate chain to a trusted root at an instant? For signatures that are not PDF signatures (the
XML-DSig envelope of edXML packages, app.exchange.xmldsig), which still must be trusted the way app.signing.verify
trusts a PDF signature: only the roots of app.signing.trust, never the OS store; no network (no CRL/OCSP/AIA
fetching, as in verify._context); the signer's key usage allows signing (keys.check_usable).
"""

from __future__ import annotations

import asyncio
from datetime import datetime

from asn1crypto import x509 as asn1_x509
from pyhanko_certvalidator import CertificateValidator, ValidationContext
from pyhanko_certvalidator.errors import PathBuildingError, PathValidationError, ValidationError

from app.core.errors import DomainError
from app.signing.keys import check_usable
from app.signing.trust import trust_roots_for


class UntrustedCertificate(DomainError):
    """The certificate does not chain to a trusted root at that instant, or may not sign."""

    code = "untrusted_certificate"
    status = 422
    message = "Chứng thư số không được tin cậy."


def validate_chain(leaf_der: bytes, intermediates_der: list[bytes], *, agency_id: int | None, at: datetime) -> str:
    """Check `leaf_der` at `at` against the trust roots of `agency_id` (with the given intermediates); returns the
    subject's common name, raises UntrustedCertificate with a Vietnamese reason."""
    try:
        leaf = asn1_x509.Certificate.load(leaf_der)
        intermediates = [asn1_x509.Certificate.load(der) for der in intermediates_der]
        common_name = leaf.subject.native.get("common_name") or leaf.subject.human_friendly
    except (ValueError, TypeError) as exc:
        raise UntrustedCertificate("Không đọc được chứng thư số của chữ ký.") from exc
    try:
        check_usable(leaf_der, at=at)
    except DomainError as exc:
        raise UntrustedCertificate(f"Chứng thư số của chữ ký không dùng được: {exc.message}") from exc
    roots = trust_roots_for(agency_id)
    if not roots:
        raise UntrustedCertificate("Chứng thư số không được tin cậy (hệ thống chưa cấu hình chứng thư gốc tin cậy).")
    context = ValidationContext(trust_roots=roots, moment=at, allow_fetching=False, revocation_mode="soft-fail")
    validator = CertificateValidator(leaf, intermediates, validation_context=context)
    try:
        asyncio.run(validator.async_validate_path())
    except (PathBuildingError, PathValidationError, ValidationError) as exc:
        raise UntrustedCertificate(
            "Chứng thư số của chữ ký không chuỗi về chứng thư gốc tin cậy.", details={"certificate": str(exc)[:300]}
        ) from exc
    return str(common_name)
