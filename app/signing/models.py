"""Signing credentials: a person's or an agency's key (PKCS#12, encrypted at rest) with its certificate and image."""

from datetime import datetime
from enum import StrEnum

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.core import clock
from app.core.db import UTCDateTime, db
from app.org.models import Agency, User


class CredentialKind(StrEnum):
    PERSONAL = "personal"  # chữ ký số của người có thẩm quyền
    ORGANIZATION = "organization"  # chữ ký số của cơ quan, tổ chức (con dấu), kept by the clerk (seed 000 Điều 21)
    # The agency's certificate for the exchange system: the XML-DSig envelope of edXML packages and status messages
    # (legal.md §4.6), signed by the system when it sends, unlike the seal, which only the clerk applies in person.
    EXCHANGE = "exchange"

    @property
    def label(self) -> str:
        return {
            "personal": "Cá nhân",
            "organization": "Cơ quan (con dấu)",
            "exchange": "Hệ thống liên thông (ký gói tin edXML)",
        }[self.value]


class CertificateInfo:
    """What a row holding an X.509 certificate (`certificate_der`, names, validity, `active`) shows in lists and the
    API: the subject's and issuer's CN, and its state at an instant. `INACTIVE_STATE` names a switched-off row."""

    INACTIVE_STATE = "inactive"

    @property
    def common_name(self) -> str:
        """The subject's CN, for display (the full RFC 4514 name is `subject_name`)."""
        return _common_name(self.certificate_der, issuer=False) or self.subject_name

    @property
    def issuer_common_name(self) -> str:
        return _common_name(self.certificate_der, issuer=True) or self.issuer_name

    def state_at(self, instant: datetime) -> str:
        """ "active", INACTIVE_STATE, "expired" or "not_yet_valid", for lists and the API."""
        if not self.active:
            return self.INACTIVE_STATE
        if instant > self.not_after:
            return "expired"
        if instant < self.not_before:
            return "not_yet_valid"
        return "active"


