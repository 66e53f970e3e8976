"""Nộp lưu: the creator hands closed dossiers to the Lưu trữ cơ quan, the archivist checks and receives them
(NĐ 30/2020 Điều 30; Phụ lục V.III Mục lục hồ sơ nộp lưu, V.V Biên bản giao nhận; seed 000 Điều 20).

- `submit`: one DossierTransfer (tên khối tài liệu, bên giao) of the creator's closed or returned dossiers; each
  entry keeps a manifest of the SHA-256 of every file the dossier holds at that moment, so the archivist's check
  proves the bytes received are the bytes handed over. Manifest: {"<DocOrdinal>": ["<sha256>", …]} — a document
  item may have several files (the main PDF and its attachments).
- `check`: Điều 30.3.b "kiểm tra": every file re-read from the blob store (the store verifies each hash on read)
  and compared with the manifest; completeness of the description (tiêu đề, thời gian, thời hạn bảo quản) and of
  the content (at least one item).
- `accept` (a passing check required) makes the dossier an archival record: read-only (states.READ_ONLY), with its
  expiry; `return` needs a reason and tells the creator.
"""

import hashlib
from datetime import date

import sqlalchemy as sa
from flask import current_app

from app.audit import services as audit
from app.core import clock
from app.core.db import db
from app.core.errors import Conflict, DomainError, NotFound, PermissionDenied, ValidationError
from app.dossiers import codes, filing, permissions, settings
from app.dossiers.models import Dossier, DossierItem, DossierSettings, DossierTransfer, DossierTransferEntry
from app.dossiers.states import DossierStatus, TransferStatus, move
from app.org.models import User


class Decision:
    ACCEPTED = "accepted"
    RETURNED = "returned"


DECISION_LABELS = {None: "Chờ tiếp nhận", Decision.ACCEPTED: "Đã tiếp nhận", Decision.RETURNED: "Đã trả lại"}


# ---- settings (the agency's choices, Điều 30.2 / TT 05/2025) ---------------------------------------------------


def update_settings(actor: User, agency_id: int, values: dict) -> DossierSettings:
    """Save the agency's nộp lưu periods and reminder days; refused fields are named in `details`."""
    if not permissions.can_manage_settings(actor, agency_id):
        raise PermissionDenied("Chỉ quản trị hoặc lãnh đạo cơ quan được sửa thiết lập lưu trữ.")
    current = settings.settings_for(agency_id)
    errors, clean = {}, {}
    for field in ("transfer_after", "construction_transfer_after"):
        text = str(values.get(field) or getattr(current, field))
        try:
            clean[field] = settings.normalize_period(text)
        except ValidationError as exc:
            errors[field] = exc.message
    days = values.get("reminder_days", current.reminder_days)
    try:
        days = int(days)
        if not 0 <= days <= 365:
            raise ValueError
        clean["reminder_days"] = days
    except (TypeError, ValueError):
        errors["reminder_days"] = "Nhập số ngày từ 0 đến 365."
    if errors:
        raise ValidationError("Thiết lập không hợp lệ.", code="invalid_dossier_settings", details=errors)
    row = db.session.get(DossierSettings, agency_id) or DossierSettings(agency_id=agency_id)
    db.session.add(row)
    for key, value in clean.items():
        setattr(row, key, value)
    row.updated_at, row.updated_by_id = clock.now(), actor.id
    db.session.flush()
    audit.record(
        actor,
        "dossier.settings",
        row,
        object_id=agency_id,
        agency_id=agency_id,
        summary="Sửa thiết lập nộp lưu hồ sơ",
        changes=clean,
    )
    return row


# ---- submitting ------------------------------------------------------------------------------------------------


def submittable(user: User) -> list[Dossier]:
    """The user's dossiers that may go to the archive now (closed, or returned to be fixed)."""
    return list(
        db.session.scalars(
            sa.select(Dossier)
            .where(
                Dossier.creator_id == user.id,
                Dossier.agency_id == user.agency_id,
                Dossier.status.in_((DossierStatus.CLOSED, DossierStatus.RETURNED)),
            )
            .order_by(Dossier.transfer_due_on.is_(None), Dossier.transfer_due_on, Dossier.id)
        )
    )


