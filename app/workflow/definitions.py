"""Process versions: deploy (validated, immutable, checksummed), sync from processes/, and pick the newest."""

import functools
import hashlib
import json
from pathlib import Path

import sqlalchemy as sa
from lxml import etree

from app.audit import services as audit
from app.config import PROJECT_ROOT
from app.core.db import db
from app.core.errors import NotFound, PermissionDenied, ValidationError
from app.org.models import Role, User
from app.workflow.engine import bundle_for
from app.workflow.form_catalog import form_lookup
from app.workflow.forms import form_key_for
from app.workflow.models import ProcessVersion
from app.workflow.validation import NS, validate_bpmn

PROCESSES_DIR = PROJECT_ROOT / "processes"


def referenced_forms(xml: str, lookup) -> dict[str, dict]:
    """Every form the BPMN's user tasks (and start events) name, keyed `process_id/task_id`."""
    root = etree.fromstring(xml.encode())
    forms = {}
    for process in root.xpath("//bpmn:process[@isExecutable='true']", namespaces=NS):
        process_id = process.get("id")
        start = lookup(f"{process_id}/start")
        if start is not None:
            forms[f"{process_id}/start"] = start
        for prop in process.xpath(".//spiffworkflow:property[@name='form']", namespaces=NS):
            key = form_key_for(process_id, prop.get("value"))
            if (form := lookup(key)) is not None:
                forms[key] = form
    return forms


def checksum(xml: str, forms: dict) -> str:
    body = xml.encode() + json.dumps(forms, sort_keys=True, ensure_ascii=False).encode()
    return hashlib.sha256(body).hexdigest()


def deploy(
    actor: User | None,
    xml: str,
    filename: str,
    *,
    agency_id: int | None = None,
    forms: dict[str, dict] | None = None,
    source: str | None = None,
    comment: str | None = None,
    based_on: ProcessVersion | None = None,
) -> list[ProcessVersion]:
    """Validate and store a new immutable version of each process in the file (unchanged content: no new version).

    `forms` (key → definition) comes with a designer's deploy; missing keys are the agency's own forms, else
    read from forms/ (app.workflow.form_catalog).
    `comment` is the designer's note for the version list; `based_on` the version edited (or rolled back to).
    """
    if actor is not None:
        if Role.DESIGNER not in actor.roles or not actor.is_active:
            raise PermissionDenied("Chỉ người thiết kế quy trình được triển khai quy trình.")
        if agency_id is None or agency_id != actor.agency_id:
            raise PermissionDenied("Người thiết kế chỉ triển khai quy trình cho cơ quan của mình.")

    lookup = form_lookup(agency_id, forms)
    problems = validate_bpmn(xml, filename, lookup)
    if problems:
        refusal = ValidationError(
            "Quy trình không hợp lệ, chưa được triển khai.",
            code="invalid_bpmn",
            details={"bpmn": "\n".join(str(p) for p in problems)},  # field → message, one problem a line
        )
        refusal.problems = [str(p) for p in problems]
        # The same problems structured, for the designer's page and API to pin each one on its element (the generic
        # JSON error keeps `details` a flat field → message map).
        refusal.element_problems = [{"element_id": p.element, "message": p.message} for p in problems]
        raise refusal
    versions = []
    all_forms = referenced_forms(xml, lookup)
    root = etree.fromstring(xml.encode())
    for process in root.xpath("//bpmn:process[@isExecutable='true']", namespaces=NS):
        process_id = process.get("id")
        own_forms = {k: v for k, v in all_forms.items() if k.startswith(f"{process_id}/")}
        digest = checksum(xml, own_forms)
        newest = _newest_in_scope(process_id, agency_id)
        if newest is not None and newest.checksum == digest:
            versions.append(newest)
            continue
        version = ProcessVersion(
            process_id=process_id,
            name=process.get("name") or process_id,
            agency_id=agency_id,
            version=(newest.version + 1) if newest else 1,
            checksum=digest,
            bpmn_xml=xml,
            forms=own_forms,
            source=source or filename,
            comment=(comment or "").strip() or None,
            based_on_id=based_on.id if based_on is not None else None,
            deployed_by_id=actor.id if actor else None,
        )
        db.session.add(version)
        db.session.flush()
        bundle_for(version)  # parse now: a version that cannot be parsed must not be stored
        audit.record(
            actor,
            "process.deploy",
            version,
            agency_id=agency_id,
            summary=f"Triển khai quy trình {version.name} phiên bản {version.version}",
            changes={"process_id": process_id, "version": version.version, "checksum": digest},
        )
        versions.append(version)
    return versions


def sync_processes(directory: Path = PROCESSES_DIR) -> list[ProcessVersion]:
    """Deploy every processes/*.bpmn as a global version (done at start and by `qlvb processes sync`)."""
    versions = []
    for path in sorted(directory.glob("*.bpmn")):
        versions.extend(deploy(None, path.read_text(encoding="utf-8"), path.name, source=f"processes/{path.name}"))
    return versions


def _newest_in_scope(process_id: str, agency_id: int | None) -> ProcessVersion | None:
    scope = ProcessVersion.agency_id.is_(None) if agency_id is None else ProcessVersion.agency_id == agency_id
    return db.session.scalar(
        sa.select(ProcessVersion)
        .where(ProcessVersion.process_id == process_id, scope)
        .order_by(ProcessVersion.version.desc())
        .limit(1)
    )


@functools.cache
def _newest_query() -> sa.Select:
    agency_id = sa.bindparam("agency_id", type_=ProcessVersion.agency_id.type)
    return (
        sa.select(ProcessVersion)
        .where(
            ProcessVersion.process_id == sa.bindparam("process_id"),
            sa.or_(ProcessVersion.agency_id == agency_id, ProcessVersion.agency_id.is_(None)),
        )
        # The agency's own versions first (NULL — global — sorts after them), each scope newest first: one query.
        .order_by(ProcessVersion.agency_id.is_(None), ProcessVersion.version.desc())
        .limit(1)
    )


def newest_version(process_id: str, agency_id: int) -> ProcessVersion:
    """The version a new case starts on: the agency's own newest version, else the newest global one."""
    version = db.session.scalar(_newest_query(), {"process_id": process_id, "agency_id": agency_id})
    if version is None:
        raise NotFound(f"Chưa triển khai quy trình “{process_id}”.", code="process_not_found")
    return version


def available_processes(agency_id: int) -> list[ProcessVersion]:
    """The version each process would start on in this agency."""
    ids = db.session.scalars(
        sa.select(ProcessVersion.process_id)
        .where(sa.or_(ProcessVersion.agency_id.is_(None), ProcessVersion.agency_id == agency_id))
        .distinct()
    ).all()
    return sorted((newest_version(pid, agency_id) for pid in ids), key=lambda v: v.name)


def list_versions(agency_id: int | None = None) -> list[ProcessVersion]:
    query = sa.select(ProcessVersion).order_by(ProcessVersion.process_id, ProcessVersion.version.desc())
    if agency_id is not None:
        query = query.where(sa.or_(ProcessVersion.agency_id.is_(None), ProcessVersion.agency_id == agency_id))
    return list(db.session.scalars(query))
