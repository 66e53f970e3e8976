"""The versions of a process as its designer sees them: the list with the cases on each, one version, the
difference between two, and rollback (= deploying an older version's content again as a new version).

A version is never edited: rollback goes through app.workflow.definitions.deploy like any deploy, so validation,
the checksum and the process.deploy audit apply; it adds a process.rollback event naming the version restored.
"""

from dataclasses import dataclass

import sqlalchemy as sa
from lxml import etree

from app.audit import services as audit
from app.core.db import db
from app.core.errors import Conflict, NotFound, PermissionDenied
from app.designer.permissions import can_design
from app.designer.queries import running_counts
from app.org.models import User
from app.workflow.definitions import deploy, newest_version
from app.workflow.models import ProcessVersion
from app.workflow.validation import NS
from app.workflow.validation import element_properties as spiff_properties

GLOBAL_SCOPE_LABEL = "Mặc định toàn hệ thống"

# Our extension properties, in the order and with the names the change table shows.
PROPERTY_LABELS = {
    "role": "Vai trò (làn)",
    "form": "Biểu mẫu",
    "sla": "Thời hạn",
    "urgent_sla": "Thời hạn khi khẩn",
    "escalate_to": "Báo quá hạn cho",
    "assignee": "Người thực hiện (từ dữ liệu)",
    "unit": "Đơn vị (từ dữ liệu)",
    "due": "Hạn (từ dữ liệu)",
    "operation": "Thao tác hệ thống",
}
KIND_LABELS = {"added": "Thêm", "removed": "Bỏ", "changed": "Sửa"}


@dataclass(frozen=True)
class VersionRow:
    version: ProcessVersion
    running: int  # the agency's open cases on this version
    is_current: bool  # new cases of the agency start on it
    same_as_current: bool  # its content is what new cases start on (restoring it would change nothing)
    based_on_number: int | None  # the number of the version it was edited or restored from
    based_on_global: bool
    deployed_by_name: str | None

    @property
    def scope_label(self) -> str:
        return "Riêng của cơ quan" if self.version.agency_id else GLOBAL_SCOPE_LABEL

    @property
    def source_label(self) -> str:
        """Where the content came from, for people (`source` keeps the machine form: rollback:<id>, upload:<file>)."""
        kind, _, rest = (self.version.source or "").partition(":")
        labels = {"upload": "Tải tệp lên", "api": "API"}
        if kind == "rollback":
            return "Khôi phục"
        if kind == "designer":  # drawn in the modeler (modeler.deploy_from_modeler)
            return "Trình thiết kế"
        if kind in labels and rest:
            return f"{labels[kind]}: {rest}"
        return self.version.source or ""


@dataclass(frozen=True)
class PropertyChange:
    element_id: str
    element_name: str
    element_type: str  # userTask, serviceTask, lane…
    kind: str  # added | removed | changed
    field: str  # a key of PROPERTY_LABELS or any other spiffworkflow property
    old: str | None
    new: str | None

    @property
    def field_label(self) -> str:
        return PROPERTY_LABELS.get(self.field, self.field)

    @property
    def kind_label(self) -> str:
        return KIND_LABELS[self.kind]


@dataclass(frozen=True)
class FormChange:
    key: str  # process_id/task_id
    kind: str  # added | removed | changed
    summary: str  # what changed, for people

    @property
    def kind_label(self) -> str:
        return KIND_LABELS[self.kind]


@dataclass(frozen=True)
class VersionDiff:
    a: ProcessVersion
    b: ProcessVersion
    properties: list[PropertyChange]
    forms: list[FormChange]


def _require_designer(actor: User) -> None:
    if not can_design(actor):
        raise PermissionDenied("Chỉ người thiết kế quy trình được xem và khôi phục phiên bản.")


def _visible(agency_id: int):
    return sa.or_(ProcessVersion.agency_id.is_(None), ProcessVersion.agency_id == agency_id)


