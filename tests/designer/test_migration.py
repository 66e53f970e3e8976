"""Moving running cases to a newer version: checked case by case, moved in their own savepoints, audited."""

import re

import pytest
import sqlalchemy as sa

from app.audit.models import AuditEvent
from app.core.db import db
from app.core.errors import ValidationError
from app.designer import migration as designer_migration
from app.workflow import migration
from app.workflow import services as wf
from app.workflow.definitions import deploy
from app.workflow.models import WorkflowInstance
from tests.conftest import csrf_token, login
from tests.workflow.conftest import bpmn_text, forms_for, open_tasks

DIRECT_TO_GATEWAY = '<bpmn:sequenceFlow id="f3" sourceRef="direct_handling" targetRef="gw_direction"/>'


def with_check_step(xml: str) -> str:
    """doc_review with a leader's "Kiểm tra ý kiến chỉ đạo" step added after "Cho ý kiến chỉ đạo"."""
    xml = xml.replace(
        DIRECT_TO_GATEWAY,
        '<bpmn:sequenceFlow id="f3" sourceRef="direct_handling" targetRef="check_direction"/>'
        '<bpmn:sequenceFlow id="f3b" sourceRef="check_direction" targetRef="gw_direction"/>',
    )
    xml = xml.replace(
        '<bpmn:exclusiveGateway id="gw_direction" default="f_file">\n      <bpmn:incoming>f3</bpmn:incoming>',
        '<bpmn:userTask id="check_direction" name="Kiểm tra ý kiến chỉ đạo"><bpmn:extensionElements>'
        '<spiffworkflow:properties><spiffworkflow:property name="form" value="direct_handling"/>'
        "</spiffworkflow:properties></bpmn:extensionElements><bpmn:incoming>f3</bpmn:incoming><bpmn:outgoing>f3b</bpmn:outgoing></bpmn:userTask>"
        '<bpmn:exclusiveGateway id="gw_direction" default="f_file">\n      <bpmn:incoming>f3b</bpmn:incoming>',
    )
    return xml.replace(
        "<bpmn:flowNodeRef>gw_direction</bpmn:flowNodeRef>",
        "<bpmn:flowNodeRef>gw_direction</bpmn:flowNodeRef><bpmn:flowNodeRef>check_direction</bpmn:flowNodeRef>",
    )


def with_direction_renamed(xml: str) -> str:
    """doc_review with "Cho ý kiến chỉ đạo" under another BPMN id (its form unchanged)."""
    for old in ('id="direct_handling"', 'Ref="direct_handling"', ">direct_handling<"):
        xml = xml.replace(old, old.replace("direct_handling", "give_direction"))
    return xml


@pytest.fixture
def office(design_office):
    """The agency runs the global doc_review (version 1); its designer may deploy its own versions."""
    xml = bpmn_text("doc_review")
    [design_office.v1] = deploy(None, xml, "doc_review.bpmn", forms=forms_for(xml))
    return design_office


def deploy_own(office, xml):
    [version] = deploy(office.designer, xml, "doc_review.bpmn", agency_id=office.agency.id, forms=forms_for(xml))
    return version


def case_at_direction(office, title="Công văn 12/UBND về cải cách hành chính"):
    instance = wf.start_process(office.clerk, "doc_review", title=title)
    [register] = open_tasks(instance)
    wf.complete_task(office.clerk, register.id, {"so_den": 12, "trich_yeu": "Về cải cách hành chính"})
    return instance


def test_a_case_moves_and_reaches_the_step_added_after_its_current_one(office):
    instance = case_at_direction(office)
    [direct] = open_tasks(instance)
    due_at = direct.due_at
    v2 = deploy_own(office, with_check_step(bpmn_text("doc_review")))
    assert migration.check(instance, v2).ok

    result = migration.migrate(office.designer, [instance], v2)

    assert result.migrated == [instance] and result.refused == []
    db.session.expire_all()
    assert db.session.get(WorkflowInstance, instance.id).process_version_id == v2.id
    [direct] = open_tasks(instance)  # the same task row: its deadline and form stay
    assert (direct.task_name, direct.due_at) == ("direct_handling", due_at)
    assert direct.form_key == "doc_review/direct_handling"
    [event] = db.session.scalars(sa.select(AuditEvent).where(AuditEvent.action == "process.migrate_case")).all()
    assert event.object_id == str(instance.id) and event.actor_id == office.designer.id
    assert (event.changes["from_version_id"], event.changes["to_version_id"]) == (office.v1.id, v2.id)

    wf.complete_task(office.leader, direct.id, {"y_kien": "Lưu hồ sơ"}, outcome="luu")
    [check_step] = open_tasks(instance)
    assert (check_step.task_name, check_step.title) == ("check_direction", "Kiểm tra ý kiến chỉ đạo")


def test_a_case_whose_current_step_was_renamed_stays_while_others_move(office):
    stuck = case_at_direction(office)
    early = wf.start_process(office.clerk, "doc_review", title="Công văn 13/UBND về chuyển đổi số")
    saved_state = db.session.get(WorkflowInstance, stuck.id).state
    v2 = deploy_own(office, with_direction_renamed(bpmn_text("doc_review")))
    verdict = migration.check(stuck, v2)
    assert verdict.reason == "bước “Cho ý kiến chỉ đạo” không có trong phiên bản đích."

    result = migration.migrate(office.designer, [stuck, early], v2)

    assert result.migrated == [early] and [c.instance for c in result.refused] == [stuck]
    db.session.expire_all()
    unchanged = db.session.get(WorkflowInstance, stuck.id)
    assert unchanged.process_version_id == office.v1.id and unchanged.state == saved_state
    audited = db.session.scalars(sa.select(AuditEvent.object_id).where(AuditEvent.action == "process.migrate_case"))
    assert audited.all() == [str(early.id)]
    # The moved case follows the new version: its next step is the renamed one.
    [register] = open_tasks(early)
    wf.complete_task(office.clerk, register.id, {"so_den": 13, "trich_yeu": "Về chuyển đổi số"})
    assert [t.task_name for t in open_tasks(early)] == ["give_direction"]


