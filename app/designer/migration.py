"""The designer's side of moving running cases to a newer version: which versions and cases, checked case by case.

The moving itself is app.workflow.migration (the engine's business); this module picks the agency's cases of one
version, and refuses versions and cases outside the designer's agency.
"""

import sqlalchemy as sa

from app.core.db import db
from app.core.errors import NotFound, PermissionDenied, ValidationError
from app.designer.permissions import can_design
from app.designer.queries import OPEN_STATUSES
from app.org.models import User
from app.workflow import migration
from app.workflow.models import ProcessVersion, WorkflowInstance


def versions_of(agency_id: int, process_id: str) -> list[ProcessVersion]:
    """The versions an agency's cases of a process may run on (global and its own), latest deploy first."""
    return list(
        db.session.scalars(
            sa.select(ProcessVersion)
            .where(
                ProcessVersion.process_id == process_id,
                sa.or_(ProcessVersion.agency_id.is_(None), ProcessVersion.agency_id == agency_id),
            )
            .order_by(ProcessVersion.id.desc())
        )
    )


def open_cases(agency_id: int, version_id: int) -> list[WorkflowInstance]:
    return list(
        db.session.scalars(
            sa.select(WorkflowInstance)
            .where(
                WorkflowInstance.agency_id == agency_id,
                WorkflowInstance.process_version_id == version_id,
                WorkflowInstance.status.in_(OPEN_STATUSES),
            )
            .order_by(WorkflowInstance.started_at, WorkflowInstance.id)
        )
    )


def _version(actor: User, version_id: int | None, what: str) -> ProcessVersion:
    version = db.session.get(ProcessVersion, version_id) if version_id else None
    if version is None or version.agency_id not in (None, actor.agency_id):
        raise NotFound(f"Không tìm thấy phiên bản {what}.", code="version_not_found")
    return version


def _pair(actor: User, source_id: int | None, target_id: int | None) -> tuple[ProcessVersion, ProcessVersion]:
    if not can_design(actor):
        raise PermissionDenied("Chỉ người thiết kế quy trình được chuyển hồ sơ sang phiên bản mới.")
    source, target = _version(actor, source_id, "nguồn"), _version(actor, target_id, "đích")
    if source.process_id != target.process_id:
        raise ValidationError("Hai phiên bản thuộc hai quy trình khác nhau.", code="version_mismatch")
    if target.id <= source.id:
        raise ValidationError("Phiên bản đích phải mới hơn phiên bản nguồn.", code="target_not_newer")
    return source, target


def check_cases(actor: User, source_id: int | None, target_id: int | None):
    """(source, target, [CaseCheck]) for the agency's open cases of the source version."""
    source, target = _pair(actor, source_id, target_id)
    return source, target, [migration.check(case, target) for case in open_cases(actor.agency_id, source.id)]


def migrate_cases(actor: User, source_id: int | None, target_id: int | None, instance_ids: list[int]):
    """Move the chosen cases; those of another agency or another version are refused with the others' checks."""
    source, target = _pair(actor, source_id, target_id)
    chosen = list(dict.fromkeys(instance_ids))
    if not chosen:
        details = {"instance_ids": "Chọn ít nhất một hồ sơ."}
        raise ValidationError("Chưa chọn hồ sơ nào.", code="no_cases", details=details)
    found = {i.id: i for i in db.session.scalars(sa.select(WorkflowInstance).where(WorkflowInstance.id.in_(chosen)))}
    wrong_version = [i for i in found.values() if i.process_version_id != source.id]
    eligible = [found[i] for i in chosen if i in found and found[i].process_version_id == source.id]
    result = migration.migrate(actor, eligible, target)
    for instance in wrong_version:
        reason = "Hồ sơ không thuộc cơ quan của người thiết kế." if instance.agency_id != actor.agency_id else None
        result.refused.append(migration.CaseCheck(instance, reason or "Hồ sơ không chạy trên phiên bản nguồn."))
    result.missing = [i for i in chosen if i not in found]
    return source, target, result