def get_version(actor: User, version_id: int, process_id: str | None = None) -> ProcessVersion:
    """A version the designer's agency may see (its own or a global one); another agency's is not found."""
    _require_designer(actor)
    version = db.session.scalar(
        sa.select(ProcessVersion).where(ProcessVersion.id == version_id, _visible(actor.agency_id))
    )
    if version is None or (process_id is not None and version.process_id != process_id):
        raise NotFound("Không tìm thấy phiên bản quy trình.", code="version_not_found")
    return version


def version_rows(actor: User, process_id: str) -> list[VersionRow]:
    """The agency's versions of the process, newest first, then the global ones, newest first (the order in which
    newest_version picks what new cases start on), with what the list shows."""
    _require_designer(actor)
    versions = list(
        db.session.scalars(
            sa.select(ProcessVersion)
            .where(ProcessVersion.process_id == process_id, _visible(actor.agency_id))
            .order_by(ProcessVersion.agency_id.is_(None), ProcessVersion.version.desc())
        )
    )
    if not versions:
        raise NotFound(f"Chưa triển khai quy trình “{process_id}”.", code="process_not_found")
    current = newest_version(process_id, actor.agency_id)
    counts = running_counts(actor.agency_id)
    by_id = {v.id: v for v in versions}
    names = dict(
        db.session.execute(
            sa.select(User.id, User.full_name).where(User.id.in_({v.deployed_by_id for v in versions} - {None}))
        ).all()
    )
    rows = []
    for v in versions:
        base = by_id.get(v.based_on_id) if v.based_on_id else None
        rows.append(
            VersionRow(
                version=v,
                running=counts.get(v.id, 0),
                is_current=v.id == current.id,
                same_as_current=v.checksum == current.checksum,
                based_on_number=base.version if base else None,
                based_on_global=bool(base and base.agency_id is None),
                deployed_by_name=names.get(v.deployed_by_id),
            )
        )
    return rows


def version_row(actor: User, version_id: int) -> VersionRow:
    version = get_version(actor, version_id)
    return next(row for row in version_rows(actor, version.process_id) if row.version.id == version.id)


def rollback(actor: User, version_id: int, reason: str | None = None) -> ProcessVersion:
    """Deploy an older (or a global) version's BPMN and forms again as the agency's newest version.

    Running cases keep the version they started on; only new cases take the restored one. When the old
    content is what new cases already start on, nothing is created (Conflict `version_in_use`).
    """
    old = get_version(actor, version_id)
    current = newest_version(old.process_id, actor.agency_id)
    if current.checksum == old.checksum:
        raise Conflict("Phiên bản này đang được dùng: không cần khôi phục.", code="version_in_use")
    comment = f"Khôi phục {old.display_name}"
    if reason and reason.strip():
        comment += f": {reason.strip()}"
    deployed = deploy(
        actor,
        old.bpmn_xml,
        f"{old.process_id}.bpmn",
        agency_id=actor.agency_id,
        forms=dict(old.forms or {}),
        source=f"rollback:{old.id}",
        comment=comment,
        based_on=old,
    )
    new = next(v for v in deployed if v.process_id == old.process_id)
    audit.record(
        actor,
        "process.rollback",
        new,
        agency_id=actor.agency_id,
        summary=f"Khôi phục quy trình {old.name} về {old.display_name} (mới: {new.display_name})",
        changes={"process_id": old.process_id, "restored_version_id": old.id, "new_version": new.version},
    )
    return new


def compare(actor: User, a_id: int, b_id: int) -> VersionDiff:
    """What changed from version a to version b in our extension properties and forms (the BPMN structure and
    layout are compared in the browser by bpmn-js-differ, which does not read the spiffworkflow extensions)."""
    a, b = get_version(actor, a_id), get_version(actor, b_id)
    if a.process_id != b.process_id:
        raise NotFound("Hai phiên bản không cùng một quy trình.", code="version_not_found")
    return VersionDiff(a, b, property_diff(a.bpmn_xml, b.bpmn_xml, a.process_id), form_diff(a.forms, b.forms))


