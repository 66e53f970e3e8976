"""Form actions: a person's submission does domain work in the completion's transaction; secrets never persist."""

import json

import pytest

from app.core.db import db
from app.core.errors import ValidationError
from app.workflow import forms as wf_forms
from app.workflow import services as wf
from app.workflow.definitions import deploy
from app.workflow.models import TaskState
from app.workflow.registry import EngineExtension, install, uninstall
from tests.workflow.conftest import open_tasks

XML = """<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL"
    xmlns:spiffworkflow="http://spiffworkflow.org/bpmn/schema/1.0/core" id="defs" targetNamespace="qlvb">
  <bpmn:process id="pin_case" name="Ký với mã PIN (kiểm thử)" isExecutable="true">
    <bpmn:laneSet id="lanes">
      <bpmn:lane id="lane_specialist" name="chuyen_vien">
        <bpmn:flowNodeRef>start</bpmn:flowNodeRef><bpmn:flowNodeRef>sign</bpmn:flowNodeRef>
        <bpmn:flowNodeRef>end</bpmn:flowNodeRef>
      </bpmn:lane>
    </bpmn:laneSet>
    <bpmn:startEvent id="start"><bpmn:outgoing>f1</bpmn:outgoing></bpmn:startEvent>
    <bpmn:userTask id="sign" name="Ký số">
      <bpmn:extensionElements><spiffworkflow:properties>
        <spiffworkflow:property name="form" value="sign"/>
      </spiffworkflow:properties></bpmn:extensionElements>
      <bpmn:incoming>f1</bpmn:incoming><bpmn:outgoing>f2</bpmn:outgoing>
    </bpmn:userTask>
    <bpmn:endEvent id="end"><bpmn:incoming>f2</bpmn:incoming></bpmn:endEvent>
    <bpmn:sequenceFlow id="f1" sourceRef="start" targetRef="sign"/>
    <bpmn:sequenceFlow id="f2" sourceRef="sign" targetRef="end"/>
  </bpmn:process>
</bpmn:definitions>
"""

FORM = {
    "title": "Ký số",
    "schema": {
        "type": "object",
        "required": ["pin"],
        "properties": {"ghi_chu": {"type": "string"}, "pin": {"type": "string", "writeOnly": True}},
    },
    "ui": {"ghi_chu": {"label": "Ghi chú"}, "pin": {"label": "Mã PIN", "widget": "password"}},
    "actions": ["test_sign_with_pin"],
}

seen = []


@pytest.fixture
def pin_case(db_session, office):
    extension = EngineExtension()

    @extension.form_action("test_sign_with_pin")
    def sign_with_pin(actor, task, data, outcome):
        if data["pin"] != "1234":
            raise ValidationError("Mã PIN không đúng.", code="wrong_pin", details={"pin": "Mã PIN không đúng."})
        seen.append((actor.id, task.id, data["pin"]))
        return {"signed_by": actor.full_name}

    install(extension)
    deploy(None, XML, "pin_case.bpmn", forms={"pin_case/sign": FORM})
    yield office
    uninstall(extension)
    seen.clear()


def test_action_runs_and_the_pin_is_never_stored(pin_case):
    office = pin_case
    instance = wf.start_process(office.spec_a1, "pin_case", title="Văn bản thử ký")
    [task] = open_tasks(instance)
    wf.complete_task(office.spec_a1, task.id, {"ghi_chu": "Đồng ý", "pin": "1234"})
    assert seen == [(office.spec_a1.id, task.id, "1234")]
    db.session.refresh(task)
    assert task.state == TaskState.COMPLETED
    assert task.submitted == {"ghi_chu": "Đồng ý", "signed_by": "Võ Quốc Bảo"}
    case = wf.case_data(task)
    assert case["ghi_chu"] == "Đồng ý" and "1234" not in json.dumps(case, ensure_ascii=False, default=str)


def test_a_refused_action_leaves_the_task_open(pin_case):
    office = pin_case
    instance = wf.start_process(office.spec_a1, "pin_case", title="Văn bản thử ký")
    [task] = open_tasks(instance)
    with pytest.raises(ValidationError) as err:
        wf.complete_task(office.spec_a1, task.id, {"pin": "0000"})
    assert err.value.details == {"pin": "Mã PIN không đúng."}
    assert [t.id for t in open_tasks(instance)] == [task.id]


def test_deploy_refuses_a_form_naming_an_unknown_action(db_session):
    form = {**FORM, "actions": ["khong_ton_tai"]}
    assert "thao tác của biểu mẫu “khong_ton_tai” không tồn tại" in wf_forms.form_problems(form)


def test_a_fresh_process_knows_every_domain_form_helper_once_the_app_exists(tmp_path):
    """A gunicorn worker may render a task form first thing: the data sources must not wait for a BPMN step."""
    import subprocess
    import sys

    script = (
        "from app import create_app\n"
        "from app.workflow.registry import INSTALLED\n"
        "create_app()\n"
        "assert 'outgoing_registers' in INSTALLED.data_sources, sorted(INSTALLED.data_sources)\n"
        "assert 'outgoing_sign_personal' in INSTALLED.form_actions, sorted(INSTALLED.form_actions)\n"
    )
    env = {"QLVB_INSTANCE_PATH": str(tmp_path), "PATH": "/usr/bin:/bin"}
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, env=env, timeout=120)
    assert result.returncode == 0, result.stderr[-2000:]
