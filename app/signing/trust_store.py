"""Trust roots administrators add in the browser (services and queries, actor first).

They add to the deployment's configured roots (`QLVB_TRUST_ROOTS`, `<instance>/trust/`, app.signing.trust), never
replace them. A certificate is trusted for the whole deployment (agency NULL: only an administrator of a top-level
agency decides that, as only they may add a top-level agency) or for one agency and the agencies under it (its
administrator decides). A root's removal or disabling takes effect at the next verification: nothing is cached.
"""

from __future__ import annotations

import hashlib
import unicodedata
from datetime import UTC

import sqlalchemy as sa
from cryptography import x509
from cryptography.hazmat.primitives.serialization import Encoding

from app.audit import services as audit
from app.core import clock
from app.core.db import db
from app.core.errors import Conflict, NotFound, PermissionDenied, ValidationError
from app.org.models import Agency, Role, User
from app.org.permissions import is_system, managed_agency_ids
from app.signing.models import TrustedCertificate

MAX_CERTIFICATE_BYTES = 64 * 1024


# --- who may -------------------------------------------------------------------------------------------------


def can_manage_deployment_roots(actor: User | None) -> bool:
    """Roots trusted by every agency: the administrator of a top-level agency (or the system)."""
    if is_system(actor):
        return True
    return actor.is_active and Role.ADMIN in actor.roles and actor.agency.parent_id is None


def can_manage(actor: User | None, agency_id: int | None) -> bool:
    if agency_id is None:
        return can_manage_deployment_roots(actor)
    return is_system(actor) or agency_id in managed_agency_ids(actor)


def _require_manage(actor: User | None, agency_id: int | None) -> None:
    if not can_manage(actor, agency_id):
        if agency_id is None:
            raise PermissionDenied(
                "Chỉ quản trị cơ quan cấp cao nhất được thêm chứng thư gốc tin cậy cho toàn hệ thống.",
                code="trust_root_scope_denied",
            )
        raise PermissionDenied("Bạn không quản trị cơ quan này.")


# --- reading -------------------------------------------------------------------------------------------------


def list_visible(actor: User) -> list[TrustedCertificate]:
    """What an administrator sees: the deployment-wide roots (they apply to them too) and their agencies' own."""
    agency_ids = managed_agency_ids(actor)
    query = sa.select(TrustedCertificate).where(
        sa.or_(TrustedCertificate.agency_id.is_(None), TrustedCertificate.agency_id.in_(agency_ids))
    )
    return list(db.session.scalars(query.order_by(TrustedCertificate.created_at.desc(), TrustedCertificate.id.desc())))


def get_visible(actor: User, certificate_id: int) -> TrustedCertificate:
    row = db.session.get(TrustedCertificate, certificate_id)
    if row is None or (row.agency_id is not None and row.agency_id not in managed_agency_ids(actor)):
        raise NotFound("Không tìm thấy chứng thư gốc tin cậy.", code="trust_root_not_found")
    return row


def _chain_of_agencies(agency_id: int) -> set[int]:
    """The agency and the agencies above it: a root trusted by a parent is trusted by the agencies below it."""
    rows = dict(db.session.execute(sa.select(Agency.id, Agency.parent_id)).all())
    found, current = set(), agency_id
    while current is not None and current not in found:
        found.add(current)
        current = rows.get(current)
    return found


def active_der_for(agency_id: int | None) -> list[bytes]:
    """DER of the enabled roots that apply when `agency_id` verifies (deployment-wide only when None)."""
    scope = TrustedCertificate.agency_id.is_(None)
    if agency_id is not None:
        scope = sa.or_(scope, TrustedCertificate.agency_id.in_(_chain_of_agencies(agency_id)))
    query = sa.select(TrustedCertificate.certificate_der).where(TrustedCertificate.active.is_(True), scope)
    return list(db.session.scalars(query.order_by(TrustedCertificate.id)))


# --- changing ------------------------------------------------------------------------------------------------


def parse_certificate(data: bytes) -> x509.Certificate:
    """Exactly one certificate, PEM or DER; anything else is refused with a field error on `file`."""
    if not data:
        raise ValidationError("Chưa chọn tệp chứng thư.", code="trust_root_missing", details={"file": "Bắt buộc."})
    if len(data) > MAX_CERTIFICATE_BYTES:
        raise ValidationError(
            "Tệp quá lớn cho một chứng thư số.", code="trust_root_too_large", details={"file": "Tối đa 64 KB."}
        )
    try:
        certs = (
            x509.load_pem_x509_certificates(data) if b"-----BEGIN" in data else [x509.load_der_x509_certificate(data)]
        )
    except ValueError:
        raise ValidationError(
            "Không đọc được chứng thư số (cần tệp PEM hoặc DER).",
            code="trust_root_unreadable",
            details={"file": "Không phải chứng thư X.509."},
        ) from None
    if len(certs) != 1:
        raise ValidationError(
            "Mỗi lần chỉ thêm một chứng thư.",
            code="trust_root_many",
            details={"file": f"Tệp có {len(certs)} chứng thư."},
        )
    return certs[0]


