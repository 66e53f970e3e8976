"""Verify the digital signatures of a received PDF (kiểm tra chữ ký số văn bản đến).

Seed 002 Điều 10.2: the clerk verifies the signatures of an electronic document on receipt; if they are not
valid the document is not registered and goes back to its sender. NĐ 30/2020 Phụ lục I: an outgoing document
carries the signer's personal signature and then the agency's signature (seal), added later by the clerk as an
incremental update, so a valid file has the first signature followed only by form filling (số, ngày) and the
second signature.

`verify_pdf` runs pyHanko's validation and adds what pyHanko leaves to the receiver (spec/signing.md §0.4, §3):

- trust comes only from the roots given (the deployment's `QLVB_TRUST_ROOTS`), never the OS store;
- a certificate with digitalSignature *or* nonRepudiation key usage may sign (pyHanko demands nonRepudiation,
  while agency seal certificates often carry digitalSignature only);
- after each signature only later signatures, form filling and PAdES validation data may follow;
- the last signature must cover the whole file: pyHanko judges appended bytes or a form field changed after the
  last signature acceptable, so without this check they would pass.
"""

from __future__ import annotations

import hashlib
import logging
from dataclasses import asdict, dataclass, replace
from datetime import datetime
from typing import Any

from asn1crypto import x509 as asn1_x509
from flask import has_app_context
from pyhanko.sign.ades.report import AdESFailure, AdESIndeterminate
from pyhanko.sign.diff_analysis import ModificationLevel
from pyhanko.sign.validation import validate_pdf_signature, validate_pdf_timestamp
from pyhanko.sign.validation.pdf_embedded import EmbeddedPdfSignature
from pyhanko.sign.validation.settings import KeyUsageConstraints
from pyhanko.sign.validation.status import PdfSignatureStatus, SignatureCoverageLevel
from pyhanko_certvalidator import ValidationContext

from app.core.clock import LOCAL_TZ
from app.signing.errors import NotAPdf
from app.signing.safety import read_pdf
from app.signing.trust import TrustRoot, as_trust_roots, trust_roots_for

log = logging.getLogger(__name__)

# What may follow a signature: nothing, PAdES validation data / document timestamps, or form filling and further
# signatures (the clerk's number, date and seal). Annotations or any other change make the signature invalid.
ALLOWED_MODIFICATIONS = frozenset(
    {ModificationLevel.NONE, ModificationLevel.LTA_UPDATES, ModificationLevel.FORM_FILLING}
)

# Either usage suffices; match_all=False means "at least one of".
KEY_USAGE = KeyUsageConstraints(key_usage={"digital_signature", "non_repudiation"}, match_all_key_usages=False)

# Readers accept a %PDF- header anywhere in the first 1024 bytes (some mail gateways prepend junk); so do we.

UNSIGNED = "Văn bản chưa được ký số"
CONTENT_CHANGED = "Nội dung đã bị sửa sau khi ký"
BAD_SIGNATURE_VALUE = "Giá trị chữ ký số không khớp với chứng thư số của người ký"
REVOKED = "Chứng thư số đã bị thu hồi"
UNTRUSTED = "Chứng thư số không được tin cậy"
NO_ROOTS = "hệ thống chưa cấu hình chứng thư gốc tin cậy"
BAD_TIMESTAMP = "Dấu thời gian kèm theo chữ ký không hợp lệ"
MODIFIED = "Văn bản đã bị thay đổi sau khi ký ({what}); sau chữ ký chỉ được điền biểu mẫu hoặc ký tiếp"
BEYOND_DOCMDP = "Thay đổi sau khi ký vượt quá mức chữ ký chứng thực cho phép"
BROKEN_COVERAGE = "Chữ ký không bao trùm trọn vẹn phiên bản văn bản được ký"
SEED_VALUES = "Chữ ký không đáp ứng ràng buộc của ô chữ ký trong văn bản"
NOT_VALID = "Chữ ký số không hợp lệ"
TRAILING_DATA = "Có dữ liệu thêm vào sau chữ ký cuối cùng"
LAST_NOT_WHOLE_FILE = "Chữ ký cuối cùng không bao trùm toàn bộ tệp: sau chữ ký này văn bản đã được {what}"
UNREADABLE_SIGNATURE = "Không đọc được chữ ký số"
UNREADABLE_SIGNATURES = "Không đọc được các chữ ký số trong văn bản"
ENCRYPTED = "Văn bản PDF được mã hoá nên không kiểm tra được chữ ký số"
UNKNOWN = "UNKNOWN"

