"""Deploy-time checks of a BPMN file: one line per problem, `FILE:ELEMENT_ID: message` (design.md §4).

Run by `qlvb processes validate FILE…`, by every deploy (API, CLI, designer) and by the sync of processes/.
Invalid BPMN never deploys.
"""

from collections.abc import Callable
from dataclasses import dataclass

from lxml import etree

from app.org.models import ROLE_LABELS, Role
from app.workflow.forms import form_key_for, form_problems
from app.workflow.registry import known_operations
from app.workflow.scripting import ScriptRejected, check_script

NS = {
    "bpmn": "http://www.omg.org/spec/BPMN/20100524/MODEL",
    "spiffworkflow": "http://spiffworkflow.org/bpmn/schema/1.0/core",
    "xsi": "http://www.w3.org/2001/XMLSchema-instance",
}
ROLE_BY_NAME = {r.value: r for r in Role} | {label.lower(): role for role, label in ROLE_LABELS.items()}
EXPRESSION_PROPERTIES = ("assignee", "unit", "due", "due_by")


@dataclass(frozen=True)
class Problem:
    file: str
    element: str
    message: str

    def __str__(self) -> str:
        return f"{self.file}:{self.element}: {self.message}"


def role_for_lane(name: str | None) -> Role | None:
    """Lanes are roles: a lane is named by the role key (`lanh_dao`) or its Vietnamese label."""
    return ROLE_BY_NAME.get((name or "").strip().lower())


def sla_problem(value: str, property_name: str = "sla") -> str | None:
    """A duration (PT2H, P3D, next-working-day…) or the name of a rule the agency sets (intake, urgent…)."""
    from app.sla.rules import bpmn_spec_problem

    return bpmn_spec_problem(value, property_name=property_name)


def validate_bpmn(xml: str | bytes, filename: str, form_lookup: Callable[[str], dict | None]) -> list[Problem]:
    """Return every problem of a BPMN file, in document order per check; an empty list means it may deploy.

    Our own checks run first and list every fault in Vietnamese; SpiffWorkflow's parser, which stops at the
    first fault, runs only on a file that passes them.
    """
    problems: list[Problem] = []

    def add(element, message: str) -> None:
        element_id = element if isinstance(element, str) else (element.get("id") or etree.QName(element).localname)
        problems.append(Problem(filename, element_id, message))

    try:
        root = etree.fromstring(xml.encode() if isinstance(xml, str) else xml)
    except etree.XMLSyntaxError as exc:
        add(f"line {exc.lineno}", f"XML không hợp lệ: {exc.msg}")
        return problems
    _check_ids(root, add)
    processes = root.xpath("//bpmn:process[@isExecutable='true']", namespaces=NS)
    if not processes:
        add("definitions", 'không có quy trình nào đánh dấu thực thi được (isExecutable="true")')
        return problems

    operations = known_operations()
    for process in processes:
        _check_process(process, form_lookup, operations, add)
    if not problems:
        _check_with_engine(xml, filename, add)
    return problems


def _check_ids(root, add) -> None:
    """Every element needs its own id, and no id may shadow a service task operation."""
    seen: dict[str, int] = {}
    for element in root.iter(f"{{{NS['bpmn']}}}*"):
        if element_id := element.get("id"):
            seen[element_id] = seen.get(element_id, 0) + 1
    for element_id, count in seen.items():
        if count > 1:
            add(element_id, f"mã “{element_id}” được dùng cho {count} phần tử; mỗi phần tử cần một mã riêng")
    for operator in root.iterfind(".//spiffworkflow:serviceTaskOperator", NS):
        # SpiffWorkflow finds flow targets by any `id` attribute: a task named like an operation breaks the flow.
        if operator.get("id") in seen:
            add(
                operator.getparent().getparent(),
                f"mã phần tử trùng tên thao tác “{operator.get('id')}”; hãy đặt mã khác cho bước này",
            )


