"""Signing credentials: add, deactivate and use the personal and organization keys (services, actor first).

Seed 000 Điều 21: the agency's key is kept and used by its clerk (văn thư) only (21.1, 21.2.a), who signs in
person (21.2.c) and only documents that already carry the signature of the competent signer (21.2.d: checked by
the caller, app.outgoing, before it asks for the key); each person keeps their own key (21.3), so a personal key
opens only with its owner's PIN.

Storage: the PKCS#12 bytes are wrapped with AES-256-GCM under the key-encryption key (app.signing.kek), so the
database alone opens nothing; a personal key needs its PIN as well.
PINs are never stored or logged. Each refused PIN is audited even though the refusal rolls the action back
(see `app.signing.pins`).
"""

from __future__ import annotations

import io
import logging
import unicodedata

import sqlalchemy as sa
from flask import current_app
from PIL import Image, UnidentifiedImageError

from app.audit import services as audit
from app.core import clock
from app.core.db import db
from app.core.errors import Conflict, NotFound, PermissionDenied, ValidationError
from app.org import queries as org_queries
from app.org.models import Role, User
from app.org.permissions import require_admin_of
from app.signing import images, pins
from app.signing.errors import (
    CertificateRevoked,
    CredentialUnreadable,
    InvalidImage,
    NoCredential,
    WrongPin,
)
from app.signing.kek import key_encryption_key
from app.signing.keys import (
    Pkcs12Key,
    SigningKey,
    certificate_facts,
    check_usable,
    load_pkcs12,
    open_sealed,
    seal,
)
from app.signing.models import CredentialKind, SigningCredential

log = logging.getLogger(__name__)

_EXCHANGE_KEYS = "qlvb.exchange_keys"  # (credential id, fingerprint) → opened key
_EXCHANGE_KEYS_KEPT = 256  # agencies of one deployment; beyond that the cache starts again
MAX_P12_BYTES = 64 * 1024  # a key and a short chain are a few kB
MAX_IMAGE_BYTES = 2 * 1024 * 1024
MAX_IMAGE_SIDE = 4000
SEAL_DIAMETER_MM = 36  # the size a seal image without a resolution tag is shown at (a common round seal)


def _context(credential: SigningCredential, what: str) -> bytes:
    # Bound to the certificate: a wrapped key copied into another row does not open there.
    return f"qlvb:signing_credential:{what}:{credential.fingerprint}".encode()


# --- queries -------------------------------------------------------------------------------------------------


def get_credential(credential_id: int) -> SigningCredential:
    credential = db.session.get(SigningCredential, credential_id)
    if credential is None:
        raise NotFound("Không tìm thấy chứng thư số.", code="credential_not_found")
    return credential


def list_credentials(agency_ids: set[int]) -> list[SigningCredential]:
    query = (
        sa.select(SigningCredential)
        .where(SigningCredential.agency_id.in_(agency_ids))
        .order_by(
            SigningCredential.agency_id,
            SigningCredential.active.desc(),
            SigningCredential.kind.desc(),
            SigningCredential.created_at.desc(),
            SigningCredential.id.desc(),
        )
    )
    return list(db.session.scalars(query))


def credentials_of(user: User) -> list[SigningCredential]:
    """A person's personal credentials, the active one first."""
    query = (
        sa.select(SigningCredential)
        .where(SigningCredential.user_id == user.id)
        .order_by(SigningCredential.active.desc(), SigningCredential.created_at.desc(), SigningCredential.id.desc())
    )
    return list(db.session.scalars(query))


def active_credential(kind: CredentialKind, *, user_id: int | None = None, agency_id: int | None = None):
    query = sa.select(SigningCredential).where(SigningCredential.kind == kind.value, SigningCredential.active)
    if kind is CredentialKind.PERSONAL:
        query = query.where(SigningCredential.user_id == user_id)
    else:
        query = query.where(SigningCredential.agency_id == agency_id, SigningCredential.user_id.is_(None))
    return db.session.scalar(query)