def _is_ca(cert: x509.Certificate) -> bool:
    try:
        return bool(cert.extensions.get_extension_for_class(x509.BasicConstraints).value.ca)
    except x509.ExtensionNotFound:
        return False


def add(actor: User | None, *, data: bytes, agency_id: int | None, note: str | None = None) -> TrustedCertificate:
    """Trust a root or intermediate CA certificate for the deployment (agency None) or for one agency."""
    _require_manage(actor, agency_id)
    cert = parse_certificate(data)
    if not _is_ca(cert):
        raise ValidationError(
            "Đây là chứng thư của người dùng cuối, không phải của tổ chức cung cấp dịch vụ chứng thực (CA).",
            code="trust_root_not_ca",
            details={"file": "Chỉ nhận chứng thư CA (gốc hoặc trung gian)."},
        )
    not_after = cert.not_valid_after_utc
    if not_after < clock.now():
        raise ValidationError(
            "Chứng thư đã hết hạn.", code="trust_root_expired", details={"file": f"Hết hạn {not_after:%d/%m/%Y}."}
        )
    der = cert.public_bytes(Encoding.DER)
    fingerprint = hashlib.sha256(der).hexdigest()
    duplicate = db.session.scalar(
        sa.select(TrustedCertificate).where(
            TrustedCertificate.fingerprint == fingerprint,
            TrustedCertificate.agency_id.is_(None) if agency_id is None else TrustedCertificate.agency_id == agency_id,
        )
    )
    if duplicate is not None:
        raise Conflict(
            "Chứng thư này đã có trong danh sách tin cậy.",
            code="trust_root_duplicate",
            details={"file": "Đã có (có thể đang tạm ngừng)."},
        )
    note = unicodedata.normalize("NFC", (note or "").strip()) or None
    if note and len(note) > 500:
        raise ValidationError(
            "Ghi chú quá dài.", code="trust_root_note_too_long", details={"note": "Tối đa 500 ký tự."}
        )
    row = TrustedCertificate(
        agency_id=agency_id,
        subject_name=cert.subject.rfc4514_string()[:1000],
        issuer_name=cert.issuer.rfc4514_string()[:1000],
        fingerprint=fingerprint,
        is_ca=True,
        self_signed=cert.subject == cert.issuer,
        not_before=cert.not_valid_before_utc.astimezone(UTC),
        not_after=not_after.astimezone(UTC),
        certificate_der=der,
        note=note,
        created_by_id=actor.id if actor is not None else None,
    )
    db.session.add(row)
    db.session.flush()
    audit.record(
        actor,
        "signing.trust_root_add",
        row,
        agency_id=agency_id,
        summary=f"Thêm chứng thư gốc tin cậy {row.common_name} ({row.scope_label})",
        changes=_facts(row),
    )
    return row


def set_active(actor: User | None, certificate_id: int, active: bool) -> TrustedCertificate:
    """Stop trusting a certificate (kept as the record) or trust it again."""
    row = _managed(actor, certificate_id)
    if row.active == active:
        raise Conflict(
            "Chứng thư đang được tin cậy." if active else "Chứng thư đã tạm ngừng tin cậy.",
            code="trust_root_already_active" if active else "trust_root_already_disabled",
        )
    row.active = active
    row.disabled_at = None if active else clock.now()
    row.disabled_by_id = None if active or actor is None else actor.id
    facts = {"fingerprint": row.fingerprint, "active": active}
    where = f"chứng thư gốc {row.common_name} ({row.scope_label})"
    # Literal action codes: tests/audit/test_actions.py finds each recorded code and checks its label.
    if active:
        audit.record(
            actor,
            "signing.trust_root_enable",
            row,
            agency_id=row.agency_id,
            summary=f"Tin cậy lại {where}",
            changes=facts,
        )
    else:
        audit.record(
            actor,
            "signing.trust_root_disable",
            row,
            agency_id=row.agency_id,
            summary=f"Ngừng tin cậy {where}",
            changes=facts,
        )
    return row


def remove(actor: User | None, certificate_id: int) -> None:
    """Delete a certificate from the list; the audit event keeps its subject and fingerprint."""
    row = _managed(actor, certificate_id)
    audit.record(
        actor,
        "signing.trust_root_remove",
        row,
        agency_id=row.agency_id,
        summary=f"Xóa chứng thư gốc {row.common_name} ({row.scope_label}) khỏi danh sách tin cậy",
        changes=_facts(row),
    )
    db.session.delete(row)
    db.session.flush()


def _managed(actor: User | None, certificate_id: int) -> TrustedCertificate:
    row = db.session.get(TrustedCertificate, certificate_id)
    if row is None or (
        row.agency_id is not None and not is_system(actor) and row.agency_id not in managed_agency_ids(actor)
    ):
        raise NotFound("Không tìm thấy chứng thư gốc tin cậy.", code="trust_root_not_found")
    _require_manage(actor, row.agency_id)
    return row


def _facts(row: TrustedCertificate) -> dict:
    return {
        "subject": row.subject_name,
        "issuer": row.issuer_name,
        "fingerprint": row.fingerprint,
        "not_before": row.not_before.isoformat(),
        "not_after": row.not_after.isoformat(),
        "agency_id": row.agency_id,
    }
