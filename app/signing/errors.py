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


# --- keys and credentials (app.signing.keys, app.signing.credentials) ------------------------------------


class WrongPin(DomainError):
    """The PIN (or the organization key's passphrase) does not open the PKCS#12 file."""

    code = "wrong_pin"
    status = 422
    message = "Mã PIN không đúng."


class PinLocked(DomainError):
    """Too many wrong PINs in a row: the personal key is locked for a while (like a token's PIN counter)."""

    code = "pin_locked"
    status = 423
    message = "Mã PIN đã nhập sai quá nhiều lần; chữ ký số tạm khóa."


class NotPkcs12(DomainError):
    """The uploaded bytes are not a PKCS#12 (.p12/.pfx) file holding one private key and its certificate."""

    code = "not_pkcs12"
    status = 422
    message = "Tệp không phải là tệp khóa PKCS#12 (.p12, .pfx) chứa khóa bí mật và chứng thư số."


class CertificateExpired(DomainError):
    code = "certificate_expired"
    status = 422
    message = "Chứng thư số đã hết hạn."


class CertificateNotYetValid(DomainError):
    code = "certificate_not_yet_valid"
    status = 422
    message = "Chứng thư số chưa đến thời điểm có hiệu lực."


class CertificateRevoked(DomainError):
    """The certificate was revoked, or its credential was deactivated here (which qlvb treats alike)."""

    code = "certificate_revoked"
    status = 422
    message = "Chứng thư số đã bị thu hồi hoặc đã bị vô hiệu hóa."


class KeyUsageNotAllowed(DomainError):
    """Signing needs key usage digitalSignature or nonRepudiation (as the receiving check in verify.py does)."""

    code = "key_usage"
    status = 422
    message = "Chứng thư số không được phép dùng để ký số (thiếu mục đích sử dụng digitalSignature/nonRepudiation)."


class NoCredential(DomainError):
    code = "no_signing_credential"
    status = 422
    message = "Chưa có chứng thư số đang hiệu lực để ký."


class CredentialUnreadable(DomainError):
    """The stored key cannot be decrypted: the key-encryption key is not the one it was stored under."""

    code = "credential_unreadable"
    status = 500
    message = "Không giải mã được khóa đã lưu: khóa mã hóa (QLVB_KEY_ENCRYPTION_KEY) không khớp."


class InvalidImage(DomainError):
    """A signature or seal image that is not a transparent PNG (seed 000 Điều 5.1, 5.2)."""

    code = "invalid_signature_image"
    status = 422
    message = "Ảnh chữ ký/con dấu phải là tệp PNG nền trong suốt."


class UnsafePdf(DomainError):
    """The PDF carries active content (scripts, launch actions, embedded files, rich media, XFA forms).

    Seed 001 Điều 9.2 and seed 004 Điều 14.3: an electronic document must be free of embedded malicious code
    before it is issued. `details["found"]` lists what was found.
    """

    code = "unsafe_pdf"
    status = 422
    message = "Tệp PDF chứa nội dung có thể thực thi nên không được ký, phát hành."


class SigningError(DomainError):
    """Base of the refusals raised while preparing or signing an outgoing document."""

    code = "signing_error"
    status = 409
    message = "Không ký được văn bản."


class AlreadySigned(SigningError):
    """The draft already carries a signature, so it can no longer be prepared (or signed in this field) again."""

    code = "already_signed"
    status = 409
    message = "Văn bản đã được ký số; không thể chuẩn bị hoặc ký lại vào vị trí này."


class NoPersonalSignature(SigningError):
    """The clerk may number and seal only what the competent person has signed (NĐ 30/2020 Điều 15.2)."""

    code = "no_personal_signature"
    status = 409
    message = "Văn bản chưa có chữ ký số của người có thẩm quyền nên chưa thể cấp số và đóng dấu."


class AlreadyIssued(SigningError):
    """The number and date were already filled in, or the seal applied: a document is issued once."""

    code = "already_issued"
    status = 409
    message = "Văn bản đã được cấp số, ngày ban hành và ký số của cơ quan."


class SignatureBlockNotFound(SigningError):
    """The signer's printed name (with the title line above it) was not found on the last page."""

    code = "signature_block_not_found"
    status = 422
    message = "Không tìm thấy chức vụ và họ tên người ký ở trang cuối văn bản để đặt chữ ký số."


class NumberFieldMissing(SigningError):
    """The draft has no number and date fields, or their place ("Số:", the date line) could not be found."""

    code = "number_fields_missing"
    status = 422
    message = "Văn bản chưa có ô số, ký hiệu và ngày ban hành (cần chuẩn bị dự thảo trước khi trình ký)."