def _latest_deactivated(kind: CredentialKind, *, user_id: int | None = None, agency_id: int | None = None):
    query = sa.select(SigningCredential).where(SigningCredential.kind == kind.value, ~SigningCredential.active)
    if kind is CredentialKind.PERSONAL:
        query = query.where(SigningCredential.user_id == user_id)
    else:
        query = query.where(SigningCredential.agency_id == agency_id, SigningCredential.user_id.is_(None))
    return db.session.scalar(query.order_by(SigningCredential.deactivated_at.desc()).limit(1))


def _revoked_serials(issuer_name: str) -> list[str]:
    """Serials of this issuer's certificates deactivated here: a deactivated certificate is refused from then on."""
    query = sa.select(SigningCredential.serial).where(
        SigningCredential.issuer_name == issuer_name, ~SigningCredential.active
    )
    return list(db.session.scalars(query))


# --- adding and deactivating -----------------------------------------------------------------------------------


def add_personal(
    actor: User | None, user_id: int, *, p12: bytes, pin: str, image_png: bytes | None
) -> SigningCredential:
    """Store a person's PKCS#12 key (checked with its PIN) and signature image; it replaces their active one.

    Without an image, one is generated from the person's name (blue, transparent: seed 000 Điều 5.1).
    """
    user = org_queries.get_user(user_id)
    require_admin_of(actor, user.agency_id)
    if not user.is_active:
        raise ValidationError(
            "Tài khoản đã bị vô hiệu hóa.", code="user_inactive", details={"user_id": "Đã vô hiệu hóa."}
        )
    key = _open_upload(actor, p12, pin, field="pin", agency_id=user.agency_id)
    png = image_png if image_png else images.signature_png(user.full_name)
    credential = _store(
        actor,
        key,
        p12,
        kind=CredentialKind.PERSONAL,
        agency_id=user.agency_id,
        user_id=user.id,
        passphrase=None,
        png=png,
        default_width_mm=images.SIGNATURE_SIZE_MM[0],
    )
    audit.record(
        actor,
        "signing.credential_add",
        credential,
        summary=f"Thêm chứng thư số cá nhân của {user.full_name} ({user.username})",
        changes=_facts(credential),
    )
    return credential


def add_organization(
    actor: User | None, agency_id: int, *, p12: bytes, passphrase: str, seal_png: bytes | None
) -> SigningCredential:
    """Store an agency's PKCS#12 key with its passphrase (both wrapped) and its seal image; it replaces the active one.

    Without an image, a red round seal with the agency's name is generated (seed 000 Điều 5.2).
    """
    agency = org_queries.get_agency(agency_id)
    require_admin_of(actor, agency.id)
    key = _open_upload(actor, p12, passphrase, field="passphrase", agency_id=agency.id)
    png = seal_png if seal_png else images.seal_png(agency.name)
    credential = _store(
        actor,
        key,
        p12,
        kind=CredentialKind.ORGANIZATION,
        agency_id=agency.id,
        user_id=None,
        passphrase=passphrase,
        png=png,
        default_width_mm=SEAL_DIAMETER_MM,
    )
    audit.record(
        actor,
        "signing.credential_add",
        credential,
        summary=f"Thêm chứng thư số của cơ quan (con dấu) {agency.name}",
        changes=_facts(credential),
    )
    return credential


def add_exchange(actor: User | None, agency_id: int, *, p12: bytes, passphrase: str) -> SigningCredential:
    """Store the agency's exchange key (PKCS#12 and passphrase, both wrapped); it replaces the active one.

    It signs the XML-DSig envelope of the edXML packages and status messages the agency sends (legal.md §4.2, §4.6),
    never a document, so it has no image: `image_sha256` stays empty and the size 0 (the columns are NOT NULL).
    """
    agency = org_queries.get_agency(agency_id)
    require_admin_of(actor, agency.id)
    key = _open_upload(actor, p12, passphrase, field="passphrase", agency_id=agency.id)
    credential = _store(
        actor,
        key,
        p12,
        kind=CredentialKind.EXCHANGE,
        agency_id=agency.id,
        user_id=None,
        passphrase=passphrase,
        png=None,
        default_width_mm=0,
    )
    audit.record(
        actor,
        "signing.credential_add",
        credential,
        summary=f"Thêm chứng thư số liên thông (ký gói tin edXML) của {agency.name}",
        changes=_facts(credential),
    )
    return credential