class SigningCredential(CertificateInfo, db.Model):
    """One certificate with its private key.

    `encrypted_p12` is the PKCS#12 file wrapped with AES-GCM under the deployment's key-encryption key. A personal
    file stays protected by its owner's PIN inside that wrapping, so signing needs the PIN; an organization file's
    passphrase is stored wrapped too (`encrypted_passphrase`), because the clerk signs by role, without a PIN.
    The certificate is kept in clear (`certificate_der`): it is public and is checked before any PIN is asked.
    Rows are never deleted: a deactivated credential stays as the record of which certificate signed what.
    """

    __tablename__ = "signing_credential"
    __table_args__ = (
        sa.CheckConstraint("kind IN ('personal', 'organization', 'exchange')", name="kind"),
        # A personal credential has an owner; an organization's (seal, exchange) has none.
        sa.CheckConstraint(
            "(kind = 'personal' AND user_id IS NOT NULL) OR (kind <> 'personal' AND user_id IS NULL)",
            name="owner",
        ),
        # At most one active credential per person and one active seal per agency.
        sa.Index(
            "uq_signing_credential_active_personal",
            "user_id",
            unique=True,
            sqlite_where=sa.text("active AND kind = 'personal'"),
            postgresql_where=sa.text("active AND kind = 'personal'"),
        ),
        sa.Index(
            "uq_signing_credential_active_seal",
            "agency_id",
            unique=True,
            sqlite_where=sa.text("active AND kind = 'organization'"),
            postgresql_where=sa.text("active AND kind = 'organization'"),
        ),
        sa.Index(
            "uq_signing_credential_active_exchange",
            "agency_id",
            unique=True,
            sqlite_where=sa.text("active AND kind = 'exchange'"),
            postgresql_where=sa.text("active AND kind = 'exchange'"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    agency_id: Mapped[int] = mapped_column(sa.ForeignKey("agency.id"), index=True)
    user_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user_account.id"), index=True)
    kind: Mapped[str] = mapped_column(sa.String(16))
    subject_name: Mapped[str] = mapped_column(sa.String(1000))
    issuer_name: Mapped[str] = mapped_column(sa.String(1000))
    serial: Mapped[str] = mapped_column(sa.String(64))  # lower-case hex
    fingerprint: Mapped[str] = mapped_column(sa.String(64), unique=True)  # SHA-256 of the DER certificate
    not_before: Mapped[datetime] = mapped_column(UTCDateTime())
    not_after: Mapped[datetime] = mapped_column(UTCDateTime())
    certificate_der: Mapped[bytes] = mapped_column(sa.LargeBinary)
    encrypted_p12: Mapped[bytes] = mapped_column(sa.LargeBinary)
    encrypted_passphrase: Mapped[bytes | None] = mapped_column(sa.LargeBinary)
    image_sha256: Mapped[str] = mapped_column(sa.String(64))  # the PNG in the blob store
    image_width_pt: Mapped[float] = mapped_column(sa.Float)
    image_height_pt: Mapped[float] = mapped_column(sa.Float)
    active: Mapped[bool] = mapped_column(default=True)
    deactivated_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    deactivated_reason: Mapped[str | None] = mapped_column(sa.String(500))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=clock.now)
    created_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user_account.id"))

    agency: Mapped[Agency] = relationship()
    user: Mapped[User | None] = relationship(foreign_keys=[user_id])
    created_by: Mapped[User | None] = relationship(foreign_keys=[created_by_id])

    @property
    def kind_label(self) -> str:
        return CredentialKind(self.kind).label

    @property
    def owner_name(self) -> str:
        return self.user.full_name if self.user is not None else self.agency.name

    INACTIVE_STATE = "deactivated"

    def __repr__(self) -> str:
        return f"<SigningCredential {self.kind} {self.fingerprint[:12]}>"


def _common_name(der: bytes, *, issuer: bool) -> str | None:
    from cryptography import x509
    from cryptography.x509.oid import NameOID

    cert = x509.load_der_x509_certificate(der)
    names = (cert.issuer if issuer else cert.subject).get_attributes_for_oid(NameOID.COMMON_NAME)
    return str(names[0].value) if names else None


class TrustedCertificate(CertificateInfo, db.Model):
    """A root or intermediate CA certificate an administrator added to the trust store (chứng thư gốc tin cậy).

    `agency_id` NULL: trusted for the whole deployment (only a top-level administrator adds those); otherwise
    trusted when that agency, or an agency below it, verifies a signature. These add to the roots the deployment
    names in `QLVB_TRUST_ROOTS`, never replace them. A disabled row is kept as the record of what was trusted when.
    """

    __tablename__ = "trusted_certificate"
    __table_args__ = (sa.UniqueConstraint("agency_id", "fingerprint", name="uq_trusted_certificate_agency_fp"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    agency_id: Mapped[int | None] = mapped_column(sa.ForeignKey("agency.id"), index=True)
    subject_name: Mapped[str] = mapped_column(sa.String(1000))
    issuer_name: Mapped[str] = mapped_column(sa.String(1000))
    fingerprint: Mapped[str] = mapped_column(sa.String(64), index=True)  # SHA-256 of the DER certificate
    is_ca: Mapped[bool] = mapped_column(default=False)
    self_signed: Mapped[bool] = mapped_column(default=False)
    not_before: Mapped[datetime] = mapped_column(UTCDateTime())
    not_after: Mapped[datetime] = mapped_column(UTCDateTime())
    certificate_der: Mapped[bytes] = mapped_column(sa.LargeBinary)
    note: Mapped[str | None] = mapped_column(sa.String(500))
    active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=clock.now)
    created_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user_account.id"))
    disabled_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    disabled_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user_account.id"))

    agency: Mapped[Agency | None] = relationship()
    created_by: Mapped[User | None] = relationship(foreign_keys=[created_by_id])
    disabled_by: Mapped[User | None] = relationship(foreign_keys=[disabled_by_id])

    INACTIVE_STATE = "disabled"

    @property
    def scope_label(self) -> str:
        return self.agency.name if self.agency is not None else "Toàn hệ thống"

    def __repr__(self) -> str:
        return f"<TrustedCertificate {self.fingerprint[:12]} agency={self.agency_id}>"
