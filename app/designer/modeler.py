"""The modeler's services: which version a designer opens, what the properties panel offers, check and deploy
from the modeler, and the live deadline preview of an `sla` value.

Checks are the deploy's own (app.workflow.validation through app.workflow.definitions.deploy): the modeler adds
only the rule that a page opened for one process deploys that process and no other.
"""

from datetime import datetime

import sqlalchemy as sa
from lxml import etree

from app.core import clock
from app.core.db import db
from app.core.errors import NotFound, PermissionDenied, ValidationError
from app.designer import permissions
from app.org.models import ROLE_LABELS, User
from app.workflow.definitions import deploy, newest_version
from app.workflow.form_catalog import available_forms, form_lookup
from app.workflow.models import ProcessVersion
from app.workflow.registry import known_operations
from app.workflow.validation import NS, sla_problem, validate_bpmn

WEEKDAYS = ("Thứ Hai", "Thứ Ba", "Thứ Tư", "Thứ Năm", "Thứ Sáu", "Thứ Bảy", "Chủ nhật")


def require_designer(actor: User) -> User:
    if not permissions.can_design(actor):
        raise PermissionDenied("Chỉ người thiết kế quy trình được dùng chức năng này.")
    return actor


def version_to_edit(actor: User, process_id: str, from_id: int | None = None) -> ProcessVersion:
    """The agency's current version of the process (else the global default), or the version `from_id` of it
    when that one is the agency's own or global — a designer never opens another agency's version."""
    require_designer(actor)
    if from_id is None:
        return newest_version(process_id, actor.agency_id)
    version = db.session.get(ProcessVersion, from_id)
    if version is None or version.process_id != process_id or version.agency_id not in (None, actor.agency_id):
        raise NotFound("Không tìm thấy phiên bản quy trình.", code="process_version_not_found")
    return version


def panel_options(agency_id: int) -> dict:
    """The choices of the properties panel: roles (lanes, escalate_to), forms, service-task operations."""
    return {
        "roles": [{"value": role.value, "label": label} for role, label in ROLE_LABELS.items()],
        "forms": [{"value": f.key, "label": f.title, "scope": f.scope} for f in available_forms(agency_id)],
        "operations": [
            {"value": name, "label": op.description or name} for name, op in sorted(known_operations().items())
        ],
    }


def _problem_dicts(problems) -> list[dict]:
    return [{"element_id": p.element, "message": p.message} for p in problems]


def _executable_ids(xml: str) -> list[str] | None:
    try:
        root = etree.fromstring(xml.encode())
    except etree.XMLSyntaxError:
        return None  # the validator names the syntax error
    return [p.get("id") for p in root.xpath("//bpmn:process[@isExecutable='true']", namespaces=NS)]


def _wrong_process(xml: str, process_id: str) -> list[dict]:
    """A page opened for `incoming` deploys `incoming`: a file for another process is refused, not deployed."""
    ids = _executable_ids(xml)
    if ids is None or not ids or ids == [process_id]:
        return []
    others = ", ".join(f"“{i}”" for i in ids)
    message = f"tệp chứa quy trình {others}, không phải quy trình “{process_id}” đang thiết kế"
    return [{"element_id": ids[0] if ids[0] != process_id else ids[-1], "message": message}]


def check(actor: User, process_id: str, xml: str) -> list[dict]:
    """Every problem that would refuse the deploy of `xml` as `process_id` for the designer's agency."""
    require_designer(actor)
    problems = _wrong_process(xml, process_id)
    problems += _problem_dicts(validate_bpmn(xml, f"{process_id}.bpmn", form_lookup(actor.agency_id)))
    return problems


def refusal(problems: list[dict]) -> ValidationError:
    error = ValidationError(
        "Quy trình không hợp lệ, chưa được triển khai.",
        code="invalid_bpmn",
        details={"bpmn": "\n".join(f"{p['element_id']}: {p['message']}" for p in problems)},
    )
    error.problems = [f"{p['element_id']}: {p['message']}" for p in problems]
    error.element_problems = problems
    return error


def problems_of(error: ValidationError) -> list[dict]:
    return list(getattr(error, "element_problems", None) or [{"element_id": "definitions", "message": error.message}])


def deploy_from_modeler(
    actor: User, process_id: str, xml: str, *, comment: str | None, based_on_id: int | None
) -> tuple[ProcessVersion, bool]:
    """Deploy the modeler's diagram as a new version for the designer's agency; (version, created).

    The version edited (`based_on_id`) is recorded; an unchanged diagram deploys nothing new (created False).
    """
    require_designer(actor)
    if wrong := _wrong_process(xml, process_id):
        raise refusal(wrong)
    based_on = version_to_edit(actor, process_id, based_on_id) if based_on_id else None
    before = _newest_own_id(process_id, actor.agency_id)
    versions = deploy(
        actor,
        xml,
        f"{process_id}.bpmn",
        agency_id=actor.agency_id,
        source="designer",
        comment=comment,
        based_on=based_on,
    )
    version = next(v for v in versions if v.process_id == process_id)
    return version, version.id != before


def _newest_own_id(process_id: str, agency_id: int) -> int | None:
    return db.session.scalar(
        sa.select(ProcessVersion.id)
        .where(ProcessVersion.process_id == process_id, ProcessVersion.agency_id == agency_id)
        .order_by(ProcessVersion.version.desc())
        .limit(1)
    )


def due_label(instant: datetime) -> str:
    local = clock.to_local(instant)
    return f"{WEEKDAYS[local.weekday()]}, {local:%d/%m/%Y} lúc {local:%H:%M}"


def sla_preview(actor: User, spec: str, *, urgent: bool = False) -> dict:
    """When a step with this `sla` (or `urgent_sla` for an urgent case) would be due if it started now, on the
    agency's working calendar and with its SLA rules; or the validator's message for a value that does not parse."""
    from app.sla.rules import FALLBACK_LEVEL
    from app.sla.settings import step_due

    require_designer(actor)
    spec = (spec or "").strip()
    name = "urgent_sla" if urgent else "sla"
    if not spec:
        return {"due_at": None, "due_label": None, "problem": None}
    if problem := sla_problem(spec, name):
        return {"due_at": None, "due_label": None, "problem": problem}
    now = clock.now()
    due = step_due(
        now,
        sla=None if urgent else spec,
        urgent_sla=spec if urgent else None,
        agency_id=actor.agency_id,
        level=FALLBACK_LEVEL if urgent else None,
    )
    if due is None:
        return {"due_at": None, "due_label": None, "problem": None}
    return {"due_at": due, "due_label": due_label(due), "problem": None}
