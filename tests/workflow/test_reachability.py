"""Deploy validation: every step is reached from a start event by sequence flows (a deleted flow is refused)."""

import pytest

from app.core.errors import ValidationError
from app.workflow.definitions import deploy
from app.workflow.forms import load_form_file
from app.workflow.validation import validate_bpmn
from tests.workflow.conftest import DATA

HEAD = """<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL"
                  xmlns:spiffworkflow="http://spiffworkflow.org/bpmn/schema/1.0/core"
                  xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"
                  id="defs" targetNamespace="http://qlvb.test/bpmn">
  <bpmn:process id="reach" name="Đến được (kiểm thử)" isExecutable="true">
"""
TAIL = """  </bpmn:process>
</bpmn:definitions>
"""
FORM = (
    "<bpmn:extensionElements><spiffworkflow:properties>"
    '<spiffworkflow:property name="form" value="simple"/></spiffworkflow:properties></bpmn:extensionElements>'
)
TIMER = (
    '<bpmn:timerEventDefinition><bpmn:timeDuration xsi:type="bpmn:tFormalExpression">"PT2H"</bpmn:timeDuration>'
    "</bpmn:timerEventDefinition>"
)


def task(task_id: str, name: str) -> str:
    return f'<bpmn:userTask id="{task_id}" name="{name}">{FORM}</bpmn:userTask>'


def flow(source: str, target: str) -> str:
    return f'<bpmn:sequenceFlow id="f_{source}_{target}" sourceRef="{source}" targetRef="{target}"/>'


def diagram(*parts: str) -> str:
    return HEAD + "\n".join(parts) + TAIL


def problems_of(xml: str) -> list[str]:
    # Every step of these diagrams uses one form: the timer test process's `simple`.
    return [str(p) for p in validate_bpmn(xml, "reach.bpmn", lambda key: form(key))]


def form(_key: str) -> dict | None:
    return load_form_file("timer_case/simple", DATA / "forms")


UNREACHABLE = diagram(
    '<bpmn:startEvent id="start"/>',
    task("check_document", "Kiểm tra văn bản"),
    task("handle_document", "Giải quyết văn bản"),
    '<bpmn:endEvent id="end"/>',
    flow("start", "check_document"),
    flow("check_document", "end"),
    flow("handle_document", "end"),  # the flow into it was deleted: nothing leads here any more
)


def test_a_step_no_flow_leads_to_is_refused_by_name():
    assert problems_of(UNREACHABLE) == [
        "reach.bpmn:handle_document: bước “Giải quyết văn bản” không có luồng nào dẫn tới: "
        "quy trình sẽ không bao giờ đến bước này"
    ]


def test_steps_that_only_lead_to_each_other_are_refused():
    xml = diagram(
        '<bpmn:startEvent id="start"/>',
        task("check_document", "Kiểm tra văn bản"),
        task("draft", "Soạn thảo"),
        task("review", "Xem xét"),
        '<bpmn:endEvent id="end"/>',
        flow("start", "check_document"),
        flow("check_document", "end"),
        flow("draft", "review"),
        flow("review", "draft"),
    )
    problems = problems_of(xml)
    assert [p.split(":")[1] for p in problems] == ["draft", "review"]
    assert "không có đường nào từ sự kiện bắt đầu dẫn tới bước “Soạn thảo”" in problems[0]


def test_an_unreachable_step_is_never_deployed(db_session):
    with pytest.raises(ValidationError) as err:
        deploy(None, UNREACHABLE, "reach.bpmn", forms={"reach/simple": form("reach/simple")})
    assert err.value.code == "invalid_bpmn"
    assert any("“Giải quyết văn bản” không có luồng nào dẫn tới" in p for p in err.value.problems)


def test_boundary_events_event_subprocesses_and_subprocess_contents_are_reached(db_session):
    xml = diagram(
        '<bpmn:startEvent id="start"/>',
        task("handle", "Xử lý"),
        f'<bpmn:boundaryEvent id="remind" attachedToRef="handle" cancelActivity="false">{TIMER}</bpmn:boundaryEvent>',
        task("follow_up", "Đôn đốc"),
        '<bpmn:endEvent id="end_reminder"/>',
        '<bpmn:subProcess id="review" name="Xem xét">',
        '  <bpmn:startEvent id="review_start"/>',
        task("review_step", "Xem xét nội dung"),
        '  <bpmn:endEvent id="review_end"/>',
        flow("review_start", "review_step"),
        flow("review_step", "review_end"),
        "</bpmn:subProcess>",
        '<bpmn:endEvent id="end"/>',
        '<bpmn:subProcess id="on_timeout" name="Khi quá hạn" triggeredByEvent="true">',
        f'  <bpmn:startEvent id="timeout_start" isInterrupting="false">{TIMER}</bpmn:startEvent>',
        task("escalate", "Báo cáo lãnh đạo"),
        '  <bpmn:endEvent id="timeout_end"/>',
        flow("timeout_start", "escalate"),
        flow("escalate", "timeout_end"),
        "</bpmn:subProcess>",
        flow("start", "handle"),
        flow("handle", "review"),
        flow("review", "end"),
        flow("remind", "follow_up"),
        flow("follow_up", "end_reminder"),
    )
    assert problems_of(xml) == []
    [version] = deploy(None, xml, "reach.bpmn", forms={"reach/simple": form("reach/simple")})
    assert version.process_id == "reach"


def test_a_step_inside_a_subprocess_is_checked_from_the_subprocess_start():
    xml = diagram(
        '<bpmn:startEvent id="start"/>',
        '<bpmn:subProcess id="review" name="Xem xét">',
        '  <bpmn:startEvent id="review_start"/>',
        task("review_step", "Xem xét nội dung"),
        task("orphan", "Ghi chú"),
        '  <bpmn:endEvent id="review_end"/>',
        flow("review_start", "review_step"),
        flow("review_step", "review_end"),
        flow("orphan", "review_end"),
        "</bpmn:subProcess>",
        '<bpmn:endEvent id="end"/>',
        flow("start", "review"),
        flow("review", "end"),
    )
    assert [p.split(":")[1] for p in problems_of(xml)] == ["orphan"]


# service_case names an operation its own tests register (test_service_timers deploys it there).
@pytest.mark.parametrize("path", sorted(set(DATA.glob("*.bpmn")) - {DATA / "service_case.bpmn"}), ids=lambda p: p.stem)
def test_every_test_process_still_validates(app, path):
    lookup = lambda key: load_form_file(key, DATA / "forms")  # noqa: E731
    assert [str(p) for p in validate_bpmn(path.read_bytes(), path.name, lookup)] == []