def element_properties(xml: str, process_id: str) -> dict[str, tuple[str, str, dict[str, str]]]:
    """element id → (type, name, our properties) of the process: spiffworkflow properties, the service task's
    operation, and a lane's role (its name)."""
    root = etree.fromstring(xml.encode())
    found = {}
    for process in root.xpath("//bpmn:process[@id=$pid]", pid=process_id, namespaces=NS):
        for element in process.iter():
            if not isinstance(element.tag, str) or element.get("id") is None:
                continue
            tag = etree.QName(element).localname
            if tag in ("laneSet", "serviceTaskOperator"):
                continue
            props = spiff_properties(element)
            operator = element.xpath("./bpmn:extensionElements/spiffworkflow:serviceTaskOperator", namespaces=NS)
            if operator:
                props["operation"] = operator[0].get("id") or ""
            if tag == "lane":
                props["role"] = element.get("name") or ""
            found[element.get("id")] = (tag, element.get("name") or "", props)
    return found


def property_diff(old_xml: str, new_xml: str, process_id: str) -> list[PropertyChange]:
    old, new = element_properties(old_xml, process_id), element_properties(new_xml, process_id)
    changes = []
    order = list(PROPERTY_LABELS)

    def sort_key(name):
        return (order.index(name) if name in order else len(order), name)

    for element_id in sorted(old.keys() | new.keys()):
        tag, name, before = old.get(element_id) or (*new[element_id][:2], {})
        new_tag, new_name, after = new.get(element_id) or (tag, name, {})
        for field in sorted(before.keys() | after.keys(), key=sort_key):
            if before.get(field) == after.get(field):
                continue
            kind = "added" if field not in before else "removed" if field not in after else "changed"
            changes.append(
                PropertyChange(element_id, new_name or name, new_tag, kind, field, before.get(field), after.get(field))
            )
    return changes


def form_diff(old: dict | None, new: dict | None) -> list[FormChange]:
    old, new = old or {}, new or {}
    changes = []
    for key in sorted(old.keys() | new.keys()):
        if key not in old:
            changes.append(FormChange(key, "added", f"Thêm biểu mẫu “{new[key].get('title') or key}”"))
        elif key not in new:
            changes.append(FormChange(key, "removed", f"Bỏ biểu mẫu “{old[key].get('title') or key}”"))
        elif old[key] != new[key]:
            changes.append(FormChange(key, "changed", _form_summary(old[key], new[key])))
    return changes


def _form_summary(old: dict, new: dict) -> str:
    """Which fields of a form were added, removed or changed (schema or display hints)."""
    parts = []
    if old.get("title") != new.get("title"):
        parts.append(f"tiêu đề “{old.get('title') or ''}” → “{new.get('title') or ''}”")
    old_fields = (old.get("schema") or {}).get("properties") or {}
    new_fields = (new.get("schema") or {}).get("properties") or {}
    if added := sorted(new_fields.keys() - old_fields.keys()):
        parts.append("thêm trường " + ", ".join(added))
    if removed := sorted(old_fields.keys() - new_fields.keys()):
        parts.append("bỏ trường " + ", ".join(removed))
    old_ui, new_ui = old.get("ui") or {}, new.get("ui") or {}
    changed = sorted(
        f
        for f in old_fields.keys() & new_fields.keys()
        if old_fields[f] != new_fields[f] or old_ui.get(f) != new_ui.get(f)
    )
    if changed:
        parts.append("sửa trường " + ", ".join(changed))
    old_required = set((old.get("schema") or {}).get("required") or [])
    new_required = set((new.get("schema") or {}).get("required") or [])
    if old_required != new_required:
        parts.append("đổi trường bắt buộc")
    return "; ".join(parts) or "sửa nội dung biểu mẫu"