# What a modification level means, for the messages above (pyHanko's names stay in the `modification` field).
_LEVEL_TEXT = {
    ModificationLevel.LTA_UPDATES.name: "bổ sung dữ liệu xác thực chữ ký",
    ModificationLevel.FORM_FILLING.name: "điền biểu mẫu",
    ModificationLevel.ANNOTATIONS.name: "thêm chú thích",
    ModificationLevel.OTHER.name: "sửa nội dung hoặc cấu trúc",
}

_TRUST_DETAILS = {
    AdESIndeterminate.NO_CERTIFICATE_CHAIN_FOUND: "không dẫn tới chứng thư gốc tin cậy nào đã cấu hình",
    AdESIndeterminate.OUT_OF_BOUNDS_NO_POE: "chứng thư số đã hết hạn",
    AdESIndeterminate.OUT_OF_BOUNDS_NOT_REVOKED: "chứng thư số đã hết hạn",
    AdESIndeterminate.NOT_YET_VALID: "chứng thư số chưa có hiệu lực",
    AdESFailure.NOT_YET_VALID: "chứng thư số chưa có hiệu lực",
    AdESIndeterminate.CHAIN_CONSTRAINTS_FAILURE: "chứng thư số không được phép dùng để ký",
}


@dataclass(frozen=True)
class SignatureCheck:
    """The verdict on one signature (or PAdES document timestamp), in file order."""

    field: str
    signer: str  # subject common name, then organisation in brackets when it differs
    signing_time: str | None  # ISO 8601 +07:00; from a trusted timestamp if any, else the signer's claim
    intact: bool  # the signed bytes are unchanged and the signature value matches the certificate's key
    trusted: bool  # the certificate chains to a configured root, may sign, is within validity, is not revoked
    coverage: str  # pyHanko SignatureCoverageLevel: ENTIRE_FILE, ENTIRE_REVISION, …
    modification: str  # pyHanko ModificationLevel of what follows: NONE, LTA_UPDATES, FORM_FILLING, …
    valid: bool
    problems: tuple[str, ...] = ()
    is_timestamp: bool = False  # a PAdES document timestamp, not a signature; not part of the JSON
    certificate_sha256: str | None = None  # SHA-256 of the signer's DER certificate: who exactly signed

    @property
    def reason(self) -> str:
        return "; ".join(self.problems)


@dataclass(frozen=True)
class VerificationReport:
    """`valid` only when there is a signature and every signature and the file as a whole pass."""

    valid: bool
    signatures: tuple[SignatureCheck, ...]
    problems: tuple[str, ...]  # everything wrong, per signature prefixed with its field name

    @property
    def reason(self) -> str:
        """One Vietnamese sentence for the sender when the document is returned."""
        return "; ".join(self.problems)


def is_pdf(data: bytes) -> bool:
    """Tell whether `data` is a PDF that can be read: a %PDF- header and a parsable catalog."""
    try:
        read_pdf(data)
    except NotAPdf:
        return False
    return True


def verify_pdf(
    data: bytes, trust_roots: list[TrustRoot] | None = None, *, agency_id: int | None = None
) -> VerificationReport:
    """Verify every signature of the PDF in `data` against `trust_roots`.

    `trust_roots` are certificates (`cryptography`, asn1crypto or PEM/DER bytes); None means the deployment's
    configured roots plus those its administrators added, the deployment-wide ones and those of `agency_id` and
    its parents (`trust_roots_for`, needs an app context; none outside one). An empty list trusts
    nothing. Raises NotAPdf when `data` is not a readable PDF; every other defect is reported, not raised.
    """
    reader = read_pdf(data)
    roots = _resolve_roots(trust_roots, agency_id)
    if reader.encrypted:
        return _report([], [ENCRYPTED])
    try:
        embedded = reader.embedded_signatures
    except Exception as exc:  # a malformed signature dictionary is the sender's defect, reported as such
        log.warning("unreadable signature dictionaries", exc_info=exc)
        return _report([], [UNREADABLE_SIGNATURES])
    if not embedded:
        return _report([], [UNSIGNED])
    checks = [_check(emb, roots) for emb in embedded]
    checks[-1] = _check_last(checks[-1], data)
    document_problems = [] if any(not c.is_timestamp for c in checks) else [UNSIGNED]
    return _report(checks, document_problems)


