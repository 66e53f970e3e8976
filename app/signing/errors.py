"""Refusals raised by the signing package."""

from app.core.errors import DomainError


class NotAPdf(DomainError):
    """The bytes are not a PDF that can be read, so there is nothing whose signatures could be checked."""

    code = "not_a_pdf"
    status = 422
    message = "Tệp không phải là văn bản PDF đọc được."


class TrustRootsUnavailable(DomainError):
    """The configured trust roots cannot be read.

    Raised instead of verifying against no roots at all: that would reject every incoming document as
    "untrusted" and send it back to its sender because of our own configuration mistake.
    """

    code = "trust_roots_unavailable"
    status = 500
    message = "Không đọc được chứng thư gốc tin cậy đã cấu hình (QLVB_TRUST_ROOTS)."