def deactivate(actor: User | None, credential_id: int, reason: str) -> SigningCredential:
    """Stop a credential for good (lost token, revoked certificate, person left): it is refused from then on."""
    credential = get_credential(credential_id)
    require_admin_of(actor, credential.agency_id)
    reason = unicodedata.normalize("NFC", reason or "").strip()
    if not reason:
        raise ValidationError("Cần nêu lý do vô hiệu hóa.", details={"reason": "Trường này là bắt buộc."})
    if not credential.active:
        raise Conflict("Chứng thư số này đã bị vô hiệu hóa.", code="credential_inactive")
    _deactivate(credential, reason[:500])
    audit.record(
        actor,
        "signing.credential_deactivate",
        credential,
        summary=f"Vô hiệu hóa chứng thư số {credential.kind_label.lower()} của {credential.owner_name}: {reason}"[:500],
        changes={"fingerprint": credential.fingerprint, "reason": credential.deactivated_reason},
    )
    return credential


def _deactivate(credential: SigningCredential, reason: str) -> None:
    credential.active = False
    credential.deactivated_at = clock.now()
    credential.deactivated_reason = reason
    db.session.flush()  # before a replacement is inserted: one active credential per owner (unique index)


def _open_upload(actor: User | None, p12: bytes, secret: str, *, field: str, agency_id: int) -> Pkcs12Key:
    if not p12 or len(p12) > MAX_P12_BYTES:
        raise ValidationError(
            "Tệp khóa PKCS#12 trống hoặc quá lớn.", code="not_pkcs12", details={"p12": "Tệp không hợp lệ."}
        )
    try:
        key = load_pkcs12(p12, secret or "")
    except WrongPin as exc:
        label = "Mã PIN" if field == "pin" else "Mật khẩu tệp khóa"
        pins.remember_refusal(actor, None, agency_id, f"Nhập sai {label.lower()} khi thêm chứng thư số")
        raise WrongPin(f"{label} không mở được tệp khóa.", details={field: f"{label} không đúng."}) from exc
    facts = certificate_facts(key.certificate)
    check_usable(key.certificate, at=clock.now(), revoked_serials=_revoked_serials(facts.issuer_name))
    return key


def _store(actor, key: Pkcs12Key, p12: bytes, *, kind, agency_id, user_id, passphrase, png, default_width_mm):
    facts = certificate_facts(key.certificate)
    if db.session.scalar(sa.select(SigningCredential.id).where(SigningCredential.fingerprint == facts.fingerprint)):
        raise Conflict("Chứng thư số này đã được lưu trong hệ thống.", code="credential_exists")
    width_pt, height_pt = _checked_image(png, default_width_mm) if png is not None else (0.0, 0.0)
    previous = active_credential(kind, user_id=user_id, agency_id=agency_id)
    credential = SigningCredential(
        agency_id=agency_id,
        user_id=user_id,
        kind=kind.value,
        subject_name=facts.subject_name[:1000],
        issuer_name=facts.issuer_name[:1000],
        serial=facts.serial,
        fingerprint=facts.fingerprint,
        not_before=facts.not_before,
        not_after=facts.not_after,
        certificate_der=facts.der,
        encrypted_p12=b"",
        image_sha256=current_app.extensions["qlvb.blobs"].put(png) if png is not None else "",
        image_width_pt=width_pt,
        image_height_pt=height_pt,
        created_by_id=actor.id if actor is not None else None,
    )
    kek = key_encryption_key()
    credential.encrypted_p12 = seal(p12, kek, context=_context(credential, "p12"))
    if passphrase is not None:
        credential.encrypted_passphrase = seal(passphrase.encode("utf-8"), kek, context=_context(credential, "pass"))
    if previous is not None:
        _deactivate(previous, "Thay bằng chứng thư số mới")
    db.session.add(credential)
    db.session.flush()
    if previous is not None:
        audit.record(
            actor,
            "signing.credential_deactivate",
            previous,
            summary=f"Thay chứng thư số {previous.kind_label.lower()} của {previous.owner_name} bằng chứng thư số mới",
            changes={"fingerprint": previous.fingerprint, "replaced_by": credential.id},
        )
    return credential