def verify_pdf_report_dict(report: VerificationReport) -> dict[str, Any]:
    """The report as JSON-safe data: what `qlvb pdf verify` prints and what a JSON column stores."""
    signatures = []
    for check in report.signatures:
        entry = asdict(check)
        entry.pop("is_timestamp")
        entry.pop("problems")
        entry["certificate_sha256"] = entry.pop("certificate_sha256")
        entry["problems"] = list(check.problems)
        signatures.append(entry)
    return {"valid": report.valid, "signatures": signatures, "problems": list(report.problems)}


# --- reading ------------------------------------------------------------------------------------------


def _resolve_roots(trust_roots: list[TrustRoot] | None, agency_id: int | None) -> list[asn1_x509.Certificate]:
    if trust_roots is not None:
        return as_trust_roots(trust_roots)
    return trust_roots_for(agency_id) if has_app_context() else []


def _context(roots: list[asn1_x509.Certificate]) -> ValidationContext:
    """A fresh, offline validation context (pyHanko keeps per-validation state in it).

    allow_fetching=False: no CRL/OCSP/AIA requests, so verification works air-gapped and in tests, and a slow CA
    responder cannot stall receipt. revocation_mode="soft-fail": revocation data given to the context is used,
    missing data is not fatal; so offline, revocation is in effect not checked. "hard-fail" would reject every
    real certificate (they all name a CRL we do not fetch) and "require" refuses to run without CRLs.
    No `moment`: validating "now" keeps pyHanko's normal model; a moment switches it to point-in-time validation.
    """
    return ValidationContext(trust_roots=roots, allow_fetching=False, revocation_mode="soft-fail")


# --- one signature ----------------------------------------------------------------------------------------


def _check(emb: EmbeddedPdfSignature, roots: list[asn1_x509.Certificate]) -> SignatureCheck:
    is_timestamp = emb.sig_object_type == "/DocTimeStamp"
    try:
        if is_timestamp:
            status = validate_pdf_timestamp(emb, _context(roots))
        else:
            status = validate_pdf_signature(emb, _context(roots), key_usage_settings=KEY_USAGE)
    except Exception as exc:  # malformed CMS, unknown SubFilter, broken byte range: the sender's defect
        log.warning("signature %s could not be validated", emb.field_name, exc_info=exc)
        return _unreadable(emb, is_timestamp)

    trusted = bool(status.valid and status.trust_problem_indic is None and status.validation_path is not None)
    timestamp = None if is_timestamp else status.timestamp_validity  # the signature's own timestamp token
    problems = [
        *_signature_problems(status, roots, trusted=trusted, timestamp=timestamp),
        *_change_problems(status),
    ]
    if isinstance(status, PdfSignatureStatus) and not status.seed_value_ok:
        problems.append(SEED_VALUES)
    if not problems and not getattr(status, "bottom_line", True):
        problems.append(NOT_VALID)  # never more lenient than pyHanko itself (timestamps have no bottom_line)

    if is_timestamp:
        when = status.timestamp
    elif _timestamp_ok(timestamp):
        when = timestamp.timestamp
    else:
        when = status.signer_reported_dt
    return SignatureCheck(
        field=str(emb.field_name),
        signer=_signer_name(status.signing_cert, is_timestamp),
        signing_time=_local_iso(when),
        intact=bool(status.intact and status.valid),
        trusted=trusted,
        coverage=_name(status.coverage),
        modification=_name(status.modification_level),
        valid=not problems,
        problems=tuple(problems),
        is_timestamp=is_timestamp,
        certificate_sha256=hashlib.sha256(status.signing_cert.dump()).hexdigest(),
    )