def _check_process(process, form_lookup, operations, add) -> None:
    """Check one executable process, one element kind after another (the order problems are reported in)."""
    process_id = process.get("id")
    for lane in process.xpath(".//bpmn:lane", namespaces=NS):
        roles = ", ".join(r.value for r in Role)
        if not (lane.get("name") or "").strip():  # the modeler's role left unchosen: no name to quote
            add(lane, f"làn chưa được gán vai trò (tên làn phải là một vai trò: {roles})")
        elif role_for_lane(lane.get("name")) is None:
            add(lane, f"làn “{lane.get('name')}” không phải là một vai trò ({roles})")
    for task in process.xpath(".//bpmn:userTask | .//bpmn:manualTask", namespaces=NS):
        _check_user_task(task, process_id, form_lookup, add)
    for task in process.xpath(".//bpmn:serviceTask", namespaces=NS):
        _check_service_task(task, operations, add)
    _check_expressions(process, add)
    _check_reachable(process, add)


def _check_service_task(task, operations, add) -> None:
    """A service task names a registered operation; its parameters are expressions evaluated at run time."""
    operator = task.find("bpmn:extensionElements/spiffworkflow:serviceTaskOperator", NS)
    if operator is None:
        add(task, "bước tự động chưa chọn thao tác (serviceTaskOperator)")
    elif operator.get("id") not in operations:
        add(task, f"thao tác “{operator.get('id')}” không có trong danh mục thao tác")
    else:
        for param in operator.iterfind(".//spiffworkflow:parameter", NS):
            _check_code(task, param.get("value") or "", "eval", f"tham số “{param.get('id')}”", add)


def _check_expressions(process, add) -> None:
    """Scripts, pre/post scripts, flow conditions and timers go through the same sandbox check as at run time."""
    for script in process.xpath(".//bpmn:scriptTask/bpmn:script", namespaces=NS):
        _check_code(script.getparent(), script.text or "", "exec", "kịch bản", add)
    for tag in ("preScript", "postScript"):
        for script in process.xpath(f".//spiffworkflow:{tag}", namespaces=NS):
            _check_code(script.getparent().getparent(), script.text or "", "exec", tag, add)
    for condition in process.xpath(".//bpmn:sequenceFlow/bpmn:conditionExpression", namespaces=NS):
        _check_code(condition.getparent(), condition.text or "", "eval", "điều kiện", add)
    for timer in process.xpath(".//bpmn:timerEventDefinition/*", namespaces=NS):
        _check_code(timer.getparent().getparent(), timer.text or "", "eval", "biểu thức hẹn giờ", add)


def _check_with_engine(xml: str | bytes, filename: str, add) -> None:
    """Let SpiffWorkflow's own structural checks (missing targets, bad gateways…) have the last word."""
    try:
        from app.workflow.engine import parse_bpmn

        parse_bpmn(xml, filename)
    except Exception as exc:  # any parser error is a problem of the file, reported, never raised
        node = getattr(exc, "id", None) or getattr(exc, "sourceline", None) or "definitions"
        add(str(node), f"BPMN không hợp lệ: {getattr(exc, 'message', None) or exc}")


# The flow nodes of BPMN 2.0 (what sequence flows connect), by kind.
ACTIVITIES = {"task", "userTask", "manualTask", "serviceTask", "scriptTask", "sendTask", "receiveTask"}
ACTIVITIES |= {"businessRuleTask", "callActivity", "subProcess", "transaction", "adHocSubProcess"}
GATEWAYS = {"exclusiveGateway", "parallelGateway", "inclusiveGateway", "eventBasedGateway", "complexGateway"}
EVENTS = {"startEvent", "endEvent", "intermediateCatchEvent", "intermediateThrowEvent", "boundaryEvent"}
FLOW_NODES = frozenset(ACTIVITIES | GATEWAYS | EVENTS)


def _local(element) -> str:
    return etree.QName(element).localname