def document_hashes(item: DossierItem) -> list[str]:
    """The SHA-256 of every file an item stands for: its own blob, or the linked document's files."""
    if item.sha256:
        return [item.sha256]
    if item.object_id is None:
        return []
    if item.object_type == "incoming":
        from app.incoming.models import IncomingFile

        query = sa.select(IncomingFile.sha256).where(IncomingFile.document_id == item.object_id)
        return list(db.session.scalars(query.order_by(IncomingFile.id)))
    if item.object_type == "outgoing":
        from app.outgoing.models import OutgoingAttachment, OutgoingVersion

        latest = db.session.scalar(
            sa.select(OutgoingVersion.sha256)
            .where(OutgoingVersion.document_id == item.object_id)
            .order_by(OutgoingVersion.number.desc())
            .limit(1)
        )
        attachments = db.session.execute(
            sa.select(OutgoingAttachment.signed_sha256, OutgoingAttachment.sha256)
            .where(OutgoingAttachment.document_id == item.object_id)
            .order_by(OutgoingAttachment.id)
        )
        return ([latest] if latest else []) + [signed or plain for signed, plain in attachments]
    if item.object_type == "outgoing_version":
        from app.outgoing.models import OutgoingVersion

        version = db.session.get(OutgoingVersion, item.object_id)
        return [version.sha256] if version is not None else []
    return []


def manifest_of(dossier: Dossier) -> dict[str, list[str]]:
    return {str(item.ordinal): document_hashes(item) for item in dossier.items}


def submit(actor: User, dossier_ids: list[int], *, name: str, condition_note: str | None = None) -> DossierTransfer:
    """Hand the dossiers to the archive as one transfer (all or nothing)."""
    name = (name or "").strip()
    if not name:
        raise ValidationError(
            "Nhập tên khối tài liệu giao nộp.", code="transfer_name_required", details={"name": "Bắt buộc."}
        )
    ids = list(dict.fromkeys(int(i) for i in dossier_ids or ()))
    if not ids:
        raise ValidationError(
            "Chọn ít nhất một hồ sơ để nộp lưu.",
            code="transfer_empty",
            details={"dossier_ids": "Chọn ít nhất một hồ sơ."},
        )
    transfer = DossierTransfer(
        agency_id=actor.agency_id,
        unit_id=actor.unit_id,
        name=name[:500],
        submitted_by_id=actor.id,
        submitted_at=clock.now(),
        status=TransferStatus.SUBMITTED,
        condition_note=(condition_note or "").strip()[:1000] or None,
    )
    db.session.add(transfer)
    db.session.flush()
    for position, dossier_id in enumerate(sorted(ids), start=1):
        dossier = permissions.require_view(actor, db.session.get(Dossier, dossier_id))
        permissions.require_edit(actor, dossier)
        dossier = filing.lock(dossier.id)
        move(dossier, "submit", actor)
        dossier.transfer_id = transfer.id
        transfer.entries.append(
            DossierTransferEntry(dossier_id=dossier.id, position=position, manifest=manifest_of(dossier))
        )
        audit.record(actor, "dossier.submit", dossier, summary=f"Nộp lưu hồ sơ {dossier.file_code}: {name[:200]}")
    db.session.flush()
    _tell_archivists(transfer)
    return transfer


def _tell_archivists(transfer: DossierTransfer) -> None:
    from app.notifications.services import notify

    people = db.session.scalars(
        sa.select(User).where(User.agency_id == transfer.agency_id, User.is_active.is_(True))
    ).all()
    archivists = [p for p in people if permissions.can_decide_transfer(p, transfer.agency_id)]
    if archivists:
        notify(
            archivists,
            kind="dossier_submitted",
            title=f"Hồ sơ nộp lưu chờ tiếp nhận: {transfer.name}",
            body=f"{len(transfer.entries)} hồ sơ.",
            url=f"/archive/transfers/{transfer.id}",
            object_type="dossier_transfer",
            object_id=transfer.id,
        )


