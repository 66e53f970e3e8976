"""The versions of a process: the list with the cases on each, rollback, the property diff, who may see what."""

import pytest

from app.audit.models import AuditEvent
from app.core.db import db
from app.core.errors import Conflict, NotFound, PermissionDenied
from app.designer import versions
from app.workflow import services as wf
from app.workflow.definitions import PROCESSES_DIR, deploy, newest_version
from app.workflow.forms import load_form_file
from app.workflow.models import ProcessVersion

PROCESS = "work_assignment"


def modified(xml: str, old: str, new: str) -> str:
    assert old in xml
    return xml.replace(old, new, 1)


def deploy_changed_sla(office, comment="Rút ngắn thời hạn thực hiện"):
    """The agency's own version of work_assignment: carry_out_work's SLA P5D → P3D and a changed form."""
    base = office.processes[PROCESS]
    xml = modified(
        base.bpmn_xml,
        '<spiffworkflow:property name="sla" value="P5D"/>',
        '<spiffworkflow:property name="sla" value="P3D"/>',
    )
    form = load_form_file(f"{PROCESS}/carry_out_work")
    form = form | {
        "schema": form["schema"] | {"properties": form["schema"]["properties"] | {"ghi_chu_them": {"type": "string"}}}
    }
    [version] = deploy(
        office.designer,
        xml,
        "work_assignment.bpmn",
        agency_id=office.agency.id,
        forms={f"{PROCESS}/carry_out_work": form},
        source="designer",
        comment=comment,
        based_on=base,
    )
    return version


def start_case(office, title="Rà soát hồ sơ công chức"):
    return wf.start_process(None, PROCESS, agency_id=office.agency.id, title=title)


def test_the_list_shows_agency_and_global_versions_with_their_open_cases(design_office):
    old_case = start_case(design_office)
    own = deploy_changed_sla(design_office)
    start_case(design_office, "Sau khi đổi quy trình")
    start_case(design_office, "Thêm một hồ sơ")

    rows = versions.version_rows(design_office.designer, PROCESS)
    assert [r.version.id for r in rows] == [own.id, design_office.processes[PROCESS].id]
    mine, shipped = rows
    assert mine.is_current and mine.running == 2 and mine.based_on_number == 1 and mine.based_on_global
    assert mine.deployed_by_name == "Lê Hoàng Phúc" and mine.version.comment == "Rút ngắn thời hạn thực hiện"
    assert mine.source_label == "Trình thiết kế" and shipped.source_label == "processes/work_assignment.bpmn"
    assert not shipped.is_current and shipped.running == 1 and shipped.scope_label == "Mặc định toàn hệ thống"
    assert old_case.process_version_id == shipped.version.id


def test_rollback_deploys_the_old_content_as_a_new_version_and_cases_keep_theirs(design_office):
    shipped = design_office.processes[PROCESS]
    own = deploy_changed_sla(design_office)
    case_on_own = start_case(design_office)

    restored = versions.rollback(design_office.designer, shipped.id, "Thời hạn 3 ngày quá ngắn")

    assert restored.id not in (shipped.id, own.id) and restored.agency_id == design_office.agency.id
    assert restored.version == own.version + 1 and restored.based_on_id == shipped.id
    assert restored.comment == "Khôi phục phiên bản 1, mặc định toàn hệ thống: Thời hạn 3 ngày quá ngắn"
    assert restored.bpmn_xml == shipped.bpmn_xml and restored.forms == shipped.forms
    assert newest_version(PROCESS, design_office.agency.id).id == restored.id
    db.session.refresh(case_on_own)
    assert case_on_own.process_version_id == own.id
    assert start_case(design_office, "Hồ sơ mới").process_version_id == restored.id
    rows = {row.version.id: row for row in versions.version_rows(design_office.designer, PROCESS)}
    assert rows[restored.id].is_current and rows[restored.id].based_on_number == 1
    assert rows[shipped.id].same_as_current and not rows[shipped.id].is_current
    assert not rows[own.id].same_as_current and rows[own.id].running == 1
    actions = set(db.session.scalars(db.select(AuditEvent.action).where(AuditEvent.object_id == str(restored.id))))
    assert {"process.deploy", "process.rollback"} <= actions
    # The version edited from stays as it was.
    assert db.session.get(ProcessVersion, own.id).bpmn_xml != shipped.bpmn_xml