def _checked_image(png: bytes, default_width_mm: float) -> tuple[float, float]:
    """Refuse anything but a transparent PNG (seed 000 Điều 5.1, 5.2); return its real size in points.

    An image without a resolution tag is shown `default_width_mm` wide, keeping its proportions.
    """
    if len(png) > MAX_IMAGE_BYTES:
        raise InvalidImage("Ảnh chữ ký/con dấu quá lớn (tối đa 2 MB).", details={"image": "Tệp quá lớn."})
    try:
        with Image.open(io.BytesIO(png)) as probe:
            probe.verify()
        with Image.open(io.BytesIO(png)) as image:
            if image.format != "PNG" or max(image.size) > MAX_IMAGE_SIDE:
                raise InvalidImage(details={"image": "Cần tệp PNG không quá 4000 điểm ảnh mỗi chiều."})
            rgba = image.convert("RGBA")
            size = image.size
    except (UnidentifiedImageError, OSError, SyntaxError, Image.DecompressionBombError) as exc:
        raise InvalidImage(details={"image": "Không đọc được ảnh PNG."}) from exc
    low_alpha, _high = rgba.getchannel("A").getextrema()
    if low_alpha != 0:
        raise InvalidImage("Ảnh chữ ký/con dấu phải có nền trong suốt.", details={"image": "Nền không trong suốt."})
    try:
        return images.real_size_pt(png)
    except ValueError:
        width_pt = default_width_mm / images.MM_PER_INCH * images.POINTS_PER_INCH
        return round(width_pt, 2), round(width_pt * size[1] / size[0], 2)


def _facts(credential: SigningCredential) -> dict:
    return {
        "kind": credential.kind,
        "subject": credential.subject_name,
        "issuer": credential.issuer_name,
        "serial": credential.serial,
        "fingerprint": credential.fingerprint,
        "not_after": credential.not_after.isoformat(),
        "image_sha256": credential.image_sha256,
    }


# --- using the keys --------------------------------------------------------------------------------------------


def personal_key(user: User, pin: str) -> tuple[SigningKey, SigningCredential]:
    """Open the user's active personal key with their PIN.

    NoCredential when they have none, CertificateRevoked when theirs was deactivated, CertificateExpired /
    CertificateNotYetValid / KeyUsageNotAllowed from the certificate (checked before the PIN is tried), WrongPin
    (audited) when the PIN does not open it.
    """
    if user is None or not user.is_active:
        raise PermissionDenied("Tài khoản không được phép ký số.")
    credential = active_credential(CredentialKind.PERSONAL, user_id=user.id)
    if credential is None:
        _raise_missing(CredentialKind.PERSONAL, user_id=user.id)
    _check(credential)
    pins.refuse_if_locked(credential)
    p12 = open_sealed(credential.encrypted_p12, key_encryption_key(), context=_context(credential, "p12"))
    try:
        key = load_pkcs12(p12, pin or "")
    except WrongPin:
        pins.remember_refusal(user, credential, credential.agency_id, f"Nhập sai mã PIN khi ký số: {user.username}")
        left = pins.PIN_MAX_ATTEMPTS - 1 - len(pins.recent_refusals(credential))
        hint = f" Còn {left} lần thử trước khi chữ ký số bị tạm khóa." if left > 0 else ""
        raise WrongPin(details={"pin": "Mã PIN không đúng." + hint}) from None
    return _matching(key, credential), credential