# ---- the archivist ---------------------------------------------------------------------------------------------


def get_transfer(user: User, transfer_id: int) -> DossierTransfer:
    """The transfer, for the archivist, the agency's leaders or the one who submitted it; 404 otherwise."""
    transfer = db.session.get(DossierTransfer, transfer_id)
    if transfer is None or not permissions.can_view_transfer(user, transfer):
        raise NotFound("Không tìm thấy lần nộp lưu.", code="transfer_not_found")
    return transfer


def transfers(user: User, *, status: str | None = None, limit: int | None = None) -> list[DossierTransfer]:
    query = sa.select(DossierTransfer).where(DossierTransfer.agency_id == user.agency_id)
    if not permissions.can_read_archive(user, user.agency_id):
        query = query.where(DossierTransfer.submitted_by_id == user.id)
    if status:
        query = query.where(DossierTransfer.status == status)
    query = query.order_by(DossierTransfer.submitted_at.desc(), DossierTransfer.id.desc())
    return list(db.session.scalars(query.limit(limit) if limit else query))


def waiting_badge(user: User) -> str:
    """The count beside "Lưu trữ" in the menu: transfers waiting for the archivist (empty for none)."""
    if not permissions.can_decide_transfer(user, user.agency_id):
        return ""
    count = db.session.scalar(
        sa.select(sa.func.count(DossierTransfer.id)).where(
            DossierTransfer.agency_id == user.agency_id, DossierTransfer.status == TransferStatus.SUBMITTED
        )
    )
    return str(count) if count else ""


def _entry(actor: User, transfer_id: int, entry_id: int) -> DossierTransferEntry:
    transfer = get_transfer(actor, transfer_id)
    entry = db.session.get(DossierTransferEntry, entry_id)
    if entry is None or entry.transfer_id != transfer.id:
        raise NotFound("Không tìm thấy hồ sơ trong lần nộp lưu.", code="transfer_entry_not_found")
    if not permissions.can_decide_transfer(actor, transfer.agency_id):
        raise PermissionDenied("Chỉ Lưu trữ cơ quan được kiểm tra, tiếp nhận hồ sơ nộp lưu.")
    if entry.decision is not None:
        raise Conflict("Hồ sơ này đã được xử lý.", code="transfer_entry_decided")
    return entry


def inspect(dossier: Dossier, manifest: dict) -> dict:
    """The integrity and completeness of a submitted dossier: {"ok", "problems", "files", "checked_at"}."""
    store = current_app.extensions["qlvb.blobs"]
    problems: list[str] = []
    current = manifest_of(dossier)
    if set(current) != set(manifest):
        problems.append("Danh sách văn bản, tài liệu khác với khi nộp lưu.")
    files = 0
    for ordinal, digests in sorted(manifest.items(), key=lambda kv: int(kv[0])):
        if current.get(ordinal, digests) != digests:
            problems.append(f"Văn bản số {ordinal}: tệp khác với khi nộp lưu.")
        for digest in digests:
            files += 1
            if what := _verify(store, digest):
                problems.append(f"Văn bản số {ordinal}: tệp {digest[:12]}… {what}.")
    if not dossier.items:
        problems.append("Hồ sơ không có văn bản, tài liệu nào.")
    missing = [
        label
        for label, present in (
            ("tiêu đề", bool((dossier.title or "").strip())),
            ("ngày bắt đầu", dossier.start_date is not None),
            ("ngày kết thúc", dossier.end_date is not None),
            ("thời hạn bảo quản", _retention_known(dossier)),
        )
        if not present
    ]
    if missing:
        problems.append("Thiếu thông tin: " + ", ".join(missing) + ".")
    return {"ok": not problems, "problems": problems, "files": files, "checked_at": clock.now().isoformat()}