def test_rolling_back_to_what_new_cases_already_use_creates_nothing(design_office):
    shipped = design_office.processes[PROCESS]
    count = db.session.scalar(db.select(db.func.count()).select_from(ProcessVersion))
    with pytest.raises(Conflict) as refusal:
        versions.rollback(design_office.designer, shipped.id)
    assert refusal.value.code == "version_in_use"
    own = deploy_changed_sla(design_office)
    with pytest.raises(Conflict):
        versions.rollback(design_office.designer, own.id)
    assert db.session.scalar(db.select(db.func.count()).select_from(ProcessVersion)) == count + 1


def test_the_property_diff_lists_a_changed_sla_and_a_changed_form(design_office):
    shipped = design_office.processes[PROCESS]
    own = deploy_changed_sla(design_office)
    diff = versions.compare(design_office.designer, shipped.id, own.id)
    [sla] = diff.properties
    assert (sla.element_id, sla.kind, sla.field, sla.old, sla.new) == ("carry_out_work", "changed", "sla", "P5D", "P3D")
    assert sla.element_name == "Thực hiện công việc" and sla.field_label == "Thời hạn"
    [form] = diff.forms
    assert form.key == f"{PROCESS}/carry_out_work" and form.kind == "changed" and "ghi_chu_them" in form.summary


def test_the_property_diff_sees_lane_roles_operations_and_added_properties():
    xml = (PROCESSES_DIR / "incoming.bpmn").read_text(encoding="utf-8")
    changed = xml.replace('serviceTaskOperator id="register_incoming"', 'serviceTaskOperator id="register_other"', 1)
    changed = changed.replace(
        '<bpmn:lane id="lane_clerk" name="van_thu">', '<bpmn:lane id="lane_clerk" name="chuyen_vien">', 1
    )
    changes = {(c.element_id, c.field): c for c in versions.property_diff(xml, changed, "incoming")}
    assert changes[("record_registration", "operation")].new == "register_other"
    lane = changes[("lane_clerk", "role")]
    assert (lane.kind, lane.old, lane.new, lane.field_label) == ("changed", "van_thu", "chuyen_vien", "Vai trò (làn)")


def test_another_agencys_version_is_not_found_and_only_designers_see_versions(
    design_office, create_agency, create_user
):
    other = create_agency(code="000.00.32.H33", name="Sở Tài chính", abbreviation="STC")
    other_designer = create_user(roles=("thiet_ke",), agency=other, username="thietke.stc")
    own = deploy_changed_sla(design_office)
    with pytest.raises(NotFound) as missing:
        versions.get_version(other_designer, own.id)
    assert missing.value.code == "version_not_found"
    with pytest.raises(NotFound):
        versions.rollback(other_designer, own.id)
    assert [r.version.agency_id for r in versions.version_rows(other_designer, PROCESS)] == [None]
    with pytest.raises(PermissionDenied):
        versions.version_rows(design_office.leader, PROCESS)


def test_a_version_is_named_with_its_scope_since_numbers_restart_per_scope(design_office):
    """The agency's first own version and the global first version are both number 1: names tell them apart."""
    shipped = design_office.processes[PROCESS]
    own = deploy_changed_sla(design_office)
    assert shipped.version == own.version == 1
    assert shipped.display_name == "phiên bản 1, mặc định toàn hệ thống"
    assert own.display_name == "phiên bản 1 của cơ quan"
    versions.rollback(design_office.designer, shipped.id)
    restored = versions.rollback(design_office.designer, own.id, "Dùng lại thời hạn 3 ngày")
    assert restored.comment == "Khôi phục phiên bản 1 của cơ quan: Dùng lại thời hạn 3 ngày"
