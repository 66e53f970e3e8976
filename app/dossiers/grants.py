"""The head's permission to use a dossier (seed 001 QĐ 278 Điều 8.2–3: "việc sử dụng hồ sơ … phải được sự đồng ý
của Thủ trưởng cơ quan"; Phụ lục VI III.6.c: cấp quyền, kiểm soát quyền truy cập hồ sơ lưu trữ điện tử).

A grant names a person of the agency and, optionally, the last day it holds (inclusive); it ends then, or when
revoked. Every change of access is told to the dossier's creator (Phụ lục VI III.3.c: cảnh báo khi thay đổi quyền
truy cập) and to the person concerned. `permissions.visible_filter` / `can_view` read the grants.
"""

from datetime import date

import sqlalchemy as sa

from app.audit import services as audit
from app.core import clock
from app.core.db import db
from app.core.errors import NotFound, PermissionDenied, ValidationError
from app.dossiers import permissions
from app.dossiers.models import Dossier, DossierGrant
from app.dossiers.services import get_dossier
from app.dossiers.states import DossierStatus
from app.notifications.services import notify
from app.org.models import User


def require_grant(actor: User, dossier: Dossier) -> None:
    if not permissions.can_grant(actor, dossier):
        raise PermissionDenied(
            "Chỉ thủ trưởng cơ quan cho phép sử dụng hồ sơ (QĐ 278 Điều 8.2).", code="not_dossier_granter"
        )


def list_grants(actor: User, dossier_id: int) -> list[DossierGrant]:
    """The grants of a dossier, newest first (the creator and the head see them)."""
    dossier = get_dossier(actor, dossier_id)
    if not (permissions.can_grant(actor, dossier) or permissions.can_edit(actor, dossier)):
        return []
    return list(
        db.session.scalars(
            sa.select(DossierGrant).where(DossierGrant.dossier_id == dossier.id).order_by(DossierGrant.id.desc())
        )
    )


def grant_access(
    actor: User, dossier_id: int, user_id: int, *, until: date | None = None, note: str | None = None
) -> DossierGrant:
    """Allow `user_id` to use the dossier until `until` (inclusive; None: until revoked). A person's earlier grant
    of the same dossier still in force is replaced by this one."""
    dossier = get_dossier(actor, dossier_id)
    require_grant(actor, dossier)
    if dossier.status == DossierStatus.DESTROYED:
        raise NotFound("Không tìm thấy hồ sơ.", code="dossier_not_found")
    grantee = db.session.get(User, user_id) if user_id else None
    if grantee is None or grantee.agency_id != dossier.agency_id or not grantee.is_active:
        raise ValidationError(
            "Chọn người được sử dụng hồ sơ trong cơ quan.", code="grantee_invalid", details={"user_id": "Không hợp lệ."}
        )
    today = clock.local_today()
    if until is not None and until < today:
        raise ValidationError(
            "Thời hạn sử dụng đã qua.", code="grant_until_past", details={"until": "Phải từ hôm nay trở đi."}
        )
    now = clock.now()
    for earlier in _in_force(dossier.id, grantee.id, today):
        earlier.revoked_at = now
    grant = DossierGrant(
        dossier_id=dossier.id,
        user_id=grantee.id,
        granted_by_id=actor.id,
        granted_at=now,
        until=until,
        note=(note or "").strip()[:500] or None,
    )
    db.session.add(grant)
    db.session.flush()
    until_text = f" đến hết ngày {until.strftime('%d/%m/%Y')}" if until else ""
    audit.record(
        actor,
        "dossier.grant",
        dossier,
        summary=f"Cho phép {grantee.full_name} sử dụng hồ sơ {dossier.file_code}{until_text}",
        changes={"grant_id": grant.id, "user_id": grantee.id, "until": until.isoformat() if until else None},
    )
    _tell(dossier, grantee, f"{grantee.full_name} được phép sử dụng hồ sơ {dossier.file_code}{until_text}")
    return grant


def revoke_access(actor: User, dossier_id: int, grant_id: int) -> DossierGrant:
    """End a grant now."""
    dossier = get_dossier(actor, dossier_id)
    require_grant(actor, dossier)
    grant = db.session.get(DossierGrant, grant_id)
    if grant is None or grant.dossier_id != dossier.id:
        raise NotFound("Không tìm thấy quyền sử dụng hồ sơ.", code="grant_not_found")
    if grant.revoked_at is None:
        grant.revoked_at = clock.now()
        grantee = db.session.get(User, grant.user_id)
        audit.record(
            actor,
            "dossier.revoke",
            dossier,
            summary=f"Thu hồi quyền sử dụng hồ sơ {dossier.file_code} của {grantee.full_name}",
            changes={"grant_id": grant.id, "user_id": grantee.id},
        )
        _tell(dossier, grantee, f"Đã thu hồi quyền sử dụng hồ sơ {dossier.file_code} của {grantee.full_name}")
    return grant


def _in_force(dossier_id: int, user_id: int, today: date) -> list[DossierGrant]:
    return list(
        db.session.scalars(
            sa.select(DossierGrant).where(
                DossierGrant.dossier_id == dossier_id,
                DossierGrant.user_id == user_id,
                DossierGrant.revoked_at.is_(None),
                sa.or_(DossierGrant.until.is_(None), DossierGrant.until >= today),
            )
        )
    )


def _tell(dossier: Dossier, grantee: User, title: str) -> None:
    """Phụ lục VI III.3.c: a change of who may use the dossier is told to its creator, and to the person."""
    notify(
        {dossier.creator_id, grantee.id},
        kind="dossier_access",
        title=title,
        body=dossier.title,
        url=f"/dossiers/{dossier.id}",  # a path: services run without a request too
        object_type="dossier",
        object_id=dossier.id,
    )