def _verify(store, digest: str) -> str | None:
    """Re-read the blob and hash it again, in chunks (a dossier may hold recordings and videos); None when intact."""
    try:
        with store.path_for(digest).open("rb") as stream:
            sha = hashlib.sha256()
            while chunk := stream.read(1024 * 1024):
                sha.update(chunk)
    except (FileNotFoundError, DomainError):
        return "không còn trong kho lưu trữ"
    return None if sha.hexdigest() == digest else "bị thay đổi (mã băm không khớp)"


def _retention_known(dossier: Dossier) -> bool:
    if dossier.maintenance not in codes.MAINTENANCE:
        return False
    return dossier.maintenance == "01" or codes.years_of(dossier.maintenance, dossier.retention_years) is not None


def check(actor: User, transfer_id: int, entry_id: int) -> DossierTransferEntry:
    entry = _entry(actor, transfer_id, entry_id)
    entry.check_result = inspect(entry.dossier, entry.manifest or {})
    audit.record(
        actor,
        "dossier.transfer_check",
        entry.dossier,
        summary=f"Kiểm tra hồ sơ nộp lưu {entry.dossier.file_code}: "
        + ("đạt" if entry.check_result["ok"] else f"{len(entry.check_result['problems'])} vấn đề"),
    )
    return entry


def expires_on(dossier: Dossier, archived_on: date) -> date | None:
    """End of retention: the end of the work (or the day archived) plus the retention years; None: permanent."""
    years = None if dossier.maintenance == "01" else codes.years_of(dossier.maintenance, dossier.retention_years)
    if years is None:
        return None
    return settings.add_period(dossier.end_date or archived_on, f"P{years}Y")


def accept(actor: User, transfer_id: int, entry_id: int) -> DossierTransferEntry:
    """Receive the dossier into the archive (Điều 30.3.b); refused unless the check passes now."""
    entry = _entry(actor, transfer_id, entry_id)
    dossier = filing.lock(entry.dossier_id)
    result = inspect(dossier, entry.manifest or {})
    if not result["ok"]:
        raise Conflict(
            "Hồ sơ chưa đạt khi kiểm tra: " + " ".join(result["problems"]),
            code="dossier_check_failed",
            details={"dossier": " ".join(result["problems"])},
        )
    move(dossier, "accept", actor)
    now = clock.now()
    dossier.archived_at, dossier.archived_by_id = now, actor.id
    dossier.expires_on = expires_on(dossier, clock.local_today())
    entry.check_result = result
    _decide(entry, actor, Decision.ACCEPTED)
    audit.record(actor, "dossier.accept", dossier, summary=f"Tiếp nhận hồ sơ {dossier.file_code} vào Lưu trữ cơ quan")
    return entry


def return_entry(actor: User, transfer_id: int, entry_id: int, *, reason: str) -> DossierTransferEntry:
    """Give the dossier back to its creator with the reason (they fix it, then submit again)."""
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError(
            "Nhập lý do trả lại hồ sơ.", code="return_reason_required", details={"reason": "Bắt buộc."}
        )
    entry = _entry(actor, transfer_id, entry_id)
    dossier = filing.lock(entry.dossier_id)
    move(dossier, "return", actor)
    entry.reason = reason[:1000]
    _decide(entry, actor, Decision.RETURNED)
    audit.record(actor, "dossier.return", dossier, summary=f"Trả lại hồ sơ nộp lưu {dossier.file_code}: {reason[:300]}")
    from app.notifications.services import notify

    notify(
        [dossier.creator_id],
        kind="dossier_returned",
        title=f"Lưu trữ cơ quan trả lại hồ sơ {dossier.file_code}",
        body=f"{dossier.title}. Lý do: {reason}",
        url=f"/dossiers/{dossier.id}",
        object_type="dossier",
        object_id=dossier.id,
    )
    return entry


def _decide(entry: DossierTransferEntry, actor: User, decision: str) -> None:
    entry.decision, entry.decided_by_id, entry.decided_at = decision, actor.id, clock.now()
    transfer = entry.transfer
    db.session.flush()
    if all(e.decision is not None for e in transfer.entries):
        transfer.status = TransferStatus.DONE
        transfer.received_by_id, transfer.received_at = actor.id, clock.now()