def _check_reachable(process, add) -> None:
    """Every flow node is reached from a start event by sequence flows: SpiffWorkflow deploys an unreachable step
    without a word, and it then never runs (a flow deleted by mistake in the modeler).

    Roots are the start events of the process and of every subprocess (a subprocess's contents are checked from its
    own start) and the event subprocesses, which no flow enters but an event starts; a boundary event is
    reached with its activity, a link catch event from a link throw of the same name, a compensation handler by
    association. A container without a start event and an ad-hoc subprocess's free-standing steps are left to the
    engine's own checks.
    """
    nodes = {n.get("id"): n for n in process.iter(f"{{{NS['bpmn']}}}*") if _local(n) in FLOW_NODES and n.get("id")}
    edges: dict[str, set[str]] = {node_id: set() for node_id in nodes}
    entered: set[str] = set()
    for flow in process.iterfind(".//bpmn:sequenceFlow", NS):
        if flow.get("sourceRef") in edges and flow.get("targetRef") in nodes:
            edges[flow.get("sourceRef")].add(flow.get("targetRef"))
            entered.add(flow.get("targetRef"))
    links: dict[tuple, list[str]] = {}
    for node_id, node in nodes.items():
        if _local(node) == "boundaryEvent" and node.get("attachedToRef") in edges:
            edges[node.get("attachedToRef")].add(node_id)
        for link in node.iterfind("bpmn:linkEventDefinition", NS):
            links.setdefault((node.getparent(), link.get("name"), _local(node)), []).append(node_id)
    for (container, name, kind), throws in links.items():
        for throw in throws if kind == "intermediateThrowEvent" else ():
            edges[throw].update(links.get((container, name, "intermediateCatchEvent"), ()))

    roots = [
        node_id
        for node_id, node in nodes.items()
        if _local(node) == "startEvent" or "true" in (node.get("triggeredByEvent"), node.get("isForCompensation"))
    ]
    reached, todo = set(roots), list(roots)
    while todo:
        for target in edges[todo.pop()] - reached:
            reached.add(target)
            todo.append(target)
    for node_id, node in nodes.items():
        container = node.getparent()
        if node_id in reached or _local(container) == "adHocSubProcess":
            continue
        if container.find("bpmn:startEvent", NS) is None:
            continue
        name = " ".join((node.get("name") or node_id).split())
        if node_id in entered:
            add(
                node,
                f"không có đường nào từ sự kiện bắt đầu dẫn tới bước “{name}”: quy trình sẽ không bao giờ đến bước này",
            )
        else:
            add(node, f"bước “{name}” không có luồng nào dẫn tới: quy trình sẽ không bao giờ đến bước này")


def element_properties(element) -> dict[str, str]:
    """An element's spiffworkflow properties (name → value): what designers tune (form, sla, escalate_to…)."""
    return {
        prop.get("name"): prop.get("value") or ""
        for prop in element.iterfind("bpmn:extensionElements/spiffworkflow:properties/spiffworkflow:property", NS)
    }


def _check_user_task(task, process_id: str, form_lookup, add) -> None:
    props = element_properties(task)
    form = props.get("form")
    if not form:
        add(task, "công việc chưa gắn biểu mẫu (thuộc tính “form”)")
    else:
        definition = form_lookup(form_key_for(process_id, form))
        if definition is None:
            add(task, f"không tìm thấy biểu mẫu “{form_key_for(process_id, form)}”")
        else:
            for message in form_problems(definition):
                add(task, f"biểu mẫu “{form}”: {message}")
    for name in ("sla", "urgent_sla"):
        if props.get(name) and (problem := sla_problem(props[name], name)):
            add(task, f"thời hạn “{name}={props[name]}” không hợp lệ: {problem}")
    if props.get("escalate_to") and role_for_lane(props["escalate_to"]) is None:
        add(task, f"“escalate_to={props['escalate_to']}” không phải là một vai trò")
    for name in EXPRESSION_PROPERTIES:
        if props.get(name):
            _check_code(task, props[name], "eval", f"thuộc tính “{name}”", add)


def _check_code(element, source: str, mode: str, what: str, add) -> None:
    if not source.strip():
        add(element, f"{what} để trống")
        return
    try:
        check_script(source.strip() if mode == "eval" else source, mode)
    except SyntaxError as exc:
        add(element, f"{what} có lỗi cú pháp: {exc.msg} (dòng {exc.lineno})")
    except ScriptRejected as exc:
        add(element, f"{what} bị từ chối: {exc}")