def organization_key(actor: User, agency_id: int) -> tuple[SigningKey, SigningCredential]:
    """Open the agency's seal key for one of its clerks.

    Seed 000 Điều 21.1–21.2: only the agency's văn thư uses it, in person (never the system, another role or another
    agency's clerk). The caller checks Điều 21.2.d (a valid personal signature of the competent signer) first.
    """
    if actor is None or not actor.is_active or Role.CLERK not in actor.roles or actor.agency_id != agency_id:
        raise PermissionDenied(
            "Chỉ văn thư của cơ quan được ký số bằng chứng thư số của cơ quan.", code="not_agency_clerk"
        )
    credential = active_credential(CredentialKind.ORGANIZATION, agency_id=agency_id)
    if credential is None:
        _raise_missing(CredentialKind.ORGANIZATION, agency_id=agency_id)
    _check(credential)
    kek = key_encryption_key()
    if credential.encrypted_passphrase is None:
        raise CredentialUnreadable("Chứng thư số của cơ quan thiếu mật khẩu tệp khóa đã lưu.")
    passphrase = open_sealed(credential.encrypted_passphrase, kek, context=_context(credential, "pass"))
    p12 = open_sealed(credential.encrypted_p12, kek, context=_context(credential, "p12"))
    return _matching(load_pkcs12(p12, passphrase.decode("utf-8")), credential), credential


def exchange_key(agency_id: int) -> tuple[Pkcs12Key, SigningCredential] | None:
    """The agency's exchange key, opened by the system (no actor), or None when it has none.

    Unlike the seal (seed 000 Điều 21: only the clerk, in person), this key signs the transport envelope of the
    edXML messages the system sends on the agency's behalf (a status 01 the moment a package arrives, a retry at
    night), not a document: the document keeps the seal and signatures the clerk and the signer applied. An expired
    or not yet valid certificate raises (CertificateExpired…), so nothing goes out under a key the receiver refuses.
    """
    credential = active_credential(CredentialKind.EXCHANGE, agency_id=agency_id)
    if credential is None:
        return None
    _check(credential)
    # Opening the PKCS#12 costs 60–70 ms (bench/RESULTS.md, exchange), more than the XML signature itself, and the
    # system signs every status it sends: the opened key is kept per process, under the row and its certificate, so
    # a replaced or deactivated credential is never used again (active_credential above no longer returns it).
    cache = current_app.extensions.setdefault(_EXCHANGE_KEYS, {})
    cache_key = (credential.id, credential.fingerprint)
    if cache_key not in cache:
        kek = key_encryption_key()
        if credential.encrypted_passphrase is None:
            raise CredentialUnreadable("Chứng thư số liên thông thiếu mật khẩu tệp khóa đã lưu.")
        passphrase = open_sealed(credential.encrypted_passphrase, kek, context=_context(credential, "pass"))
        p12 = open_sealed(credential.encrypted_p12, kek, context=_context(credential, "p12"))
        if len(cache) >= _EXCHANGE_KEYS_KEPT:
            cache.clear()
        cache[cache_key] = _matching(load_pkcs12(p12, passphrase.decode("utf-8")), credential)
    return cache[cache_key], credential


def image_of(credential: SigningCredential) -> bytes:
    """The signature (personal) or seal (organization) PNG."""
    return current_app.extensions["qlvb.blobs"].read(credential.image_sha256)


def _raise_missing(kind: CredentialKind, **owner) -> None:
    whose = "Bạn" if kind is CredentialKind.PERSONAL else "Cơ quan"
    previous = _latest_deactivated(kind, **owner)
    if previous is not None:
        raise CertificateRevoked(
            f"Chứng thư số đã bị vô hiệu hóa ({previous.deactivated_reason}); cần quản trị thêm chứng thư số mới.",
            details={"credential_id": previous.id},
        )
    raise NoCredential(f"{whose} chưa có chứng thư số đang hiệu lực để ký; liên hệ quản trị hệ thống.")


def _check(credential: SigningCredential) -> None:
    check_usable(credential.certificate_der, at=clock.now())


def _matching(key: Pkcs12Key, credential: SigningCredential) -> Pkcs12Key:
    if certificate_facts(key.certificate).fingerprint != credential.fingerprint:
        raise CredentialUnreadable("Tệp khóa đã lưu không khớp với chứng thư số đã đăng ký.")
    return key