def _signature_problems(status, roots: list[asn1_x509.Certificate], *, trusted: bool, timestamp) -> list[str]:
    """What is wrong with the signature itself: its bytes, its value, its certificate, its timestamp."""
    problems: list[str] = []
    if not status.intact:
        problems.append(CONTENT_CHANGED)
    # One certificate problem is enough for the sender: a bad value makes revocation and trust moot.
    if not status.valid:
        problems.append(BAD_SIGNATURE_VALUE)
    elif status.revoked:
        problems.append(REVOKED)
    elif not trusted:
        detail = NO_ROOTS if not roots else _TRUST_DETAILS.get(status.trust_problem_indic)
        problems.append(f"{UNTRUSTED} ({detail})" if detail else UNTRUSTED)
    if timestamp is not None and not _timestamp_ok(timestamp):
        problems.append(BAD_TIMESTAMP)
    return problems


def _change_problems(status) -> list[str]:
    """What is wrong with what the signature covers and what was changed after it (at most one problem)."""
    coverage, modification = status.coverage, status.modification_level
    if coverage is None or coverage < SignatureCoverageLevel.ENTIRE_REVISION:
        return [BROKEN_COVERAGE]
    if modification not in ALLOWED_MODIFICATIONS:
        return [MODIFIED.format(what=_LEVEL_TEXT.get(_name(modification), "không xác định được"))]
    if status.docmdp_ok is False:
        return [BEYOND_DOCMDP]
    return []


def _timestamp_ok(timestamp) -> bool:
    return timestamp is not None and bool(timestamp.intact and timestamp.valid and timestamp.trusted)


def _check_last(check: SignatureCheck, data: bytes) -> SignatureCheck:
    """Apply the whole-file rule to the last signature or document timestamp.

    It must cover the entire file; the one exception is a revision that pyHanko's diff analysis classifies as
    LTA_UPDATES (PAdES B-LT validation data in the DSS), which changes nothing a reader sees. Bytes after the
    last %%EOF, or after the signed revision without forming a revision of their own (modification NONE), are
    data appended outside any signature.
    """
    problems = list(check.problems)
    eof = data.rfind(b"%%EOF")
    revision_only = check.coverage == SignatureCoverageLevel.ENTIRE_REVISION.name
    if eof < 0 or data[eof + 5 :].strip() or (revision_only and check.modification == ModificationLevel.NONE.name):
        problems.append(TRAILING_DATA)
    elif revision_only and check.modification == ModificationLevel.FORM_FILLING.name:
        # Allowed after any other signature, but here nobody signed the filled-in values (spec/signing.md, case E).
        problems.append(LAST_NOT_WHOLE_FILE.format(what=_LEVEL_TEXT[check.modification]))
    # Any other level after the last signature is already reported by _check as a forbidden modification.
    if problems == list(check.problems):
        return check
    return replace(check, valid=False, problems=tuple(problems))


def _unreadable(emb: EmbeddedPdfSignature, is_timestamp: bool) -> SignatureCheck:
    try:
        signer = _signer_name(emb.signer_cert, is_timestamp)
    except Exception:  # the certificate set itself may be what is broken
        signer = ""
    return SignatureCheck(
        field=str(emb.field_name),
        signer=signer,
        signing_time=None,
        intact=False,
        trusted=False,
        coverage=_name(emb.coverage),
        modification=UNKNOWN,
        valid=False,
        problems=(UNREADABLE_SIGNATURE,),
        is_timestamp=is_timestamp,
    )


def _report(checks: list[SignatureCheck], document_problems: list[str]) -> VerificationReport:
    problems = list(document_problems)
    problems += [f"{check.field}: {problem}" for check in checks for problem in check.problems]
    valid = bool(checks) and not problems
    return VerificationReport(valid=valid, signatures=tuple(checks), problems=tuple(problems))


def _signer_name(cert: asn1_x509.Certificate, is_timestamp: bool = False) -> str:
    """ "Common name (Organisation)", the organisation left out when it repeats the name (agency seals)."""
    subject = cert.subject.native

    def first(key: str) -> str:
        value = subject.get(key) or ""
        return str(value[0] if isinstance(value, list) else value).strip()

    name, organisation = first("common_name"), first("organization_name")
    text = f"{name} ({organisation})" if organisation and organisation != name else name or organisation
    return f"Dấu thời gian: {text}" if is_timestamp else text


def _local_iso(when: datetime | None) -> str | None:
    return when.astimezone(LOCAL_TZ).isoformat(timespec="seconds") if when else None


def _name(level: Any) -> str:
    return level.name if level is not None else UNKNOWN