def test_older_versions_other_processes_and_finished_cases_are_refused(office):
    instance = case_at_direction(office)
    v2 = deploy_own(office, with_check_step(bpmn_text("doc_review")))
    migration.migrate(office.designer, [instance], v2)
    db.session.expire_all()
    instance = db.session.get(WorkflowInstance, instance.id)
    assert migration.check(instance, office.v1).reason == "Phiên bản đích không mới hơn phiên bản của hồ sơ."
    assert migration.check(instance, office.processes["incoming"]).reason == "Phiên bản đích thuộc quy trình khác."
    with pytest.raises(ValidationError) as refused:
        designer_migration.check_cases(office.designer, v2.id, office.v1.id)
    assert refused.value.code == "target_not_newer"


def test_another_agencys_case_is_refused(office, create_agency, create_user):
    other = create_agency(name="Sở Tài chính tỉnh Kiên Giang", abbreviation="STC")
    clerk = create_user(roles=("van_thu",), agency=other, username="vanthu.stc", full_name="Hồ Thị Mai")
    theirs = wf.start_process(clerk, "doc_review", title="Công văn của Sở Tài chính")
    v2 = deploy_own(office, with_check_step(bpmn_text("doc_review")))

    _source, _target, result = designer_migration.migrate_cases(office.designer, office.v1.id, v2.id, [theirs.id])

    assert result.migrated == [] and result.refused[0].reason == "Hồ sơ không thuộc cơ quan của người thiết kế."
    assert db.session.get(WorkflowInstance, theirs.id).process_version_id == office.v1.id
    # Nor does the agency's own list show it.
    _s, _t, checks = designer_migration.check_cases(office.designer, office.v1.id, v2.id)
    assert theirs.id not in [c.instance.id for c in checks]


def test_the_designer_checks_ticks_and_moves_cases_in_the_browser(app, office):
    movable = case_at_direction(office)
    v2 = deploy_own(office, with_check_step(bpmn_text("doc_review")))
    client = app.test_client()
    login(client, "thietke")
    page = client.get(f"/designer/doc_review/migrate?from={office.v1.id}&to={v2.id}").get_data(as_text=True)
    assert "Có thể chuyển" in page and movable.title in page
    # From the versions list, only the source is given: the target is the latest deploy.
    assert "Có thể chuyển" in client.get(f"/designer/doc_review/migrate?from={office.v1.id}").get_data(as_text=True)
    backwards = client.get(f"/designer/doc_review/migrate?from={v2.id}&to={office.v1.id}").get_data(as_text=True)
    assert "Phiên bản đích phải mới hơn phiên bản nguồn." in backwards
    # Opened from the process list (nothing chosen): the source offered is the newest older version with cases,
    # not the one just below the latest when nobody started on it (here v2, after v3 was deployed).
    v3 = deploy_own(office, with_check_step(bpmn_text("doc_review")).replace("Kiểm tra ý kiến chỉ đạo", "Rà soát"))
    choose = client.get("/designer/doc_review/migrate").get_data(as_text=True)
    assert re.search(rf'<option value="{office.v1.id}" selected>', choose)
    assert re.search(rf'<option value="{v3.id}" selected>', choose)  # the target: the latest

    token = csrf_token(client, f"/designer/doc_review/migrate?from={office.v1.id}&to={v2.id}")
    form = {"csrf_token": token, "from": office.v1.id, "to": v2.id, "instance_id": movable.id}
    confirm = client.post("/designer/doc_review/migrate", data=form).get_data(as_text=True)
    assert "Xác nhận chuyển 1 hồ sơ" in confirm
    done = client.post("/designer/doc_review/migrate", data=form | {"confirmed": "1"}).get_data(as_text=True)
    assert "Đã chuyển 1 hồ sơ" in done
    db.session.expire_all()
    assert db.session.get(WorkflowInstance, movable.id).process_version_id == v2.id


def test_the_api_checks_and_moves_and_refuses_non_designers(app, office, api_token):
    stuck = case_at_direction(office)
    v2 = deploy_own(office, with_direction_renamed(bpmn_text("doc_review")))
    client = app.test_client()
    query = f"/api/v1/designer/migrations/check?from={office.v1.id}&to={v2.id}"
    body = client.get(query, headers=api_token(office.designer)).get_json()
    assert [(c["instance_id"], c["can_migrate"]) for c in body["cases"]] == [(stuck.id, False)]
    assert body["cases"][0]["current_steps"] == ["Cho ý kiến chỉ đạo"]

    payload = {"from": office.v1.id, "to": v2.id, "instance_ids": [stuck.id, 999999]}
    result = client.post("/api/v1/designer/migrations", json=payload, headers=api_token(office.designer)).get_json()
    assert result["migrated"] == [] and result["missing"] == [999999]
    assert result["refused"][0]["instance_id"] == stuck.id

    assert client.get(query, headers=api_token(office.leader)).status_code == 403
    response = client.post("/api/v1/designer/migrations", json=payload, headers=api_token(office.leader))
    assert response.status_code == 403
    leader = app.test_client()
    login(leader, "lanhdao.snv")
    assert leader.get(f"/designer/doc_review/migrate?from={office.v1.id}&to={v2.id}").status_code == 403
